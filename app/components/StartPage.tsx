// The start page: the examples shipped in public/examples, each with a short description.
import { useEffect, useRef, useState } from 'react';
import { openExample } from '../notebook/open-notebook';
import { useWick } from '../store';

export interface ExampleEntry {
  id: string;
  title: string;
  description: string;
  file: string;
}

type Listing = { state: 'loading' } | { state: 'ready'; examples: ExampleEntry[] } | { state: 'failed'; reason: string };

export function StartPage() {
  const open = useWick((s) => s.startPageOpen);
  const dialog = useRef<HTMLDialogElement>(null);
  const [listing, setListing] = useState<Listing>({ state: 'loading' });

  useEffect(() => {
    if (!open) return;
    dialog.current?.showModal();
    let live = true;
    fetch('examples/index.json')
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((examples: ExampleEntry[]) => live && setListing({ state: 'ready', examples }))
      .catch((error: unknown) => live && setListing({ state: 'failed', reason: error instanceof Error ? error.message : String(error) }));
    return () => {
      live = false;
    };
  }, [open]);

  if (!open) return null;
  const close = () => {
    dialog.current?.close();
    useWick.getState().setStartPageOpen(false);
  };
  return (
    <dialog ref={dialog} className="start-page" aria-labelledby="start-page-title" onClose={close} data-testid="start-page">
      <header>
        <h2 id="start-page-title">Examples</h2>
        <button type="button" className="icon" aria-label="Close examples" onClick={close}>
          ✕
        </button>
      </header>
      <p>Each opens as a notebook of its own; the one you have now is kept. Nothing runs until you press Run all.</p>
      {listing.state === 'loading' && <p>Loading the examples…</p>}
      {listing.state === 'failed' && <p role="alert">Could not load the examples: {listing.reason}</p>}
      {listing.state === 'ready' && (
        <ul className="example-list">
          {listing.examples.map((example) => (
            <li key={example.id} data-testid="example">
              <h3>{example.title}</h3>
              <p>{example.description}</p>
              <button type="button" aria-label={`Open ${example.title}`} onClick={() => void openExample(example.file, example.title)}>
                Open
              </button>
            </li>
          ))}
        </ul>
      )}
    </dialog>
  );
}

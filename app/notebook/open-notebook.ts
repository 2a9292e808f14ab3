// Replacing the notebook on the page: from a file, a share link, a URL or the autosave.
import { kernelSession } from '../kernel/kernel-session';
import { useWick } from '../store';
import { decodeShareLink } from './share-link';
import { loadSaved } from './autosave';
import { fromIpynb } from './ipynb';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shows a notebook document with a fresh kernel and no outputs; nothing runs until the user asks. */
export function showNotebook(name: string, json: unknown): void {
  const { cells, metadata } = fromIpynb(json);
  const state = useWick.getState();
  state.replaceNotebook(name, cells, metadata);
  state.clearRuntime();
  state.select(cells[0]?.id ?? null);
  if (state.kernel.status !== 'starting') kernelSession.restart(null);
}

export async function openFile(file: File): Promise<void> {
  try {
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not valid JSON.`);
    }
    showNotebook(file.name, json);
    useWick.getState().setNotice(null);
  } catch (error) {
    useWick.getState().setNotice(`Could not open ${file.name}: ${describe(error)}`);
  }
}

function nameFromUrl(url: string): string {
  const last = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() ?? '');
  return last.endsWith('.ipynb') ? last : 'Untitled.ipynb';
}

/** What the page opens with: a share link, then `?open=<url>`, then the autosaved notebook. */
export async function openInitialNotebook(): Promise<void> {
  const state = useWick.getState();
  try {
    const shared = await decodeShareLink(location.hash);
    if (shared) return showNotebook('Shared.ipynb', shared);
    const url = new URLSearchParams(location.search).get('open');
    if (url) {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return showNotebook(nameFromUrl(url), await response.json());
    }
  } catch (error) {
    state.setNotice(`Could not open the notebook: ${describe(error)}`);
  }
  const saved = await loadSaved();
  if (saved && saved.cells.length > 0) {
    state.replaceNotebook(saved.name, saved.cells, saved.metadata);
    state.restoreRuntime(saved.runtime);
  }
}

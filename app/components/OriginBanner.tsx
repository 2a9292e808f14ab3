// Says where a notebook from elsewhere came from, that nothing in it has run, that edits are the
// user's own copy, and offers the way back (to the original, or to the notebook it replaced).
import { restorePrevious, revertToOriginal } from '../notebook/open-notebook';
import { useWick } from '../store';

const FROM: Record<string, string> = { link: 'Opened from', file: 'Opened from', url: 'Opened from', example: 'Opened' };

export function OriginBanner() {
  const origin = useWick((s) => s.origin);
  if (!origin) return null;
  return (
    <section className="notice origin" aria-label="Where this notebook came from" data-testid="origin-banner">
      <p>
        {FROM[origin.kind]} <strong>{origin.label}</strong>. Nothing in it has run: read it first, then run the cells you trust. Your edits are your own copy,
        saved in this browser.
      </p>
      <div className="origin-actions">
        <button type="button" onClick={revertToOriginal}>
          Revert to original
        </button>
        {origin.previousKept && (
          <button type="button" onClick={() => void restorePrevious()}>
            Back to my previous notebook
          </button>
        )}
        <button type="button" className="icon" aria-label="Dismiss origin note" onClick={() => useWick.getState().setOrigin(null)}>
          ✕
        </button>
      </div>
    </section>
  );
}

import { exportNotebook } from '../commands/notebook-commands';
import { keepMine, loadOtherTabsVersion } from '../notebook/autosave';
import { MAX_LINK_LENGTH } from '../notebook/share-link';
import { useWick } from '../store';

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export function Notice() {
  const notice = useWick((s) => s.notice);
  const shareLink = useWick((s) => s.shareLink);
  const shareTooBig = useWick((s) => s.shareTooBig);
  const otherTabs = useWick((s) => s.otherTabs);
  const tabConflict = useWick((s) => s.tabConflict);
  const { setNotice, setShareLink, setShareTooBig } = useWick.getState();
  return (
    <>
      {tabConflict !== null && (
        <div className="notice tabs" role="alert" data-testid="tab-conflict">
          <span>Another tab saved newer changes to this notebook, so this tab did not save over them: your latest edits here are not saved yet.</span>
          <button type="button" onClick={() => void loadOtherTabsVersion()}>
            Load the other tab's version
          </button>
          <button type="button" onClick={() => void keepMine()}>
            Keep mine (overwrite)
          </button>
        </div>
      )}
      {otherTabs > 0 && (
        <div className="notice tabs" role="status" data-testid="tab-notice">
          <span>
            This notebook is also open in {otherTabs === 1 ? 'another tab' : `${otherTabs} other tabs`}. Changes here and there would overwrite each other: Wick
            asks before saving over the other tab's newer changes.
          </span>
        </div>
      )}
      {notice !== null && (
        <div className="notice" role="status">
          <span>{notice}</span>
          <button type="button" className="icon" aria-label="Dismiss notice" onClick={() => setNotice(null)}>
            ✕
          </button>
        </div>
      )}
      {shareLink !== null && (
        <div className="notice share" role="status">
          <span>Share link, {shareLink.length.toLocaleString('en')} characters (copied to the clipboard; opening it runs nothing):</span>
          <input readOnly value={shareLink} aria-label="Share link" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="icon" aria-label="Dismiss share link" onClick={() => setShareLink(null)}>
            ✕
          </button>
        </div>
      )}
      {shareTooBig !== null && (
        <div className="notice share" role="status">
          <span>
            This notebook is too big to share as a link: it would take {kb(shareTooBig)} of URL, and links stop working past about {kb(MAX_LINK_LENGTH)}. Share
            the notebook file instead.
          </span>
          <button type="button" onClick={exportNotebook}>
            Download .ipynb
          </button>
          <button type="button" className="icon" aria-label="Dismiss share message" onClick={() => setShareTooBig(null)}>
            ✕
          </button>
        </div>
      )}
    </>
  );
}

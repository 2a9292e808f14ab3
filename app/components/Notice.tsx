import { useWick } from '../store';

export function Notice() {
  const notice = useWick((s) => s.notice);
  const shareLink = useWick((s) => s.shareLink);
  const { setNotice, setShareLink } = useWick.getState();
  return (
    <>
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
          <span>Share link (copied to the clipboard; opening it runs nothing):</span>
          <input readOnly value={shareLink} aria-label="Share link" onFocus={(e) => e.currentTarget.select()} />
          <button type="button" className="icon" aria-label="Dismiss share link" onClick={() => setShareLink(null)}>
            ✕
          </button>
        </div>
      )}
    </>
  );
}

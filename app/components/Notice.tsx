import { useWick } from '../store';

export function Notice() {
  const notice = useWick((s) => s.notice);
  const setNotice = useWick((s) => s.setNotice);
  if (notice === null) return null;
  return (
    <div className="notice" role="status">
      <span>{notice}</span>
      <button type="button" className="icon" aria-label="Dismiss notice" onClick={() => setNotice(null)}>
        ✕
      </button>
    </div>
  );
}

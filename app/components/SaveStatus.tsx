import { useWick } from '../store';

const WORDS = { saved: 'Saved', unsaved: 'Unsaved changes', saving: 'Saving…', failed: 'Autosave failed' } as const;

/** Whether the autosave has the latest edits. */
export function SaveStatus() {
  const state = useWick((s) => s.saveState);
  return (
    <span className={`save-status ${state}`} data-testid="save-status" role="status">
      {WORDS[state]}
    </span>
  );
}

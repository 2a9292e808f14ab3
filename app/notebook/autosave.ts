// Autosave: the notebook (and what its cells last showed) goes to IndexedDB shortly after each
// change, and comes back on the next visit.
import { get, set } from 'idb-keyval';
import { useWick, type AuthoredCell, type CellRuntime } from '../store';

const KEY = 'wick:autosave:v1';
/** A change is saved this long after it (with whatever else changed meanwhile): well within a second. */
const DELAY_MS = 300;

export interface SavedNotebook {
  name: string;
  metadata: Record<string, unknown>;
  cells: AuthoredCell[];
  runtime: Record<string, CellRuntime>;
  savedAt: number;
}

export function loadSaved(): Promise<SavedNotebook | undefined> {
  return get<SavedNotebook>(KEY).catch(() => undefined);
}

/** Where the notebook that a link, file or example replaced is kept, so opening one loses nothing. */
const PREVIOUS_KEY = 'wick:previous:v1';

function snapshot(): SavedNotebook {
  const { notebookName, notebookMetadata, cells, runtime } = useWick.getState();
  return { name: notebookName, metadata: notebookMetadata, cells, runtime: settledRuntime(runtime, cells), savedAt: Date.now() };
}

/** Keeps the notebook on the page (when it has any content) before another replaces it. */
export async function keepPrevious(): Promise<boolean> {
  const now = snapshot();
  if (!now.cells.some((c) => c.source.trim() !== '')) return false;
  try {
    await set(PREVIOUS_KEY, now);
    return true;
  } catch {
    return false;
  }
}

export function loadPrevious(): Promise<SavedNotebook | undefined> {
  return get<SavedNotebook>(PREVIOUS_KEY).catch(() => undefined);
}

/** Outputs worth keeping: those of finished runs (a running cell's are still coming). */
function settledRuntime(runtime: Record<string, CellRuntime>, cells: AuthoredCell[]): Record<string, CellRuntime> {
  const kept: Record<string, CellRuntime> = {};
  for (const { id } of cells) {
    const cell = runtime[id];
    if (cell && (cell.status === 'done' || cell.status === 'error' || cell.status === 'idle')) kept[id] = cell;
  }
  return kept;
}

export async function saveNow(): Promise<void> {
  const { setSaveState } = useWick.getState();
  setSaveState('saving');
  try {
    await set(KEY, snapshot());
    setSaveState('saved');
  } catch {
    setSaveState('failed');
  }
}

/** Saves after every change to the notebook or its outputs. Returns a function that stops it. */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = useWick.subscribe((now, before) => {
    const authored = now.cells !== before.cells || now.notebookName !== before.notebookName || now.notebookMetadata !== before.notebookMetadata;
    // Outputs are saved once the kernel settles, not on every live update while a cell runs.
    const settled = now.runtime !== before.runtime ? now.kernel.status !== 'busy' : now.kernel.status !== before.kernel.status && now.kernel.status === 'idle';
    const changed = authored || settled;
    if (!changed) return;
    if (now.saveState !== 'unsaved') now.setSaveState('unsaved');
    if (timer !== null) return; // a save is due already, and it will read the latest state
    timer = setTimeout(() => {
      timer = null;
      void saveNow();
    }, DELAY_MS);
  });
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
  };
}

// Autosave: the notebook (and what its cells last showed) goes to IndexedDB shortly after each
// change, and comes back on the next visit. Authored changes are saved whether or not the kernel
// is busy (it runs in a Worker; a crash or a reload mid-run loses no edits). Tabs of this browser
// share the one autosave: tab-sync tells each about the others, and a save never writes over a
// newer save of another tab; the user chooses instead (loadOtherTabsVersion / keepMine).
import { get, set, update } from 'idb-keyval';
import { useWick, type AuthoredCell, type CellRuntime } from '../store';
import { decideSave, TabSync, type SaveDecision } from './tab-sync';

const KEY = 'wick:autosave:v1';
/** A change is saved this long after it (with whatever else changed meanwhile): well within a second. */
const DELAY_MS = 300;

export interface SavedNotebook {
  name: string;
  metadata: Record<string, unknown>;
  cells: AuthoredCell[];
  runtime: Record<string, CellRuntime>;
  savedAt: number;
  /** The tab that saved it, and the save's revision (absent in saves from before tabs were told apart). */
  tabId?: string;
  revision?: number;
}

/** This tab on the channel named after the autosave key. */
const tabs = new TabSync(KEY, { others: (count) => useWick.getState().setOtherTabs(count) });
/** The revision this tab last loaded or saved (null until known). */
let known: number | null = null;
/** Set while this tab puts another tab's save on the page: that is not an edit to save. */
let applyingSaved = false;
/**
 * Changes seen so far. A save that finishes after a newer change leaves the state 'unsaved' (the
 * newer change has its own save coming): saying 'Saved' then let a reload in between lose it.
 */
let changes = 0;

/** The autosaved notebook; what this tab's next save may write over. */
export async function loadSaved(): Promise<SavedNotebook | undefined> {
  const saved = await get<SavedNotebook>(KEY).catch(() => undefined);
  known = saved?.revision ?? 0;
  return saved;
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
  const { setSaveState, setTabConflict } = useWick.getState();
  setSaveState('saving');
  const changesSaved = changes;
  try {
    if (known === null) await loadKnown();
    const now = { ...snapshot(), tabId: tabs.tabId };
    let decision = { write: true, revision: 0 } as SaveDecision;
    // One transaction: no other tab can save between the check and the write.
    await update<SavedNotebook>(KEY, (stored) => {
      decision = decideSave(stored, tabs.tabId, known ?? 0);
      return decision.write ? { ...now, revision: decision.revision } : stored!;
    });
    if (!decision.write) {
      setTabConflict({ revision: decision.other.revision });
      setSaveState('unsaved');
      return;
    }
    known = decision.revision;
    tabs.announceSave(decision.revision);
    setTabConflict(null);
    setSaveState(changes === changesSaved ? 'saved' : 'unsaved');
  } catch {
    setSaveState('failed');
  }
}

/** What is stored now, for a tab that opened a link or file instead of the autosave. */
async function loadKnown(): Promise<void> {
  const stored = await get<SavedNotebook>(KEY).catch(() => undefined);
  known ??= stored?.revision ?? 0;
}

/** After a conflict: shows the other tab's save here (this tab's unsaved edits are dropped; the kernel is kept). */
export async function loadOtherTabsVersion(): Promise<void> {
  const saved = await loadSaved();
  const state = useWick.getState();
  state.setTabConflict(null);
  if (!saved) return;
  applyingSaved = true;
  try {
    state.replaceNotebook(saved.name, saved.cells, saved.metadata);
    state.restoreRuntime(saved.runtime);
  } finally {
    applyingSaved = false;
  }
  state.setSaveState('saved');
}

/** After a conflict: saves this tab's notebook over the other tab's. */
export async function keepMine(): Promise<void> {
  const stored = await get<SavedNotebook>(KEY).catch(() => undefined);
  known = Math.max(known ?? 0, stored?.revision ?? 0);
  useWick.getState().setTabConflict(null);
  await saveNow();
}

/** Saves after every change to the notebook or its outputs. Returns a function that stops it. */
export function startAutosave(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  if (known === null) void loadKnown();
  tabs.start();
  const unsubscribe = useWick.subscribe((now, before) => {
    if (applyingSaved) return;
    const authored = now.cells !== before.cells || now.notebookName !== before.notebookName || now.notebookMetadata !== before.notebookMetadata;
    // Outputs are saved once the kernel settles, not on every live update while a cell runs.
    const settled = now.runtime !== before.runtime ? now.kernel.status !== 'busy' : now.kernel.status !== before.kernel.status && now.kernel.status === 'idle';
    const changed = authored || settled;
    if (!changed) return;
    changes++;
    if (now.saveState !== 'unsaved') now.setSaveState('unsaved');
    if (timer !== null) return; // a save is due already, and it will read the latest state
    timer = setTimeout(() => {
      timer = null;
      void saveNow();
    }, DELAY_MS);
  });
  // Leaving the page: a save still due goes now (best effort), and the other tabs hear this one go.
  const onHide = () => {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
      void saveNow();
    }
    tabs.stop();
  };
  const onShow = (event: PageTransitionEvent) => {
    if (event.persisted) tabs.start();
  };
  addEventListener('pagehide', onHide);
  addEventListener('pageshow', onShow);
  return () => {
    unsubscribe();
    if (timer !== null) clearTimeout(timer);
    removeEventListener('pagehide', onHide);
    removeEventListener('pageshow', onShow);
    tabs.stop();
  };
}

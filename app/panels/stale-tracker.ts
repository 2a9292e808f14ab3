// Marks cells stale: when a code cell that later cells depend on (cell-dependencies.ts) is re-run, or
// edited after it ran, the later cells that ran with its old names are marked, saying which cell
// changed and through which names. Running a stale cell clears its mark; a new kernel clears all.
import { dependentsOf, usedNames, type AnalyzedCell } from '../notebook/cell-dependencies';
import { useWick, type AuthoredCell, type WickState } from '../store';
import { usePanels, type StaleMark } from './panels-store';

type Compile = (source: string, url: string) => { declared: string[] };

/** Edits are looked at once typing pauses this long. */
const EDIT_DELAY_MS = 300;
const CACHE_LIMIT = 500;

/** The kernel's compiler, loaded with the editor's chunk rather than the page's first one. */
let compiler: Promise<Compile> | null = null;
const loadCompiler = () => (compiler ??= import('../../workers/cell-compiler').then((module) => module.compileCell));

const cache = new Map<string, { declared: string[]; used: Set<string> }>();

function analyzeSource(compile: Compile, source: string): { declared: string[]; used: Set<string> } {
  const cached = cache.get(source);
  if (cached) return cached;
  let declared: string[] = [];
  try {
    declared = compile(source, 'stale.ts').declared;
  } catch {
    // A syntax error: the cell declares nothing until it parses again (as in the editor's types).
  }
  const result = { declared, used: usedNames(source) };
  if (cache.size > CACHE_LIMIT) cache.clear();
  cache.set(source, result);
  return result;
}

export function startStaleTracker(): () => void {
  /** Each code cell's source when it last started running in this kernel. */
  const ran = new Map<string, string>();
  /** The source an edit was last reported for, so a pause in typing reports an edit once. */
  const reported = new Map<string, string>();
  let chain: Promise<unknown> = Promise.resolve();
  let editTimer: ReturnType<typeof setTimeout> | null = null;
  const later = (work: (compile: Compile) => void) => {
    chain = chain.then(loadCompiler).then(work, () => undefined);
  };

  /** Whether a code cell after `id` has run: else nothing can be stale, and nothing needs analysing (or loading). */
  const ranAfter = (id: string) => {
    const { cells, runtime } = useWick.getState();
    const at = cells.findIndex((c) => c.id === id);
    return cells.slice(at + 1).some((c) => c.type === 'code' && (runtime[c.id]?.status === 'done' || runtime[c.id]?.status === 'error'));
  };

  /** Marks the cells after `changed` that depend on it (and ran before) stale. */
  const markDependents = (compile: Compile, changed: AuthoredCell, how: StaleMark['how'], oldSource: string | undefined) => {
    const { cells, runtime } = useWick.getState();
    const code = cells.filter((c) => c.type === 'code');
    const analyzed: AnalyzedCell[] = code.map((c) => ({ id: c.id, ...analyzeSource(compile, c.source) }));
    const declared = new Set(analyzeSource(compile, changed.source).declared);
    if (oldSource !== undefined) for (const name of analyzeSource(compile, oldSource).declared) declared.add(name);
    const cellNumber = cells.findIndex((c) => c.id === changed.id) + 1;
    const marks: Record<string, StaleMark> = {};
    for (const { id, names } of dependentsOf(analyzed, changed.id, [...declared])) {
      const status = runtime[id]?.status;
      if (status === 'done' || status === 'error') marks[id] = { cellNumber, how, names };
    }
    usePanels.getState().setStale(marks);
  };

  const onStarted = (id: string) => {
    const cell = useWick.getState().cells.find((c) => c.id === id);
    if (!cell) return;
    const before = ran.get(id);
    ran.set(id, cell.source);
    reported.delete(id);
    usePanels.getState().setStale({ [id]: null });
    if (ranAfter(id)) later((compile) => markDependents(compile, cell, 're-run', before));
  };

  const onEdited = () => {
    editTimer = null;
    const { cells } = useWick.getState();
    for (const cell of cells) {
      const source = ran.get(cell.id);
      if (cell.type !== 'code' || source === undefined || source === cell.source || reported.get(cell.id) === cell.source) continue;
      reported.set(cell.id, cell.source);
      if (ranAfter(cell.id)) later((compile) => markDependents(compile, cell, 'edited', source));
    }
  };

  const onChange = (now: WickState, before: WickState) => {
    if (now.kernel.status === 'starting' && before.kernel.status !== 'starting') {
      // A new kernel: nothing in it ran with anyone's old names.
      ran.clear();
      reported.clear();
      usePanels.setState({ stale: {} });
    }
    if (now.runtime !== before.runtime) {
      for (const [id, run] of Object.entries(now.runtime)) if (run.status === 'running' && before.runtime[id]?.status !== 'running') onStarted(id);
    }
    if (now.cells !== before.cells && ran.size > 0) {
      if (editTimer !== null) clearTimeout(editTimer);
      editTimer = setTimeout(onEdited, EDIT_DELAY_MS);
    }
  };

  const unsubscribe = useWick.subscribe(onChange);
  return () => {
    unsubscribe();
    if (editTimer !== null) clearTimeout(editTimer);
  };
}

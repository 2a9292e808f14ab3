// What earlier cells declared, for the TypeScript service, as the kernel sees it: cell k sees the
// top-level names of the code cells before it, the latest declaration of a name winning.
//
// Cells are modules (moduleDetection: force), so they share nothing by themselves. For each code
// cell j a hidden "probe" model holds its source between an import of what cells before it left in
// scope and an export of what it leaves:
//
//     import { a, b } from './probe-1';      // earlier names that cell 2 does not redeclare
//     <source of code cell 2>
//     export { a, b, c };                    // what cells 0..2 leave in scope
//
// and one extra lib turns the probe before the focused cell into globals, with their types
// inferred by TypeScript itself (`const c: typeof scope.c`). The names a cell declares are those
// the kernel's compiler puts in the scope (workers/cell-compiler.ts), plus interfaces and types.
import type * as Monaco from 'monaco-editor';
import { CELL_BUILTIN_NAMES } from '../../workers/cell-builtins';
import { compileCell } from '../../workers/cell-compiler';
import { useWick, type AuthoredCell } from '../store';
import type { ProbedCell } from './cell-diagnostics';
import { modelUri } from './model-uri';

const DIR = 'file:///wick/scope';
const SCOPE_LIB = `${DIR}/cell-scope.d.ts`;
/** Names the kernel provides; a cell that redeclares one shadows it only inside itself here. */
const BUILTINS = new Set<string>(CELL_BUILTIN_NAMES);
const DELAY_MS = 150;

interface Declared {
  values: string[];
  types: string[];
}

const declaredCache = new Map<string, Declared>();

/** The top-level names a cell's source declares (none while it does not parse). */
function declaredBy(source: string): Declared {
  const cached = declaredCache.get(source);
  if (cached) return cached;
  let values: string[] = [];
  try {
    values = compileCell(source, 'scope.ts').declared;
  } catch {
    // A syntax error: the cell declares nothing until it parses again.
  }
  const types = [...source.matchAll(/^(?:export\s+)?(?:declare\s+)?(?:interface|type)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
  const declared = { values: values.filter((n) => !BUILTINS.has(n)), types: types.filter((n) => !BUILTINS.has(n)) };
  if (declaredCache.size > 500) declaredCache.clear();
  declaredCache.set(source, declared);
  return declared;
}

function probeUri(index: number): string {
  return `${DIR}/probe-${index}.ts`;
}

function probeText(index: number, source: string, before: Set<string>, visible: Set<string>): string {
  const mine = declaredBy(source);
  const redeclared = new Set([...mine.values, ...mine.types]);
  const imported = [...before].filter((n) => !redeclared.has(n));
  const head = index > 0 && imported.length ? `import { ${imported.join(', ')} } from './probe-${index - 1}';\n` : '\n';
  const tail = visible.size ? `\nexport { ${[...visible].join(', ')} };\n` : '\nexport {};\n';
  return head + source + tail;
}

/** The globals of the focused cell: what the probe before it exports. */
function scopeLibText(probeIndex: number, code: AuthoredCell[]): string {
  if (probeIndex < 0) return 'export {};\n';
  const values = new Set<string>();
  const types = new Set<string>();
  for (const cell of code.slice(0, probeIndex + 1)) {
    const { values: v, types: t } = declaredBy(cell.source);
    for (const n of v) {
      values.add(n);
      types.delete(n);
    }
    for (const n of t) {
      types.add(n);
      values.delete(n);
    }
  }
  const lines = [
    ...[...values].flatMap((n) => [`  const ${n}: typeof scope.${n};`, `  type ${n} = scope.${n};`]),
    ...[...types].map((n) => `  type ${n} = scope.${n};`),
  ];
  return `import type * as scope from './probe-${probeIndex}';\ndeclare global {\n${lines.join('\n')}\n}\n`;
}

/** Keeps the probes and the focused cell's globals up to date; `onProbes` hears of the code cells whose probes changed (from index `from` on). */
export function startCellScopeTypes(monaco: typeof Monaco, onProbes: (cells: ProbedCell[], from: number) => void = () => {}): void {
  const { typescriptDefaults } = monaco.typescript;
  const probes: Monaco.editor.ITextModel[] = [];
  let scopeLib = '';
  let timer: ReturnType<typeof setTimeout> | null = null;

  const update = () => {
    timer = null;
    const { cells, selectedId } = useWick.getState();
    const code = cells.filter((c) => c.type === 'code');
    const visible = new Set<string>();
    let changedFrom = code.length;
    code.forEach((cell, index) => {
      const before = new Set(visible);
      for (const name of [...declaredBy(cell.source).values, ...declaredBy(cell.source).types]) visible.add(name);
      const text = probeText(index, cell.source, before, visible);
      const uri = monaco.Uri.parse(probeUri(index));
      const model = probes[index] ?? monaco.editor.getModel(uri) ?? monaco.editor.createModel(text, 'typescript', uri);
      probes[index] = model;
      if (model.getValue() !== text) {
        model.setValue(text);
        changedFrom = Math.min(changedFrom, index);
      }
    });
    for (const extra of probes.splice(code.length)) extra.dispose();
    const probed = code.map((cell, index) => ({
      cellUri: monaco.Uri.parse(modelUri(cell.id, 'typescript')).toString(),
      probeUri: probeUri(index),
      source: cell.source,
    }));
    onProbes(probed, changedFrom);

    // The focused cell sees the probes before it; a markdown cell or no selection sees them all.
    const selected = cells.findIndex((c) => c.id === selectedId);
    const focused = selected >= 0 && cells[selected].type === 'code' ? code.indexOf(cells[selected]) : code.length;
    const text = scopeLibText(focused - 1, code);
    if (text !== scopeLib) {
      scopeLib = text;
      typescriptDefaults.addExtraLib(text, SCOPE_LIB);
    }
  };

  update();
  // Warm the TypeScript worker up (libs, engine types, probes) before the first completion asks.
  const first = monaco.Uri.parse(probeUri(0));
  if (monaco.editor.getModel(first)) {
    void monaco.typescript
      .getTypeScriptWorker()
      .then((get) => get(first))
      .then((worker) => worker.getCompletionsAtPosition(first.toString(), 0))
      .catch(() => undefined);
  }

  const schedule = () => {
    if (timer === null) timer = setTimeout(update, DELAY_MS);
  };
  useWick.subscribe((now, before) => {
    if (now.cells !== before.cells || now.selectedId !== before.selectedId) schedule();
  });
}

// What the cell editor's member completions leave out: members every function or object has
// (`bind`, `call`, `caller`, `apply`, `arguments`, `toString` from lib.es5's Function and Object
// interfaces: a module is callable, so TypeScript offers them on `net.`) and internal members
// (`_`-prefixed) unless the word typed so far starts with `_`. A member a class declares itself
// (nn.Module's own `apply(fn)`, Tensor's `toString()`) stays. Runs in the TypeScript worker
// (ts.worker.ts), on TypeScript's own answer; uses only the language service it is given.
import type * as ts from 'typescript';

/** The lib interfaces whose members are noise on a value. */
const NOISE_INTERFACES = new Set(['Function', 'CallableFunction', 'NewableFunction', 'Object']);
/** Names those interfaces declare (only entries with one of these names are looked up). */
export const NOISE_NAMES = new Set([
  'apply',
  'arguments',
  'bind',
  'call',
  'caller',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'length',
  'name',
  'propertyIsEnumerable',
  'prototype',
  'toLocaleString',
  'toString',
  'valueOf',
]);

/** Whether `symbol` is declared only by a default lib's Function or Object interface. */
function isLibNoise(program: ts.Program, symbol: ts.Symbol | undefined): boolean {
  const declarations = symbol?.declarations ?? [];
  if (declarations.length === 0) return false;
  return declarations.every((d) => {
    const parentName = (d.parent as { name?: { text?: string } } | undefined)?.name?.text;
    return program.isSourceFileDefaultLibrary(d.getSourceFile()) && parentName !== undefined && NOISE_INTERFACES.has(parentName);
  });
}

/** The identifier being typed just before `position`. */
function typedWord(text: string, position: number): string {
  return /[A-Za-z_$][\w$]*$/.exec(text.slice(Math.max(0, position - 200), position))?.[0] ?? '';
}

/** `info` without Function/Object members nor `_` internals, for member completions (`x.|`); others unchanged. */
export function filterMemberCompletions(
  service: ts.LanguageService,
  fileName: string,
  position: number,
  info: ts.CompletionInfo | undefined,
): ts.CompletionInfo | undefined {
  if (!info || !info.isMemberCompletion) return info;
  const program = service.getProgram();
  const text = program?.getSourceFile(fileName)?.text ?? '';
  const keepInternal = typedWord(text, position).startsWith('_');
  const entries = info.entries.filter((entry) => {
    if (!keepInternal && entry.name.startsWith('_')) return false;
    if (!program || !NOISE_NAMES.has(entry.name)) return true;
    return !isLibNoise(program, service.getCompletionEntrySymbol(fileName, position, entry.name, entry.source));
  });
  return entries.length === info.entries.length ? info : { ...info, entries };
}

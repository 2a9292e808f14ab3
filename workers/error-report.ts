// An error as the user should see it: its message, the line and column in the cell where it
// happened, and the frames of its stack that are in cells, mapped from compiled code back to what
// the user wrote. Frames inside the engine or the kernel are left out.
import type { CompiledCell } from './cell-compiler';
import { CellSyntaxError } from './cell-compiler';
import { inspect } from './inspect';
import type { Position } from './position-map';
import { runtimeHint, withHint } from './pytorch-hints';
import type { OutputBundle } from './protocol';

/** A cell compiled earlier, so frames in functions it defined can be mapped too. */
export interface KnownCell {
  compiled: CompiledCell;
  /** How the stack names it: `In [3]`. */
  label: string;
}

export interface CellFrame extends Position {
  fn: string | null;
  sourceUrl: string;
  /** The frame's line in `stack.split('\n')`. */
  index: number;
}

/** Frames of a stack that are in compiled cells (`//# sourceURL=` names), top first. V8 and Firefox formats. */
export function cellFrames(stack: string, isCell: (url: string) => boolean): CellFrame[] {
  const frames: CellFrame[] = [];
  stack.split('\n').forEach((line, index) => {
    const match = /([\w.-]+\.ts):(\d+):(\d+)\)?\s*$/.exec(line);
    if (!match || !isCell(match[1])) return;
    const name = /^\s*at (?:async )?(.+?) \(/.exec(line)?.[1] ?? /^([^@\s]*)@/.exec(line)?.[1] ?? null;
    frames.push({ fn: cleanName(name), sourceUrl: match[1], line: Number(match[2]), column: Number(match[3]), index });
  });
  return frames;
}

/** The error bundle for `error`, thrown while the cell compiled to `current` ran. */
export function errorReport(error: unknown, current: CompiledCell | null, known: (url: string) => KnownCell | undefined): OutputBundle {
  if (!(error instanceof Error)) return { type: 'error', name: 'Error', message: `Uncaught ${inspect(error)}`, line: null, column: null };
  if (error instanceof CellSyntaxError) return { type: 'error', name: error.name, message: error.message, line: error.line, column: error.column };
  const stack: string[] = [];
  let here: Position | null = null;
  for (const frame of cellFrames(error.stack ?? '', (url) => known(url) !== undefined)) {
    const cell = known(frame.sourceUrl)!;
    const at = cell.compiled.cellPosition(frame);
    if (!at) continue;
    const isCurrent = cell.compiled === current;
    if (isCurrent && here === null) here = at;
    const where = `${isCurrent ? '' : `${cell.label}, `}line ${at.line}, column ${at.column}`;
    stack.push(frame.fn ? `at ${frame.fn} (${where})` : `at ${where}`);
  }
  // A PyTorch habit that does not carry over (torch.no_grad, x.long(), x[0]) says what to write instead.
  const message = error instanceof TypeError ? withHint(error.message, runtimeHint(error.message)) : error.message;
  return { type: 'error', name: error.name, message, line: here?.line ?? null, column: here?.column ?? null, stack };
}

/** Where in the cells a stack was taken: "line 4" in the running cell, "In [3], line 4" in another. */
export function cellLocation(
  stack: string,
  current: CompiledCell | null,
  known: (url: string) => KnownCell | undefined,
): { location: string; index: number } | null {
  for (const frame of cellFrames(stack, (url) => known(url) !== undefined)) {
    const cell = known(frame.sourceUrl)!;
    const at = cell.compiled.cellPosition(frame);
    if (at) return { location: cell.compiled === current ? `line ${at.line}` : `${cell.label}, line ${at.line}`, index: frame.index };
  }
  return null;
}

/** Names V8 gives the code Wick wraps a cell in are no help to the user. */
function cleanName(name: string | null): string | null {
  const plain = name?.replace(/ \[as [^\]]*\]$/, '').replace(/^Object\./, '') ?? '';
  return plain === '' || plain === 'eval' || plain.endsWith('.eval') || plain.includes('<anonymous>') ? null : plain;
}

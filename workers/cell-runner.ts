// Runs compiled cells against a scope that persists across cells.
import type { CompiledCell } from './cell-compiler';

export type CellScope = Record<string, unknown>;

/** A scope whose names fall back to `builtins` (which a cell may shadow by declaring the name). */
export function createScope(builtins: Record<string, unknown>): CellScope {
  return Object.create(Object.assign(Object.create(null), builtins)) as CellScope;
}

/** A guard that never interrupts, for running cells outside a kernel. */
export const NO_GUARD = (): boolean => true;
/** The wait a false guard leads to where the loop can await (see loop-guards.ts). */
export const NO_WAIT = (): Promise<void> => Promise.resolve();

/**
 * Runs a compiled cell and resolves to the value of its last expression statement. `guard` is
 * called in every loop iteration: it returns true, false when the loop should `await wait()`
 * before going on (where it can), or throws to stop the cell.
 */
export async function runCompiledCell(
  cell: CompiledCell,
  scope: CellScope,
  guard: () => boolean = NO_GUARD,
  wait: () => Promise<void> = NO_WAIT,
): Promise<unknown> {
  for (const name of cell.declared) if (!Object.hasOwn(scope, name)) scope[name] = undefined;
  // Indirect eval gives global, non-strict code: the only place `with (scope)` is allowed.
  const run = (0, eval)(cell.code) as (scope: CellScope, guard: () => boolean, wait: () => Promise<void>) => Promise<unknown>;
  return run(scope, guard, wait);
}

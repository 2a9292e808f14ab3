// Runs compiled cells against a scope that persists across cells.
import { CellSyntaxError, type CompiledCell } from './cell-compiler';

export type CellScope = Record<string, unknown>;

/** A scope whose names fall back to `builtins` (which a cell may shadow by declaring the name). */
export function createScope(builtins: Record<string, unknown>): CellScope {
  return Object.create(Object.assign(Object.create(null), builtins)) as CellScope;
}

/** Runs a compiled cell and resolves to the value of its last expression statement. */
export async function runCompiledCell(cell: CompiledCell, scope: CellScope): Promise<unknown> {
  for (const name of cell.declared) if (!Object.hasOwn(scope, name)) scope[name] = undefined;
  // Indirect eval gives global, non-strict code: the only place `with (scope)` is allowed.
  const run = (0, eval)(cell.code) as (scope: CellScope) => Promise<unknown>;
  return run(scope);
}

/** The line of the cell (named by `sourceUrl` when compiled) where `error` happened, if known. */
export function errorLine(error: unknown, sourceUrl: string): number | null {
  if (error instanceof CellSyntaxError) return error.line;
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const escaped = sourceUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}:(\\d+):\\d+`).exec(stack);
  return match ? Number(match[1]) : null;
}

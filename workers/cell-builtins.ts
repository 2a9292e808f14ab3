// The names a cell has in scope before it declares any, and their types for the editor: the one
// list the kernel's scope (kernel.ts), the cell compiler's messages, the editor's cell-scope types
// (app/editor/cell-scope-types.ts) and the generated declarations (scripts/engine-dts.mjs) follow.
// The script runs under plain Node and loads this file through TypeScript's transpiler, so it
// imports types only.
import type { PlotOptions } from './plot-bundle';
import type { Progress } from './progress';

/** Where a built-in comes from, which says how the editor's declarations type it. */
export type BuiltinKind = 'engine value' | 'engine namespace' | 'engine class' | 'cell helper' | 'console';

/** Every name in a fresh cell scope, in the order messages list them. */
export const CELL_BUILTINS = {
  torch: 'engine value',
  nn: 'engine namespace',
  F: 'engine namespace',
  optim: 'engine namespace',
  Tensor: 'engine class',
  Registry: 'engine class',
  loadDigits: 'engine value',
  loadNames: 'engine value',
  files: 'engine value',
  display: 'cell helper',
  plot: 'cell helper',
  progress: 'cell helper',
  // The cell's own console (its output goes below the cell); typed by the DOM lib as the page's.
  console: 'console',
} as const satisfies Record<string, BuiltinKind>;

export type CellBuiltin = keyof typeof CELL_BUILTINS;

export const CELL_BUILTIN_NAMES = Object.keys(CELL_BUILTINS) as CellBuiltin[];

/** The types of the cell runtime's own helpers (workers/), as the kernel implements them. */
export type CellHelpers = {
  display: (...values: unknown[]) => void;
  plot: (y: number[] | Record<string, number[]>, options?: PlotOptions) => void;
  progress: Progress;
};

/** Their declarations for the editor, which has no workers/ module to read them from: same signatures as `CellHelpers`. */
export const CELL_HELPER_DECLARATIONS = `
    /** Shows each value below the cell: tensors, modules, arrays of numbers (a line chart), plain values. Displaying the same array again updates its chart. */
    function display(...values: unknown[]): void;
    /**
     * Draws \`y\` (an array of numbers, or an object of named arrays: one series each, with a legend) below the cell.
     * \`x\`: one x per value, numbers or category labels (default 0, 1, 2, …); \`mark\`: 'line' (default), 'scatter' or 'bar',
     * or \`marks\` per series name; axis labels, a title, log scales. Plotting the same \`y\` again redraws its chart.
     */
    function plot(
      y: number[] | Record<string, number[]>,
      options?: {
        x?: readonly number[] | readonly string[];
        mark?: 'line' | 'scatter' | 'bar';
        marks?: Record<string, 'line' | 'scatter' | 'bar'>;
        title?: string;
        xLabel?: string;
        yLabel?: string;
        logX?: boolean;
        logY?: boolean;
      },
    ): void;
    /**
     * Iterates \`items\` (or 0 … n-1; \`for await\` over an async iterable) and shows a live progress bar below the cell.
     * \`options.total\` is the number of items, when the iterable cannot tell (it has no \`length\` or \`size\`).
     */
    function progress(n: number, options?: { label?: string; total?: number }): Iterable<number>;
    function progress<T>(items: Iterable<T>, options?: { label?: string; total?: number }): Iterable<T>;
    function progress<T>(items: AsyncIterable<T>, options?: { label?: string; total?: number }): AsyncIterable<T>;`;

/** `a, b and c`, for messages. */
export function namesInProse(names: readonly string[]): string {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * The editor's global declarations of a cell's scope: the engine's names typed from its generated
 * module `wick/engine/index` (whose exports are `engineExports`), then the helpers.
 */
export function cellScopeDeclarations(engineExports: ReadonlySet<string>): string {
  const lines: string[] = [];
  for (const name of CELL_BUILTIN_NAMES) {
    const kind: BuiltinKind = CELL_BUILTINS[name];
    if (!kind.startsWith('engine')) continue;
    if (!engineExports.has(name)) throw new Error(`workers/cell-builtins.ts lists ${name} as an engine export, but engine/index.ts does not export it`);
    if (kind === 'engine value') lines.push(`    const ${name}: typeof engine.${name};`);
    else if (kind === 'engine namespace') lines.push(`    export import ${name} = engine.${name};`);
    else lines.push(`    type ${name} = engine.${name};`, `    const ${name}: typeof engine.${name};`);
  }
  return `declare module 'wick/cell-scope' {\n  import * as engine from 'wick/engine/index';\n  global {\n${lines.join('\n')}${CELL_HELPER_DECLARATIONS}\n  }\n}\n`;
}

// The one list of a cell's built-ins against what uses it: the kernel's real scope, the compiler's
// message, the editor's declarations, and the helpers' declared types against their real ones.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as engine from '../engine';
import { CELL_BUILTINS, CELL_BUILTIN_NAMES, CELL_HELPER_DECLARATIONS, cellScopeDeclarations } from './cell-builtins';
import { compileCell } from './cell-compiler';
import { Kernel } from './kernel';

const ENGINE_EXPORTS = new Set(Object.keys(engine));

describe('a cell’s built-ins', () => {
  it('are the names in a fresh kernel scope, no more and no fewer', () => {
    const kernel = new Kernel({ post: () => undefined });
    expect(Object.keys(Object.getPrototypeOf(kernel.scope) as object).sort()).toEqual([...CELL_BUILTIN_NAMES].sort());
  });

  it('are named by the compiler when a cell tries to import', () => {
    expect(() => compileCell('import x from "y"', 'cell.ts')).toThrow(
      'import and export are not available in a cell: torch, nn, F, optim, Tensor, Registry, loadDigits, loadNames, files, display, plot and progress are already in scope',
    );
  });

  it('are each declared for the editor, typed from the engine where they come from it', () => {
    const text = cellScopeDeclarations(ENGINE_EXPORTS);
    for (const name of CELL_BUILTIN_NAMES) {
      const kind = CELL_BUILTINS[name];
      if (kind === 'console') continue; // the DOM lib's
      const declared =
        kind === 'cell helper'
          ? `function ${name}(`
          : kind === 'engine namespace'
            ? `export import ${name} = engine.${name};`
            : `const ${name}: typeof engine.${name};`;
      expect(text, name).toContain(declared);
      if (kind.startsWith('engine')) expect(ENGINE_EXPORTS, name).toContain(name);
    }
    expect(() => cellScopeDeclarations(new Set([...ENGINE_EXPORTS].filter((n) => n !== 'loadDigits')))).toThrow(
      /lists loadDigits as an engine export, but engine\/index\.ts does not export it/,
    );
  });
});

const WORKERS = dirname(fileURLToPath(import.meta.url));

/** TypeScript's errors in a file beside cell-builtins.ts that declares the helpers as the editor does and uses them. */
function typeErrors(helperDeclarations: string): string[] {
  const file = join(WORKERS, 'cell-helpers-check.ts');
  const text = `import type { CellHelpers } from './cell-builtins';
declare global {${helperDeclarations}
}
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const displayAlike: Same<typeof display, CellHelpers['display']> = true;
export const plotAlike: Same<typeof plot, CellHelpers['plot']> = true;
export const progressAlike: Same<typeof progress, CellHelpers['progress']> = true;
// The forms workers/progress.ts documents.
display(1, 'two', [3]);
plot({ train: [1, 0.5], test: [1.2, 0.7] }, { x: [0, 5], xLabel: 'step', logY: true, marks: { test: 'scatter' } });
plot([0.9, 0.8], { x: ['0', '1'], mark: 'bar', title: 'accuracy' });
for (const step of progress(200, { label: 'steps' })) step.toFixed();
for (const batch of progress([[1, 2]], { label: 'epoch 1' })) batch.push(3);
export async function rows(source: AsyncIterable<string>): Promise<void> {
  for await (const row of progress(source, { total: 10 })) row.toUpperCase();
}
`;
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
    types: ['@webgpu/types'],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) =>
    name === file ? ts.createSourceFile(name, text, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? text : readFile.call(host, name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the editor’s declarations of the cell helpers', () => {
  it('have the types the kernel implements, and accept every form of progress()', () => {
    expect(typeErrors(CELL_HELPER_DECLARATIONS)).toEqual([]);
  }, 60_000);

  it('would fail this test if they drifted (progress without its options and async form)', () => {
    const drifted =
      CELL_HELPER_DECLARATIONS.split('\n')
        .filter((line) => !line.includes('function progress'))
        .join('\n') + '\n    function progress(n: number): Iterable<number>;\n    function progress<T>(items: Iterable<T>): Iterable<T>;';
    const errors = typeErrors(drifted);
    expect(errors).toContain("Type 'true' is not assignable to type 'false'."); // progressAlike
    expect(errors).toContain('Expected 1 arguments, but got 2.'); // the options
  }, 60_000);
});

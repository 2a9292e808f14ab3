#!/usr/bin/env node
// Generates the engine's type declarations for the notebook's IntelliSense, from engine/ itself:
// the TypeScript compiler emits a .d.ts per engine module (declarations only), and this script
// bundles them into one ambient file, `.generated/engine-types.d.ts` (git-ignored), of
// `declare module 'wick/engine/…'` blocks plus the globals a cell sees (API.md §2). The Monaco
// setup loads that file; nothing in it is written by hand except the cell-only helpers at the end
// (workers/cell-builtins.ts).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENGINE = join(ROOT, 'engine');
const ENTRY = join(ENGINE, 'index.ts');
export const OUTPUT = join(ROOT, '.generated', 'engine-types.d.ts');

/**
 * The names in a cell's scope and the helpers' declarations come from workers/cell-builtins.ts
 * (type imports only), loaded through TypeScript's transpiler: this script runs under plain Node.
 */
async function loadCellBuiltins() {
  const source = readFileSync(join(ROOT, 'workers', 'cell-builtins.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
  return import(`data:text/javascript;base64,${Buffer.from(outputText).toString('base64')}`);
}

const { cellScopeDeclarations } = await loadCellBuiltins();

function emitDeclarations() {
  const options = {
    declaration: true,
    emitDeclarationOnly: true,
    noEmit: false,
    skipLibCheck: true,
    // Engine state marked @internal (autograd bookkeeping a cell never touches) stays out of completions.
    stripInternal: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['@webgpu/types'],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.webworker.importscripts.d.ts'],
    outDir: join(ROOT, '.generated', 'engine-dts'),
    rootDir: ENGINE,
  };
  const program = ts.createProgram([ENTRY], options);
  const files = new Map();
  const result = program.emit(undefined, (fileName, text) => files.set(resolve(fileName), text), undefined, true);
  const errors = result.diagnostics.filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) {
    const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => '\n' };
    throw new Error(ts.formatDiagnostics(errors, host));
  }
  const exported = program.getTypeChecker().getExportsOfModule(program.getTypeChecker().getSymbolAtLocation(program.getSourceFile(ENTRY)));
  return { files, outDir: options.outDir, exports: new Set(exported.map((s) => s.name)) };
}

/** `engine/core/dtype` for the declaration of engine/core/dtype.ts. */
function moduleName(outDir, file) {
  return `wick/engine/${relative(outDir, file)
    .split('\\')
    .join('/')
    .replace(/\.d\.ts$/, '')}`;
}

/** Points a relative specifier inside `from` (a module name) at the module it means. */
function resolveSpecifier(from, specifier, known) {
  const target = posix.normalize(posix.join(posix.dirname(from), specifier)).replace(/\.(js|ts)$/, '');
  if (known.has(target)) return target;
  if (known.has(`${target}/index`)) return `${target}/index`;
  return target;
}

function toAmbientModule(name, text, known) {
  const body = text
    .replace(
      /(from\s+|import\s*\(\s*)(['"])(\.{1,2}(?:\/[^'"]*)?)\2/g,
      (_m, lead, quote, spec) => `${lead}${quote}${resolveSpecifier(name, spec, known)}${quote}`,
    )
    // stripInternal skips members of inferred object types (the `torch` object's): drop a one-line
    // member whose one-line doc comment says @internal.
    .replace(/^[ \t]*\/\*\*[^\n]*@internal[^\n]*\*\/\n[ \t]*[\w$]+\??:[^\n]*;\n/gm, '')
    // Inside `declare module` everything is ambient already.
    .replace(/^(export\s+)?declare\s+/gm, '$1')
    .replace(/^\/\/# sourceMappingURL=.*$/gm, '')
    .trim();
  const indented = body
    .split('\n')
    .map((line) => (line ? `  ${line}` : line))
    .join('\n');
  return `declare module '${name}' {\n${indented}\n}\n`;
}

/** Empty interfaces for the WebGPU types the engine's internals name: they merge with a lib that has them. */
function webgpuStubs(modules) {
  const names = new Set(modules.flatMap((m) => m.text.match(/\bGPU[A-Za-z]*\b/g) ?? []));
  return (
    [...names]
      .sort()
      .map((name) => `interface ${name} {}\n`)
      .join('') + '\n'
  );
}

export function generateEngineTypes() {
  const { files, outDir, exports } = emitDeclarations();
  const modules = [...files].filter(([file]) => file.endsWith('.d.ts')).map(([file, text]) => ({ name: moduleName(outDir, file), text }));
  modules.sort((a, b) => a.name.localeCompare(b.name));
  const known = new Set(modules.map((m) => m.name));
  const header = '// Generated by scripts/engine-dts.mjs from engine/: do not edit.\n';
  const text = header + webgpuStubs(modules) + modules.map((m) => toAmbientModule(m.name, m.text, known)).join('\n') + '\n' + cellScopeDeclarations(exports);
  mkdirSync(dirname(OUTPUT), { recursive: true });
  writeFileSync(OUTPUT, text);
  return { file: OUTPUT, modules: modules.length, bytes: text.length };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const { file, modules, bytes } = generateEngineTypes();
  const shown = existsSync(file) ? relative(ROOT, file) : file;
  console.log(`engine types: ${modules} modules, ${(bytes / 1024).toFixed(0)} KiB -> ${shown} (${Date.now() - started} ms)`);
}

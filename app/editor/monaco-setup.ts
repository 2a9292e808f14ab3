// Monaco, bundled locally: its editor and TypeScript workers come from this build, not a CDN.
// The TypeScript service knows the engine's types (generated from engine/ at build time by
// scripts/engine-dts.mjs) and, through cell-scope-types.ts, what earlier cells declared.
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from './ts.worker?worker';
import { startCellDiagnostics } from './cell-diagnostics';
import { startCellScopeTypes } from './cell-scope-types';

self.MonacoEnvironment = {
  getWorker: (_workerId, label) => (label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker()),
};

const { typescriptDefaults, ScriptTarget, ModuleKind, ModuleResolutionKind } = monaco.typescript;
typescriptDefaults.setCompilerOptions({
  target: ScriptTarget.ESNext,
  module: ModuleKind.ESNext,
  moduleResolution: ModuleResolutionKind.NodeJs,
  // Every cell is its own module, so cells never see each other's text; what earlier cells
  // declared reaches a cell as globals (cell-scope-types.ts), as the kernel's scope does.
  moduleDetection: 3, // ts.ModuleDetectionKind.Force
  strict: true,
  allowNonTsExtensions: true,
});
// Monaco would check every cell against the focused cell's scope: it reports syntax errors only,
// and cell-diagnostics.ts checks the types of each cell in its own scope (and judges "unused"
// across cells).
typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSuggestionDiagnostics: true });
// Probe models and imports between them need every model in the TypeScript worker.
typescriptDefaults.setEagerModelSync(true);

// The generated file is absent when the generator has not run (e.g. plain `vite`): then there are no engine types.
const generated = import.meta.glob<string>('../../.generated/engine-types.d.ts', { query: '?raw', import: 'default', eager: true });
for (const text of Object.values(generated)) typescriptDefaults.addExtraLib(text, 'file:///wick/engine-types.d.ts');

startCellScopeTypes(monaco, startCellDiagnostics(monaco));

export { monaco };

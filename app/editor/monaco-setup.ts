// Monaco, bundled locally: its editor and TypeScript workers come from this build, not a CDN.
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker';

self.MonacoEnvironment = {
  getWorker: (_workerId, label) =>
    label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker(),
};

const { typescriptDefaults, ScriptTarget, ModuleKind } = monaco.typescript;
typescriptDefaults.setCompilerOptions({
  target: ScriptTarget.ES2020,
  module: ModuleKind.ESNext,
  strict: true,
  allowNonTsExtensions: true,
});
// Each cell is its own model, but cells share one scope that the checker cannot see yet:
// report syntax errors only, until the engine's types and the cells' scope are fed to it.
typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true });

export { monaco };

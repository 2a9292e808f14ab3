// Monaco is large: load it once, on first use, so the notebook shows before the editor is ready.
import type * as Monaco from 'monaco-editor';

let loading: Promise<typeof Monaco> | null = null;

export function loadMonaco(): Promise<typeof Monaco> {
  loading ??= import('./monaco-setup').then((module) => module.monaco);
  return loading;
}

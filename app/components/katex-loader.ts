// KaTeX is large; it loads on first use (a markdown cell with math), with its CSS and fonts.
import { useSyncExternalStore } from 'react';

type Katex = typeof import('katex').default;

let katex: Katex | null = null;
let loading: Promise<void> | null = null;
const listeners = new Set<() => void>();

export function loadedKatex(): Katex | null {
  return katex;
}

export function loadKatex(): Promise<void> {
  loading ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([module]) => {
    katex = module.default;
    for (const listener of listeners) listener();
  });
  return loading;
}

/** True once KaTeX has loaded; re-renders the caller then. */
export function useKatexLoaded(): boolean {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => katex !== null,
  );
}

// Light and dark: CSS variables keyed on <html data-theme>, Monaco's matching theme, and the choice kept.
import { monacoLoaded } from './editor/load-monaco';
import type { Theme } from './store/ui-slice';

const KEY = 'wick:theme';

export function savedTheme(): Theme | null {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : null;
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(KEY, theme);
  void monacoLoaded().then((monaco) => {
    // Monaco's own themes, with the editor's background matching the cells'.
    monaco.editor.defineTheme('wick-light', { base: 'vs', inherit: true, rules: [], colors: { 'editor.background': '#ffffff' } });
    monaco.editor.defineTheme('wick-dark', {
      base: 'vs-dark',
      inherit: true,
      rules: [],
      colors: { 'editor.background': '#171c22', 'editorGutter.background': '#171c22' },
    });
    monaco.editor.setTheme(theme === 'dark' ? 'wick-dark' : 'wick-light');
  });
}

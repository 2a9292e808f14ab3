// Light and dark: CSS variables keyed on <html data-theme>, Monaco's matching theme, and the choice kept.
import { loadMonaco } from './editor/load-monaco';
import type { Theme } from './store/ui-slice';

const KEY = 'wick:theme';

export function savedTheme(): Theme | null {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : null;
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  localStorage.setItem(KEY, theme);
  void loadMonaco().then((monaco) => monaco.editor.setTheme(theme === 'dark' ? 'vs-dark' : 'vs'));
}

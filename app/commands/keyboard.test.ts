import { describe, expect, it } from 'vitest';
import { normalizeKey } from './keyboard';
import { commandForKey } from './registry';

const key = (key: string, mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {}) =>
  normalizeKey({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods });

describe('keys', () => {
  it('normalizes modifiers (Ctrl and Cmd alike) and letters', () => {
    expect(key('a')).toBe('A');
    expect(key('Enter', { shiftKey: true })).toBe('Shift+Enter');
    expect(key('s', { metaKey: true })).toBe('Mod+S');
    expect(key('s', { ctrlKey: true })).toBe('Mod+S');
    expect(key('ArrowUp', { ctrlKey: true, shiftKey: true })).toBe('Mod+Shift+ArrowUp');
  });

  it("binds Jupyter's command-mode keys", () => {
    const bound: Record<string, string> = {
      'Shift+Enter': 'run-cell-and-select-next',
      'Mod+Enter': 'run-cell',
      'Alt+Enter': 'run-cell-and-insert-below',
      Enter: 'edit-cell',
      A: 'insert-cell-above',
      B: 'insert-cell-below',
      'D D': 'delete-cell',
      M: 'to-markdown',
      Y: 'to-code',
      Z: 'undo-delete-cell',
      ArrowUp: 'select-previous',
      ArrowDown: 'select-next',
      K: 'select-previous',
      J: 'select-next',
      'Mod+S': 'save',
      'Mod+I': 'interrupt',
    };
    for (const [k, id] of Object.entries(bound)) expect(commandForKey(k, 'command')?.id, k).toBe(id);
  });

  it('binds the edit-mode keys in the editor', () => {
    for (const [k, id] of Object.entries({
      'Shift+Enter': 'run-cell-and-select-next',
      'Mod+Enter': 'run-cell',
      'Alt+Enter': 'run-cell-and-insert-below',
      Escape: 'command-mode',
      'Mod+S': 'save',
    })) {
      expect(commandForKey(k, 'edit')?.id, k).toBe(id);
    }
    expect(commandForKey('A', 'edit')).toBeUndefined();
  });
});

// Command mode's keys (Jupyter's): a key pressed while the focus is on the notebook but not in an
// editor or a control runs the command bound to it. Edit mode's keys are bound in the editor.
import { useWick } from '../store';
import { commandForKey } from './registry';

/** Two presses of a key within this time make a double key such as `D D`. */
const DOUBLE_PRESS_MS = 800;

/** `Mod+Shift+ArrowUp`, `A`, `Enter`: modifiers in a fixed order, Ctrl or Cmd as Mod, letters upper case. */
export function normalizeKey(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>): string {
  const parts: string[] = [];
  if (event.ctrlKey || event.metaKey) parts.push('Mod');
  if (event.altKey) parts.push('Alt');
  if (event.shiftKey) parts.push('Shift');
  parts.push(event.key.length === 1 ? event.key.toUpperCase() : event.key);
  return parts.join('+');
}

/** Where keys belong to the element itself: text fields, editors, menus and (for Enter and Space) buttons. */
function ownsKeys(target: EventTarget | null, key: string): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest('input, textarea, select, [contenteditable="true"], .monaco-editor, [role="menu"], [role="dialog"]')) return true;
  return (key === 'Enter' || key === ' ') && target.closest('button, a, summary, [role="button"]') !== null;
}

let lastKey: { key: string; at: number } | null = null;

function onKeyDown(event: KeyboardEvent): void {
  if (event.defaultPrevented || event.isComposing) return;
  const key = normalizeKey(event);
  // Saving belongs to the notebook wherever the focus is: never the browser's "save page".
  if (key === 'Mod+S') event.preventDefault();
  if (ownsKeys(event.target, event.key) && key !== 'Mod+S') return;
  // When the key was pressed, not when the page got to it: a busy moment does not split a double key.
  const now = event.timeStamp;
  const double = lastKey && lastKey.key === key && now - lastKey.at < DOUBLE_PRESS_MS ? `${key} ${key}` : null;
  const found = (double && commandForKey(double, 'command')) || commandForKey(key, 'command');
  lastKey = found && double && found.commandKeys?.includes(double) ? null : { key, at: now };
  if (!found) return;
  if (found.isEnabled && !found.isEnabled(useWick.getState())) return;
  event.preventDefault();
  void found.run();
}

export function installCommandModeKeys(): () => void {
  document.addEventListener('keydown', onKeyDown);
  return () => document.removeEventListener('keydown', onKeyDown);
}

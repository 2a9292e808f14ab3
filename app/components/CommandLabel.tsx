// A command as the Commands menu and the palette list it: its label (a tick when it is on) and its keys.
import { keyLabel, keysOf, type Command } from '../commands/registry';
import type { WickState } from '../store';

export function CommandLabel({ command, state }: { command: Command; state: WickState }) {
  const keys = keysOf(command);
  return (
    <>
      <span>
        {command.label}
        {command.isChecked?.(state) ? ' ✓' : ''}
      </span>
      {keys.length > 0 && <kbd>{keys.map(keyLabel).join(' / ')}</kbd>}
    </>
  );
}

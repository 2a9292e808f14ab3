// A command is data: an id, the label that toolbar buttons and menus show (their accessible
// name), the keys that run it, and what it does. Toolbar, keyboard and menus all read the same list.
import type { WickState } from '../store';

export type CommandGroup = 'run' | 'kernel' | 'cell' | 'select' | 'notebook' | 'view';

export interface Command {
  id: string;
  label: string;
  group: CommandGroup;
  /** Keys in command mode, as shown to people: `A`, `D D` (press twice), `Shift+Enter`, `Mod+S` (Ctrl, or Cmd on a Mac). */
  commandKeys?: string[];
  /** Keys inside a cell's editor (edit mode). */
  editKeys?: string[];
  /** Left out of the commands menu (e.g. plain selection moves). */
  hidden?: boolean;
  run(): void | Promise<void>;
  isEnabled?(state: WickState): boolean;
  /** For on/off commands (the dark theme): whether it is on. */
  isChecked?(state: WickState): boolean;
}

// All commands, by id. Toolbar buttons, the keyboard and the commands menu look them up here.
import { CELL_COMMANDS } from './cell-commands';
import type { Command } from './command';
import { NOTEBOOK_COMMANDS } from './notebook-commands';
import { PANEL_COMMANDS } from './panel-commands';

export type { Command } from './command';

export const COMMANDS: readonly Command[] = [...NOTEBOOK_COMMANDS, ...CELL_COMMANDS, ...PANEL_COMMANDS];

const byId = new Map(COMMANDS.map((c) => [c.id, c]));

export function command(id: string): Command {
  const found = byId.get(id);
  if (!found) throw new Error(`Unknown command ${id}`);
  return found;
}

export function runCommand(id: string): void {
  void command(id).run();
}

/** The command bound to `key` (a normalized key, see keyboard.ts) in the given mode. */
export function commandForKey(key: string, mode: 'command' | 'edit'): Command | undefined {
  return COMMANDS.find((c) => (mode === 'command' ? c.commandKeys : c.editKeys)?.includes(key));
}

/** How a key is shown: `Mod` as Ctrl (Cmd on a Mac), arrows as arrows. */
export function keyLabel(key: string): string {
  const mac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);
  return key
    .replace('Mod', mac ? '⌘' : 'Ctrl')
    .replace('ArrowUp', '↑')
    .replace('ArrowDown', '↓');
}

/** A command's keys in both modes, each once, in the order declared. */
export function keysOf(c: Command): string[] {
  return [...(c.commandKeys ?? []), ...(c.editKeys ?? [])].filter((k, i, all) => all.indexOf(k) === i);
}

// Commands of the side panels, the command palette and collapsed outputs.
import { usePanels } from '../panels/panels-store';
import { useWick } from '../store';
import type { Command } from './command';

const panels = () => usePanels.getState();

/** The selected cell, or the first when none is. */
function current(): string | null {
  const { selectedId, cells } = useWick.getState();
  return selectedId !== null && cells.some((c) => c.id === selectedId) ? selectedId : (cells[0]?.id ?? null);
}

/** Code cells with outputs. */
function cellsWithOutputs(): string[] {
  const { cells, runtime } = useWick.getState();
  return cells.filter((c) => (runtime[c.id]?.outputs.length ?? 0) > 0).map((c) => c.id);
}

export const PANEL_COMMANDS: Command[] = [
  {
    id: 'command-palette',
    label: 'Command palette',
    group: 'view',
    commandKeys: ['Mod+Shift+P', 'F1'],
    editKeys: ['Mod+Shift+P'],
    run: () => panels().setPaletteOpen(true),
  },
  {
    id: 'toggle-variables',
    label: 'Variables',
    group: 'view',
    isChecked: () => panels().side === 'variables',
    run: () => panels().toggleSide('variables'),
  },
  {
    id: 'toggle-outline',
    label: 'Outline',
    group: 'view',
    isChecked: () => panels().side === 'outline',
    run: () => panels().toggleSide('outline'),
  },
  {
    id: 'toggle-files',
    label: 'Files',
    group: 'view',
    isChecked: () => panels().side === 'files',
    run: () => panels().toggleSide('files'),
  },
  {
    id: 'toggle-cell-output',
    label: 'Collapse or expand cell output',
    group: 'cell',
    commandKeys: ['O'],
    run: () => {
      const id = current();
      if (id !== null) panels().setCollapsed([id], !panels().collapsed[id]);
    },
  },
  { id: 'collapse-all-outputs', label: 'Collapse all outputs', group: 'view', run: () => panels().setCollapsed(cellsWithOutputs(), true) },
  { id: 'expand-all-outputs', label: 'Expand all outputs', group: 'view', run: () => panels().setCollapsed(Object.keys(panels().collapsed), false) },
];

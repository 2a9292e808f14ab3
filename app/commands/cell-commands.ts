// Commands on the selected cell: run, insert, delete and undo, move, change type, select.
import { kernelSession } from '../kernel/kernel-session';
import { useWick, type CellType } from '../store';
import type { Command } from './command';

const state = () => useWick.getState();

/** The selected cell's id, or the first cell's when none is selected. */
function current(): string | null {
  const { selectedId, cells } = state();
  return selectedId !== null && cells.some((c) => c.id === selectedId) ? selectedId : (cells[0]?.id ?? null);
}

function indexOf(id: string | null): number {
  return state().cells.findIndex((c) => c.id === id);
}

/** Runs a code cell, or renders a markdown cell. */
export function runCell(id: string): void {
  const cell = state().cells.find((c) => c.id === id);
  if (!cell) return;
  if (cell.type === 'markdown') state().setEditingMarkdown(id, false);
  else kernelSession.run([id]);
}

function insertCell(type: CellType, offset: 0 | 1, mode: 'command' | 'edit'): string {
  const index = indexOf(current());
  const id = state().insertCell(type, index < 0 ? state().cells.length : index + offset);
  state().setEditingMarkdown(id, true);
  state().enterMode(mode, id);
  return id;
}

export function addCell(type: CellType): void {
  insertCell(type, 1, 'edit');
}

export function deleteCell(id: string): void {
  const { cells, selectedId, deleteCell: remove, select } = state();
  const index = cells.findIndex((c) => c.id === id);
  remove(id);
  if (selectedId === id) {
    const rest = state().cells;
    select(rest[Math.min(index, rest.length - 1)]?.id ?? null, true);
  }
}

export function moveCell(id: string, delta: number): void {
  state().moveCell(id, delta);
  state().select(id, true);
}

function selectBy(delta: number): void {
  const { cells } = state();
  const index = indexOf(current());
  const next = cells[Math.max(0, Math.min(cells.length - 1, index + delta))];
  if (next) state().enterMode('command', next.id);
}

function withCurrent(run: (id: string) => void): () => void {
  return () => {
    const id = current();
    if (id !== null) run(id);
  };
}

function setType(type: CellType) {
  return withCurrent((id) => {
    state().setCellType(id, type);
    if (type === 'markdown') state().setEditingMarkdown(id, false);
    state().enterMode('command', id);
  });
}

export const CELL_COMMANDS: Command[] = [
  {
    id: 'run-cell-and-select-next',
    label: 'Run cell and select below',
    group: 'run',
    commandKeys: ['Shift+Enter'],
    editKeys: ['Shift+Enter'],
    run: withCurrent((id) => {
      runCell(id);
      const next = state().cells[indexOf(id) + 1];
      if (next) state().enterMode('command', next.id);
      else state().enterMode('edit', state().addCell('code', id));
    }),
  },
  {
    id: 'run-cell',
    label: 'Run cell',
    group: 'run',
    commandKeys: ['Mod+Enter'],
    editKeys: ['Mod+Enter'],
    run: withCurrent((id) => {
      runCell(id);
      state().enterMode('command', id);
    }),
  },
  {
    id: 'run-cell-and-insert-below',
    label: 'Run cell and insert below',
    group: 'run',
    commandKeys: ['Alt+Enter'],
    editKeys: ['Alt+Enter'],
    run: withCurrent((id) => {
      runCell(id);
      state().enterMode('edit', state().addCell('code', id));
    }),
  },
  {
    id: 'edit-cell',
    label: 'Edit cell',
    group: 'cell',
    commandKeys: ['Enter'],
    run: withCurrent((id) => {
      state().setEditingMarkdown(id, true);
      state().enterMode('edit', id);
    }),
  },
  {
    id: 'command-mode',
    label: 'Leave the editor (command mode)',
    group: 'cell',
    editKeys: ['Escape'],
    hidden: true,
    run: withCurrent((id) => state().enterMode('command', id)),
  },
  { id: 'insert-cell-above', label: 'Insert cell above', group: 'cell', commandKeys: ['A'], run: () => void insertCell('code', 0, 'command') },
  { id: 'insert-cell-below', label: 'Insert cell below', group: 'cell', commandKeys: ['B'], run: () => void insertCell('code', 1, 'command') },
  { id: 'add-code-cell', label: 'Add code cell', group: 'cell', run: () => addCell('code') },
  { id: 'add-markdown-cell', label: 'Add markdown cell', group: 'cell', run: () => addCell('markdown') },
  { id: 'clear-cell-output', label: 'Clear cell output', group: 'cell', run: withCurrent((id) => state().clearOutputs([id])) },
  { id: 'delete-cell', label: 'Delete cell', group: 'cell', commandKeys: ['D D'], run: withCurrent(deleteCell) },
  {
    id: 'undo-delete-cell',
    label: 'Undo delete cell',
    group: 'cell',
    commandKeys: ['Z'],
    isEnabled: (s) => s.deletedCells.length > 0,
    run: () => {
      const id = state().undoDelete();
      if (id !== null) state().enterMode('command', id);
    },
  },
  { id: 'move-cell-up', label: 'Move cell up', group: 'cell', commandKeys: ['Mod+Shift+ArrowUp'], run: withCurrent((id) => moveCell(id, -1)) },
  { id: 'move-cell-down', label: 'Move cell down', group: 'cell', commandKeys: ['Mod+Shift+ArrowDown'], run: withCurrent((id) => moveCell(id, 1)) },
  { id: 'to-markdown', label: 'Change to markdown cell', group: 'cell', commandKeys: ['M'], run: setType('markdown') },
  { id: 'to-code', label: 'Change to code cell', group: 'cell', commandKeys: ['Y'], run: setType('code') },
  { id: 'select-previous', label: 'Select cell above', group: 'select', commandKeys: ['ArrowUp', 'K'], hidden: true, run: () => selectBy(-1) },
  { id: 'select-next', label: 'Select cell below', group: 'select', commandKeys: ['ArrowDown', 'J'], hidden: true, run: () => selectBy(1) },
];

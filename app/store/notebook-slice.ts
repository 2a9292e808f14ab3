// The authored notebook: what a file or a share link holds. Lives as long as the document.
import type { StateCreator } from 'zustand';
import { newCellId } from './cell-id';
import type { WickState } from './index';
import { initialCells } from './initial-notebook';

export type CellType = 'code' | 'markdown';

export interface AuthoredCell {
  id: string;
  type: CellType;
  source: string;
}

export interface NotebookSlice {
  notebookName: string;
  cells: AuthoredCell[];
  /** Inserts an empty cell after `afterId` (at the end when null) and returns its id. */
  addCell(type: CellType, afterId: string | null): string;
  setSource(id: string, source: string): void;
  deleteCell(id: string): void;
  replaceNotebook(name: string, cells: AuthoredCell[]): void;
}

export const createNotebookSlice: StateCreator<WickState, [], [], NotebookSlice> = (set) => ({
  notebookName: 'Untitled.ipynb',
  cells: initialCells(),
  addCell(type, afterId) {
    const cell: AuthoredCell = { id: newCellId(), type, source: '' };
    set(({ cells }) => {
      const at = afterId === null ? cells.length : cells.findIndex((c) => c.id === afterId) + 1;
      return { cells: [...cells.slice(0, at), cell, ...cells.slice(at)] };
    });
    return cell.id;
  },
  setSource(id, source) {
    set(({ cells }) => ({ cells: cells.map((c) => (c.id === id ? { ...c, source } : c)) }));
  },
  deleteCell(id) {
    set(({ cells }) => ({ cells: cells.filter((c) => c.id !== id) }));
  },
  replaceNotebook(notebookName, cells) {
    set({ notebookName, cells });
  },
});

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
  /** The cell's metadata from the .ipynb it came from, kept as it was. */
  metadata?: Record<string, unknown>;
}

/** A deleted cell and where it was, for undo. */
interface DeletedCell {
  cell: AuthoredCell;
  index: number;
}

export interface NotebookSlice {
  notebookName: string;
  /** Notebook-level metadata from an opened file, other than Wick's kernelspec and language. */
  notebookMetadata: Record<string, unknown>;
  cells: AuthoredCell[];
  /** Most recent last. */
  deletedCells: DeletedCell[];
  /** Inserts an empty cell at `index` (at the end when past it) and returns its id. */
  insertCell(type: CellType, index: number): string;
  /** Inserts an empty cell after `afterId` (at the end when null) and returns its id. */
  addCell(type: CellType, afterId: string | null): string;
  setSource(id: string, source: string): void;
  setCellType(id: string, type: CellType): void;
  /** Moves a cell `delta` places (clamped to the notebook). */
  moveCell(id: string, delta: number): void;
  deleteCell(id: string): void;
  /** Puts the last deleted cell back where it was; returns its id, or null when none. */
  undoDelete(): string | null;
  replaceNotebook(name: string, cells: AuthoredCell[], metadata?: Record<string, unknown>): void;
}

const MAX_UNDO = 50;

export const createNotebookSlice: StateCreator<WickState, [], [], NotebookSlice> = (set, get) => ({
  notebookName: 'Untitled.ipynb',
  notebookMetadata: {},
  cells: initialCells(),
  deletedCells: [],
  insertCell(type, index) {
    const cell: AuthoredCell = { id: newCellId(), type, source: '' };
    set(({ cells }) => {
      const at = Math.max(0, Math.min(index, cells.length));
      return { cells: [...cells.slice(0, at), cell, ...cells.slice(at)] };
    });
    return cell.id;
  },
  addCell(type, afterId) {
    const { cells, insertCell } = get();
    return insertCell(type, afterId === null ? cells.length : cells.findIndex((c) => c.id === afterId) + 1);
  },
  setSource(id, source) {
    set(({ cells }) => (cells.some((c) => c.id === id && c.source !== source) ? { cells: cells.map((c) => (c.id === id ? { ...c, source } : c)) } : {}));
  },
  setCellType(id, type) {
    set(({ cells }) => (cells.some((c) => c.id === id && c.type !== type) ? { cells: cells.map((c) => (c.id === id ? { ...c, type } : c)) } : {}));
  },
  moveCell(id, delta) {
    set(({ cells }) => {
      const from = cells.findIndex((c) => c.id === id);
      const to = Math.max(0, Math.min(cells.length - 1, from + delta));
      if (from < 0 || from === to) return {};
      const next = [...cells];
      const [cell] = next.splice(from, 1);
      next.splice(to, 0, cell);
      return { cells: next };
    });
  },
  deleteCell(id) {
    set(({ cells, deletedCells }) => {
      const index = cells.findIndex((c) => c.id === id);
      if (index < 0) return {};
      return {
        cells: cells.filter((c) => c.id !== id),
        deletedCells: [...deletedCells, { cell: cells[index], index }].slice(-MAX_UNDO),
      };
    });
  },
  undoDelete() {
    const last = get().deletedCells.at(-1);
    if (!last) return null;
    set(({ cells, deletedCells }) => ({
      cells: [...cells.slice(0, last.index), last.cell, ...cells.slice(last.index)],
      deletedCells: deletedCells.slice(0, -1),
    }));
    return last.cell.id;
  },
  replaceNotebook(notebookName, cells, notebookMetadata = {}) {
    set({ notebookName, cells, notebookMetadata, deletedCells: [] });
  },
});

// The side panels' state (variables, outline, files), the command palette, collapsed outputs and stale
// marks: page state apart from the notebook store, so the panels stay out of the store's slices.
import { create } from 'zustand';
import type { OutputBundle, VariableSummary } from '../../workers/protocol';

export type SidePanel = 'variables' | 'outline' | 'files';

/** Why a cell is stale: which earlier cell changed, how, and which of its names this cell uses. */
export interface StaleMark {
  /** 1-based index of the cell that changed, as the notebook shows cells. */
  cellNumber: number;
  how: 'edited' | 're-run';
  names: string[];
}

/** The value shown below the variables list after a click on a row. */
export interface InspectedValue {
  name: string;
  /** null while the kernel has not answered. */
  output: OutputBundle | null;
}

export interface PanelsState {
  side: SidePanel | null;
  variables: VariableSummary[];
  inspected: InspectedValue | null;
  /** Cells whose outputs are collapsed to a one-line summary. */
  collapsed: Record<string, boolean>;
  stale: Record<string, StaleMark>;
  paletteOpen: boolean;
  toggleSide(panel: SidePanel): void;
  setSide(panel: SidePanel | null): void;
  setVariables(variables: VariableSummary[]): void;
  setInspected(inspected: InspectedValue | null): void;
  setCollapsed(ids: readonly string[], collapsed: boolean): void;
  /** Replaces the stale marks of the given cells (a null mark clears it). */
  setStale(marks: Record<string, StaleMark | null>): void;
  setPaletteOpen(open: boolean): void;
}

export const usePanels = create<PanelsState>()((set) => ({
  side: null,
  variables: [],
  inspected: null,
  collapsed: {},
  stale: {},
  paletteOpen: false,
  toggleSide(panel) {
    set(({ side }) => ({ side: side === panel ? null : panel }));
  },
  setSide(side) {
    set({ side });
  },
  setVariables(variables) {
    set({ variables });
  },
  setInspected(inspected) {
    set({ inspected });
  },
  setCollapsed(ids, value) {
    set(({ collapsed }) => {
      const next = { ...collapsed };
      for (const id of ids) {
        if (value) next[id] = true;
        else delete next[id];
      }
      return { collapsed: next };
    });
  },
  setStale(marks) {
    set(({ stale }) => {
      const next = { ...stale };
      let changed = false;
      for (const [id, mark] of Object.entries(marks)) {
        if (mark === null && !(id in next)) continue;
        changed = true;
        if (mark === null) delete next[id];
        else next[id] = mark;
      }
      return changed ? { stale: next } : {};
    });
  },
  setPaletteOpen(paletteOpen) {
    set({ paletteOpen });
  },
}));

// What running cells produced: per-cell status, outputs and stats. Lives as long as the page;
// it is not part of the notebook's source.
import type { StateCreator } from 'zustand';
import type { CellStats, OutputBundle } from '../../workers/protocol';
import type { WickState } from './index';

export type CellStatus = 'idle' | 'queued' | 'running' | 'done' | 'error';

export interface CellRuntime {
  status: CellStatus;
  outputs: OutputBundle[];
  executionCount: number | null;
  stats: CellStats | null;
}

export const IDLE_CELL: CellRuntime = { status: 'idle', outputs: [], executionCount: null, stats: null };

export interface RuntimeSlice {
  runtime: Record<string, CellRuntime>;
  setStatus(ids: string[], status: CellStatus): void;
  startCell(id: string, executionCount: number): void;
  finishCell(id: string, ok: boolean, stats: CellStats): void;
  /** Marks a cell as failed without a kernel report (the kernel was stopped under it). */
  abortCell(id: string, message: string): void;
  clearRuntime(): void;
  /** Clears the outputs, counts and stats of the given cells (all when none are given), except cells queued or running. */
  clearOutputs(ids?: readonly string[]): void;
  /** Outputs and execution counts saved with the notebook, shown again after a reload (status idle). */
  restoreRuntime(runtime: Record<string, CellRuntime>): void;
}

/** When each output reached the page (for the views' render timings). */
export const outputArrivals = new WeakMap<OutputBundle, number>();

export const createRuntimeSlice: StateCreator<WickState, [], [], RuntimeSlice> = (set) => {
  const update = (id: string, change: (cell: CellRuntime) => Partial<CellRuntime>) =>
    set(({ runtime }) => {
      const cell = runtime[id] ?? IDLE_CELL;
      return { runtime: { ...runtime, [id]: { ...cell, ...change(cell) } } };
    });
  return {
    runtime: {},
    setStatus(ids, status) {
      for (const id of ids) update(id, () => ({ status }));
    },
    startCell(id, executionCount) {
      update(id, () => ({ status: 'running', outputs: [], executionCount, stats: null }));
    },
    finishCell(id, ok, stats) {
      update(id, () => ({ status: ok ? 'done' : 'error', stats }));
    },
    abortCell(id, message) {
      update(id, (cell) => ({
        status: 'error',
        outputs: [...cell.outputs, { type: 'error', name: 'Interrupted', message, line: null }],
      }));
    },
    clearRuntime() {
      set({ runtime: {} });
    },
    clearOutputs(ids) {
      set(({ runtime }) => {
        const next = { ...runtime };
        for (const id of ids ?? Object.keys(runtime)) {
          const cell = runtime[id];
          if (cell && cell.status !== 'queued' && cell.status !== 'running') next[id] = IDLE_CELL;
        }
        return { runtime: next };
      });
    },
    restoreRuntime(saved) {
      const runtime: Record<string, CellRuntime> = {};
      for (const [id, cell] of Object.entries(saved)) runtime[id] = { ...cell, status: 'idle' };
      set({ runtime });
    },
  };
};

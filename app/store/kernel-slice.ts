// The kernel's state as the page sees it. Lives as long as one Worker; a restart resets it.
import type { StateCreator } from 'zustand';
import type { Device } from '../../workers/protocol';
import type { WickState } from './index';

/** `draining`: no cell runs, but the GPU still runs work cells submitted (an interrupted loop's steps). */
export type KernelStatus = 'starting' | 'idle' | 'busy' | 'draining' | 'failed';

export interface KernelState {
  status: KernelStatus;
  device: Device | null;
  /** Why the kernel failed to start, when it did. */
  failure: string | null;
  /** How many cells this kernel ran (Jupyter's execution count). */
  executions: number;
}

export interface KernelSlice {
  kernel: KernelState;
  setKernel(change: Partial<KernelState>): void;
}

export const STARTING_KERNEL: KernelState = { status: 'starting', device: null, failure: null, executions: 0 };

export const createKernelSlice: StateCreator<WickState, [], [], KernelSlice> = (set) => ({
  kernel: STARTING_KERNEL,
  setKernel(change) {
    set(({ kernel }) => ({ kernel: { ...kernel, ...change } }));
  },
});

// Messages between the page (app/kernel) and the kernel Worker. Both sides switch over `type`
// exhaustively, so adding a message here fails type-checking until both handle it.
import type { Device } from '../engine';

export type { Device };

/** What a cell's run cost: kernels dispatched, GPU time (null until timestamps exist), wall time. */
export interface CellStats {
  kernels: number;
  gpuMs: number | null;
  wallMs: number;
}

/** An output the page draws as it is: large values stay in the Worker. */
export type OutputBundle =
  | { type: 'text'; stream: 'stdout' | 'stderr' | 'result'; text: string }
  | { type: 'tensor'; shape: number[]; dtype: string; device: Device; text: string }
  | { type: 'error'; name: string; message: string; line: number | null };

export type PageToWorker = { type: 'run'; cellId: string; source: string };

export type WorkerToPage =
  | { type: 'ready'; device: Device }
  | { type: 'init-failed'; message: string }
  | { type: 'output'; cellId: string; output: OutputBundle }
  | { type: 'finished'; cellId: string; ok: boolean; stats: CellStats };

export function assertNever(value: never): never {
  throw new Error(`Unhandled message: ${JSON.stringify(value)}`);
}

/**
 * The profiler's record: while torch.profile runs, each backend reports every kernel it launches
 * (name, FLOPs, bytes moved); the WebGPU backend adds GPU times from timestamp queries later.
 */
import type { Device } from '../core/dtype';
import { captureSite } from '../core/source-location';

export interface KernelRecord {
  name: string;
  device: Device;
  flops: number;
  bytes: number;
  /** GPU time from timestamps, when the adapter has them; null otherwise. */
  gpuMs: number | null;
  /** CPU time for CPU kernels (they run synchronously). */
  cpuMs: number | null;
  /** Start on the GPU timeline relative to the first kernel (ms), when timestamps exist. */
  startMs: number | null;
  /** For a compiled graph's kernel: the traced ops fused into it (`mul+add+relu`). */
  group: string | null;
  /** Where it was launched: the stack, read only when someone asks (see Profile); null without stacks. */
  site: Error | null;
}

export interface KernelInfo {
  name: string;
  flops: number;
  bytes: number;
}

let active: KernelRecord[] | null = null;
let withStack = false;
let group: string | null = null;

/** The fused group whose kernel runs next (set by a compiled graph around each node). */
export function setKernelGroup(ops: string | null): void {
  group = ops;
}
const pending: Promise<void>[] = [];

export function isProfiling(): boolean {
  return active !== null;
}

/** Records a kernel; returns its record so the backend can fill in times later. */
export function recordKernel(device: Device, info: KernelInfo): KernelRecord | null {
  if (!active) return null;
  // One literal of fixed shape (no spread): this runs for every kernel of a profile.
  const rec: KernelRecord = {
    name: info.name,
    device,
    flops: info.flops,
    bytes: info.bytes,
    gpuMs: null,
    cpuMs: null,
    startMs: null,
    group,
    site: withStack ? captureSite() : null,
  };
  active.push(rec);
  return rec;
}

/** Work (timestamp read-backs) the profile must wait for before it is complete. */
export function addPending(p: Promise<void>): void {
  pending.push(p);
}

export async function collect<T>(fn: () => Promise<T> | T, stacks = false): Promise<{ result: T; kernels: KernelRecord[]; wallMs: number }> {
  if (active) throw new Error('torch.profile: a profile is already running');
  const kernels: KernelRecord[] = [];
  active = kernels;
  withStack = stacks;
  const started = performance.now();
  let result: T;
  try {
    result = await fn();
  } finally {
    active = null;
  }
  const wallMs = performance.now() - started;
  await Promise.all(pending.splice(0));
  return { result, kernels, wallMs };
}

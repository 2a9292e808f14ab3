/**
 * Giving dropped tensors' GPU memory back while a loop runs, without anyone calling gc().
 *
 * A tensor's storage goes back to the pool when the garbage collector finds the tensor
 * unreachable and its FinalizationRegistry callback runs (storage-ref.ts). Neither happens on its
 * own in time: the collector runs on JavaScript heap growth (a tensor object is tiny, whatever its
 * GPU memory), and finalizers run only in tasks after the current one, so a loop that never
 * yields frees nothing until it ends. Measured in Node and in Chromium's Worker, host ballast the
 * size of the GPU memory plus a task between iterations still left 14 to 44 dropped 16 MB tensors
 * waiting (the collector marks incrementally, and objects made while it marks survive the cycle).
 *
 * So GPU allocations of big storages are counted here (`noteGpuAllocation`); past a budget since
 * the last reclaim, `gpuPressure.high` is set, the notebook's loop guards (workers/interrupt.ts)
 * read it and the loop awaits `reclaim()`: it lets the engine's finalizers run (a task), and when
 * that brought back less than half of what was allocated, makes V8 collect at once by
 * allocating, and dropping, host memory past its external-memory limit (a full collection, as
 * under memory pressure; the bytes are never touched, so the OS never backs them), then lets the
 * finalizers run again. A loop that keeps what it makes (nothing comes back) doubles the budget,
 * up to 1 GiB, so it pays for few collections; one that drops what it makes is back to 64 MB.
 */
import { availableDevices, getBackend } from './runtime';

/** Storages at least this big count towards the budget (smaller ones cost the collector nothing). */
export const RECLAIM_MIN_BYTES = 64 * 1024;
/** GPU bytes allocated between reclaims, at first and whenever reclaims bring memory back. */
export const RECLAIM_BUDGET = 64 * 1024 * 1024;
const MAX_BUDGET = 64 * 1024 * 1024;
/**
 * Host bytes allocated to make V8 collect: past its hard external-memory limit (half the
 * JavaScript heap's limit above the low mark, about 2 GiB with a 4 GiB heap), where V8 runs a full
 * collection at once. Address space only: never written, freed by the collection it starts.
 */
const KICK_BYTES = 3 * 1024 * 1024 * 1024;

/** Tasks a reclaim waits at most, after forcing a collection, for the finalizers to give memory back. */
const FINALIZER_TURNS = 16;

/** Read by loop guards at every iteration: true once GPU allocations passed the budget since the last reclaim. */
export const gpuPressure = { high: false };

let allocatedSince = 0;
let budget = RECLAIM_BUDGET;
let kicks = 0;
let kickMs = 0;
/** Holds the collection's host bytes for an instant (a module field: no compiler drops the allocation as unused). */
const kick: { bytes: ArrayBuffer | null } = { bytes: null };
let reclaims = 0;

/** The GPU backend made a storage of `bytes` (whether the pool reused memory or not). */
export function noteGpuAllocation(bytes: number): void {
  if (bytes < RECLAIM_MIN_BYTES) return;
  allocatedSince += bytes;
  if (allocatedSince > budget) gpuPressure.high = true;
}

function liveBytes(): number {
  let live = 0;
  for (const device of availableDevices()) live += getBackend(device).memory().liveBytes;
  return live;
}

/** One turn of the event loop: tasks queued before it (the engine's finalizers) run first. */
function nextTask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => void }).setImmediate;
  // Node: after the poll phase, where V8's finalizer tasks run. Browsers: a message, which has no
  // clamp (nested timeouts wait 4 ms).
  if (immediate) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Pulse chunks: host bytes made and dropped at once, never touched (see `pulse`). */
const PULSE_CHUNK = 64 * 1024 * 1024;
const MAX_PULSE = 512 * 1024 * 1024;

/**
 * Makes V8 feel `bytes` of GPU memory as host memory for an instant: ArrayBuffers of twice that
 * (up to MAX_PULSE), made and dropped at once. Measured in Chromium's Worker, a 64 MB pulse per
 * 32 MB allocated kept dropped 16 MB tensors to one iteration's worth, where no pulse let 14
 * iterations' worth pile up (and the one big allocation of `collectNow` made no collection).
 */
function pulse(bytes: number): void {
  try {
    for (let left = Math.min(2 * bytes, MAX_PULSE); left > 0; left -= PULSE_CHUNK) {
      kick.bytes = new ArrayBuffer(Math.min(left, PULSE_CHUNK));
      kick.bytes = null;
    }
  } catch {
    // The host refused the address space: the finalizers get their turn all the same.
  }
}

/** Makes V8 run a full collection now (see KICK_BYTES); nothing where the host refuses the address space. */
function collectNow(): void {
  try {
    const started = performance.now();
    kick.bytes = new ArrayBuffer(KICK_BYTES);
    kickMs += performance.now() - started;
    kick.bytes = null;
    kicks++;
  } catch {
    // Not enough address space: the finalizers get their turn all the same.
  }
}

/** Lets the garbage collector and the engine's finalizers give dropped tensors' GPU memory back (see above). */
export async function reclaim(): Promise<void> {
  if (!gpuPressure.high) return;
  reclaims++;
  const allocated = allocatedSince;
  const before = liveBytes();
  pulse(allocated);
  await nextTask();
  if (before - liveBytes() < allocated / 2) {
    // Node: one big allocation past V8's hard external limit collects at once. Browsers: more pulses.
    if ((globalThis as { setImmediate?: unknown }).setImmediate) collectNow();
    else pulse(allocated);
    // Node runs the finalizers in the next task; Chromium may finish the collection, and run
    // them, a few tasks later.
    for (let turn = 0; turn < FINALIZER_TURNS; turn++) {
      await nextTask();
      if (before - liveBytes() >= allocated / 2) break;
    }
  }
  const freed = before - liveBytes();
  budget = freed >= allocated / 2 ? RECLAIM_BUDGET : Math.min(2 * budget, MAX_BUDGET);
  allocatedSince = 0;
  gpuPressure.high = false;
}

/** How often loops reclaimed memory, how many of those forced a collection and the time those took (for tests and benchmarks). */
export function reclaimStats(): { reclaims: number; collections: number; collectionMs: number; budget: number } {
  return { reclaims, collections: kicks, collectionMs: kickMs, budget };
}

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
const MAX_BUDGET = 1024 * 1024 * 1024;

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

/** Host bytes per step of `collectNow`: address space only, never written, freed by the collection. */
const KICK_CHUNK = 1024 * 1024 * 1024;
/** Steps of `collectNow` before it takes the sure path (see there), and steps in all. */
const KICK_STEPS_BEFORE_SURE = 8;
const KICK_STEPS = 16;
/**
 * A host allocation that cannot succeed (just under the largest ArrayBuffer V8's sandbox allows in
 * Chromium; more than the memory of most machines in Node): before it reports failure, V8 runs
 * full collections to make room. Sure, but slow (several collections, 250 ms with a 60 MB heap).
 */
const SURE_KICK_BYTES = 2 ** 35 - 1;

/**
 * Objects only weak references point to, made at the end of the last reclaim: once a full
 * collection has run, `deref()` answers undefined at once, inside the same task. (A target stays
 * alive until the end of the task that made or read it, so the reclaim reads each one once, and
 * makes new ones for the next.)
 */
let sentinels: WeakRef<object>[] = [];
function armSentinels(): void {
  sentinels = Array.from({ length: KICK_STEPS }, () => new WeakRef({}));
}
armSentinels();

/**
 * Makes V8 run a full collection now, whatever its heuristics. GPU memory is invisible to it, and
 * host memory it sees (ArrayBuffers) starts a collection only past limits that move with each
 * collection: so host memory is allocated and dropped, a gigabyte at a time, until a sentinel
 * shows that a collection ran; after eight gigabytes, an allocation that must fail (V8 collects
 * fully before it gives up). Measured in Chromium's Worker (a 60 MB heap): 2 to 8 steps, and the
 * sure path one time in four; about 110 ms a reclaim, almost all of it the collections.
 */
function collectNow(): void {
  const started = performance.now();
  try {
    // A collection since the last reclaim already cleared them all (they were made together):
    // nothing can show the next one, so the sure path at once.
    if (sentinels[0].deref() === undefined) kick.bytes = new ArrayBuffer(SURE_KICK_BYTES);
    for (let step = 1; step < KICK_STEPS && !kick.bytes; step++) {
      kick.bytes = new ArrayBuffer(step === KICK_STEPS_BEFORE_SURE ? SURE_KICK_BYTES : KICK_CHUNK);
      kick.bytes = null;
      if (sentinels[step].deref() === undefined) break;
    }
  } catch {
    // The host refused the memory, after collecting to find it: the collection ran.
  }
  kick.bytes = null;
  armSentinels();
  kicks++;
  kickMs += performance.now() - started;
}

/** Lets the garbage collector and the engine's finalizers give dropped tensors' GPU memory back (see above). */
export async function reclaim(): Promise<void> {
  if (!gpuPressure.high) return;
  reclaims++;
  const allocated = allocatedSince;
  const before = liveBytes();
  collectNow();
  // The finalizers run in tasks after this one (Chromium may take a few turns to run them).
  let last = before;
  for (let turn = 0; turn < FINALIZER_TURNS; turn++) {
    await nextTask();
    const live = liveBytes();
    if (before - live >= allocated / 2 || (turn >= 2 && live === last)) break;
    last = live;
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

/**
 * Giving dropped tensors' GPU memory back while a loop runs, without anyone calling gc().
 *
 * A tensor's storage goes back to the pool when the garbage collector finds the tensor
 * unreachable and its FinalizationRegistry callback runs (storage-ref.ts). Neither happens on its
 * own in time: the collector runs on JavaScript heap growth (a tensor object is tiny, whatever its
 * GPU memory), only a full collection clears FinalizationRegistry targets (a young-generation one
 * does not), and finalizers run only in tasks after the current one, so a loop that never yields
 * frees nothing until it ends. Host memory V8 can see (ArrayBuffers) starts collections only past
 * limits that move with each one: in Chromium's Worker one 3 GiB ArrayBuffer started a collection
 * every second or third time, and ArrayBuffer pulses left hundreds of MB of dropped tensors.
 *
 * So GPU allocations of big storages are counted here (`noteGpuAllocation`); past a budget since
 * the last reclaim, `gpuPressure.high` is set, the notebook's loop guards (workers/interrupt.ts)
 * read it and the loop awaits `reclaim()`. It makes V8 run a full collection and checks that one
 * ran (`collectNow`), then gives the finalizers the tasks they need to hand the storages back. A
 * loop that keeps most of what it makes doubles the budget, up to 1 GiB, so it pays for few
 * collections; any other is back to 64 MB, or to the live bytes the reclaim left where they are
 * at least twice that. Reachable tensors are never touched: the collector frees only what
 * nothing can reach, as it always did, only sooner.
 */
import { availableDevices, getBackend } from './runtime';

/** Storages at least this big count towards the budget (smaller ones cost the collector nothing). */
export const RECLAIM_MIN_BYTES = 64 * 1024;
/** GPU bytes allocated between reclaims at first, and after a reclaim unless the loop kept most of what it made (see `reclaim`). */
export const RECLAIM_BUDGET = 64 * 1024 * 1024;
const MAX_BUDGET = 1024 * 1024 * 1024;

/** Tasks a reclaim waits at most, after forcing a collection, for the finalizers to give memory back. */
const FINALIZER_TURNS = 16;

/** Read by loop guards at every iteration: true once GPU allocations passed the budget since the last reclaim. */
export const gpuPressure = { high: false };

let allocatedSince = 0;
let budget = RECLAIM_BUDGET;
/** Live bytes the last reclaim left. */
let liveAfterLast = 0;
let kicks = 0;
let kickMs = 0;
let kickSteps = 0;
let sureKicks = 0;
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
  // Node: after the poll phase, where V8's finalizer tasks run. Browsers: a timeout (measured in
  // Chromium's Worker, a MessageChannel task let finalizers wait longer).
  if (immediate) return new Promise((resolve) => immediate(resolve));
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Host bytes of each step of `collectNow`: address space only, never written, freed by the collection they start. */
const KICK_BYTES = 4 * 1024 * 1024 * 1024;
/** Steps of `collectNow` before it takes the sure path (see there), and steps in all. */
const KICK_STEPS_BEFORE_SURE = 5;
const KICK_STEPS = 10;
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
 * collection: so host memory is allocated and dropped, 4 GiB at a time, until a sentinel shows
 * that a collection ran; after 20 GiB, an allocation that must fail (V8 collects fully before it
 * gives up). Allocating costs time with the size in Chromium, so steps are not bigger. Measured
 * with a 60 MB heap, a reclaim took: in Node always 1 step, 5 ms (1, 2, 4 GiB steps: 2 steps,
 * 5 ms; 1 GiB steps: 2 to 7, the sure path one time in three, 24 ms); in Chromium's Worker 1 to
 * 3 steps, the sure path one time in fifteen, 59 ms (1, 2, 4, 8 GiB: 125 ms; 8 GiB: 132 ms). In
 * the notebook's loops (workers/memory-loops.test.ts, e2e/memory-loops.spec.ts): 11 ms in Node;
 * 33 ms in Chromium, 3.4 steps on average and the sure path one time in four (eight steps
 * before it: no faster).
 */
async function collectNow(): Promise<void> {
  let first = 1;
  if (sentinels[0].deref() === undefined) {
    // V8 ran a full collection of its own since the last reclaim, which cleared them all (they
    // were made together): new ones, read in a later task.
    armSentinels();
    await nextTask();
    first = 0;
  }
  const started = performance.now();
  try {
    for (let step = first; step < KICK_STEPS; step++) {
      const sure = step === KICK_STEPS_BEFORE_SURE;
      if (sure) sureKicks++;
      kickSteps++;
      kick.bytes = new ArrayBuffer(sure ? SURE_KICK_BYTES : KICK_BYTES);
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
  await collectNow();
  // The finalizers run in tasks after this one (Chromium may take a few turns to run them).
  let last = before;
  for (let turn = 0; turn < FINALIZER_TURNS; turn++) {
    await nextTask();
    const live = liveBytes();
    if (before - live >= allocated / 2 || (turn >= 2 && live === last)) break;
    last = live;
  }
  // A loop that keeps most of what it makes (live bytes grew by more than half of it since the
  // last reclaim) doubles the budget; any other gets the first, or the live bytes where they are
  // at least twice that (a big model's loop collects once per allocation of its own size).
  const live = liveBytes();
  const kept = live - liveAfterLast;
  liveAfterLast = live;
  if (kept > allocated / 2) budget = Math.min(2 * budget, MAX_BUDGET);
  else budget = Math.min(live >= 2 * RECLAIM_BUDGET ? live : RECLAIM_BUDGET, MAX_BUDGET);
  allocatedSince = 0;
  gpuPressure.high = false;
}

/**
 * How often loops reclaimed memory, the collections forced, the time those took, the gigabyte
 * steps they took and how many needed the sure path (for tests and benchmarks).
 */
export function reclaimStats(): { reclaims: number; collections: number; collectionMs: number; steps: number; sure: number; budget: number } {
  return { reclaims, collections: kicks, collectionMs: kickMs, steps: kickSteps, sure: sureKicks, budget };
}

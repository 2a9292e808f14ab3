// `progress(iterable | n)`: iterates as its argument does and shows a live progress bar.
//   for (const step of progress(200)) { ... }
//   for (const batch of progress(batches, { label: 'epoch 1' })) { ... }
//   for await (const row of progress(asyncRows)) { ... }
// The bar is one output that later updates replace (same displayId). Updates go out at most every
// UPDATE_MS (about ten a second) however fast the loop runs, plus one when it ends.
//
// The count is of steps whose work the device has finished, not of steps issued: a loop of GPU
// ops only queues work, and the GPU may still be busy long after the loop's last line. At a step
// boundary, every MARK_MS and every 1% of the steps, the bar asks `workDone()` for a promise that resolves when the
// work issued so far has finished (WebGPU: one submit and onSubmittedWorkDone, no wait); as those
// resolve, `done` advances. Rate and time left come from finished steps; `issued` says how many
// are queued. When the loop ends, the bar keeps updating while the GPU drains and says done only
// once every step's work has finished (the cell waits for it, as its outputs are in order).
import type { OutputBundle } from './protocol';

export const UPDATE_MS = 100;
/** The least time between two completion markers (each is one submit). */
export const MARK_MS = 50;
/** Markers a bar with a known total makes at least (one each 1% of its steps). */
export const MARKS_PER_BAR = 100;

export type ProgressState = 'running' | 'done' | 'stopped';

export interface ProgressOptions {
  label?: string;
  /** The number of items, when the iterable cannot tell (it has no `length` or `size`). */
  total?: number;
}

export type Progress = {
  (n: number, options?: ProgressOptions): Iterable<number>;
  <T>(items: Iterable<T>, options?: ProgressOptions): Iterable<T>;
  <T>(items: AsyncIterable<T>, options?: ProgressOptions): AsyncIterable<T>;
};

/** Resolves when the work issued so far has finished; null when it already has (no device queues work). */
export type WorkDone = () => Promise<void> | null;

type Emit = (make: () => OutputBundle | Promise<OutputBundle>) => void;

/** A bar that has not said done: when the cell is interrupted, the kernel posts `stop()`'s 'stopped' state for it. */
export interface LiveBar {
  stop(): OutputBundle;
}

interface Bar {
  id: string;
  label: string;
  total: number | null;
  started: number;
  /** Steps the loop has run (their work issued). */
  issued: number;
  /** Steps whose work the device has finished: never more than `issued`. */
  done: number;
  lastSent: number;
  lastMark: number;
  /** Steps issued at the last marker. */
  markedAt: number;
  /** The loop has ended: updates now come from the drain only. */
  ended: boolean;
  /** The cell was interrupted: no more updates. */
  cancelled: boolean;
  /** Takes the bar out of the live ones (it said done). */
  settle(): void;
}

/**
 * Makes the `progress` function of a kernel; `emit` posts a progress output (in order with the
 * cell's others). Bars not done yet are in `live` (the kernel empties it when a cell starts).
 */
export function createProgress(emit: Emit, now: () => number, workDone: WorkDone = () => null, live: Set<LiveBar> = new Set()): Progress {
  let bars = 0;

  const bundle = (bar: Bar, state: ProgressState): OutputBundle => {
    bar.lastSent = now();
    const { id: displayId, label, done, issued, total } = bar;
    return { type: 'progress', displayId, label, done, issued, total, elapsedMs: bar.lastSent - bar.started, state };
  };
  const send = (bar: Bar, state: ProgressState) => {
    if (bar.cancelled) return;
    const output = bundle(bar, state);
    emit(() => output);
  };
  const start = (label: string, total: number | null): Bar => {
    const t = now();
    const handle: LiveBar = {
      stop: () => {
        bar.cancelled = true;
        live.delete(handle);
        return bundle(bar, 'stopped');
      },
    };
    const settle = () => void live.delete(handle);
    const bar: Bar = {
      id: `progress-${++bars}`,
      label,
      total,
      started: t,
      issued: 0,
      done: 0,
      lastSent: t,
      lastMark: -Infinity,
      markedAt: 0,
      ended: false,
      cancelled: false,
      settle,
    };
    live.add(handle);
    send(bar, 'running');
    return bar;
  };
  /** Counts the steps issued so far as done once the device has finished their work. */
  const mark = (bar: Bar) => {
    bar.lastMark = now();
    const upTo = (bar.markedAt = bar.issued);
    const finished = workDone();
    if (finished === null) {
      bar.done = upTo;
      return;
    }
    finished.then(
      () => {
        if (upTo <= bar.done) return;
        bar.done = upTo;
        if (!bar.ended && now() - bar.lastSent >= UPDATE_MS) send(bar, 'running');
      },
      () => {}, // A lost device: the count stays where the device left it.
    );
  };
  const step = (bar: Bar) => {
    bar.issued++;
    // A marker every MARK_MS, and every 1% of a known total: the drain after a fast loop still advances in steps.
    if (now() - bar.lastMark >= MARK_MS || (bar.total !== null && bar.issued - bar.markedAt >= Math.ceil(bar.total / MARKS_PER_BAR))) mark(bar);
    if (now() - bar.lastSent >= UPDATE_MS) send(bar, 'running');
  };
  /**
   * The loop ran to its end: 'done' once the device has finished every step. Until then, an
   * update every UPDATE_MS as the markers resolve, each emitted as an output that waits, so the
   * cell's later outputs stay in order and the cell finishes after the bar.
   */
  const end = (bar: Bar, finishedOk: boolean) => {
    bar.ended = true;
    if (!finishedOk) return send(bar, 'stopped');
    const all = workDone();
    if (all === null) {
      bar.done = bar.issued;
      bar.settle();
      return send(bar, 'done');
    }
    let complete = false;
    const allDone = all.then(
      () => void ((complete = true), (bar.done = bar.issued)),
      () => void (complete = true),
    );
    // Each update shows the count as it was when the previous one went out: what was counted
    // then was finished then (a stale count is never an early one).
    const link = (): Promise<OutputBundle> => {
      const snapshot = bundle(bar, 'running');
      return Promise.race([allDone, sleep(UPDATE_MS)]).then(() => {
        if (complete) bar.settle();
        if (complete || bar.cancelled) return bundle(bar, bar.done === bar.issued ? 'done' : 'stopped');
        emit(link);
        return snapshot;
      });
    };
    send(bar, 'running');
    emit(link);
  };

  function* track<T>(items: Iterable<T>, label: string, total: number | null): Generator<T> {
    const bar = start(label, total);
    let finished = false;
    try {
      for (const item of items) {
        yield item;
        step(bar);
      }
      finished = true;
    } finally {
      end(bar, finished);
    }
  }

  async function* trackAsync<T>(items: AsyncIterable<T>, label: string, total: number | null): AsyncGenerator<T> {
    const bar = start(label, total);
    let finished = false;
    try {
      for await (const item of items) {
        yield item;
        step(bar);
      }
      finished = true;
    } finally {
      end(bar, finished);
    }
  }

  function progress(source: unknown, options: ProgressOptions = {}): Iterable<unknown> | AsyncIterable<unknown> {
    const label = options.label ?? '';
    if (typeof source === 'number') {
      if (!Number.isInteger(source) || source < 0) throw new TypeError(`progress(n) needs a whole number n >= 0, got ${source}`);
      return lazy(() => track(range(source), label, source));
    }
    const total = options.total ?? sizeOf(source);
    if (isIterable(source)) return lazy(() => track(source, label, total));
    if (isAsyncIterable(source)) return { [Symbol.asyncIterator]: () => trackAsync(source, label, total) };
    throw new TypeError(`progress() takes a number or an iterable (an array, a Map, a generator, …), got ${describe(source)}`);
  }
  return progress as Progress;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The bar appears when the loop starts, not when `progress(...)` is called. */
function lazy<T>(iterate: () => Iterator<T>): Iterable<T> {
  return { [Symbol.iterator]: iterate };
}

function* range(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

function sizeOf(source: unknown): number | null {
  if (typeof source !== 'object' || source === null) return typeof source === 'string' ? source.length : null;
  const { length, size } = source as { length?: unknown; size?: unknown };
  if (typeof length === 'number') return length;
  if (typeof size === 'number') return size;
  return null;
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return value != null && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function';
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return value != null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

// `progress(iterable | n)`: iterates as its argument does and shows a live progress bar.
//   for (const step of progress(200)) { ... }
//   for (const batch of progress(batches, { label: 'epoch 1' })) { ... }
//   for await (const row of progress(asyncRows)) { ... }
// The bar is one output that later updates replace (same displayId). Updates go out at most every
// UPDATE_MS (about ten a second) however fast the loop runs, plus one when it ends.
import type { OutputBundle } from './protocol';

export const UPDATE_MS = 100;

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

interface Bar {
  id: string;
  label: string;
  total: number | null;
  started: number;
  done: number;
  lastSent: number;
}

/** Makes the `progress` function of a kernel; `emit` posts a progress output. */
export function createProgress(emit: (output: OutputBundle) => void, now: () => number): Progress {
  let bars = 0;

  const start = (label: string, total: number | null): Bar => {
    const bar = { id: `progress-${++bars}`, label, total, started: now(), done: 0, lastSent: now() };
    send(bar, 'running');
    return bar;
  };
  const send = (bar: Bar, state: ProgressState) => {
    bar.lastSent = now();
    emit({ type: 'progress', displayId: bar.id, label: bar.label, done: bar.done, total: bar.total, elapsedMs: bar.lastSent - bar.started, state });
  };
  const step = (bar: Bar) => {
    bar.done++;
    if (now() - bar.lastSent >= UPDATE_MS) send(bar, 'running');
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
      send(bar, finished ? 'done' : 'stopped');
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
      send(bar, finished ? 'done' : 'stopped');
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

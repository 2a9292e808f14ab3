// Stopping a running cell. The page raises a flag; guards the compiler puts in every loop and the
// engine's check before every op read it and throw an InterruptError, which unwinds the cell like
// any error, so what earlier cells defined is kept.
//
// Each run has its own guards and a promise that rejects when it is interrupted: every wait of
// the run (a loop waiting for the GPU to catch up, the cell's own awaits, and the kernel's work
// after the cell: formatting its result, its outputs, its GPU time) races that promise, so an
// interrupt ends the cell at once even while the GPU still runs work the cell submitted. That
// work finishes on its own; the next cell's work queues after it.
//
// The flag is a SharedArrayBuffer the page writes with Atomics (cross-origin isolated pages only):
// a guard in a loop that never yields still sees it. Without one, an `interrupt` message sets a
// local flag instead, which a cell sees only where it awaits; the page restarts the Worker when
// nothing stops within 2 s.

import type { Backlog } from '../engine/core/backlog';
import { gpuPressure, reclaim } from '../engine/core/reclaim';

export class InterruptError extends Error {
  override name = 'InterruptError';
  constructor() {
    super('Interrupted: the cell was stopped. What earlier cells defined is kept.');
  }
}

/** A power of two. */
const GUARD_STRIDE = 16;

export class InterruptSignal {
  private shared: Int32Array | null = null;
  private requested = false;
  /** Guards throw only while a cell runs, not while the kernel formats outputs after it. */
  active = false;

  /** Reads the page's flag from now on (slot 0: non-zero means interrupt). */
  useSharedFlag(buffer: SharedArrayBuffer): void {
    this.shared = new Int32Array(buffer, 0, 1);
  }

  get isShared(): boolean {
    return this.shared !== null;
  }

  /** The page asked by message (it also raises the shared flag when there is one). */
  request(): void {
    this.requested = true;
    this.stopRun();
  }

  /** A new run starts: forget a request for an earlier one. The page clears the shared flag. */
  reset(): void {
    this.requested = false;
  }

  get isRequested(): boolean {
    return this.requested || (this.shared !== null && Atomics.load(this.shared, 0) !== 0);
  }

  /** The run going on now, or the last one. */
  private current: RunStop | null = null;

  /** The engine's check before each op: throws an InterruptError while a cell runs and an interrupt was asked for. */
  readonly check = (): true => {
    if (this.active && this.isRequested) throw new InterruptError();
    return true;
  };

  /**
   * A run begins: its loop guard, its wait for the GPU, and `until(work)`, which rejects with an
   * InterruptError once this run is interrupted. `backlog` is the GPU's (core/backlog.ts).
   */
  begin(backlog: Backlog): RunGuards {
    const run = (this.current = new RunStop());
    // Asked for after the page sent this run (its `reset()`): meant for this run.
    if (this.isRequested) run.stop();
    const stopIfAsked = () => {
      if (run.stopped || (this.active && this.isRequested)) {
        run.stop();
        throw new InterruptError();
      }
    };
    return {
      // The interrupt check on every GUARD_STRIDE-th call: a tight loop then pays a call, an
      // increment and a field read per iteration (reading the shared flag each time would cost
      // about twice that), and an interrupt still lands within microseconds. False while the GPU
      // is too far behind, or once the loop allocated much GPU memory since the collector last had
      // a turn (core/reclaim.ts): the loop then awaits `wait` where it can.
      guard: () => ((++run.calls & (GUARD_STRIDE - 1)) !== 0 || stopIfAsked() === undefined) && !backlog.deep && !gpuPressure.high,
      wait: async () => {
        stopIfAsked();
        if (gpuPressure.high) await Promise.race([reclaim(), run.interrupted]).catch(() => Promise.reject(new InterruptError()));
        // A new error, thrown here: its stack names the cell's line that waited.
        await Promise.race([backlog.drained(), run.interrupted]).catch(() => Promise.reject(new InterruptError()));
      },
      // A cell stopped while it waits in a loop rejects with an error that names the line: that one,
      // when it comes within a task of the interrupt.
      until: <T>(work: Promise<T>) => Promise.race([work, run.interrupted.catch((error: unknown) => sleep(0).then(() => Promise.reject(error)))]),
    };
  }

  /** Ends the current run's waits (the page asked by message; loops see the shared flag too). */
  stopRun(): void {
    this.current?.stop();
  }
}

export interface RunGuards {
  /** The loop guard: true, false while the GPU is too far behind, or throws an InterruptError. */
  guard(): boolean;
  /** What a loop that can await does when its guard says false: resolves once the GPU caught up, rejects on interrupt. */
  wait(): Promise<void>;
  /** `work`, or an InterruptError once the run is interrupted, whichever comes first. */
  until<T>(work: Promise<T>): Promise<T>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One run's interrupt: once stopped, its guards keep throwing, even while a later run goes on. */
class RunStop {
  stopped = false;
  /** Guard calls; once stopped, set so that the next call checks (and throws). */
  calls = 0;
  readonly interrupted: Promise<never>;
  private reject: (error: InterruptError) => void = () => {};

  constructor() {
    this.interrupted = new Promise<never>((_, reject) => (this.reject = reject));
    this.interrupted.catch(() => {}); // raced, or never looked at
  }

  stop(): void {
    this.calls = -1;
    if (this.stopped) return;
    this.stopped = true;
    this.reject(new InterruptError());
  }
}

// Stopping a running cell. The page raises a flag; guards the compiler puts in every loop and the
// engine's check before every op read it and throw an InterruptError, which unwinds the cell like
// any error, so what earlier cells defined is kept.
//
// The flag is a SharedArrayBuffer the page writes with Atomics (cross-origin isolated pages only):
// a guard in a loop that never yields still sees it. Without one, an `interrupt` message sets a
// local flag instead, which a cell sees only where it awaits; the page restarts the Worker when
// nothing stops within 2 s.

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
  }

  /** A new run starts: forget a request for an earlier one. The page clears the shared flag. */
  reset(): void {
    this.requested = false;
  }

  get isRequested(): boolean {
    return this.requested || (this.shared !== null && Atomics.load(this.shared, 0) !== 0);
  }

  private calls = 0;

  /** The engine's check before each op: throws an InterruptError while a cell runs and an interrupt was asked for. */
  readonly check = (): true => {
    if (this.active && this.isRequested) throw new InterruptError();
    return true;
  };

  /**
   * The loop guard: the same check on every GUARD_STRIDE-th call. A tight loop then pays a call
   * and an increment per iteration (reading the shared flag each time would cost about twice
   * that), and an interrupt still lands within microseconds.
   */
  readonly guard = (): true => (++this.calls & (GUARD_STRIDE - 1)) !== 0 || this.check();
}

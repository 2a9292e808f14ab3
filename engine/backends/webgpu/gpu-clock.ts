/**
 * Two clocks kept apart, so a cell's "GPU time" is not shader compilation:
 * - BusyClock: the time the GPU ran submitted work. A timestamp at the start and one at the end of
 *   each submitted command buffer (two empty timed passes per submit, none per kernel), summed as
 *   the union of those spans: a stall between submits (the CPU compiling a shader, a slow loop
 *   body, a wait for a read) is not GPU time. On only while a clock is started.
 * - CompileClock: the time shader modules and pipelines were being created, sync or async, as
 *   the union of their intervals (several compiling at once count once). A synchronous creation
 *   ends when the GPU says whether it compiled (its error scope pops), which in a browser is when
 *   the GPU process has built it, not when the call returned.
 */
import { Timestamps, type TimedSpan } from './timestamps';

export class CompileClock {
  private active = 0;
  private since = 0;
  private total = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts an interval of compiling; the returned function ends it (once). */
  begin(): () => void {
    if (this.active++ === 0) this.since = this.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      if (--this.active === 0) this.total += this.now() - this.since;
    };
  }

  /** Milliseconds during which at least one shader was compiling, so far (an open interval up to now). */
  get ms(): number {
    return this.total + (this.active > 0 ? this.now() - this.since : 0);
  }
}

/** A started busy clock: the spans of the command buffers submitted while it ran. */
export interface BusyWatch {
  spans: TimedSpan[];
}

export class BusyClock {
  private readonly stamps: Timestamps;
  private readonly watches = new Set<BusyWatch>();
  /** The command buffer being recorded: its span and start query. */
  private open: { span: TimedSpan; start: number } | null = null;
  /** Read-backs to start once the command buffer resolving them is submitted. */
  private toRead: (() => Promise<void>)[] = [];
  private reading = new Set<Promise<void>>();

  constructor(device: GPUDevice) {
    this.stamps = new Timestamps(device);
  }

  get running(): boolean {
    return this.watches.size > 0;
  }

  /** Whether timestamps wait to be resolved (the next flush must submit them). */
  get pending(): boolean {
    return this.stamps.pending;
  }

  start(): BusyWatch {
    const watch = { spans: [] };
    this.watches.add(watch);
    return watch;
  }

  /** Stops `watch` (its spans are read back once submitted and resolved: see settled()). */
  stop(watch: BusyWatch): void {
    this.watches.delete(watch);
  }

  /**
   * Times the command buffers submitted from now until `stop()`, which resolves to the ms the GPU
   * was busy. `submit(resolve)` submits what is recorded (with the timestamps, when `resolve`):
   * work recorded before the start goes untimed, so every command buffer timed is whole.
   */
  watch(submit: (resolve: boolean) => void): { stop(): Promise<number | null> } {
    submit(false);
    const watch = this.start();
    return {
      stop: async () => {
        this.stop(watch);
        submit(true);
        await this.settled();
        return busyMs(watch.spans);
      },
    };
  }

  /** A new command encoder: while a clock runs, a timestamp before anything it records. */
  begin(encoder: GPUCommandEncoder): void {
    if (!this.running) return;
    // A full batch is resolved into this encoder first (its queries were written by earlier submits).
    if (this.stamps.full) this.resolveInto(encoder);
    const start = this.stamps.take();
    encoder.beginComputePass({ timestampWrites: { querySet: this.stamps.querySet, beginningOfPassWriteIndex: start } }).end();
    this.open = { span: { startMs: null, gpuMs: null }, start };
  }

  /** Before `encoder` is finished: the timestamp at its end, and (when asked, or no clock runs) the batch resolved. */
  end(encoder: GPUCommandEncoder, resolve: boolean): void {
    const open = this.open;
    this.open = null;
    if (open) {
      const end = this.stamps.take();
      encoder.beginComputePass({ timestampWrites: { querySet: this.stamps.querySet, endOfPassWriteIndex: end } }).end();
      this.stamps.add(open.span, open.start, end);
      for (const w of this.watches) w.spans.push(open.span);
    }
    if (resolve || !this.running) this.resolveInto(encoder);
  }

  /** After the submit: starts reading back what it resolved. */
  submitted(): void {
    for (const read of this.toRead.splice(0)) {
      const reading = read().catch(() => undefined);
      this.reading.add(reading);
      void reading.finally(() => this.reading.delete(reading));
    }
  }

  /** Resolves once every batch submitted so far has been read back. */
  async settled(): Promise<void> {
    await Promise.all([...this.reading]);
  }

  private resolveInto(encoder: GPUCommandEncoder): void {
    const read = this.stamps.resolve(encoder);
    if (read) this.toRead.push(read);
  }
}

/** The union of `spans` in ms (overlapping spans count once); null when none was read back. */
export function busyMs(spans: readonly TimedSpan[]): number | null {
  const read = spans.filter((s) => s.startMs !== null && s.gpuMs !== null).map((s) => [s.startMs!, s.startMs! + s.gpuMs!] as const);
  if (read.length === 0) return spans.length === 0 ? 0 : null;
  read.sort((a, b) => a[0] - b[0]);
  let total = 0;
  let [from, to] = read[0];
  for (const [s, e] of read.slice(1)) {
    if (s > to) {
      total += to - from;
      from = s;
    }
    to = Math.max(to, e);
  }
  return total + (to - from);
}

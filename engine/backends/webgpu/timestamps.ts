/**
 * GPU timestamps for profiled kernels: query slots handed out in batches, each batch resolved and
 * read back with the submit that ends it (never a wait per kernel). A timed span owns a start and
 * an end query; spans that follow each other with nothing recorded between (inside one pass, or
 * in passes of their own within one submit) share the boundary query (the end of one is the start
 * of the next), so a run of N kernels writes N + 1 timestamps.
 */
import { addPending } from '../../profile/recorder';

/** What a timed span fills in once its timestamps are read back. */
export interface TimedSpan {
  startMs: number | null;
  gpuMs: number | null;
}

/** A query set with the buffers its timestamps are resolved into and read back from. */
interface QuerySlots {
  querySet: GPUQuerySet;
  resolved: GPUBuffer;
  readback: GPUBuffer;
}

interface Batch {
  slots: QuerySlots;
  /** Queries written so far. */
  used: number;
  spans: TimedSpan[];
  /** Each span's start and end query, in span order. */
  bounds: number[];
  onRead: (() => void)[];
}

/** Queries per set: it is read back when full or at the next wait. */
export const QUERIES_PER_SET = 1024;

export class Timestamps {
  private batch: Batch | null = null;
  /** Query sets and their buffers, reused once read (none made per batch). */
  private free: QuerySlots[] = [];
  /** Batches read back so far. */
  readbacks = 0;
  /**
   * The step timestamps came in, in ns, as the last batch read back shows (the largest power of
   * two dividing every value): 1 where they are exact; browsers round them (Chrome: to about
   * 100 µs unless its WebGPU developer features are on; Dawn's own default: 2^16 ns).
   */
  quantumNs: number | null = null;

  constructor(private readonly device: GPUDevice) {}

  /** Whether the current batch lacks room for another span (two queries). */
  get full(): boolean {
    return this.batch !== null && this.batch.used + 2 > QUERIES_PER_SET;
  }

  get pending(): boolean {
    return this.batch !== null;
  }

  /** The query set the next query goes to. */
  get querySet(): GPUQuerySet {
    return this.open().slots.querySet;
  }

  /** Takes the next query of the batch (the caller writes a timestamp to it). */
  take(): number {
    return this.open().used++;
  }

  /** Records that `span` runs from query `start` to query `end` of this batch. */
  add(span: TimedSpan, start: number, end: number): void {
    const batch = this.open();
    batch.spans.push(span);
    batch.bounds.push(start, end);
  }

  /** Calls `done` once the current batch (which must hold a span) has been read back. */
  whenRead(done: () => void): void {
    this.open().onRead.push(done);
  }

  /**
   * Records the resolve and copy of this batch's timestamps into `encoder`; the returned function,
   * called after submit, reads them back into the spans. Null when no batch is open.
   */
  resolve(encoder: GPUCommandEncoder): (() => void) | null {
    const batch = this.batch;
    if (!batch) return null;
    this.batch = null;
    this.readbacks++;
    const count = batch.used;
    const { querySet, resolved, readback } = batch.slots;
    encoder.resolveQuerySet(querySet, 0, count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, readback, 0, count * 8);
    const profiled = batch.spans.some((r) => 'name' in r);
    return () => {
      const read = readback.mapAsync(GPUMapMode.READ, 0, count * 8).then(() => {
        const ns = new BigInt64Array(readback.getMappedRange(0, count * 8));
        let bits = 0n;
        for (const v of ns) bits |= v;
        if (bits > 0n) this.quantumNs = Number(bits & -bits);
        batch.spans.forEach((span, i) => {
          const start = ns[batch.bounds[2 * i]];
          span.startMs = Number(start) / 1e6;
          span.gpuMs = Math.max(0, Number(ns[batch.bounds[2 * i + 1]] - start) / 1e6);
        });
        readback.unmap();
        this.free.push(batch.slots);
        for (const done of batch.onRead) done();
      });
      if (profiled) addPending(read);
    };
  }

  private open(): Batch {
    return (this.batch ??= { slots: this.free.pop() ?? this.newSlots(), used: 0, spans: [], bounds: [], onRead: [] });
  }

  private newSlots(): QuerySlots {
    const bytes = QUERIES_PER_SET * 8;
    return {
      querySet: this.device.createQuerySet({ type: 'timestamp', count: QUERIES_PER_SET }),
      resolved: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
      readback: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
    };
  }
}

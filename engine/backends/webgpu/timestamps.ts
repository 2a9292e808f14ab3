/**
 * GPU timestamps for profiled kernels: query slots handed out in batches, each batch resolved and
 * read back with the submit that ends it (never a wait per kernel). A timed span owns a start and
 * an end query; spans that follow each other with nothing recorded between (inside one pass, or
 * in passes of their own within one submit) share the boundary query (the end of one is the start
 * of the next), so a run of N kernels writes N + 1 timestamps.
 */
import { addPending } from '../../profile/recorder';
import { CALIBRATION_KERNELS, QUERIES_PER_SET } from './tuning';

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
   * called after submit, reads them back into the spans (resolving when done). Null when no batch is open.
   */
  resolve(encoder: GPUCommandEncoder): (() => Promise<void>) | null {
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
      return read;
    };
  }

  private open(): Batch {
    return (this.batch ??= { slots: this.free.pop() ?? this.newSlots(), used: 0, spans: [], bounds: [], onRead: [] });
  }

  private newSlots(): QuerySlots {
    return querySlots(this.device, QUERIES_PER_SET);
  }
}

/** `count` timestamp queries with the buffers they are resolved into and read back from. */
function querySlots(device: GPUDevice, count: number): QuerySlots {
  const bytes = count * 8;
  return {
    querySet: device.createQuerySet({ type: 'timestamp', count }),
    resolved: device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
    readback: device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  };
}

/** A tiny kernel that depends on the one before (it updates what that one wrote). */
const CALIBRATION_WGSL = `@group(0) @binding(0) var<storage, read_write> v: array<u32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) g: vec3u) { v[g.x] = v[g.x] + 1u; }`;

/**
 * What timing a kernel costs the GPU, in ms: a tiny kernel's step when each runs in a pass of its
 * own timed from the end of the one before, less its step when all run in one pass timed as a
 * whole. Each profiled kernel's GPU time includes it (several µs through Vulkan:
 * engine/bench/timestamp-cost.ts), so kernels about that short are mostly measurement. Exact only
 * where timestamps are (see Timestamps.quantumNs).
 */
export async function timestampCostMs(device: GPUDevice): Promise<number> {
  const n = CALIBRATION_KERNELS;
  const count = n + 3;
  const { querySet, resolved, readback } = querySlots(device, count);
  const values = device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE });
  try {
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: CALIBRATION_WGSL }), entryPoint: 'main' },
    });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: values } }] });
    const encoder = device.createCommandEncoder();
    const run = (timestampWrites: GPUComputePassTimestampWrites, kernels: number) => {
      const pass = encoder.beginComputePass({ timestampWrites });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      for (let k = 0; k < kernels; k++) pass.dispatchWorkgroups(1);
      pass.end();
    };
    // All in one pass (queries 0 and 1), then a pass each, chained (queries 2 to n + 2).
    run({ querySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 }, n);
    run({ querySet, beginningOfPassWriteIndex: 2, endOfPassWriteIndex: 3 }, 1);
    for (let i = 4; i < count; i++) run({ querySet, endOfPassWriteIndex: i }, 1);
    encoder.resolveQuerySet(querySet, 0, count, resolved, 0);
    encoder.copyBufferToBuffer(resolved, 0, readback, 0, count * 8);
    device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const ns = new BigInt64Array(readback.getMappedRange());
    const inOnePass = Number(ns[1] - ns[0]) / n;
    const steps: number[] = [];
    for (let i = 4; i < count; i++) steps.push(Number(ns[i] - ns[i - 1]));
    readback.unmap();
    steps.sort((a, b) => a - b);
    return Math.max(0, steps[steps.length >> 1] - inOnePass) / 1e6;
  } finally {
    for (const b of [resolved, readback, values]) b.destroy();
    querySet.destroy();
  }
}

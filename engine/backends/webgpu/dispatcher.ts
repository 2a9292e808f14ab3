/**
 * Records many dispatches into one command encoder and submits them together, never waiting on
 * the GPU. Each dispatch's metadata words go into one uniform arena (256-byte slots) written once
 * per submit. Pipelines are cached by their WGSL text.
 */
import { addPending, recordKernel, type KernelInfo } from '../../profile/recorder';
import { withHelpers } from './wgsl-common';
import type { GpuFaults } from './faults';

/** What a timed pass fills in once its timestamps are read back. */
interface TimedPass {
  startMs: number | null;
  gpuMs: number | null;
}

const SLOT_BYTES = 256;
const ARENA_SLOTS = 1024;
/** Submit after this many dispatches so the GPU starts while JavaScript keeps recording. */
const MAX_BATCH = 256;

export class Dispatcher {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private arena: GPUBuffer;
  private arenaWords = new Uint32Array((SLOT_BYTES / 4) * ARENA_SLOTS);
  private slots = 0;
  private pipelines = new Map<string, GPUComputePipeline>();
  private sources = new Map<string, string>();
  private preparing = new Map<string, Promise<void>>();
  dispatches = 0;
  /** Command buffers submitted so far. */
  submits = 0;
  /** Called after each submit (the pool destroys buffers it no longer keeps). */
  afterSubmit: (() => void) | null = null;
  /** Pipelines created synchronously at their first dispatch (those not prepared ahead). */
  blockingCreations = 0;
  /** Timestamp queries of the current batch: one begin/end pair per timed pass. */
  private timing: { querySet: GPUQuerySet; records: TimedPass[]; onRead: (() => void)[] } | null = null;

  /**
   * Where the device can write timestamps between dispatches inside a pass (Dawn's
   * chromium-experimental-timestamp-query-inside-passes), profiled kernels share passes like
   * unprofiled ones; elsewhere each gets a pass of its own, timed at its boundaries.
   */
  timestampsInsidePasses: boolean;
  /** Bind group layouts by pipeline (asking the pipeline each time crosses into the driver). */
  private layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();

  constructor(
    private device: GPUDevice,
    private readonly hasTimestamps = false,
    private readonly faults?: GpuFaults,
  ) {
    this.timestampsInsidePasses = device.features.has('chromium-experimental-timestamp-query-inside-passes');
    this.arena = device.createBuffer({ size: SLOT_BYTES * ARENA_SLOTS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** The pipeline for a kernel `key`, generating its WGSL with `source()` only the first time. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let code = this.sources.get(key);
    if (code === undefined) {
      code = withHelpers(source());
      this.sources.set(key, code);
    }
    let p = this.pipelines.get(code);
    if (!p) {
      const create = () => {
        const module = this.device.createShaderModule({ code: code!, label: key });
        return this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      };
      const name = key.split('|')[0];
      // A kernel whose WGSL does not compile: the next read says which kernel and why.
      // Once the GPU says it failed, it leaves the cache, so the kernel is tried again next time.
      const forget = () => this.pipelines.delete(code!);
      p = this.faults ? this.faults.watch('validation', create, (message) => `the WGSL of kernel '${name}' (${key}) did not compile: ${message}`, forget) : create();
      this.pipelines.set(code, p);
      this.blockingCreations++;
    }
    return p;
  }

  /** Creates the pipeline for `code` with createComputePipelineAsync, into the same cache. */
  prepare(code: string, label: string): Promise<void> {
    if (this.pipelines.has(code)) return Promise.resolve();
    let pending = this.preparing.get(code);
    if (!pending) {
      const module = this.device.createShaderModule({ code, label });
      pending = this.device
        .createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' }, label })
        .then(
          (p) => {
            if (!this.pipelines.has(code)) this.pipelines.set(code, p);
          },
          (error: unknown) => {
            this.faults?.report(new Error(`the WGSL of compiled kernel '${label}' did not compile: ${error instanceof Error ? error.message : String(error)}`));
            throw error;
          },
        )
        .finally(() => this.preparing.delete(code));
      this.preparing.set(code, pending);
    }
    return pending;
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  dispatch(pipeline: GPUComputePipeline, meta: readonly number[], buffers: readonly GPUBuffer[], groups: readonly [number, number, number], info?: KernelInfo): void {
    const record = info ? recordKernel('webgpu', info) : null;
    if (meta.length > SLOT_BYTES / 4) throw new Error(`kernel metadata of ${meta.length} words exceeds one ${SLOT_BYTES}-byte slot`);
    if (this.slots === ARENA_SLOTS) this.flush();
    const slot = this.slots++;
    const base = (slot * SLOT_BYTES) / 4;
    for (let i = 0; i < meta.length; i++) this.arenaWords[base + i] = meta[i];
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: slot * SLOT_BYTES, size: SLOT_BYTES } }];
    buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    let layout = this.layouts.get(pipeline);
    if (!layout) this.layouts.set(pipeline, (layout = pipeline.getBindGroupLayout(0)));
    const bindGroup = this.device.createBindGroup({ layout, entries });
    const timed = record !== null && this.hasTimestamps;
    if (timed && this.timestampsInsidePasses) {
      const pass = this.computePass() as GPUComputePassEncoder & { writeTimestamp(q: GPUQuerySet, i: number): void };
      const i = this.timingSlot(record);
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.writeTimestamp(this.timing!.querySet, 2 * i);
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
      pass.writeTimestamp(this.timing!.querySet, 2 * i + 1);
    } else {
      const pass = timed ? this.timedPass(record) : this.computePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
      if (timed) this.endPass();
    }
    this.dispatches++;
    if (this.slots >= MAX_BATCH) this.flush();
  }

  /**
   * A point on the GPU timeline after everything recorded so far (an empty timed pass): resolves
   * to its time in ms, or null without timestamp queries. Cheap: no pass per kernel.
   */
  mark(): Promise<number | null> {
    if (!this.hasTimestamps) return Promise.resolve(null);
    if (this.timing && this.timing.records.length >= 2 * MAX_BATCH - 1) this.flush();
    const record: TimedPass = { startMs: null, gpuMs: null };
    this.timedPass(record);
    this.endPass();
    const batch = this.timing!;
    return new Promise((resolve) => {
      batch.onRead.push(() => resolve(record.startMs));
    });
  }

  /** The next pair of timestamp slots of this batch, for `record`. */
  private timingSlot(record: TimedPass): number {
    if (!this.timing) this.timing = { querySet: this.device.createQuerySet({ type: 'timestamp', count: 4 * MAX_BATCH }), records: [], onRead: [] };
    this.timing.records.push(record);
    return this.timing.records.length - 1;
  }

  /** A pass of its own for one profiled kernel, with timestamps written at its boundaries. */
  private timedPass(record: TimedPass): GPUComputePassEncoder {
    this.endPass();
    if (this.splitPassesOnly) return (this.pass = this.commandEncoder().beginComputePass());
    const i = this.timingSlot(record);
    this.pass = this.commandEncoder().beginComputePass({ timestampWrites: { querySet: this.timing!.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 } });
    return this.pass;
  }

  /** For the profiler benchmark only: a pass per profiled kernel but no timestamps, to tell the two costs apart. */
  splitPassesOnly = false;

  /**
   * Records the copy of this batch's timestamps; the returned function, called after submit,
   * reads them back into the kernel records.
   */
  private resolveTimings(): (() => void) | null {
    const timing = this.timing;
    if (!timing || !this.encoder) return null;
    this.timing = null;
    const count = 2 * timing.records.length;
    const resolved = this.device.createBuffer({ size: count * 8, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
    const readback = this.device.createBuffer({ size: count * 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.encoder.resolveQuerySet(timing.querySet, 0, count, resolved, 0);
    this.encoder.copyBufferToBuffer(resolved, 0, readback, 0, count * 8);
    const profiled = timing.records.some((r) => 'name' in r);
    return () => {
      const read = readback.mapAsync(GPUMapMode.READ).then(() => {
        const ns = new BigInt64Array(readback.getMappedRange());
        timing.records.forEach((r, i) => {
          r.startMs = Number(ns[2 * i]) / 1e6;
          r.gpuMs = Math.max(0, Number(ns[2 * i + 1] - ns[2 * i]) / 1e6);
        });
        readback.unmap();
        for (const b of [readback, resolved]) b.destroy();
        timing.querySet.destroy();
        for (const done of timing.onRead) done();
      });
      if (profiled) addPending(read);
    };
  }

  clear(buffer: GPUBuffer, bytes: number): void {
    this.endPass();
    this.commandEncoder().clearBuffer(buffer, 0, bytes);
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  get hasPendingWork(): boolean {
    return this.encoder !== null;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    const readTimings = this.resolveTimings();
    if (this.slots > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaWords, 0, (this.slots * SLOT_BYTES) / 4);
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.afterSubmit?.();
    this.encoder = null;
    this.slots = 0;
    readTimings?.();
  }
}

/** Workgroup counts for `invocations` threads in groups of `size`, folded into 2-D past 65535. */
export function grid1d(invocations: number, size: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(invocations / size));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

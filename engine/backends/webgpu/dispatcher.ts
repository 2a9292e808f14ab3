/**
 * Records many dispatches into one command encoder and submits them together, never waiting on
 * the GPU. Each dispatch's metadata words go into one uniform arena (metadata-arena.ts) written
 * once per submit. Pipelines come from pipeline-cache.ts.
 */
import { recordKernel, type KernelInfo } from '../../profile/recorder';
import { SubmitPolicy, workOf } from './submit-policy';
import type { GpuFaults } from './faults';
import { GpuBlock, wholeBuffer } from './buffer-pool';
import { BindGroupCache } from './bind-group-cache';
import { MetadataArena, SLOT_BYTES } from './metadata-arena';
import { Timestamps, type TimedSpan } from './timestamps';
import { BusyClock, type CompileClock } from './gpu-clock';
import { PipelineCache, type GpuProgram } from './pipeline-cache';

export type { GpuProgram };
import { bindingSignature, mismatchedAliases, plainSignature, type StorageDecl } from './binding-variants';

export class Dispatcher {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private arena: MetadataArena;
  private bindGroups: BindGroupCache;
  /** The signature of a dispatch of n distinct blocks, by n (the common case, no string built). */
  private plainSignatures: string[] = [];
  /** setBindGroup's dynamic offsets: the metadata slot, then slab chunks' offsets in binding order. */
  private dynamicOffsets = new Uint32Array(16);
  /** Storage bindings that may take a dynamic offset (the device's limit, at most 8). */
  private readonly maxDynamic: number;
  /** The pipeline set last in the open pass. */
  private passPipeline: GPUComputePipeline | null = null;
  dispatches = 0;
  /** When recorded work is submitted (the backend tells it when a wait found the GPU idle). */
  readonly policy = new SubmitPolicy();
  /** Command buffers submitted so far. */
  submits = 0;
  /** Called after each submit (the pool destroys buffers it no longer keeps). */
  afterSubmit: (() => void) | null = null;
  /** The time the GPU ran submitted work, while a watch runs (timestamps at submit boundaries). */
  private readonly busy: BusyClock;
  /** Timestamp queries for profiled kernels, read back in batches. */
  private readonly timestamps: Timestamps;
  /**
   * The query written just after the last dispatch when that dispatch was timed and nothing has
   * been recorded since (inside the open pass, or at the end of the pass the dispatch had to
   * itself, before a submit): the next timed dispatch starts from it instead of writing a start of
   * its own, so N kernels in a row write N + 1 timestamps.
   */
  private chainEnd: number | null = null;

  /**
   * Where the device can write timestamps between dispatches inside a pass (Dawn's
   * chromium-experimental-timestamp-query-inside-passes), profiled kernels share passes like
   * unprofiled ones; elsewhere each gets a pass of its own, timed at its boundaries.
   */
  timestampsInsidePasses: boolean;

  constructor(
    private device: GPUDevice,
    private readonly hasTimestamps = false,
    faults?: GpuFaults,
  ) {
    this.maxDynamic = Math.min(8, device.limits.maxDynamicStorageBuffersPerPipelineLayout ?? 4);
    this.timestampsInsidePasses = device.features.has('chromium-experimental-timestamp-query-inside-passes');
    this.arena = new MetadataArena(device);
    this.timestamps = new Timestamps(device);
    this.busy = new BusyClock(device);
    this.bindGroups = new BindGroupCache(device, { buffer: this.arena.buffer, offset: 0, size: SLOT_BYTES });
    this.pipelines = new PipelineCache(device, this.maxDynamic, faults);
  }

  /** The kernels' pipelines and the shader compile clock (pipeline-cache.ts). */
  readonly pipelines: PipelineCache;

  /** The program for `key`, generating its WGSL with `source()` only the first time. */
  pipeline(key: string, source: () => string): GpuProgram {
    return this.pipelines.pipeline(key, source);
  }

  /** Creates the pipeline for `code` ahead, with createComputePipelineAsync (compiled functions). */
  prepare(code: string, label: string): Promise<void> {
    return this.pipelines.prepare(code, label);
  }

  /** Pipelines created synchronously at their first dispatch (those not prepared ahead). */
  get blockingCreations(): number {
    return this.pipelines.blockingCreations;
  }

  /** Pipelines created so far, blocking or ahead: shaders compiled. */
  get pipelinesCreated(): number {
    return this.pipelines.pipelinesCreated;
  }

  /** Pipelines created by the warm-up, ahead of any cell. */
  get pipelinesWarmed(): number {
    return this.pipelines.pipelinesWarmed;
  }

  /** The time shaders were being compiled (overlaps counted once). */
  get compileClock(): CompileClock {
    return this.pipelines.compileClock;
  }

  /** While set, dispatches record nothing: they list the pipelines they would need (pipelinesNeededBy). */
  private warming: [GpuProgram, string][] | null = null;
  /** When the last dispatch was recorded (performance.now()): warm-ups wait while work comes in. */
  lastDispatchAt = -Infinity;

  /** Runs `record` without recording its dispatches: the pipelines they would need, by program and signature (warm-pipelines.ts). */
  pipelinesNeededBy(record: () => void): [GpuProgram, string][] {
    const wanted: [GpuProgram, string][] = [];
    this.warming = wanted;
    try {
      record();
    } finally {
      this.warming = null;
    }
    return wanted;
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) {
      this.encoder = this.device.createCommandEncoder();
      this.busy.begin(this.encoder);
    }
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) {
      this.pass = this.commandEncoder().beginComputePass();
      this.passPipeline = null;
    }
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
    this.chainEnd = null;
  }

  dispatch(
    program: GpuProgram,
    meta: readonly number[],
    buffers: readonly (GpuBlock | GPUBuffer)[],
    groups: readonly [number, number, number],
    info?: KernelInfo,
  ): void {
    const blocks = buffers.map((b) => (b instanceof GpuBlock ? b : wholeBuffer(b)));
    if (this.warming) {
      // A tensor bound twice gets a variant of its own (one bound under two types, a copy: not warmed).
      if (allDistinct(blocks)) this.warming.push([program, this.plainSignature(blocks.length)]);
      else if (mismatchedAliases(blocks, program.args).length === 0) this.warming.push([program, bindingSignature(blocks, this.maxDynamic)]);
      return;
    }
    this.lastDispatchAt = performance.now();
    const record = info ? recordKernel('webgpu', info) : null;
    const signature = allDistinct(blocks) ? this.plainSignature(blocks.length) : this.aliasedSignature(program, blocks);
    const { pipeline, layout } = this.pipelines.variant(program, signature);
    const timed = record !== null && this.hasTimestamps;
    // Timestamps are read back at the next wait, or here when a timed kernel finds no room for its
    // two queries: a submit leaves them to be resolved with later ones (a read-back per submit made
    // a profiled loop of big ops much slower).
    if (this.arena.full || (timed && this.timestamps.full)) this.flush();
    this.dynamicOffsets[0] = this.arena.add(meta);
    const bindGroup = this.bindGroups.get(layout.group, blocks, signature, this.dynamicOffsets);
    if (timed && this.timestampsInsidePasses) {
      const pass = this.computePass() as GPUComputePassEncoder & { writeTimestamp(q: GPUQuerySet, i: number): void };
      this.setPipeline(pass, pipeline);
      pass.setBindGroup(0, bindGroup, this.dynamicOffsets, 0, this.bindGroups.dynamicCount);
      const querySet = this.timestamps.querySet;
      let start = this.chainEnd;
      if (start === null) pass.writeTimestamp(querySet, (start = this.timestamps.take()));
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
      const end = this.timestamps.take();
      pass.writeTimestamp(querySet, end);
      this.timestamps.add(record, start, end);
      this.chainEnd = end;
    } else {
      const pass = timed ? this.timedPass(record, this.chainEnd) : this.computePass();
      this.setPipeline(pass, pipeline);
      pass.setBindGroup(0, bindGroup, this.dynamicOffsets, 0, this.bindGroups.dynamicCount);
      pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
      if (timed) {
        this.endPass();
        this.chainEnd = this.timedEnd;
      }
      // An untimed kernel ran after the last timestamp: the next timed one needs a start of its own.
      else this.chainEnd = null;
    }
    this.dispatches++;
    let work = 0;
    if (info) work = workOf(info.bytes, info.flops);
    else for (let i = 0; i < blocks.length; i++) work += blocks[i].size;
    // Kernels timed inside shared passes batch like plain ones; a pass each is submitted sooner (see SubmitPolicy).
    if (this.policy.recorded(work, timed && !this.timestampsInsidePasses, this.arena.slots)) this.flush(false);
  }

  private plainSignature(count: number): string {
    return (this.plainSignatures[count] ??= plainSignature(count, this.maxDynamic));
  }

  /** The signature where a block is bound more than once (reading a copy where the WGSL types differ). */
  private aliasedSignature(program: GpuProgram, blocks: GpuBlock[]): string {
    for (const i of mismatchedAliases(blocks, program.args)) {
      // ---- norms (#23): where the later binding is the one written (an in-place op on a small tensor: `out` as vec4, `in0` scalar), the earlier read one gets the copy ----
      const first = blocks.indexOf(blocks[i]);
      const reader = program.args[i]?.mode !== 'read' && program.args[first]?.mode === 'read' ? first : i;
      blocks[reader] = this.scratchCopy(blocks[reader], program.args[reader]);
    }
    return bindingSignature(blocks, this.maxDynamic);
  }

  /** A copy of `block` for an argument that only reads it (destroyed after the next submit). */
  private scratchCopy(block: GpuBlock, decl: StorageDecl | undefined): GpuBlock {
    if (decl?.mode !== 'read') throw new Error(`internal: kernel binding ${decl?.name} writes a tensor bound twice under different types`);
    const copy = this.device.createBuffer({ size: block.size, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.copy(block.buffer, block.offset, copy, 0, block.size);
    this.scratch.push(copy);
    return wholeBuffer(copy);
  }

  private scratch: GPUBuffer[] = [];

  /** Sets the pipeline unless the pass has it already. */
  private setPipeline(pass: GPUComputePassEncoder, pipeline: GPUComputePipeline): void {
    if (this.passPipeline === pipeline) return;
    pass.setPipeline(pipeline);
    this.passPipeline = pipeline;
  }

  /**
   * A point on the GPU timeline after everything recorded so far (an empty timed pass): resolves
   * to its time in ms, or null without timestamp queries. Cheap: no pass per kernel.
   */
  mark(): Promise<number | null> {
    if (!this.hasTimestamps) return Promise.resolve(null);
    if (this.timestamps.full) this.flush();
    const span: TimedSpan = { startMs: null, gpuMs: null };
    this.timedPass(span);
    this.endPass();
    return new Promise((resolve) => this.timestamps.whenRead(() => resolve(span.startMs)));
  }

  /**
   * Starts timing the work the GPU runs (a timestamp at the start and end of each command buffer
   * submitted from now on; none per kernel): `stop()` resolves to the ms the GPU was busy, so a
   * stall between submits (compiling, a slow loop) is not counted. Null without timestamps.
   */
  busyWatch(): { stop(): Promise<number | null> } {
    return this.hasTimestamps ? this.busy.watch((resolve) => this.flush(resolve)) : { stop: async () => null };
  }

  /**
   * A pass of its own for one profiled kernel, with timestamps written at its boundaries. Given
   * `from`, the end of the timed pass just before (nothing recorded since), the span starts there
   * and the pass writes only its end: half the writes, each of which costs the GPU time through
   * Vulkan (Dawn resets the query before writing it; see timestamps.ts).
   */
  private timedPass(span: TimedSpan, from: number | null = null): GPUComputePassEncoder {
    this.endPass();
    this.passPipeline = null;
    this.timedEnd = null;
    if (this.splitPassesOnly) return (this.pass = this.commandEncoder().beginComputePass());
    const descriptor = from === null ? this.timedPassDescriptor : this.chainedPassDescriptor;
    const writes = descriptor.timestampWrites;
    writes.querySet = this.timestamps.querySet;
    const start = from ?? this.timestamps.take();
    if (from === null) this.timedPassDescriptor.timestampWrites.beginningOfPassWriteIndex = start;
    this.timedEnd = writes.endOfPassWriteIndex = this.timestamps.take();
    this.timestamps.add(span, start, this.timedEnd);
    this.pass = this.commandEncoder().beginComputePass(descriptor);
    return this.pass;
  }

  /** The query the last timed pass writes at its end (null when it writes none). */
  private timedEnd: number | null = null;

  /** One descriptor for every timed pass, its indices set each time (no garbage per profiled kernel). */
  private timedPassDescriptor = { timestampWrites: { querySet: null as unknown as GPUQuerySet, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } };
  /** The same for a pass that continues a chain: its end only. */
  private chainedPassDescriptor = { timestampWrites: { querySet: null as unknown as GPUQuerySet, endOfPassWriteIndex: 1 } };

  /** The step GPU timestamps came in, in ns (see Timestamps.quantumNs); null before any were read. */
  get timestampQuantumNs(): number | null {
    return this.timestamps.quantumNs;
  }

  /** Batches of timestamps read back so far. */
  get timestampReadbacks(): number {
    return this.timestamps.readbacks;
  }

  /** For the profiler benchmark only: a pass per profiled kernel but no timestamps, to tell the two costs apart. */
  splitPassesOnly = false;

  clear(buffer: GPUBuffer, offset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().clearBuffer(buffer, offset, bytes);
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  get hasPendingWork(): boolean {
    return this.encoder !== null;
  }

  /** Submits everything recorded so far; `resolve`: with the timestamps recorded since the last resolve. */
  flush(resolve = true): void {
    if (!this.encoder && !(resolve && (this.timestamps.pending || this.busy.pending))) return;
    this.endPass();
    this.busy.end(this.commandEncoder(), resolve);
    const readTimings = resolve ? this.timestamps.resolve(this.commandEncoder()) : null;
    this.arena.upload();
    this.device.queue.submit([this.commandEncoder().finish()]);
    this.submits++;
    this.afterSubmit?.();
    for (const b of this.scratch.splice(0)) b.destroy();
    this.encoder = null;
    this.policy.submitted();
    this.busy.submitted();
    void readTimings?.();
  }
}

function allDistinct(blocks: readonly GpuBlock[]): boolean {
  for (let i = 1; i < blocks.length; i++) for (let j = 0; j < i; j++) if (blocks[i] === blocks[j]) return false;
  return true;
}

/** Workgroup counts for `invocations` threads in groups of `size`, folded into 2-D past 65535. */
export function grid1d(invocations: number, size: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(invocations / size));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/** The WebGPU backend: pooled buffers, cached pipelines, batched dispatches, strided kernels. */
import { warmPipelines } from './warm-pipelines';
import { fail } from '../../core/errors';
import type { DType, TypedArray } from '../../core/dtype';
import { isContiguous } from '../../core/shape';
import { releasedByCollector } from '../../core/storage-ref';
import { exprKey, type ArgReduceOp, type Expr, type ReduceOp } from '../../ops/op-types';
import { argReduceCost, cumsumCost, elementwiseCost, exprFacts, updateCost } from '../../profile/kernel-cost';
import type {
  AttentionGradViews,
  AttentionParams,
  Backend,
  Col2imWindow,
  Fused,
  IndexCheck,
  PoolOp,
  PoolWindow,
  PostReduce,
  RnnBackwardViews,
  RnnMode,
  ScanOp,
  Storage,
  View,
} from '../backend';
import { rnnStepBackwardCost, rnnStepCost } from '../../profile/rnn-cost';
import { RNN_TILE, rnnBackwardBindings, rnnStepBackwardSource, rnnStepSource } from './kernels/rnn-step';
import { flashAttentionBackward, flashAttentionForward } from './kernels/flash-attention-run';
import { col2imKernel, poolGradKernel, poolKernel } from './pool-kernels';
import { scanRowsGpu, sortRowsGpu } from './sort-scan';
import { BufferPool, type GpuBlock } from './buffer-pool';
import { Dispatcher, grid1d } from './dispatcher';
import { elementwiseGroups, elementwiseSource, floatBits, planElementwise } from './kernels/elementwise';
import { IndexErrors } from './index-errors';
import { reduceKernel, type ReduceKernels } from './reduce-kernels';
import { matmulKernel } from './matmul-kernel';
import { gatherKernel, scatterAddKernel, scatterKernel, searchSortedKernel, type IndexKernels } from './index-kernels';
import { updateSource } from './kernels/update';
import { argReduceSource, cumsumSource } from './kernels/reduce';
import { MATMUL_TUNING, SHORT_ROW, WORKGROUP } from './tuning';
import { GpuFaults } from './faults';
import { QueueBacklog } from './queue-backlog';
import { timestampCostMs } from './timestamps';
import { bufferOf, GpuStorage, startGeneration } from './gpu-storage';
import { openDevice } from './open-device';
import { readBack, type ReadParts } from './readback';
import { noteGpuAllocation } from '../../core/reclaim';

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

export class WebGpuBackend implements Backend {
  readonly device = 'webgpu' as const;
  private pool: BufferPool;
  private dispatcher: Dispatcher;
  /** Out-of-range indices index kernels found (advanced indexing; read back with the next read). */
  private indexErrors: IndexErrors;
  /** The dispatcher and error buffer the index kernels (index-kernels.ts) use. */
  private readonly kernels: IndexKernels;
  /** The dispatcher and temporary storage the reductions (reduce-kernels.ts) use. */
  private readonly reduceKernels: ReduceKernels;
  /** What reading a tensor back (readback.ts) uses. */
  private readonly readParts: ReadParts;

  /**
   * `instance` and `adapter` are held so they live as long as the device: Dawn in Node tears the
   * device down if its instance is garbage-collected.
   */
  readonly faults: GpuFaults;
  /** Submitted work not finished yet (loops wait while it is deep: see core/backlog.ts). */
  readonly backlog: QueueBacklog;
  /** Resolves when the device is lost (it then stays unusable; init makes a new backend). */
  readonly lost: Promise<GPUDeviceLostInfo>;

  constructor(
    readonly gpu: GPUDevice,
    readonly adapterInfo: string,
    readonly instance: GPU,
    readonly adapter: GPUAdapter,
  ) {
    startGeneration();
    MATMUL_TUNING.softwareAdapter = /swiftshader|llvmpipe|lavapipe/i.test(adapterInfo);
    this.faults = new GpuFaults(gpu, Math.min(gpu.limits.maxStorageBufferBindingSize, gpu.limits.maxBufferSize));
    this.pool = new BufferPool(gpu, this.faults);
    this.dispatcher = new Dispatcher(gpu, gpu.features.has('timestamp-query'), this.faults);
    this.backlog = new QueueBacklog(gpu.queue);
    this.dispatcher.afterSubmit = () => {
      this.pool.destroyDoomed();
      this.backlog.onSubmit();
    };
    this.indexErrors = new IndexErrors(gpu, this.dispatcher);
    this.kernels = { dispatcher: this.dispatcher, indexErrors: this.indexErrors };
    this.reduceKernels = {
      dispatcher: this.dispatcher,
      allocate: (length, dtype) => this.allocate(length, dtype),
      release: (storage) => this.release(storage),
    };
    this.readParts = {
      gpu,
      dispatcher: this.dispatcher,
      faults: this.faults,
      indexErrors: this.indexErrors,
      pool: this.pool,
      allocate: (length, dtype) => this.allocate(length, dtype),
      copyStrided: (view, out) => this.elementwise({ kind: 'input', index: 0, dtype: view.dtype }, [view], out),
      release: (storage) => this.release(storage),
    };
    this.lost = gpu.lost.then((info) => {
      this.faults.lost = { reason: info.reason, message: info.message };
      return info;
    });
  }

  /** How profiled kernels are timed: inside shared passes where the device can, else a pass each. */
  get timestampPlacement(): 'inside passes' | 'pass boundaries' {
    return this.dispatcher.timestampsInsidePasses ? 'inside passes' : 'pass boundaries';
  }

  /** For the profiler benchmark: compare both placements on one device. */
  set timestampsInsidePasses(on: boolean) {
    this.dispatcher.timestampsInsidePasses = on && this.gpu.features.has('chromium-experimental-timestamp-query-inside-passes');
  }

  /** For the profiler benchmark's diagnostic: profiled kernels get a pass each but no timestamps. */
  set splitPassesOnly(on: boolean) {
    this.dispatcher.splitPassesOnly = on;
  }

  /** Whether profiles get GPU times (the adapter has timestamp queries). */
  get hasTimestamps(): boolean {
    return this.gpu.features.has('timestamp-query');
  }

  /** The step GPU timestamps come in (ms), as read so far; null before any. */
  get timestampQuantumMs(): number | null {
    const ns = this.dispatcher.timestampQuantumNs;
    return ns === null ? null : ns / 1e6;
  }

  /** What one timestamp costs this GPU, in ms (see timestamps.ts), measured once; null without timestamps. */
  timestampCostMs(): Promise<number | null> {
    return (this.timestampCost ??= this.hasTimestamps ? timestampCostMs(this.gpu) : Promise.resolve(null));
  }

  private timestampCost: Promise<number | null> | null = null;

  /** A point on the GPU timeline after all work recorded so far, in ms (null without timestamps). */
  mark(): Promise<number | null> {
    return this.dispatcher.mark();
  }

  /** Times the work the GPU runs from now on, stalls between submits apart (see Dispatcher.busyWatch). */
  busyWatch(): { stop(): Promise<number | null> } {
    return this.dispatcher.busyWatch();
  }

  /** Submits recorded work and resolves when the GPU has finished it. */
  async finish(): Promise<void> {
    this.dispatcher.flush();
    await this.faults.raise();
    if (this.indexErrors.unread) await this.indexErrors.read();
    const submitted = this.dispatcher.submits;
    // Nothing submitted since the last wait finished: the GPU is idle already (no round trip).
    if (submitted === this.finishedThrough) {
      this.dispatcher.policy.gpuIdle = true;
      return;
    }
    await this.gpu.queue.onSubmittedWorkDone();
    this.finishedThrough = Math.max(this.finishedThrough, submitted);
    // Idle unless work was submitted while waiting: the next dispatch goes to the GPU at once.
    this.dispatcher.policy.gpuIdle = this.dispatcher.submits === submitted && !this.dispatcher.hasPendingWork;
  }

  /** Submits recorded work; resolves when the GPU has finished it (no error read, no wait now). */
  onDone(): Promise<void> {
    this.dispatcher.flush(false);
    if (this.dispatcher.submits === this.finishedThrough) return Promise.resolve();
    return this.gpu.queue.onSubmittedWorkDone();
  }

  /** Every submit up to this count is known to be finished. */
  private finishedThrough = 0;

  static async create(gpu: GPU): Promise<WebGpuBackend | null> {
    const opened = await openDevice(gpu);
    return opened && new WebGpuBackend(opened.device, opened.description, gpu, opened.adapter);
  }

  get kernelCount(): number {
    return this.dispatcher.dispatches;
  }

  /** Shader pipelines compiled so far (at a dispatch or ahead): what a cell's GPU time may include waiting for. */
  get pipelinesCreated(): number {
    return this.dispatcher.pipelinesCreated;
  }

  /** Milliseconds during which shaders were compiling, so far (see CompileClock). */
  get compileMs(): number {
    return this.dispatcher.compileClock.ms;
  }

  /** Pipelines that were created at a dispatch, blocking it (a compiled graph's should be none). */
  get blockingPipelineCreations(): number {
    return this.dispatcher.blockingCreations;
  }

  warmPipelines(record: () => void): Promise<number> {
    return warmPipelines(this.dispatcher, record);
  }

  async preparePipelines(kernels: readonly { name: string; wgsl: string }[]): Promise<void> {
    await Promise.all(kernels.map((k) => this.dispatcher.prepare(k.wgsl, k.name)));
  }

  memory() {
    return { liveBytes: this.pool.liveBytes, pooledBytes: this.pool.pooledBytes };
  }

  /** Gives the pool's idle buffers back to the device (torch.emptyCache). */
  emptyCache(): void {
    this.dispatcher.flush();
    this.pool.trim();
  }

  allocate(length: number, dtype: DType): GpuStorage {
    this.faults.checkSize(length * 4, length);
    const block = this.pool.acquire(length * 4);
    noteGpuAllocation(block.size);
    return new GpuStorage(block, length, dtype, this.pool.lastCreatedBytes);
  }

  zeros(length: number, dtype: DType): Storage {
    const storage = this.allocate(length, dtype);
    this.dispatcher.clear(storage.block.buffer, storage.block.offset, storage.block.size);
    return storage;
  }

  upload(data: TypedArray, dtype: DType): Storage {
    const words = dtype === 'bool' ? Uint32Array.from(data) : data;
    const storage = this.allocate(data.length, dtype);
    // A pooled buffer may still be read by recorded work: submit that first to keep the order.
    this.dispatcher.flush();
    if (words.length > 0) this.gpu.queue.writeBuffer(storage.block.buffer, storage.block.offset, words.buffer, words.byteOffset, words.length * 4);
    return storage;
  }

  release(storage: Storage): void {
    this.pool.release((storage as GpuStorage).block, releasedByCollector());
  }

  read(view: View): Promise<TypedArray> {
    return readBack(this.readParts, view);
  }

  elementwise(expr: Expr, inputs: readonly View[], out: View, scalars: readonly number[] = []): void {
    const n = numelOf(out.shape);
    if (n === 0) return;
    const facts = exprFacts(expr);
    const plan = planElementwise(facts.key, inputs, out, scalars);
    const pipeline = this.dispatcher.pipeline(plan.key, () =>
      elementwiseSource(
        expr,
        plan,
        inputs.map((v) => v.dtype),
        out.dtype,
        out.shape.length,
      ),
    );
    const info = elementwiseCost(expr, inputs.length, n);
    const buffers: GpuBlock[] = [];
    for (const v of inputs) buffers.push(bufferOf(v));
    buffers.push(bufferOf(out));
    this.dispatcher.dispatch(pipeline, plan.meta, buffers, elementwiseGroups(plan, n), info);
  }

  update(exprs: readonly Expr[], state: readonly View[], inputs: readonly View[], scalars: readonly number[]): void {
    const shape = state[0].shape;
    const n = numelOf(shape);
    if (n === 0) return;
    const views = [...state, ...inputs];
    const strided = inputs.map((v) => !isContiguous(v.shape, v.strides));
    const rank = strided.some(Boolean) ? shape.length : 0;
    const key = `update|${exprs.map(exprKey).join(';')}|${views.map((v) => v.dtype[0]).join('')}|${state.length}|${scalars.length}|${strided.map(Number).join('')}|r${rank}`;
    const pipeline = this.dispatcher.pipeline(key, () =>
      updateSource(
        exprs,
        state.map((v) => v.dtype),
        inputs.map((v) => v.dtype),
        scalars.length,
        strided,
        rank,
      ),
    );
    const meta = [n, ...views.map((v) => v.offset), ...scalars.map(floatBits)];
    if (rank) meta.push(...shape, ...inputs.filter((_, k) => strided[k]).flatMap((v) => v.strides));
    this.dispatcher.dispatch(pipeline, meta, views.map(bufferOf), grid1d(n, WORKGROUP), updateCost(exprs, state.length, inputs.length, n));
  }

  reduce(op: ReduceOp, source: Fused, keptDims: number, out: View, epilogue?: Fused, post?: PostReduce): void {
    reduceKernel(this.reduceKernels, op, source, keptDims, out, epilogue, post);
  }

  argReduce(op: ArgReduceOp, input: View, values: View, indices: View): void {
    const rank = input.shape.length;
    const rows = numelOf(input.shape.slice(0, -1));
    if (rows === 0) return;
    const pipeline = this.dispatcher.pipeline(`arg|${op}|${input.dtype}|r${rank}`, () => argReduceSource(op, input.dtype, rank));
    const meta = [rows, input.shape[rank - 1], input.offset, values.offset, indices.offset, ...input.shape.slice(0, -1), ...input.strides];
    this.dispatcher.dispatch(
      pipeline,
      meta,
      [bufferOf(input), bufferOf(values), bufferOf(indices)],
      grid1d(rows, WORKGROUP),
      argReduceCost(op, rows, input.shape[rank - 1]),
    );
  }

  cumsum(input: View, out: View): void {
    const rank = input.shape.length;
    const rows = numelOf(input.shape.slice(0, -1));
    if (rows === 0 || input.shape[rank - 1] === 0) return;
    // Long rows of one dtype: the workgroup scan (sort and scan section) in place of an invocation walking each row.
    if (input.dtype === out.dtype && input.dtype !== 'bool' && input.shape[rank - 1] > SHORT_ROW) return this.scan('sum', input, out);
    const pipeline = this.dispatcher.pipeline(`cumsum|${input.dtype}|${out.dtype}|r${rank}`, () => cumsumSource(input.dtype, out.dtype, rank));
    const meta = [rows, input.shape[rank - 1], input.offset, out.offset, ...input.shape.slice(0, -1), ...input.strides];
    this.dispatcher.dispatch(pipeline, meta, [bufferOf(input), bufferOf(out)], grid1d(rows, WORKGROUP), cumsumCost(rows, input.shape[rank - 1]));
  }

  matmul(a: View, b: View, out: View, epilogue?: Fused): void {
    matmulKernel(this.reduceKernels, this.gpu.limits.maxComputeWorkgroupStorageSize, a, b, out, epilogue);
  }

  scatterAdd(src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
    scatterAddKernel(this.kernels, src, dim, index, out, check);
  }

  gather(input: View, dim: number, index: View, out: View, check?: IndexCheck): void {
    gatherKernel(this.kernels, input, dim, index, out, check);
  }

  scatter(src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
    scatterKernel(this.kernels, src, dim, index, out, check);
  }

  searchSorted(sorted: View, values: View, out: View, right: boolean): void {
    searchSortedKernel(this.kernels, sorted, values, out, right);
  }

  // ---- sort and scan ----
  sort(input: View, values: View, indices: View, descending: boolean): void {
    sortRowsGpu(this.dispatcher, this, input, values, indices, descending);
  }

  scan(op: ScanOp, input: View, out: View, indices?: View): void {
    scanRowsGpu(this.dispatcher, op, input, out, indices);
  }

  // ---- recurrent cell step (#23): one kernel per time step (kernels/rnn-step.ts) ----
  rnnStep(mode: RnnMode, gx: View, h: View, c: View | null, wHh: View, bHh: View | null, out: View, saved: View | null): void {
    const [B, H] = h.shape;
    if (B === 0 || H === 0) return;
    const pipeline = this.dispatcher.pipeline(`rnnStep|${mode}|${bHh ? 'b' : ''}|${saved ? 's' : ''}`, () => rnnStepSource(mode, !!bHh, !!saved));
    const meta = [B, H, gx.offset, h.offset, c?.offset ?? 0, wHh.offset, bHh?.offset ?? 0, out.offset, saved?.offset ?? 0];
    const buffers = [gx, h, wHh, out, ...(c ? [c] : []), ...(bHh ? [bHh] : []), ...(saved ? [saved] : [])].map(bufferOf);
    const groups: [number, number, number] = [Math.ceil(H / RNN_TILE), Math.ceil(B / RNN_TILE), 1];
    this.dispatcher.dispatch(pipeline, meta, buffers, groups, rnnStepCost(mode, B, H));
  }

  rnnStepBackward(mode: RnnMode, v: RnnBackwardViews): void {
    const [B, H] = v.gh.shape;
    if (B === 0 || H === 0) return;
    const names = rnnBackwardBindings(mode);
    const views = names.map((n) => {
      const view = v[n];
      if (!view) fail('rnnStepBackward', `the ${mode} step's gradient needs the view '${n}'`);
      return view;
    });
    const pipeline = this.dispatcher.pipeline(`rnnStepBackward|${mode}`, () => rnnStepBackwardSource(mode, WORKGROUP));
    const meta = [B, H, ...views.map((x) => x.offset)];
    this.dispatcher.dispatch(pipeline, meta, views.map(bufferOf), grid1d(B * H, WORKGROUP), rnnStepBackwardCost(mode, B, H));
  }

  // ---- attention (#23) ----
  attention(q: View, k: View, v: View, mask: View | null, out: View, lse: View, p: AttentionParams): void {
    flashAttentionForward(this.reduceKernels, this.gpu.limits.maxComputeWorkgroupStorageSize, q, k, v, mask, out, lse, p);
  }

  attentionBackward(views: AttentionGradViews, p: AttentionParams): void {
    flashAttentionBackward(this.reduceKernels, this.gpu.limits.maxComputeWorkgroupStorageSize, views, p);
  }

  // ---- conv and pool (#23): pool-kernels.ts ----
  pool2d(op: PoolOp, input: View, out: View, indices: View | null, window: PoolWindow): void {
    poolKernel(this.dispatcher, op, input, out, indices, window);
  }

  pool2dGrad(op: PoolOp, grad: View, indices: View | null, out: View, window: PoolWindow): void {
    poolGradKernel(this.dispatcher, op, grad, indices, out, window);
  }

  col2im(cols: View, out: View, window: Col2imWindow): void {
    col2imKernel(this.dispatcher, cols, out, window);
  }
}

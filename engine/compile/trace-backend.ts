/**
 * The tracer: a backend that runs nothing and records each call as a graph node. While a function
 * is traced every op makes its tensors here, so the front end (shapes, broadcasting, views,
 * autograd) is the same code eager mode runs.
 */
import { allocArray, type Device, type DType, type TypedArray } from '../core/dtype';
import { fail } from '../core/errors';
import type { ArgReduceOp, Expr, ReduceOp } from '../ops/op-types';
import type { Backend, Fused, RnnMode, ScanOp, Storage, View } from '../backends/backend';
import type { Graph, Value, ValueView } from './ir';

/** A value the traced function makes: it has no memory, only an identity. */
export class TraceStorage implements Storage, Value {
  constructor(
    readonly id: number,
    readonly device: Device,
    readonly length: number,
    readonly dtype: DType,
  ) {}
  get bytes(): number {
    return 0;
  }
  /** An id no value has yet (for a new version of a value, see passes/functionalize.ts). */
  static freshId(): number {
    return nextId++;
  }
}

/** Raised when the traced function reads a value (data-dependent control flow): a graph break. */
export class GraphBreak extends Error {
  constructor(readonly reason: string) {
    super(`graph break: ${reason}`);
  }
}

/** Value ids are unique across graphs, so a backward graph can name forward values. */
let nextId = 0;

export class TraceBackend implements Backend {
  kernelCount = 0;
  graph: Graph = { inputs: [], captured: new Map(), nodes: [], outputs: [] };
  protected capturedByStorage = new Map<Storage, Value>();

  constructor(readonly device: Device) {}

  newValue(length: number, dtype: DType): TraceStorage {
    return new TraceStorage(nextId++, this.device, length, dtype);
  }

  /** The graph value for a storage: itself when traced, else a captured outside tensor. */
  protected valueOf(storage: Storage): Value {
    if (storage instanceof TraceStorage) return storage;
    let v = this.capturedByStorage.get(storage);
    if (!v) {
      v = this.newValue(storage.length, storage.dtype);
      this.capturedByStorage.set(storage, v);
      this.graph.captured.set(v, storage);
    }
    return v;
  }

  view(v: View): ValueView {
    return { value: this.valueOf(v.storage), shape: [...v.shape], strides: [...v.strides], offset: v.offset, dtype: v.dtype };
  }

  allocate(length: number, dtype: DType): Storage {
    return this.newValue(length, dtype);
  }

  zeros(length: number, dtype: DType): Storage {
    const out = this.newValue(length, dtype);
    this.graph.nodes.push({ kind: 'zeros', out });
    return out;
  }

  upload(data: TypedArray, dtype: DType): Storage {
    const out = this.newValue(data.length, dtype);
    const copy = allocArray(dtype, data.length);
    copy.set(data);
    this.graph.nodes.push({ kind: 'upload', out, data: copy });
    return out;
  }

  release(): void {}

  /** Set when the function read a value: the trace cannot continue past it. */
  breakReason: string | null = null;

  read(_view: View): Promise<TypedArray> {
    this.breakReason ??= 'a value was read (await x.data(), x.item() or x.tolist()) inside the compiled function';
    const failed = Promise.reject(new GraphBreak(this.breakReason));
    failed.catch(() => undefined);
    return failed;
  }

  elementwise(expr: Expr, inputs: readonly View[], out: View, scalars: readonly number[] = []): void {
    this.graph.nodes.push({ kind: 'elementwise', expr, inputs: inputs.map((v) => this.view(v)), out: this.view(out), scalars: [...scalars], names: [] });
  }

  update(): void {
    fail('compile', 'optimizer steps cannot be compiled; call optimizer.step() outside the compiled function');
  }

  reduce(op: ReduceOp, source: Fused, keptDims: number, out: View): void {
    const leaves = source.leaves.map((v) => this.view(v));
    this.graph.nodes.push({
      kind: 'reduce',
      op,
      shape: leaves[0].shape,
      keptDims,
      expr: source.expr,
      leaves,
      scalars: [...source.scalars],
      out: this.view(out),
      names: [op],
    });
  }

  argReduce(op: ArgReduceOp, input: View, values: View, indices: View): void {
    this.graph.nodes.push({ kind: 'argReduce', op, input: this.view(input), values: this.view(values), indices: this.view(indices) });
  }

  cumsum(input: View, out: View): void {
    this.graph.nodes.push({ kind: 'cumsum', input: this.view(input), out: this.view(out) });
  }

  matmul(a: View, b: View, out: View): void {
    this.graph.nodes.push({ kind: 'matmul', a: this.view(a), b: this.view(b), out: this.view(out), names: ['mm'] });
  }

  gather(input: View, dim: number, index: View, out: View): void {
    this.graph.nodes.push({ kind: 'gather', input: this.view(input), dim, index: this.view(index), out: this.view(out) });
  }

  scatterAdd(src: View, dim: number, index: View, out: View): void {
    this.graph.nodes.push({ kind: 'scatterAdd', src: this.view(src), dim, index: this.view(index), out: this.view(out) });
  }

  // ---- composite ops: scatter and searchsorted ----
  scatter(src: View, dim: number, index: View, out: View): void {
    this.graph.nodes.push({ kind: 'scatter', src: this.view(src), dim, index: this.view(index), out: this.view(out) });
  }

  searchSorted(sorted: View, values: View, out: View, right: boolean): void {
    this.graph.nodes.push({ kind: 'searchSorted', sorted: this.view(sorted), values: this.view(values), out: this.view(out), right });
  }

  memory() {
    return { liveBytes: 0, pooledBytes: 0 };
  }

  // ---- sort and scan ----
  sort(input: View, values: View, indices: View, descending: boolean): void {
    this.graph.nodes.push({ kind: 'sort', input: this.view(input), values: this.view(values), indices: this.view(indices), descending });
  }

  scan(op: ScanOp, input: View, out: View, indices?: View): void {
    this.graph.nodes.push({ kind: 'scan', op, input: this.view(input), out: this.view(out), indices: indices && this.view(indices) });
  }

  // ---- recurrent cell step (#23) ----
  /** Never reached: while tracing, the recurrent layers take the step composed of ordinary ops (ops/rnn-cell.ts), which the compiler fuses itself. */
  rnnStep(mode: RnnMode): void {
    fail('compile', `the fused recurrent step (${mode}) cannot be traced; the recurrent layers use the composed step while compiling`);
  }

  /** Never reached: see rnnStep. */
  rnnStepBackward(mode: RnnMode): void {
    fail('compile', `the fused recurrent step's gradient (${mode}) cannot be traced`);
  }

  // ---- attention (#23) ----
  attention(): void {
    fail('compile', 'the fused attention kernel cannot be traced: scaledDotProductAttention runs its composed form (matmul, softmax) under torch.compile');
  }

  attentionBackward(): void {
    fail('compile', "the fused attention kernel's backward cannot be traced: differentiate the composed scaledDotProductAttention under torch.compile");
  }

  // ---- conv and pool (#23) ----
  // Pools take their composite path (windows, then a reduction) while a function is traced, so these are never reached.
  pool2d(): void {
    fail('compile', 'the pooling kernel (pool2d) is not traced: pools run as windows and a reduction under torch.compile');
  }

  pool2dGrad(): void {
    fail('compile', 'the pooling gradient kernel (pool2dGrad) is not traced: pools run as windows and a reduction under torch.compile');
  }

  col2im(): void {
    fail('compile', 'the col2im kernel is not traced: under torch.compile a convolution input gradient is a scatter-add');
  }
}

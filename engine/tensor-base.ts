/**
 * What every tensor is before its ops (as PyTorch's TensorBase): a strided view of a storage, its
 * autograd state (grad, gradFn, hooks) and reading its values out. Tensor (tensor.ts) adds
 * PyTorch's method surface; every tensor the engine makes is a Tensor.
 */
import type { Backend } from './backends/backend';
import type { CpuStorage } from './backends/cpu/cpu-backend';
import { viewOffsets } from './backends/cpu/strided';
import { allocArray, type Device, type DType, type TypedArray } from './core/dtype';
import { fail } from './core/errors';
import { isContiguous } from './core/shape';
import { noteCreated, trackTensor, untrackTensor, type StorageRef } from './core/storage-ref';
import { viewNode, type GradNode } from './autograd/graph';
import type { Tensor } from './tensor';
import { checkValueRead } from './func/tape';

/** A hook on a tensor's gradient: a returned tensor replaces the gradient. */
export type GradHook = (grad: Tensor) => Tensor | void | null | undefined;

export class TensorBase {
  /** The gradient accumulated by `backward()` (leaves, and non-leaves after `retainGrad()`). */
  grad: Tensor | null = null;
  private fn: GradNode | null = null;
  private needsGrad = false;
  /**
   * For a view made by a view op (views.ts): the tensor at the root of its view chain, whose
   * storage it shares. An in-place op through any view of the root rewrites the root's history
   * (ops/inplace.ts); each view then derives its own history from the root's anew.
   * @internal
   */
  viewBase: Tensor | null = null;
  /** How many times an in-place op has rewritten this tensor's history. @internal */
  rebases = 0;
  private seenRebases = 0;
  /**
   * This tensor's earlier autograd identities, by the grad node it had then: an op recorded
   * before an in-place op differentiates into the tensor as it was (autograd/backward.ts).
   * @internal
   */
  priorIdentities: Map<GradNode | null, Tensor> | null = null;
  /** Hooks on this tensor's gradient (`registerHook`). */
  gradHooks: GradHook[] | null = null;
  /** Whether this non-leaf keeps its `.grad` after backward (set by `retainGrad()`). */
  retainsGrad = false;
  private isDisposed = false;

  constructor(
    /** The memory this tensor views (shared by views of one tensor). */
    readonly storageRef: StorageRef,
    /** The size of each dimension. */
    readonly shape: readonly number[],
    /** The step in elements between neighbours along each dimension. */
    readonly strides: readonly number[],
    /** Where the first element is in the storage, in elements. */
    readonly offset: number,
    /** The element type: `'float32'`, `'int32'`, `'bool'` or `'float16'`. */
    readonly dtype: DType,
  ) {
    trackTensor(this, storageRef);
    noteCreated(this);
  }

  /** The autograd node that made this tensor (null for a leaf). */
  get gradFn(): GradNode | null {
    if (this.viewBase !== null && this.viewBase.rebases !== this.seenRebases) this.followBase();
    return this.fn;
  }
  set gradFn(node: GradNode | null) {
    this.fn = node;
  }
  /** Whether operations on this tensor are recorded for autograd. */
  get requiresGrad(): boolean {
    if (this.viewBase !== null && this.viewBase.rebases !== this.seenRebases) this.followBase();
    return this.needsGrad;
  }
  set requiresGrad(flag: boolean) {
    this.needsGrad = flag;
  }

  /** Keeps `node` (with `needsGrad`) as an earlier identity of this tensor, for ops that recorded it. @internal */
  rememberIdentity(node: GradNode | null, needsGrad: boolean, values: Tensor = this.aliasOf(node, needsGrad)): void {
    (this.priorIdentities ??= new Map()).set(node, values);
  }

  /** Another tensor object over the same view, carrying the given autograd identity. */
  private aliasOf(node: GradNode | null, needsGrad: boolean): Tensor {
    const Ctor = this.constructor as new (...args: ConstructorParameters<typeof TensorBase>) => Tensor;
    const alias = new Ctor(this.storageRef, this.shape, this.strides, this.offset, this.dtype);
    alias.fn = node;
    alias.needsGrad = needsGrad;
    return alias;
  }

  /** The root's history changed (an in-place op through another view): this view's history is now a window of the root's. */
  private followBase(): void {
    const base = this.viewBase!;
    this.seenRebases = base.rebases;
    if (!base.needsGrad) return;
    if (this.fn || this.needsGrad) this.rememberIdentity(this.fn, this.needsGrad);
    this.fn = viewNode(base, this);
    this.needsGrad = true;
  }

  /** Where the values live: `'cpu'` or `'webgpu'`. */
  get device(): Device {
    return this.storageRef.storage.device;
  }
  /** The backend that runs this tensor's kernels. */
  get backend(): Backend {
    return this.storageRef.backend;
  }
  /** The number of dimensions. */
  get ndim(): number {
    return this.shape.length;
  }
  /** Whether `dispose()` was called. */
  get disposed(): boolean {
    return this.isDisposed;
  }
  /** True for tensors made by the user rather than by an op (PyTorch's is_leaf). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** The number of elements. */
  numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  /** The shape, or the size of dimension `dim`. */
  size(dim?: number): number | readonly number[] {
    return dim === undefined ? this.shape : this.shape[dim < 0 ? dim + this.ndim : dim];
  }
  /** The number of dimensions. */
  dim(): number {
    return this.ndim;
  }
  /** Whether the values are laid out row-major with no gaps. */
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- values out (always asynchronous) ----
  /** The values as a flat typed array (row-major), read from the device. */
  async data(): Promise<TypedArray> {
    if (this.disposed) fail('data', 'the tensor was disposed');
    checkValueRead('data', this as unknown as Tensor);
    return this.backend.read({ storage: this.storageRef.storage, shape: this.shape, strides: this.strides, offset: this.offset, dtype: this.dtype });
  }
  /** The values as nested arrays (bools for a bool tensor). */
  async tolist(): Promise<unknown> {
    const flat = Array.from(await this.data(), (v) => (this.dtype === 'bool' ? v !== 0 : v));
    const build = (dim: number, start: number): unknown => {
      if (dim === this.ndim) return flat[start];
      const step = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, start + i * step));
    };
    return build(0, 0);
  }
  /** The value of a one-element tensor, as a number (or boolean). */
  async item(): Promise<number | boolean> {
    if (this.numel() !== 1) fail('item', `a tensor with ${this.numel()} elements cannot be converted to a scalar`);
    const v = (await this.data())[0];
    return this.dtype === 'bool' ? v !== 0 : v;
  }
  /** The values of a CPU tensor, synchronously (for checks that must happen where the user called). */
  cpuValues(): TypedArray {
    if (this.device !== 'cpu') fail('cpuValues', `the tensor is on '${this.device}'`);
    const storage = this.storageRef.storage as CpuStorage;
    if (storage.pending) fail('cpuValues', 'the values are still arriving from another device; use await x.data()');
    const offsets = viewOffsets(this);
    const out = allocArray(this.dtype, offsets.length);
    offsets.forEach((o, i) => (out[i] = storage.data[o]));
    return out;
  }

  // ---- memory and autograd state ----
  /** Frees the tensor's memory now, rather than when it is garbage-collected. */
  dispose(): void {
    untrackTensor(this, this.storageRef);
    this.isDisposed = true;
  }
  /** Sets `requiresGrad` in place and returns this tensor. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }
  /** Keeps this non-leaf tensor's gradient in .grad after backward (leaves keep theirs anyway). */
  retainGrad(): void {
    if (!this.requiresGrad) fail('retainGrad', `the ${this.dtype} tensor of shape [${this.shape.join(', ')}] does not require grad`);
    this.retainsGrad = !this.isLeaf;
  }
  /** Runs `hook` on this tensor's gradient in each backward pass; a returned tensor replaces the gradient. */
  registerHook(hook: GradHook): { remove(): void } {
    if (!this.requiresGrad)
      fail('registerHook', `cannot register a hook on the ${this.dtype} tensor of shape [${this.shape.join(', ')}]: it does not require grad`);
    (this.gradHooks ??= []).push(hook);
    return { remove: () => (this.gradHooks = this.gradHooks?.filter((h) => h !== hook) ?? null) };
  }

  /** A one-line summary: shape, dtype, device. */
  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }
}

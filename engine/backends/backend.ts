/**
 * The narrow interface a device implements. The front end (Tensor, ops) decides shapes, dtypes,
 * broadcasting and views; a backend only allocates storage and runs kernels over strided views.
 */
import type { Device, DType, TypedArray } from '../core/dtype';
import type { ArgReduceOp, Expr, ReduceOp } from '../ops/op-types';

/** Device memory holding the elements of one or more tensors (views share it). */
export interface Storage {
  readonly device: Device;
  /** Elements the storage holds. */
  readonly length: number;
  readonly dtype: DType;
  /** Bytes of device memory it occupies. */
  readonly bytes: number;
}

/** A strided window onto a storage: element (i0, i1, ...) lives at offset + sum(ik * strides[k]). */
export interface View {
  readonly storage: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;
}

export interface Backend {
  readonly device: Device;
  /** Storage for `length` elements whose contents a kernel will overwrite. */
  allocate(length: number, dtype: DType): Storage;
  /** Storage for `length` elements, all zero. */
  zeros(length: number, dtype: DType): Storage;
  /** A storage holding a copy of `data`. */
  upload(data: TypedArray, dtype: DType): Storage;
  /** Returns the storage's memory to the backend (its pool) once no tensor uses it. */
  release(storage: Storage): void;
  /** The elements of `view` in row-major order. */
  read(view: View): Promise<TypedArray>;
  /**
   * out[i] = expr(inputs[0][i], inputs[1][i], ...); every input is already broadcast to out.shape;
   * `scalars` are the values of the expression's scalar leaves.
   */
  elementwise(expr: Expr, inputs: readonly View[], out: View, scalars?: readonly number[]): void;
  /**
   * In-place update of same-shaped contiguous tensors: state[k] = exprs[k](state..., inputs...),
   * where input index k < state.length reads state[k]'s old value. One kernel for, e.g., an
   * optimizer's whole update of one parameter, with no buffer bound twice.
   */
  update(exprs: readonly Expr[], state: readonly View[], inputs: readonly View[], scalars: readonly number[]): void;
  /**
   * Reduces the trailing `input.shape.length - keptDims` dims of `input` into the contiguous `out`
   * (shape = the leading kept dims).
   */
  reduce(op: ReduceOp, input: View, keptDims: number, out: View): void;
  /** Along the last dim of `input`: the extreme value into `values` and its index into `indices`. */
  argReduce(op: ArgReduceOp, input: View, values: View, indices: View): void;
  /** Inclusive prefix sum along the last dim of `input` into contiguous `out` of the same shape. */
  cumsum(input: View, out: View): void;
  /** Batched matmul: a [...batch, M, K] @ b [...batch, K, N] into contiguous out [...batch, M, N]. */
  matmul(a: View, b: View, out: View): void;
  /** out[...] = input[..., index[...], ...] along `dim`; out has index's shape. */
  gather(input: View, dim: number, index: View, out: View): void;
  /** out[..., index[...], ...] += src[...] along `dim` (out already holds its starting values). */
  scatterAdd(src: View, dim: number, index: View, out: View): void;
  /** Kernels dispatched so far on this backend. */
  readonly kernelCount: number;
  /** Bytes of storage handed out and not released, and bytes idle in the pool. */
  memory(): { liveBytes: number; pooledBytes: number };
}

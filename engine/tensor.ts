/** Tensor: PyTorch's method surface over TensorBase (tensor-base.ts: the view, its autograd state, its values). */
import { DTYPES, isDType, type Device, type DType } from './core/dtype';
import { fail } from './core/errors';
import { parseShapeArgs } from './core/shape';
import * as ew from './ops/elementwise';
import * as red from './ops/reduce';
import * as comp from './ops/composite';
import * as views from './ops/views';
import * as idx from './ops/indexing';
import { matmul } from './ops/linalg';
import { indexByString } from './ops/index-string';
import { transfer } from './ops/transfer';
import * as mew from './ops/more-elementwise';
import * as mred from './ops/more-reductions';
import { backwardFrom, type BackwardOptions } from './autograd/backward';
import { TensorBase } from './tensor-base';
import * as sorting from './ops/sort';
import * as scan from './ops/scan';

type Operand = Tensor | number | boolean;
type Dims = number | readonly number[] | undefined;

export class Tensor extends TensorBase {
  // ---- memory and devices ----
  to(target: Device | DType): Tensor {
    if (target === 'cpu' || target === 'webgpu') return transfer(this, target);
    if (!isDType(target))
      fail('to', `unknown device or dtype '${String(target)}' (devices: 'cpu', 'webgpu'; dtypes: ${DTYPES.map((d) => `'${d}'`).join(', ')})`);
    return ew.cast(this, target);
  }
  cpu(): Tensor {
    return transfer(this, 'cpu');
  }
  float(): Tensor {
    return ew.cast(this, 'float32');
  }
  int(): Tensor {
    return ew.cast(this, 'int32');
  }
  bool(): Tensor {
    return ew.cast(this, 'bool');
  }
  clone(): Tensor {
    return ew.copy(this);
  }
  detach(): Tensor {
    return new Tensor(this.storageRef, this.shape, this.strides, this.offset, this.dtype);
  }
  /** `backward()`, `backward(gradient)`, `backward({ retainGraph })` or `backward(gradient, { retainGraph })`. */
  backward(gradient?: Tensor | BackwardOptions, opts?: BackwardOptions): void {
    if (gradient instanceof Tensor || gradient === undefined) backwardFrom(this, gradient, opts);
    else backwardFrom(this, undefined, gradient);
  }
  // ---- elementwise ----
  add(o: Operand): Tensor {
    return ew.binary('add', this, o);
  }
  sub(o: Operand): Tensor {
    return ew.binary('sub', this, o);
  }
  mul(o: Operand): Tensor {
    return ew.binary('mul', this, o);
  }
  div(o: Operand): Tensor {
    return ew.binary('div', this, o);
  }
  pow(o: Operand): Tensor {
    return ew.binary('pow', this, o);
  }
  maximum(o: Operand): Tensor {
    return ew.binary('maximum', this, o);
  }
  minimum(o: Operand): Tensor {
    return ew.binary('minimum', this, o);
  }
  eq(o: Operand): Tensor {
    return ew.binary('eq', this, o);
  }
  ne(o: Operand): Tensor {
    return ew.binary('ne', this, o);
  }
  lt(o: Operand): Tensor {
    return ew.binary('lt', this, o);
  }
  le(o: Operand): Tensor {
    return ew.binary('le', this, o);
  }
  gt(o: Operand): Tensor {
    return ew.binary('gt', this, o);
  }
  ge(o: Operand): Tensor {
    return ew.binary('ge', this, o);
  }
  logicalAnd(o: Operand): Tensor {
    return ew.binary('logicalAnd', this, o);
  }
  logicalOr(o: Operand): Tensor {
    return ew.binary('logicalOr', this, o);
  }
  logicalNot(): Tensor {
    return ew.unary('logicalNot', this);
  }
  neg(): Tensor {
    return ew.unary('neg', this);
  }
  abs(): Tensor {
    return ew.unary('abs', this);
  }
  exp(): Tensor {
    return ew.unary('exp', this);
  }
  log(): Tensor {
    return ew.unary('log', this);
  }
  sqrt(): Tensor {
    return ew.unary('sqrt', this);
  }
  rsqrt(): Tensor {
    return ew.unary('rsqrt', this);
  }
  sin(): Tensor {
    return ew.unary('sin', this);
  }
  cos(): Tensor {
    return ew.unary('cos', this);
  }
  tanh(): Tensor {
    return ew.unary('tanh', this);
  }
  sigmoid(): Tensor {
    return ew.unary('sigmoid', this);
  }
  relu(): Tensor {
    return ew.unary('relu', this);
  }
  square(): Tensor {
    return ew.unary('square', this);
  }
  reciprocal(): Tensor {
    return ew.unary('reciprocal', this);
  }
  erf(): Tensor {
    return ew.unary('erf', this);
  }
  sign(): Tensor {
    return ew.unary('sign', this);
  }
  floor(): Tensor {
    return ew.unary('floor', this);
  }
  ceil(): Tensor {
    return ew.unary('ceil', this);
  }
  round(): Tensor {
    return ew.unary('round', this);
  }
  expm1(): Tensor {
    return ew.unary('expm1', this);
  }
  log1p(): Tensor {
    return ew.unary('log1p', this);
  }
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return comp.clamp(this, min, max);
  }
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return idx.maskedFill(this, mask, value);
  }

  // ---- reductions ----
  sum(dim?: Dims, keepdim = false): Tensor {
    return red.reduce('sum', this, dim, keepdim);
  }
  prod(dim?: Dims, keepdim = false): Tensor {
    return red.reduce('prod', this, dim, keepdim);
  }
  mean(dim?: Dims, keepdim = false): Tensor {
    return comp.mean(this, dim, keepdim);
  }
  var(dim?: Dims, keepdim = false, opts?: comp.VarOptions): Tensor {
    return comp.variance(this, dim, keepdim, opts);
  }
  std(dim?: Dims, keepdim = false, opts?: comp.VarOptions): Tensor {
    return comp.std(this, dim, keepdim, opts);
  }
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return comp.maxOrMin('max', this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return comp.maxOrMin('min', this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return red.argReduce('argmax', this, dim, keepdim).indices;
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return red.argReduce('argmin', this, dim, keepdim).indices;
  }
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return comp.logsumexp(this, dim, keepdim);
  }
  softmax(dim: number): Tensor {
    return comp.softmax(this, dim);
  }
  logSoftmax(dim: number): Tensor {
    return comp.logSoftmax(this, dim);
  }
  cumsum(dim: number): Tensor {
    return red.cumsum(this, dim);
  }
  matmul(o: Tensor): Tensor {
    return matmul(this, o);
  }

  // ---- shapes and views ----
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return views.reshape(this, parseShapeArgs(shape));
  }
  view(...shape: (number | readonly number[])[]): Tensor {
    return views.view(this, parseShapeArgs(shape));
  }
  permute(...dims: (number | readonly number[])[]): Tensor {
    return views.permute(this, parseShapeArgs(dims));
  }
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  get T(): Tensor {
    return views.permute(this, [...Array(this.ndim).keys()].reverse());
  }
  t(): Tensor {
    return this.ndim < 2 ? this : views.transpose(this, 0, 1);
  }
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  expand(...sizes: (number | readonly number[])[]): Tensor {
    return views.expand(this, parseShapeArgs(sizes));
  }
  expandAs(o: Tensor): Tensor {
    return views.expand(this, o.shape);
  }
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  index(spec: string): Tensor {
    return indexByString(this, spec);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return views.chunk(this, chunks, dim);
  }
  split(size: number | readonly number[], dim = 0): Tensor[] {
    return views.split(this, size, dim);
  }
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  flip(dims: number | readonly number[]): Tensor {
    return views.flip(this, dims);
  }
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return views.repeat(this, parseShapeArgs(sizes));
  }
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return idx.indexSelect(this, dim, index);
  }

  // ---- PyTorch's wider surface (ops/more-elementwise.ts, ops/more-reductions.ts) ----
  trunc(): Tensor {
    return mew.trunc(this);
  }
  fmod(o: Operand): Tensor {
    return mew.fmod(this, o);
  }
  remainder(o: Operand): Tensor {
    return mew.remainder(this, o);
  }
  atan2(o: Operand): Tensor {
    return mew.atan2(this, o);
  }
  hypot(o: Operand): Tensor {
    return mew.hypot(this, o);
  }
  lerp(end: Tensor, weight: Operand): Tensor {
    return mew.lerp(this, end, weight);
  }
  isnan(): Tensor {
    return mew.isnan(this);
  }
  isinf(): Tensor {
    return mew.isinf(this);
  }
  isfinite(): Tensor {
    return mew.isfinite(this);
  }
  nanToNum(opts?: mew.NanToNumOptions): Tensor {
    return mew.nanToNum(this, opts);
  }
  isclose(o: Tensor, opts?: mew.IsCloseOptions): Tensor {
    return mew.isclose(this, o, opts);
  }
  any(dim?: Dims, keepdim = false): Tensor {
    return mred.any(this, dim, keepdim);
  }
  all(dim?: Dims, keepdim = false): Tensor {
    return mred.all(this, dim, keepdim);
  }
  amax(dim?: Dims, keepdim = false): Tensor {
    return mred.amax(this, dim, keepdim);
  }
  amin(dim?: Dims, keepdim = false): Tensor {
    return mred.amin(this, dim, keepdim);
  }
  norm(p?: mred.NormP, dim?: Dims, keepdim = false): Tensor {
    return mred.norm(this, p, dim, keepdim);
  }
  tril(k = 0): Tensor {
    return mred.tril(this, k);
  }
  triu(k = 0): Tensor {
    return mred.triu(this, k);
  }
  outer(o: Tensor): Tensor {
    return mred.outer(this, o);
  }
  diag(k = 0): Tensor {
    return mred.diag(this, k);
  }
  trace(): Tensor {
    return mred.trace(this);
  }
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return mred.roll(this, shifts, dims);
  }
  mm(o: Tensor): Tensor {
    return mred.mm(this, o);
  }
  bmm(o: Tensor): Tensor {
    return mred.bmm(this, o);
  }

  // ---- sort and scan ----
  /** The values along `dim` (default -1) sorted, ascending unless `descending`, and their indices; stable, NaN largest. A number is the dim. */
  sort(opts?: sorting.SortOptions | number): { values: Tensor; indices: Tensor } {
    return sorting.sort(this, opts);
  }
  /** The int32 indices that sort the values along `dim` (default -1), ascending unless `descending`. A number is the dim. */
  argsort(opts?: sorting.SortOptions | number): Tensor {
    return sorting.argsort(this, opts);
  }
  /** The k largest (or, with `largest: false`, smallest) values along `dim` (default -1), sorted, and their indices. */
  topk(k: number, opts?: sorting.TopkOptions | number): { values: Tensor; indices: Tensor } {
    return sorting.topk(this, k, opts);
  }
  /** The sorted distinct values (flattened); with returnInverse/returnCounts, `[values, inverse?, counts?]`. Needs the values on the host. */
  unique(opts?: sorting.UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
  unique(opts: sorting.UniqueOptions): Tensor[];
  unique(opts?: sorting.UniqueOptions): Tensor | Tensor[] {
    return sorting.unique(this, opts);
  }
  /** Counts of each value 0..max of a 1-D int32 tensor (or sums of `weights`), at least `minlength` bins. Needs the values on the host. */
  bincount(opts?: sorting.BincountOptions): Tensor {
    return sorting.bincount(this, opts);
  }
  /** The running product along `dim` (ints and bools give int32). */
  cumprod(dim: number): Tensor {
    return scan.cumprod(this, dim);
  }
  /** The running maximum along `dim` and the index it came from (the last among ties; a NaN, once seen, wins). */
  cummax(dim: number): { values: Tensor; indices: Tensor } {
    return scan.cumExtreme('max', this, dim);
  }
  /** The running minimum along `dim` and the index it came from (the last among ties; a NaN, once seen, wins). */
  cummin(dim: number): { values: Tensor; indices: Tensor } {
    return scan.cumExtreme('min', this, dim);
  }
}

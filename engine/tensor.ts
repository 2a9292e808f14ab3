/** Tensor: PyTorch's method surface over TensorBase (tensor-base.ts: the view, its autograd state, its values). */
import { parseShapeArgs } from './core/shape';
import * as views from './ops/views';
import * as idx from './ops/indexing';
import * as adv from './ops/advanced-index';
import * as mew from './ops/more-elementwise';
import * as mred from './ops/more-reductions';
import * as ip from './ops/inplace-ops';
import type { Generator } from './core/generator';
import { backwardFrom, type BackwardOptions } from './autograd/backward';
import { TensorOps } from './tensor-ops';
// ---- composite ops ----
import { baddbmm, type BaddbmmOptions } from './ops/distance';
import * as scat from './ops/scatter';
import * as shapes from './ops/shape-composites';
import { unfold } from './ops/unfold';
import * as sorting from './ops/sort';
import * as scan from './ops/scan';
import { tapeRecord, tapesOpen } from './func/tape';

type Operand = Tensor | number | boolean;
type Dims = number | readonly number[] | undefined;

/** A multi-dimensional array on a device (`'cpu'` or `'webgpu'`), with autograd: PyTorch's torch.Tensor. */
export class Tensor extends TensorOps {
  /** The same values, cut from the autograd graph (shares memory, no gradient). */
  detach(): Tensor {
    const out = new Tensor(this.storageRef, this.shape, this.strides, this.offset, this.dtype);
    if (tapesOpen()) tapeRecord('detach', [this], {}, out);
    return out;
  }
  /** Computes the gradients of this tensor into the leaves' `.grad`: `backward()`, `backward(gradient)`, `backward({ retainGraph })` or `backward(gradient, { retainGraph })`. */
  backward(gradient?: Tensor | BackwardOptions, opts?: BackwardOptions): void {
    if (gradient instanceof Tensor || gradient === undefined) backwardFrom(this, gradient, opts);
    else backwardFrom(this, undefined, gradient);
  }
  // ---- shapes and views ----
  /** The same values in a new shape (one size may be -1); a view when the strides allow, else a copy. */
  reshape(...shape: (number | readonly number[])[]): Tensor {
    return views.reshape(this, parseShapeArgs(shape));
  }
  /** A view with a new shape (one size may be -1); the tensor's strides must allow it. */
  view(...shape: (number | readonly number[])[]): Tensor {
    return views.view(this, parseShapeArgs(shape));
  }
  /** A view with the dimensions reordered. */
  permute(...dims: (number | readonly number[])[]): Tensor {
    return views.permute(this, parseShapeArgs(dims));
  }
  /** A view with dimensions `dim0` and `dim1` swapped. */
  transpose(dim0: number, dim1: number): Tensor {
    return views.transpose(this, dim0, dim1);
  }
  /** A view with all dimensions reversed. */
  get T(): Tensor {
    return views.permute(this, [...Array(this.ndim).keys()].reverse());
  }
  /** The transpose of a matrix (a view); a 0-d or 1-d tensor is returned as is. */
  t(): Tensor {
    return this.ndim < 2 ? this : views.transpose(this, 0, 1);
  }
  /** A view with a size-1 dimension inserted at `dim`. */
  unsqueeze(dim: number): Tensor {
    return views.unsqueeze(this, dim);
  }
  /** A view without the size-1 dimensions (all, or those in `dim`). */
  squeeze(dim?: number | readonly number[]): Tensor {
    return views.squeeze(this, dim);
  }
  /** The dimensions `startDim` to `endDim` merged into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return views.flatten(this, startDim, endDim);
  }
  /** A view broadcast to a larger shape (-1 keeps a size), without copying. */
  expand(...sizes: (number | readonly number[])[]): Tensor {
    return views.expand(this, parseShapeArgs(sizes));
  }
  /** A view broadcast to `o`'s shape. */
  expandAs(o: Tensor): Tensor {
    return views.expand(this, o.shape);
  }
  /** A view of `length` entries of `dim` from `start`. */
  narrow(dim: number, start: number, length: number): Tensor {
    return views.narrow(this, dim, start, length);
  }
  /** A view of entry `index` of `dim`, that dimension removed. */
  select(dim: number, index: number): Tensor {
    return views.select(this, dim, index);
  }
  /** PyTorch's `x[...]`: a slice string (`':, 1:3'`, views), or advanced indexing with int32 index tensors, bool masks and lists (`[rows, ':', mask]`). */
  index(spec: adv.IndexSpec): Tensor {
    return adv.index(this, spec);
  }
  /** Splits into `chunks` views along `dim` (the last may be smaller). */
  chunk(chunks: number, dim = 0): Tensor[] {
    return views.chunk(this, chunks, dim);
  }
  /** Splits into views of `size` entries along `dim` (or of the listed sizes). */
  split(size: number | readonly number[], dim = 0): Tensor[] {
    return views.split(this, size, dim);
  }
  /** This tensor with row-major strides (itself if it has them, else a copy). */
  contiguous(): Tensor {
    return views.contiguous(this);
  }
  /** A copy with the order of entries reversed along `dims`. */
  flip(dims: number | readonly number[]): Tensor {
    return views.flip(this, dims);
  }
  /** The tensor tiled `sizes` times along each dimension. */
  repeat(...sizes: (number | readonly number[])[]): Tensor {
    return views.repeat(this, parseShapeArgs(sizes));
  }
  /** Values along `dim` at the positions in `index` (`out[i][j] = x[index[i][j]][j]` for dim 0). */
  gather(dim: number, index: Tensor): Tensor {
    return idx.gather(this, dim, index);
  }
  /** The entries of `dim` listed in the 1-d `index`. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return idx.indexSelect(this, dim, index);
  }

  // ---- PyTorch's wider surface (ops/more-elementwise.ts, ops/more-reductions.ts) ----
  /** Elementwise round toward zero. */
  trunc(): Tensor {
    return mew.trunc(this);
  }
  /** Elementwise remainder of division with the sign of the dividend (C's fmod). */
  fmod(o: Operand): Tensor {
    return mew.fmod(this, o);
  }
  /** Elementwise remainder of division with the sign of the divisor (Python's %). */
  remainder(o: Operand): Tensor {
    return mew.remainder(this, o);
  }
  /** Elementwise angle of the point (o, this): `atan2(this, o)`. */
  atan2(o: Operand): Tensor {
    return mew.atan2(this, o);
  }
  /** Elementwise `sqrt(this² + o²)`. */
  hypot(o: Operand): Tensor {
    return mew.hypot(this, o);
  }
  /** Linear interpolation `this + weight * (end - this)`. */
  lerp(end: Tensor, weight: Operand): Tensor {
    return mew.lerp(this, end, weight);
  }
  /** Elementwise whether a value is NaN, as a bool tensor. */
  isnan(): Tensor {
    return mew.isnan(this);
  }
  /** Elementwise whether a value is ±Infinity, as a bool tensor. */
  isinf(): Tensor {
    return mew.isinf(this);
  }
  /** Elementwise whether a value is neither NaN nor ±Infinity, as a bool tensor. */
  isfinite(): Tensor {
    return mew.isfinite(this);
  }
  /** A copy with NaN, +Infinity and -Infinity replaced (by 0 and the dtype's largest and lowest, or `opts`). */
  nanToNum(opts?: mew.NanToNumOptions): Tensor {
    return mew.nanToNum(this, opts);
  }
  /** Elementwise whether `|this - o| <= atol + rtol * |o|`, as a bool tensor. */
  isclose(o: Tensor, opts?: mew.IsCloseOptions): Tensor {
    return mew.isclose(this, o, opts);
  }
  /** Whether any value is nonzero (over `dim`, or all), as a bool tensor. */
  any(dim?: Dims, keepdim = false): Tensor {
    return mred.any(this, dim, keepdim);
  }
  /** Whether every value is nonzero (over `dim`, or all), as a bool tensor. */
  all(dim?: Dims, keepdim = false): Tensor {
    return mred.all(this, dim, keepdim);
  }
  /** The largest values over `dim` (one or several; all when omitted). */
  amax(dim?: Dims, keepdim = false): Tensor {
    return mred.amax(this, dim, keepdim);
  }
  /** The smallest values over `dim` (one or several; all when omitted). */
  amin(dim?: Dims, keepdim = false): Tensor {
    return mred.amin(this, dim, keepdim);
  }
  /** The vector p-norm over `dim` (all when omitted); `p` defaults to 2. */
  norm(p?: mred.NormP, dim?: Dims, keepdim = false): Tensor {
    return mred.norm(this, p, dim, keepdim);
  }
  /** The lower triangle of the last two dimensions (on and below diagonal `k`), the rest zero. */
  tril(k = 0): Tensor {
    return mred.tril(this, k);
  }
  /** The upper triangle of the last two dimensions (on and above diagonal `k`), the rest zero. */
  triu(k = 0): Tensor {
    return mred.triu(this, k);
  }
  /** The outer product of two vectors. */
  outer(o: Tensor): Tensor {
    return mred.outer(this, o);
  }
  /** A vector's entries on diagonal `k` of a square matrix, or a matrix's diagonal `k` as a vector. */
  diag(k = 0): Tensor {
    return mred.diag(this, k);
  }
  /** The sum of a matrix's diagonal. */
  trace(): Tensor {
    return mred.trace(this);
  }
  /** The values shifted by `shifts` along `dims` (wrapping around); the flattened tensor without `dims`. */
  roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return mred.roll(this, shifts, dims);
  }
  /** Matrix product of two 2-d tensors. */
  mm(o: Tensor): Tensor {
    return mred.mm(this, o);
  }
  /** Batched matrix product of two 3-d tensors. */
  bmm(o: Tensor): Tensor {
    return mred.bmm(this, o);
  }

  // ---- in place (each returns this tensor; see ops/inplace.ts for autograd's rules) ----
  /** Adds `o` into this tensor in place. */
  add_(o: Operand): this {
    return ip.binaryInPlace('add', this, o);
  }
  /** Subtracts `o` from this tensor in place. */
  sub_(o: Operand): this {
    return ip.binaryInPlace('sub', this, o);
  }
  /** Multiplies this tensor by `o` in place. */
  mul_(o: Operand): this {
    return ip.binaryInPlace('mul', this, o);
  }
  /** Divides this tensor by `o` in place. */
  div_(o: Operand): this {
    return ip.binaryInPlace('div', this, o);
  }
  /** Raises this tensor to the power `o` in place. */
  pow_(o: Operand): this {
    return ip.binaryInPlace('pow', this, o);
  }
  /** Clamps this tensor into [min, max] in place. */
  clamp_(min?: number | Tensor | null, max?: number | Tensor | null): this {
    return ip.clampInPlace(this, min, max);
  }
  /** Sets every element to zero in place. */
  zero_(): this {
    return ip.fillInPlace(this, 0, 'zero_');
  }
  /** Sets every element to `value` (a number or a 0-d tensor) in place. */
  fill_(value: number | boolean | Tensor): this {
    return ip.fillInPlace(this, value);
  }
  /** Copies `src` (broadcast, converted to this dtype) into this tensor in place. */
  copy_(src: Tensor): this {
    return ip.copyInPlace(this, src);
  }
  /** Replaces each element by its exponential in place. */
  exp_(): this {
    return ip.unaryInPlace('exp', this);
  }
  /** Replaces each element by its natural logarithm in place. */
  log_(): this {
    return ip.unaryInPlace('log', this);
  }
  /** Replaces each element by its square root in place. */
  sqrt_(): this {
    return ip.unaryInPlace('sqrt', this);
  }
  /** Negates this tensor in place. */
  neg_(): this {
    return ip.unaryInPlace('neg', this);
  }
  /** Replaces each element by its absolute value in place. */
  abs_(): this {
    return ip.unaryInPlace('abs', this);
  }
  /** Applies tanh in place. */
  tanh_(): this {
    return ip.unaryInPlace('tanh', this);
  }
  /** Applies the logistic sigmoid in place. */
  sigmoid_(): this {
    return ip.unaryInPlace('sigmoid', this);
  }
  /** Sets negative elements to zero in place. */
  relu_(): this {
    return ip.unaryInPlace('relu', this);
  }
  /** Writes `value` where `mask` is true, in place. */
  maskedFill_(mask: Tensor, value: number | Tensor): this {
    return ip.maskedFillInPlace(this, mask, value);
  }
  /** Adds `src` at `index` along `dim` in place (PyTorch's scatter_add_). */
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return ip.scatterAddInPlace(this, dim, index, src);
  }
  /** Adds the slices of `src` to this tensor's slices chosen by the 1-D `index` along `dim`, in place. */
  indexAdd_(dim: number, index: Tensor, src: Tensor): this {
    return ip.indexAddInPlace(this, dim, index, src);
  }

  /** Writes `src` (a tensor or a number) at `index` along `dim` in place (PyTorch's scatter_). */
  scatter_(dim: number, index: Tensor, src: Tensor | number | boolean): this {
    return ip.scatterInPlace(this, dim, index, src);
  }
  /** Writes `values` at the positions `indices` picks (the forms `index` takes) in place; with `{ accumulate: true }`, adds them. */
  indexPut_(indices: adv.IndexSpec, values: Tensor | number, opts?: adv.IndexPutOptions): this {
    return ip.indexPutInPlace(this, indices, values, opts);
  }
  /** Fills this tensor in place with values uniform in [a, b) (default [0, 1)), from `generator` if given. */
  uniform_(a = 0, b = 1, opts: { generator?: Generator } = {}): this {
    return ip.randomInPlace(this, 'uniform', a, b, opts.generator);
  }
  /** Fills this tensor in place with normal values of the given mean and std (default 0 and 1), from `generator` if given. */
  normal_(mean = 0, std = 1, opts: { generator?: Generator } = {}): this {
    return ip.randomInPlace(this, 'normal', mean, std, opts.generator);
  }

  // ---- advanced indexing ----
  /** PyTorch's index_put, out of place: a copy with `values` written (or, with `{ accumulate: true }`, added) at `indices` (the forms `index` takes). */
  indexPut(indices: adv.IndexSpec, values: Tensor | number, opts?: adv.IndexPutOptions): Tensor {
    return adv.indexPut(this, indices, values, opts);
  }

  // ---- composite ops ----
  /** beta * this + alpha * batch1 @ batch2 (PyTorch's baddbmm). */
  baddbmm(batch1: Tensor, batch2: Tensor, opts?: BaddbmmOptions): Tensor {
    return baddbmm(this, batch1, batch2, opts);
  }
  /** A copy with `src` (a tensor or a number) written at `index` along `dim`. */
  scatter(dim: number, index: Tensor, src: Tensor | number | boolean): Tensor {
    return scat.scatter(this, dim, index, src);
  }
  /** A copy with `src` (a tensor or a number) added at `index` along `dim`. */
  scatterAdd(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return scat.scatterAdd(this, dim, index, src);
  }
  /** Windows of `size` along `dim`, `step` apart, as a view with the window dim last. */
  unfold(dim: number, size: number, step: number): Tensor {
    return unfold(this, dim, size, step);
  }
  /** Rotated by 90° `k` times in the plane of `dims` (default [0, 1]). */
  rot90(k = 1, dims: readonly number[] = [0, 1]): Tensor {
    return shapes.rot90(this, k, dims);
  }
  /** Each slice along `dim` (none: flattened) repeated `repeats` times (a number or an int32 tensor). */
  repeatInterleave(repeats: number | Tensor, opts?: shapes.RepeatInterleaveOptions): Tensor {
    return shapes.repeatInterleave(this, repeats, opts);
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

/**
 * The first half of Tensor's method surface (tensor.ts has the rest): devices and dtypes,
 * elementwise math and reductions, each a one-liner over engine/ops/. TensorBase (tensor-base.ts)
 * holds the view and the autograd state under it.
 */
import { DTYPES, isDType, type Device, type DType } from './core/dtype';
import { fail } from './core/errors';
import * as ew from './ops/elementwise';
import * as red from './ops/reduce';
import * as comp from './ops/composite';
import * as idx from './ops/indexing';
import { matmul } from './ops/linalg';
import { transfer } from './ops/transfer';
import { TensorBase } from './tensor-base';
import type { Tensor } from './tensor';

type Operand = Tensor | number | boolean;
type Dims = number | readonly number[] | undefined;

/** Devices, dtypes, elementwise math and reductions of a Tensor (the class every tensor is; see tensor.ts). */
export class TensorOps extends TensorBase {
  /** This object as the Tensor it is: Tensor is the only class the engine makes, the classes under it split its surface across files. */
  protected get self(): Tensor {
    return this as unknown as Tensor;
  }

  // ---- memory and devices ----
  /** This tensor on another device (`'cpu'`, `'webgpu'`) or cast to another dtype. */
  to(target: Device | DType): Tensor {
    if (target === 'cpu' || target === 'webgpu') return transfer(this.self, target);
    if (!isDType(target))
      fail('to', `unknown device or dtype '${String(target)}' (devices: 'cpu', 'webgpu'; dtypes: ${DTYPES.map((d) => `'${d}'`).join(', ')})`);
    return ew.cast(this.self, target);
  }
  /** This tensor on the CPU (itself if it is there already). */
  cpu(): Tensor {
    return transfer(this.self, 'cpu');
  }
  /** This tensor cast to float32. */
  float(): Tensor {
    return ew.cast(this.self, 'float32');
  }
  /** This tensor cast to int32. */
  int(): Tensor {
    return ew.cast(this.self, 'int32');
  }
  /** This tensor cast to bool (nonzero is true). */
  bool(): Tensor {
    return ew.cast(this.self, 'bool');
  }
  /** A copy with its own memory; gradients flow back to this.self tensor. */
  clone(): Tensor {
    return ew.copy(this.self);
  }
  // ---- elementwise ----
  /** Elementwise `this.self + o` (broadcasting; `o` a tensor or a number). */
  add(o: Operand): Tensor {
    return ew.binary('add', this.self, o);
  }
  /** Elementwise `this.self - o` (broadcasting). */
  sub(o: Operand): Tensor {
    return ew.binary('sub', this.self, o);
  }
  /** Elementwise `this.self * o` (broadcasting). */
  mul(o: Operand): Tensor {
    return ew.binary('mul', this.self, o);
  }
  /** Elementwise `this.self / o` (broadcasting; true division). */
  div(o: Operand): Tensor {
    return ew.binary('div', this.self, o);
  }
  /** Elementwise `this.self ** o` (broadcasting). */
  pow(o: Operand): Tensor {
    return ew.binary('pow', this.self, o);
  }
  /** Elementwise maximum of this.self and `o` (broadcasting). */
  maximum(o: Operand): Tensor {
    return ew.binary('maximum', this.self, o);
  }
  /** Elementwise minimum of this.self and `o` (broadcasting). */
  minimum(o: Operand): Tensor {
    return ew.binary('minimum', this.self, o);
  }
  /** Elementwise `this.self == o`, as a bool tensor. */
  eq(o: Operand): Tensor {
    return ew.binary('eq', this.self, o);
  }
  /** Elementwise `this.self != o`, as a bool tensor. */
  ne(o: Operand): Tensor {
    return ew.binary('ne', this.self, o);
  }
  /** Elementwise `this.self < o`, as a bool tensor. */
  lt(o: Operand): Tensor {
    return ew.binary('lt', this.self, o);
  }
  /** Elementwise `this.self <= o`, as a bool tensor. */
  le(o: Operand): Tensor {
    return ew.binary('le', this.self, o);
  }
  /** Elementwise `this.self > o`, as a bool tensor. */
  gt(o: Operand): Tensor {
    return ew.binary('gt', this.self, o);
  }
  /** Elementwise `this.self >= o`, as a bool tensor. */
  ge(o: Operand): Tensor {
    return ew.binary('ge', this.self, o);
  }
  /** Elementwise logical and (nonzero is true), as a bool tensor. */
  logicalAnd(o: Operand): Tensor {
    return ew.binary('logicalAnd', this.self, o);
  }
  /** Elementwise logical or (nonzero is true), as a bool tensor. */
  logicalOr(o: Operand): Tensor {
    return ew.binary('logicalOr', this.self, o);
  }
  /** Elementwise logical not (zero is true), as a bool tensor. */
  logicalNot(): Tensor {
    return ew.unary('logicalNot', this.self);
  }
  /** Elementwise `-this.self`. */
  neg(): Tensor {
    return ew.unary('neg', this.self);
  }
  /** Elementwise absolute value. */
  abs(): Tensor {
    return ew.unary('abs', this.self);
  }
  /** Elementwise e to the power of each value. */
  exp(): Tensor {
    return ew.unary('exp', this.self);
  }
  /** Elementwise natural logarithm. */
  log(): Tensor {
    return ew.unary('log', this.self);
  }
  /** Elementwise square root. */
  sqrt(): Tensor {
    return ew.unary('sqrt', this.self);
  }
  /** Elementwise reciprocal of the square root, `1 / sqrt(x)`. */
  rsqrt(): Tensor {
    return ew.unary('rsqrt', this.self);
  }
  /** Elementwise sine. */
  sin(): Tensor {
    return ew.unary('sin', this.self);
  }
  /** Elementwise cosine. */
  cos(): Tensor {
    return ew.unary('cos', this.self);
  }
  /** Elementwise hyperbolic tangent. */
  tanh(): Tensor {
    return ew.unary('tanh', this.self);
  }
  /** Elementwise logistic sigmoid, `1 / (1 + exp(-x))`. */
  sigmoid(): Tensor {
    return ew.unary('sigmoid', this.self);
  }
  /** Elementwise `max(x, 0)`. */
  relu(): Tensor {
    return ew.unary('relu', this.self);
  }
  /** Elementwise `x * x`. */
  square(): Tensor {
    return ew.unary('square', this.self);
  }
  /** Elementwise `1 / x`. */
  reciprocal(): Tensor {
    return ew.unary('reciprocal', this.self);
  }
  /** Elementwise Gauss error function. */
  erf(): Tensor {
    return ew.unary('erf', this.self);
  }
  /** Elementwise sign: -1, 0 or 1. */
  sign(): Tensor {
    return ew.unary('sign', this.self);
  }
  /** Elementwise round down. */
  floor(): Tensor {
    return ew.unary('floor', this.self);
  }
  /** Elementwise round up. */
  ceil(): Tensor {
    return ew.unary('ceil', this.self);
  }
  /** Elementwise round to the nearest integer, halves to even (as PyTorch). */
  round(): Tensor {
    return ew.unary('round', this.self);
  }
  /** Elementwise `exp(x) - 1`, accurate near 0. */
  expm1(): Tensor {
    return ew.unary('expm1', this.self);
  }
  /** Elementwise `log(1 + x)`, accurate near 0. */
  log1p(): Tensor {
    return ew.unary('log1p', this.self);
  }
  /** Limits every value to `[min, max]` (either bound may be omitted or null; a bound may be a tensor). */
  clamp(min?: number | Tensor | null, max?: number | Tensor | null): Tensor {
    return comp.clamp(this.self, min, max);
  }
  /** A copy with `value` where `mask` (bool, broadcast to this.self shape) is true. */
  maskedFill(mask: Tensor, value: number | Tensor): Tensor {
    return idx.maskedFill(this.self, mask, value);
  }

  // ---- reductions ----
  /** Sum over `dim` (one or several; all when omitted), keeping reduced dims as size 1 if `keepdim`. */
  sum(dim?: Dims, keepdim = false): Tensor {
    return red.reduce('sum', this.self, dim, keepdim);
  }
  /** Product over `dim` (all when omitted). */
  prod(dim?: Dims, keepdim = false): Tensor {
    return red.reduce('prod', this.self, dim, keepdim);
  }
  /** Mean over `dim` (all when omitted). */
  mean(dim?: Dims, keepdim = false): Tensor {
    return comp.mean(this.self, dim, keepdim);
  }
  /** Variance over `dim` (all when omitted); `opts.correction` is 1 (Bessel's) unless given. */
  var(dim?: Dims, keepdim = false, opts?: comp.VarOptions): Tensor {
    return comp.variance(this.self, dim, keepdim, opts);
  }
  /** Standard deviation over `dim` (all when omitted); `opts.correction` as in `var`. */
  std(dim?: Dims, keepdim = false, opts?: comp.VarOptions): Tensor {
    return comp.std(this.self, dim, keepdim, opts);
  }
  /** The largest value, or along `dim` the largest values and their indices (`{ values, indices }`). */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return comp.maxOrMin('max', this.self, dim, keepdim);
  }
  /** The smallest value, or along `dim` the smallest values and their indices (`{ values, indices }`). */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    return comp.maxOrMin('min', this.self, dim, keepdim);
  }
  /** The index of the largest value (of the flattened tensor, or along `dim`). */
  argmax(dim?: number, keepdim = false): Tensor {
    return red.argReduce('argmax', this.self, dim, keepdim).indices;
  }
  /** The index of the smallest value (of the flattened tensor, or along `dim`). */
  argmin(dim?: number, keepdim = false): Tensor {
    return red.argReduce('argmin', this.self, dim, keepdim).indices;
  }
  /** `log(sum(exp(x)))` over `dim`, computed stably. */
  logsumexp(dim: Dims, keepdim = false): Tensor {
    return comp.logsumexp(this.self, dim, keepdim);
  }
  /** Softmax along `dim`: `exp(x)` normalized to sum to 1. */
  softmax(dim: number): Tensor {
    return comp.softmax(this.self, dim);
  }
  /** Log of the softmax along `dim`, computed stably. */
  logSoftmax(dim: number): Tensor {
    return comp.logSoftmax(this.self, dim);
  }
  /** Cumulative sum along `dim`. */
  cumsum(dim: number): Tensor {
    return red.cumsum(this.self, dim);
  }
  /** Matrix product with `o`, as PyTorch's matmul: vectors, matrices and broadcast batches. */
  matmul(o: Tensor): Tensor {
    return matmul(this.self, o);
  }
}

/** WGSL lowering of each primitive elementwise op, keyed by op so a missing entry fails to type-check. */
import { isFloating, type DType } from '../../core/dtype';
import type { BinaryOp, UnaryOp } from '../../ops/op-types';
import { literal } from './wgsl-common';

/** `x` is a value expression of dtype `t` (the op's compute dtype). */
export const WGSL_UNARY: { [P in UnaryOp]: (x: string, t: DType) => string } = {
  neg: (x) => `(-${x})`,
  abs: (x) => `abs(${x})`,
  exp: (x) => `wick_exp(${x})`,
  log: (x) => `wick_log(${x})`,
  sqrt: (x) => `wick_sqrt(${x})`,
  rsqrt: (x) => `(1.0 / wick_sqrt(${x}))`,
  sin: (x) => `wick_sincos(${x}, false)`,
  cos: (x) => `wick_sincos(${x}, true)`,
  tanh: (x) => `wick_tanh(${x})`,
  sigmoid: (x) => `wick_sigmoid(${x})`,
  relu: (x, t) => `select(${x}, ${literal(0, t)}, ${x} < ${literal(0, t)})`,
  square: (x) => `(${x} * ${x})`,
  reciprocal: (x) => `(1.0 / ${x})`,
  erf: (x) => `wick_erf(${x})`,
  sign: (x) => `sign(${x})`,
  floor: (x, t) => (t === 'int32' ? x : `floor(${x})`),
  ceil: (x, t) => (t === 'int32' ? x : `ceil(${x})`),
  round: (x, t) => (t === 'int32' ? x : `round(${x})`),
  expm1: (x) => `wick_expm1(${x})`,
  log1p: (x) => `wick_log1p(${x})`,
  logicalNot: (x) => `(!${x})`,
};

/** WGSL has no order on bool: compare false < true as 0 < 1, as PyTorch does. */
const ordered = (x: string, t: DType) => (t === 'bool' ? `u32(${x})` : x);

/** `a` and `b` are value expressions of the operands' shared dtype `t`. */
export const WGSL_BINARY: { [P in BinaryOp]: (a: string, b: string, t: DType) => string } = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b, t) => (t === 'int32' ? `wick_ipow(${a}, ${b})` : `wick_pow(${a}, ${b})`),
  // A NaN operand gives NaN, as in PyTorch (WGSL's max and min may return either operand).
  maximum: (a, b, t) => (isFloating(t) ? `select(max(${a}, ${b}), wick_nan(), wick_isnan(${a}) || wick_isnan(${b}))` : `max(${a}, ${b})`),
  minimum: (a, b, t) => (isFloating(t) ? `select(min(${a}, ${b}), wick_nan(), wick_isnan(${a}) || wick_isnan(${b}))` : `min(${a}, ${b})`),
  eq: (a, b) => `(${a} == ${b})`,
  // NaN differs from everything, itself included (a compiler may take != as ordered).
  ne: (a, b, t) => (isFloating(t) ? `((${a} != ${b}) || wick_isnan(${a}) || wick_isnan(${b}))` : `(${a} != ${b})`),
  lt: (a, b, t) => `(${ordered(a, t)} < ${ordered(b, t)})`,
  le: (a, b, t) => `(${ordered(a, t)} <= ${ordered(b, t)})`,
  gt: (a, b, t) => `(${ordered(a, t)} > ${ordered(b, t)})`,
  ge: (a, b, t) => `(${ordered(a, t)} >= ${ordered(b, t)})`,
  logicalAnd: (a, b) => `(${a} && ${b})`,
  logicalOr: (a, b) => `(${a} || ${b})`,
  atan2: (a, b) => `wick_atan2(${a}, ${b})`,
};

/** WGSL lowering of each primitive elementwise op, keyed by op so a missing entry fails to type-check. */
import type { DType } from '../../core/dtype';
import type { BinaryOp, UnaryOp } from '../../ops/op-types';
import { literal } from './wgsl-common';

/** `x` is a value expression of dtype `t` (the op's compute dtype). */
export const WGSL_UNARY: { [P in UnaryOp]: (x: string, t: DType) => string } = {
  neg: (x) => `(-${x})`,
  abs: (x) => `abs(${x})`,
  exp: (x) => `exp(${x})`,
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

/** `a` and `b` are value expressions of the operands' shared dtype `t`. */
export const WGSL_BINARY: { [P in BinaryOp]: (a: string, b: string, t: DType) => string } = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  pow: (a, b, t) => (t === 'int32' ? `wick_ipow(${a}, ${b})` : `wick_pow(${a}, ${b})`),
  maximum: (a, b) => `max(${a}, ${b})`,
  minimum: (a, b) => `min(${a}, ${b})`,
  eq: (a, b) => `(${a} == ${b})`,
  ne: (a, b) => `(${a} != ${b})`,
  lt: (a, b) => `(${a} < ${b})`,
  le: (a, b) => `(${a} <= ${b})`,
  gt: (a, b) => `(${a} > ${b})`,
  ge: (a, b) => `(${a} >= ${b})`,
  logicalAnd: (a, b) => `(${a} && ${b})`,
  logicalOr: (a, b) => `(${a} || ${b})`,
};

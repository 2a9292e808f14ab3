/** Scalar semantics of every primitive op on the CPU: the readable reference. */
import type { ArgReduceOp, BinaryOp, ReduceOp, UnaryOp } from '../../ops/op-types';

/**
 * Abramowitz & Stegun 7.1.26 refined: |error| < 1.5e-7, enough for float32 away from 0; near 0 a
 * Taylor polynomial keeps the relative error small too (the WGSL lowering does the same).
 */
export function erf(x: number): number {
  const sign = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  if (a < 0.125) {
    const z = x * x;
    return x * (1.1283791671 + z * (-0.37612638903 + z * (0.11283791671 + z * -0.02686617064)));
  }
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return sign * y;
}

export const CPU_UNARY: { [P in UnaryOp]: (x: number) => number } = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x < 0 ? 0 : x), // NaN stays NaN, as in PyTorch
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  erf,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0),
  floor: Math.floor,
  ceil: Math.ceil,
  // PyTorch rounds half to even.
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  expm1: Math.expm1,
  log1p: Math.log1p,
  logicalNot: (x) => (x ? 0 : 1),
};

export const CPU_BINARY: { [P in BinaryOp]: (a: number, b: number) => number } = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  // As C's pow and PyTorch (JavaScript's gives NaN for these): 1^y = 1, (-1)^±Infinity = 1.
  pow: (a, b) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b)),
  maximum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  minimum: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  eq: (a, b) => +(a === b),
  ne: (a, b) => +(a !== b),
  lt: (a, b) => +(a < b),
  le: (a, b) => +(a <= b),
  gt: (a, b) => +(a > b),
  ge: (a, b) => +(a >= b),
  logicalAnd: (a, b) => +(a !== 0 && b !== 0),
  logicalOr: (a, b) => +(a !== 0 || b !== 0),
  atan2: Math.atan2,
};

export const CPU_REDUCE: { [P in ReduceOp]: { init: number; step: (acc: number, x: number) => number } } = {
  sum: { init: 0, step: (acc, x) => acc + x },
  prod: { init: 1, step: (acc, x) => acc * x },
  // A NaN wins and stays, as in PyTorch.
  max: { init: -Infinity, step: (acc, x) => (Number.isNaN(acc) ? acc : x > acc || Number.isNaN(x) ? x : acc) },
  min: { init: Infinity, step: (acc, x) => (Number.isNaN(acc) ? acc : x < acc || Number.isNaN(x) ? x : acc) },
};

/** Whether `x` replaces the current best `best` (first occurrence wins ties). */
export const CPU_ARG_BETTER: { [P in ArgReduceOp]: (x: number, best: number) => boolean } = {
  argmax: (x, best) => x > best || (Number.isNaN(x) && !Number.isNaN(best)),
  argmin: (x, best) => x < best || (Number.isNaN(x) && !Number.isNaN(best)),
};

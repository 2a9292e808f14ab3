/**
 * The primitive ops, declared once. Every backend kernel table, WGSL lowering table and gradient
 * table is typed `{ [P in SomeOp]: ... }` over these lists, so a missing entry fails type-checking.
 */
import type { Device, DType } from '../core/dtype';

// prettier-ignore
export const UNARY_OPS = [
  'neg', 'abs', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'square',
  'reciprocal', 'erf', 'sign', 'floor', 'ceil', 'round', 'expm1', 'log1p', 'logicalNot',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** What a unary op returns: the input's dtype, a float, or a bool. */
// prettier-ignore
export const UNARY_RESULT: { [P in UnaryOp]: 'same' | 'float' | 'bool' } = {
  neg: 'same', abs: 'same', exp: 'float', log: 'float', sqrt: 'float', rsqrt: 'float', sin: 'float',
  cos: 'float', tanh: 'float', sigmoid: 'float', relu: 'same', square: 'same', reciprocal: 'float',
  erf: 'float', sign: 'same', floor: 'same', ceil: 'same', round: 'same', expm1: 'float',
  log1p: 'float', logicalNot: 'bool',
};

// prettier-ignore
export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr', 'atan2',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** 'promote': operands promoted, result of that type; 'float': computed in float; 'bool': a predicate. */
// prettier-ignore
export const BINARY_RESULT: { [P in BinaryOp]: 'promote' | 'float' | 'bool' } = {
  add: 'promote', sub: 'promote', mul: 'promote', div: 'float', pow: 'promote', maximum: 'promote',
  minimum: 'promote', eq: 'bool', ne: 'bool', lt: 'bool', le: 'bool', gt: 'bool', ge: 'bool',
  logicalAnd: 'bool', logicalOr: 'bool', atan2: 'float',
};

export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const ARG_REDUCE_OPS = ['argmax', 'argmin'] as const;
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];

/**
 * Special inputs the op table test (ops/op-table.test.ts) feeds an op besides its sampled range.
 * Float extremes go to float dtypes, int ones to int32; bool tensors take 0 and 1 only.
 */
export type Extreme = 'zero' | 'one' | 'negative' | 'tiny' | 'large' | 'nan' | 'inf';
export const EXTREME_VALUES: { [E in Extreme]: { float: readonly number[]; int: readonly number[] } } = {
  zero: { float: [0, -0], int: [0] },
  one: { float: [1], int: [1] },
  negative: { float: [-1, -2.5], int: [-1, -3] },
  tiny: { float: [1e-3, -1e-3, 1e-6, -1e-6], int: [] },
  large: { float: [1e4, -1e4, 1e30, -1e30], int: [65535, -65536] },
  nan: { float: [NaN], int: [] },
  inf: { float: [Infinity, -Infinity], int: [] },
};
const ALL: readonly Extreme[] = ['zero', 'one', 'negative', 'tiny', 'large', 'nan', 'inf'];

/** Where a gradient jumps or is undefined: sampled points keep away from these. */
export type Kinks = 'zero' | 'integers' | 'halves' | 'equal';

/**
 * An op's input domain, declared beside its entry so that a new op is tested by the op table
 * test without writing a test: values are checked on every device against the CPU table, and
 * gradients against central finite differences in float64.
 */
export interface OpDomain {
  /** The interval sampled for values (each operand of a binary op samples it). */
  range: readonly [number, number];
  /** Extremes added to the samples; the op defines a result for each (NaN included). */
  extremes: readonly Extreme[];
  /** Input dtypes checked (a binary op's operands share it). */
  dtypes: readonly DType[];
  /** Where the gradient is checked: points in `range` away from `kinks`, and `at`; null: the op has none. */
  grad: { range: readonly [number, number]; kinks?: Kinks; at?: readonly number[] } | null;
  /** Extremes not checked (on one device or dtype, where given), each with the reason. */
  skips?: readonly { extremes: readonly Extreme[]; device?: Device; dtype?: DType; reason: string }[];
  /** Error allowed on the webgpu device (abs + rel * |value|) beyond a few ulps, where WGSL's builtins promise less. */
  gpuTol?: { rel?: number; abs?: number };
}

const NUMBERS: readonly DType[] = ['float32', 'float16', 'int32'];
/** Sampled over [-3, 3] with every extreme, for float and int inputs; the gradient checked where `grad` says. */
const wide = (grad: OpDomain['grad'], more: Partial<OpDomain> = {}): OpDomain => ({ range: [-3, 3], extremes: ALL, dtypes: NUMBERS, grad, ...more });
/** Sampled over [0.25, 4] where the op is defined for x > 0 only; the extremes still check NaN and ±Inf outside. */
const positive = (more: Partial<OpDomain> = {}): OpDomain => ({ range: [0.25, 4], extremes: ALL, dtypes: NUMBERS, grad: { range: [0.25, 4] }, ...more });
/** A gradient defined everywhere: checked over [-3, 3]. */
const SMOOTH = { range: [-3, 3] } as const;
/** WGSL's exp is within 3 + 2|x| ulp: 9 ulp at |x| = 3 (past the range, results overflow or vanish). */
const EXP_TOL = { gpuTol: { rel: 1.2e-6 } };
/** WGSL's log is within 2^-21 absolute on [0.5, 2] (3 ulp elsewhere). */
const LOG_TOL = { gpuTol: { abs: 2 ** -21 } };

const SINCOS_LARGE = {
  extremes: ['large'],
  device: 'webgpu',
  reason: 'f32 Cody–Waite range reduction: a few ulps off by |x| = 6e4, meaningless by 1e30 (exact reduction is not worth it per element)',
} as const;

export const UNARY_DOMAIN: { [P in UnaryOp]: OpDomain } = {
  neg: wide(SMOOTH),
  abs: wide({ range: [-3, 3], kinks: 'zero' }),
  exp: wide(SMOOTH, EXP_TOL),
  log: positive(LOG_TOL),
  sqrt: positive(),
  rsqrt: positive(),
  sin: wide(SMOOTH, { skips: [SINCOS_LARGE] }),
  cos: wide(SMOOTH, { skips: [SINCOS_LARGE] }),
  tanh: wide(SMOOTH, EXP_TOL),
  sigmoid: wide(SMOOTH, EXP_TOL),
  relu: wide({ range: [-3, 3], kinks: 'zero' }),
  square: wide(SMOOTH),
  reciprocal: wide({ range: [0.25, 4] }),
  erf: wide(SMOOTH, EXP_TOL),
  sign: wide({ range: [-3, 3], kinks: 'zero' }),
  floor: wide({ range: [-3, 3], kinks: 'integers' }),
  ceil: wide({ range: [-3, 3], kinks: 'integers' }),
  round: wide({ range: [-3, 3], kinks: 'halves' }),
  expm1: wide(SMOOTH, EXP_TOL),
  log1p: wide({ range: [-0.75, 3] }, { range: [-1.5, 3], ...LOG_TOL }),
  logicalNot: { range: [0, 1], extremes: ALL, dtypes: ['bool', 'float32', 'int32'], grad: null },
};

const COMPARISON: OpDomain = wide(null, { dtypes: ['float32', 'float16', 'int32', 'bool'] });

export const BINARY_DOMAIN: { [P in BinaryOp]: OpDomain } = {
  add: wide(SMOOTH),
  sub: wide(SMOOTH),
  mul: wide(SMOOTH),
  div: wide({ range: [0.25, 4] }),
  pow: wide(
    { range: [0.25, 3] },
    {
      // exp2(b * log2|a|) in f32: the error grows with |b * log2 a| (up to 100 on this grid).
      gpuTol: { rel: 4e-6 },
      skips: [
        {
          extremes: ['large'],
          dtype: 'int32',
          reason: 'an int32 power that overflows: the CPU table computes in float64 (Infinity becomes 0), the GPU wraps as PyTorch does',
        },
      ],
    },
  ),
  maximum: wide({ range: [-3, 3], kinks: 'equal' }),
  minimum: wide({ range: [-3, 3], kinks: 'equal' }),
  eq: COMPARISON,
  ne: COMPARISON,
  lt: COMPARISON,
  le: COMPARISON,
  gt: COMPARISON,
  ge: COMPARISON,
  logicalAnd: COMPARISON,
  logicalOr: COMPARISON,
  // Away from a = 0 the gradient is smooth (the branch cut lies on a = 0, b < 0).
  atan2: wide({ range: [-3, 3], kinks: 'zero' }),
};

/** Reductions sample rows of distinct values from the range (so max and min have one winner). */
export const REDUCE_DOMAIN: { [P in ReduceOp]: OpDomain } = {
  sum: wide(SMOOTH, { dtypes: [...NUMBERS, 'bool'] }),
  // A zero among the factors: its gradient is the product of the others.
  prod: wide({ range: [0.5, 2], at: [0] }, { range: [-2, 2] }),
  max: wide(SMOOTH),
  min: wide(SMOOTH),
};

export const ARG_REDUCE_DOMAIN: { [P in ArgReduceOp]: OpDomain } = {
  argmax: wide(SMOOTH),
  argmin: wide(SMOOTH),
};

/**
 * An elementwise computation over the inputs of one kernel. Eager ops build a one-node tree; the
 * compiler (torch.compile) fuses chains into bigger trees. Operands of a binary node share a dtype.
 */
export type Expr =
  | { kind: 'input'; index: number; dtype: DType }
  | { kind: 'const'; value: number; dtype: DType }
  /** A number passed at dispatch time (scalars[index]), so new values reuse the same kernel. */
  | { kind: 'scalar'; index: number; dtype: DType }
  | { kind: 'unary'; op: UnaryOp; x: Expr; dtype: DType }
  | { kind: 'binary'; op: BinaryOp; a: Expr; b: Expr; dtype: DType }
  | { kind: 'where'; cond: Expr; a: Expr; b: Expr; dtype: DType }
  | { kind: 'cast'; x: Expr; dtype: DType };

/** A compact, stable text for an expression, used as a kernel cache key. */
export function exprKey(e: Expr): string {
  switch (e.kind) {
    case 'input':
      return `i${e.index}:${e.dtype}`;
    case 'const':
      return `c${e.value}:${e.dtype}`;
    case 'scalar':
      return `s${e.index}:${e.dtype}`;
    case 'unary':
      return `${e.op}(${exprKey(e.x)})`;
    case 'binary':
      return `${e.op}(${exprKey(e.a)},${exprKey(e.b)})`;
    case 'where':
      return `where(${exprKey(e.cond)},${exprKey(e.a)},${exprKey(e.b)})`;
    case 'cast':
      return `${e.dtype}(${exprKey(e.x)})`;
  }
}

/** Op names of an expression in evaluation order, without repeats. */
export function exprOps(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'input':
    case 'const':
    case 'scalar':
      break;
    case 'unary':
      exprOps(e.x, out);
      out.push(e.op);
      break;
    case 'cast':
      exprOps(e.x, out);
      out.push(`to_${e.dtype}`);
      break;
    case 'binary':
      exprOps(e.a, out);
      exprOps(e.b, out);
      out.push(e.op);
      break;
    case 'where':
      exprOps(e.cond, out);
      exprOps(e.a, out);
      exprOps(e.b, out);
      out.push('where');
      break;
  }
  return out;
}

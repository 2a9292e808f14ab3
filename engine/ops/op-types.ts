/**
 * The primitive ops, declared once. Every backend kernel table, WGSL lowering table and gradient
 * table is typed `{ [P in SomeOp]: ... }` over these lists, so a missing entry fails type-checking.
 */
import type { DType } from '../core/dtype';

export const UNARY_OPS = [
  'neg', 'abs', 'exp', 'log', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'square',
  'reciprocal', 'erf', 'sign', 'floor', 'ceil', 'round', 'expm1', 'log1p', 'logicalNot',
] as const;
export type UnaryOp = (typeof UNARY_OPS)[number];

/** What a unary op returns: the input's dtype, a float, or a bool. */
export const UNARY_RESULT: { [P in UnaryOp]: 'same' | 'float' | 'bool' } = {
  neg: 'same', abs: 'same', exp: 'float', log: 'float', sqrt: 'float', rsqrt: 'float', sin: 'float',
  cos: 'float', tanh: 'float', sigmoid: 'float', relu: 'same', square: 'same', reciprocal: 'float',
  erf: 'float', sign: 'same', floor: 'same', ceil: 'same', round: 'same', expm1: 'float',
  log1p: 'float', logicalNot: 'bool',
};

export const BINARY_OPS = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum',
  'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'logicalAnd', 'logicalOr',
] as const;
export type BinaryOp = (typeof BINARY_OPS)[number];

/** 'promote': operands promoted, result of that type; 'float': computed in float; 'bool': a predicate. */
export const BINARY_RESULT: { [P in BinaryOp]: 'promote' | 'float' | 'bool' } = {
  add: 'promote', sub: 'promote', mul: 'promote', div: 'float', pow: 'promote', maximum: 'promote',
  minimum: 'promote', eq: 'bool', ne: 'bool', lt: 'bool', le: 'bool', gt: 'bool', ge: 'bool',
  logicalAnd: 'bool', logicalOr: 'bool',
};

export const REDUCE_OPS = ['sum', 'prod', 'max', 'min'] as const;
export type ReduceOp = (typeof REDUCE_OPS)[number];

export const ARG_REDUCE_OPS = ['argmax', 'argmin'] as const;
export type ArgReduceOp = (typeof ARG_REDUCE_OPS)[number];

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


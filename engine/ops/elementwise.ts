/** Elementwise ops: unary, binary (with broadcasting and scalars), where, casts and copies. */
import { getBackend } from '../core/runtime';
import { defaultFloat, promoteTypes, promoteWithScalar, scalarDType, type DType } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { checkInterrupt } from '../core/interrupt';
import { broadcastShapes, broadcastStrides } from '../core/shape';
import { record, type SavedOperand } from '../autograd/graph';
import type { Tensor } from '../tensor';
import { assertLive, commonDevice, emptyTensor, forgetHostValues, viewOf } from './make';
import { BINARY_RESULT, UNARY_RESULT, type BinaryOp, type Expr, type UnaryOp } from './op-types';
import { cached } from './expr-cache';

export type Operand = Tensor | number | boolean;

function isTensorOperand(v: Operand): v is Tensor {
  return typeof v === 'object' && v !== null;
}

/** How the autograd record keeps an operand: 'tensor', or the number the kernel computes with (a boolean as 0 or 1). */
function savedOperand(v: Operand): SavedOperand {
  return isTensorOperand(v) ? 'tensor' : Number(v);
}

const NO_SCALARS: readonly number[] = [];
const UNARY_EXPRS = new Map<string, unknown>();
const BINARY_EXPRS = new Map<string, unknown>();

function input(index: number, dtype: DType): Expr {
  return { kind: 'input', index, dtype };
}

export function castExpr(x: Expr, dtype: DType): Expr {
  return x.dtype === dtype ? x : { kind: 'cast', x, dtype };
}

/** Runs `expr` over `inputs` broadcast to `shape`, into a new tensor of `dtype`. */
export function runElementwise(
  op: string,
  expr: Expr,
  inputs: readonly Tensor[],
  shape: readonly number[],
  dtype: DType,
  device = inputs[0]?.device,
  scalars: readonly number[] = [],
): Tensor {
  checkInterrupt();
  if (!device) fail(op, 'needs at least one tensor operand');
  const out = emptyTensor(device, shape, dtype);
  const views = inputs.map((t) => ({
    storage: t.storageRef.storage,
    shape,
    strides: t.shape === shape ? t.strides : broadcastStrides(t.shape, t.strides, shape),
    offset: t.offset,
    dtype: t.dtype,
  }));
  out.backend.elementwise(expr, views, viewOf(out), scalars);
  return out;
}

/** Writes `src` (broadcast) into the existing view `dst`, converting dtype: PyTorch's copy_. */
export function copyInto(dst: Tensor, src: Tensor): void {
  commonDevice('copy_', [dst, src]);
  forgetHostValues(dst.storageRef);
  broadcastShapes('copy_', dst.shape, src.shape);
  if (src.shape.length > dst.shape.length) fail('copy_', `source shape ${fmtShape(src.shape)} is larger than destination ${fmtShape(dst.shape)}`);
  const view = { ...viewOf(src), shape: dst.shape, strides: broadcastStrides(src.shape, src.strides, dst.shape) };
  // The tracer's while tracing: dst may be a tensor made outside a compiled function (a parameter).
  getBackend(dst.device).elementwise(castExpr(input(0, src.dtype), dst.dtype), [view], viewOf(dst));
}

export function unary(op: UnaryOp, x: Tensor): Tensor {
  assertLive(op, [x]);
  const kind = UNARY_RESULT[op];
  const compute = kind === 'float' ? defaultFloat(x.dtype) : kind === 'bool' ? 'bool' : x.dtype;
  if (kind === 'same' && x.dtype === 'bool') fail(op, `not supported for bool tensors (cast with .float() first)`);
  const expr = cached(UNARY_EXPRS, op, x.dtype, compute, '', (): Expr => ({ kind: 'unary', op, x: castExpr(input(0, x.dtype), compute), dtype: compute }));
  return record(runElementwise(op, expr, [x], x.shape, compute), op, [x], {});
}

/** The dtype two operands compute in, following PyTorch's promotion with wrapped scalars. */
export function resultType(a: Operand, b: Operand): DType {
  const dt = (v: Operand) => (isTensorOperand(v) ? v.dtype : scalarDType(v));
  const dimmed = (v: Operand) => isTensorOperand(v) && v.shape.length > 0;
  if (dimmed(a) === dimmed(b) && isTensorOperand(a) === isTensorOperand(b)) return promoteTypes(dt(a), dt(b));
  if (dimmed(a) || (isTensorOperand(a) && !isTensorOperand(b))) return promoteWithScalar(dt(a), dt(b));
  return promoteWithScalar(dt(b), dt(a));
}

/**
 * Lowers operands into expression leaves: tensors become inputs, numbers become scalars passed at
 * dispatch time (so `x.mul(lr)` with a new lr reuses the same kernel).
 */
function leaves(op: string, operands: readonly Operand[], compute: DType): { exprs: Expr[]; tensors: Tensor[]; scalars: number[] } {
  const tensors: Tensor[] = [];
  const scalars: number[] = [];
  const exprs = operands.map((v): Expr => {
    if (isTensorOperand(v)) {
      tensors.push(v);
      return castExpr(input(tensors.length - 1, v.dtype), compute);
    }
    checkOperand(op, v);
    scalars.push(Number(v));
    return { kind: 'scalar', index: scalars.length - 1, dtype: compute };
  });
  assertLive(op, tensors);
  return { exprs, tensors, scalars };
}

export function binary(op: BinaryOp, a: Operand, b: Operand): Tensor {
  const promoted = resultType(a, b);
  if (op === 'sub' && promoted === 'bool')
    fail('sub', `subtracting bool tensors is not supported (${operandType(a)} and ${operandType(b)}); to invert a mask use .logicalNot()`);
  const kind = BINARY_RESULT[op];
  const compute = kind === 'float' ? defaultFloat(promoted) : op === 'logicalAnd' || op === 'logicalOr' ? 'bool' : promoted;
  const aTensor = isTensorOperand(a);
  const bTensor = isTensorOperand(b);
  if (!aTensor && !bTensor) {
    leaves(op, [a, b], compute); // says which operand is not a number
    fail(op, 'needs at least one tensor operand');
  }
  checkOperand(op, a);
  checkOperand(op, b);
  const tensors = aTensor ? (bTensor ? [a, b] : [a]) : [b as Tensor];
  assertLive(op, tensors);
  const scalars = aTensor ? (bTensor ? NO_SCALARS : [Number(b)]) : [Number(a)];
  const device = commonDevice(op, tensors);
  const shape = bTensor && aTensor ? broadcastShapes(op, a.shape, b.shape) : tensors[0].shape;
  const outType = kind === 'bool' ? 'bool' : compute;
  // One expression per op, operand kinds and dtype (inputs and scalars numbered in operand order).
  const expr = cached(BINARY_EXPRS, op, aTensor ? a.dtype : 's', bTensor ? b.dtype : 's', compute, (): Expr => {
    const leafA: Expr = aTensor ? castExpr(input(0, a.dtype), compute) : { kind: 'scalar', index: 0, dtype: compute };
    const leafB: Expr = bTensor ? castExpr(input(aTensor ? 1 : 0, b.dtype), compute) : { kind: 'scalar', index: aTensor ? 0 : 1, dtype: compute };
    return { kind: 'binary', op, a: leafA, b: leafB, dtype: outType };
  });
  const out = runElementwise(op, expr, tensors, shape, outType, device, scalars);
  return record(out, op, tensors, { a: savedOperand(a), b: savedOperand(b) });
}

function checkOperand(op: string, v: Operand): void {
  if (!isTensorOperand(v) && typeof v !== 'number' && typeof v !== 'boolean') fail(op, `expected a tensor or a number, got ${v === null ? 'null' : typeof v}`);
}

function operandType(v: Operand): string {
  return isTensorOperand(v) ? v.dtype : typeof v;
}

export function where(cond: Tensor, a: Operand, b: Operand): Tensor {
  if (!isTensorOperand(cond) || cond.dtype !== 'bool')
    fail('where', `the condition must be a bool tensor, got ${isTensorOperand(cond) ? cond.dtype : typeof cond} (compare first, e.g. x.gt(0))`);
  const compute = resultType(a, b);
  const { exprs, tensors, scalars } = leaves('where', [cond, a, b], compute);
  exprs[0] = castExpr(input(0, cond.dtype), 'bool');
  const device = commonDevice('where', tensors);
  const shape = broadcastShapes('where', ...tensors.map((t) => t.shape));
  const expr: Expr = { kind: 'where', cond: exprs[0], a: exprs[1], b: exprs[2], dtype: compute };
  const out = runElementwise('where', expr, tensors, shape, compute, device, scalars);
  return record(out, 'where', tensors, { a: savedOperand(a), b: savedOperand(b) });
}

export function cast(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  assertLive('to', [x]);
  const out = runElementwise('to', castExpr(input(0, x.dtype), dtype), [x], x.shape, dtype);
  return record(out, 'cast', [x], {});
}

/** A contiguous copy with the same values (clone / contiguous). */
export function copy(x: Tensor): Tensor {
  assertLive('clone', [x]);
  return record(runElementwise('clone', input(0, x.dtype), [x], x.shape, x.dtype), 'copy', [x], {});
}

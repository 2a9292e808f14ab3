/**
 * PyTorch's in-place methods (`add_`, `mul_`, `fill_`, `maskedFill_`, `indexAdd_`, ...). Each names
 * its out-of-place form, which autograd records, and the one kernel that writes into the tensor's
 * own storage when nothing is recorded (inplace.ts decides which runs).
 */
import { getBackend } from '../core/runtime';
import { defaultFloat, isFloating, type DType } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { checkInterrupt } from '../core/interrupt';
import { broadcastShapes, broadcastStrides, normalizeDim, shapesEqual } from '../core/shape';
import { RULE_READS } from '../autograd/saved';
import type { Tensor } from '../tensor';
import { binary, castExpr, copyInto, resultType, unary, where, type Operand } from './elementwise';
import { clamp } from './composite';
import { full } from './creation';
import { cached } from './expr-cache';
import { scatterAdd, scatterAddInto } from './indexing';
import { scatter, scatterInto } from './scatter';
import { indexPut, type IndexPutOptions, type IndexSpec } from './advanced-index';
import { fillRandom } from './random-ops';
import type { Generator } from '../core/generator';
import { inPlace } from './inplace';
import { emptyTensor, viewOf } from './make';
import { BINARY_RESULT, UNARY_RESULT, type BinaryOp, type Expr, type UnaryOp } from './op-types';
import { expand, reshape } from './views';

const EXPRS = new Map<string, unknown>();
const isTensor = (v: unknown): v is Tensor => typeof v === 'object' && v !== null && 'storageRef' in v;
const describe = (t: Tensor) => `the ${t.dtype} tensor of shape ${fmtShape(t.shape)}`;

/** Whether a result of dtype `result` can be written into a tensor of dtype `into` (PyTorch's can_cast). */
function canStore(result: DType, into: DType): boolean {
  if (isFloating(result)) return isFloating(into);
  if (result === 'int32') return into !== 'bool';
  return true;
}

function checkStore(op: string, result: DType, self: Tensor): void {
  if (!canStore(result, self.dtype))
    fail(
      op,
      `the result is ${result}, which cannot be stored in ${describe(self)} in place; use the out-of-place ${op.replace(/_$/, '')}, or convert first with .to('${result}')`,
    );
}

/** An operand must broadcast to the tensor written in place, whose shape cannot change. */
function checkFits(op: string, self: Tensor, other: Tensor): void {
  const shape = broadcastShapes(op, self.shape, other.shape);
  if (!shapesEqual(shape, self.shape))
    fail(
      op,
      `an operand of shape ${fmtShape(other.shape)} broadcasts the result to ${fmtShape(shape)}, but ${describe(self)} is written in place and keeps its shape`,
    );
}

/** One kernel: expr over `inputs` (broadcast to self) into self's own view. */
function writeExpr(self: Tensor, expr: Expr, inputs: readonly Tensor[], scalars: readonly number[]): void {
  checkInterrupt();
  const views = inputs.map((t) => ({ ...viewOf(t), shape: self.shape, strides: broadcastStrides(t.shape, t.strides, self.shape) }));
  getBackend(self.device).elementwise(expr, views, viewOf(self), scalars);
}

const input = (index: number, dtype: DType): Expr => ({ kind: 'input', index, dtype });

/** `self.op_(other)`: a binary op written into self. */
export function binaryInPlace<T extends Tensor>(op: BinaryOp, self: T, other: Operand): T {
  const name = `${op}_`;
  const promoted = resultType(self, other);
  const kind = BINARY_RESULT[op];
  const compute = kind === 'float' ? defaultFloat(promoted) : promoted;
  const outType = kind === 'bool' ? 'bool' : compute;
  checkStore(name, outType, self);
  const others = isTensor(other) ? [other] : [];
  for (const t of others) checkFits(name, self, t);
  return inPlace(name, self, others, {
    readsSelf: RULE_READS[op] !== RULE_READS.add && !(typeof other !== 'object' && (op === 'mul' || op === 'div')),
    functional: (x) => binary(op, x, other),
    direct: () => {
      const expr = cached(EXPRS, name, self.dtype, isTensor(other) ? other.dtype : 's', compute, (): Expr => {
        const b: Expr = isTensor(other) ? castExpr(input(1, other.dtype), compute) : { kind: 'scalar', index: 0, dtype: compute };
        return castExpr({ kind: 'binary', op, a: castExpr(input(0, self.dtype), compute), b, dtype: outType }, self.dtype);
      });
      writeExpr(self, expr, [self, ...others], isTensor(other) ? [] : [Number(other)]);
    },
  });
}

/** `self.op_()`: a unary op written into self. */
export function unaryInPlace<T extends Tensor>(op: UnaryOp, self: T): T {
  const name = `${op}_`;
  const kind = UNARY_RESULT[op];
  const compute = kind === 'float' ? defaultFloat(self.dtype) : kind === 'bool' ? 'bool' : self.dtype;
  checkStore(name, compute, self);
  return inPlace(name, self, [], {
    readsSelf: true,
    functional: (x) => unary(op, x),
    direct: () => {
      const expr = cached(EXPRS, name, self.dtype, compute, '', (): Expr =>
        castExpr({ kind: 'unary', op, x: castExpr(input(0, self.dtype), compute), dtype: compute }, self.dtype),
      );
      writeExpr(self, expr, [self], []);
    },
  });
}

/** `self.fill_(value)`: every element set to a number or a 0-d tensor's value. */
export function fillInPlace<T extends Tensor>(self: T, value: number | boolean | Tensor, op = 'fill_'): T {
  if (isTensor(value) && value.ndim !== 0) fail(op, `the value must be a number or a 0-d tensor, got a tensor of shape ${fmtShape(value.shape)}`);
  if (!isTensor(value) && typeof value !== 'number' && typeof value !== 'boolean') fail(op, `the value must be a number, got ${typeof value}`);
  const everywhere = () => full(self.shape, true, { device: self.device });
  return inPlace(op, self, isTensor(value) ? [value] : [], {
    readsSelf: false,
    functional: (x) => where(everywhere(), value, x),
    direct: () =>
      isTensor(value)
        ? writeExpr(self, castExpr(input(0, value.dtype), self.dtype), [value], [])
        : writeExpr(self, { kind: 'scalar', index: 0, dtype: self.dtype }, [], [Number(value)]),
  });
}

/** `self.copy_(src)`: src's values (broadcast, converted to self's dtype) written into self. */
export function copyInPlace<T extends Tensor>(self: T, src: Tensor): T {
  if (!isTensor(src)) fail('copy_', `the source must be a tensor, got ${typeof src}`);
  checkFits('copy_', self, src);
  return inPlace('copy_', self, [src], {
    readsSelf: false,
    functional: (x) => where(full(self.shape, true, { device: self.device }), src, x),
    direct: () => copyInto(self, src),
  });
}

/** `self.clamp_(min, max)`: bounds are numbers or tensors that broadcast to self. */
export function clampInPlace<T extends Tensor>(self: T, min?: number | Tensor | null, max?: number | Tensor | null): T {
  const bounds = [min, max].filter(isTensor);
  for (const b of bounds) checkFits('clamp_', self, b);
  return inPlace('clamp_', self, bounds, {
    readsSelf: true,
    functional: (x) => clamp(x, min, max),
    direct: () => clampKernel(self, min, max),
  });
}

function clampKernel(self: Tensor, min: number | Tensor | null | undefined, max: number | Tensor | null | undefined): void {
  let expr: Expr = input(0, self.dtype);
  const inputs: Tensor[] = [self];
  const scalars: number[] = [];
  for (const [op, bound] of [['maximum', min] as const, ['minimum', max] as const]) {
    if (bound === null || bound === undefined) continue;
    let b: Expr;
    if (isTensor(bound)) {
      b = castExpr(input(inputs.length, bound.dtype), self.dtype);
      inputs.push(bound);
    } else {
      b = { kind: 'scalar', index: scalars.length, dtype: self.dtype };
      scalars.push(bound);
    }
    expr = { kind: 'binary', op, a: expr, b, dtype: self.dtype };
  }
  writeExpr(self, expr, inputs, scalars);
}

/** `self.maskedFill_(mask, value)`: value where mask is true. */
export function maskedFillInPlace<T extends Tensor>(self: T, mask: Tensor, value: number | Tensor): T {
  if (!isTensor(mask) || mask.dtype !== 'bool') fail('maskedFill_', `mask must be a bool tensor, got ${isTensor(mask) ? mask.dtype : typeof mask}`);
  checkFits('maskedFill_', self, mask);
  if (isTensor(value) && value.ndim !== 0) fail('maskedFill_', `the value must be a number or a 0-d tensor, got shape ${fmtShape(value.shape)}`);
  const others = isTensor(value) ? [mask, value] : [mask];
  return inPlace('maskedFill_', self, others, {
    readsSelf: false,
    functional: (x) => where(mask, value, x),
    direct: () => {
      const fill: Expr = isTensor(value) ? castExpr(input(2, value.dtype), self.dtype) : { kind: 'scalar', index: 0, dtype: self.dtype };
      const expr: Expr = { kind: 'where', cond: input(1, 'bool'), a: fill, b: input(0, self.dtype), dtype: self.dtype };
      writeExpr(self, expr, [self, ...others], isTensor(value) ? [] : [Number(value)]);
    },
  });
}

/** `self.scatterAdd_(dim, index, src)`: src added at index along dim. */
export function scatterAddInPlace<T extends Tensor>(self: T, dim: number, index: Tensor, src: Tensor, op = 'scatterAdd_'): T {
  return inPlace(op, self, [index, src], {
    readsSelf: false,
    functional: (x) => scatterAdd(x, dim, index, src),
    direct: self.isContiguous() ? () => scatterAddInto(self, dim, index, src, op) : undefined,
  });
}

/** `self.indexAdd_(dim, index, src)`: src's slices added to self's slices at the 1-D index along dim. */
export function indexAddInPlace<T extends Tensor>(self: T, dim: number, index: Tensor, src: Tensor): T {
  if (!isTensor(index) || index.ndim > 1)
    fail('indexAdd_', `index must be a 0-d or 1-d int32 tensor, got ${isTensor(index) ? fmtShape(index.shape) : typeof index}`);
  const d = normalizeDim('indexAdd_', dim, self.ndim);
  const n = index.numel();
  const want = self.shape.map((s, k) => (k === d ? n : s));
  if (!shapesEqual(src.shape, want))
    fail('indexAdd_', `src must have shape ${fmtShape(want)} (the tensor's, with ${n} at dim ${d}), got ${fmtShape(src.shape)}`);
  const spread = expand(
    reshape(
      index,
      self.shape.map((_, k) => (k === d ? n : 1)),
    ),
    want,
  );
  return scatterAddInPlace(self, d, spread, src, 'indexAdd_');
}

/** `self.scatter_(dim, index, src)`: src (a tensor or a number) written at index along dim. */
export function scatterInPlace<T extends Tensor>(self: T, dim: number, index: Tensor, src: Tensor | number | boolean): T {
  return inPlace('scatter_', self, isTensor(src) ? [index, src] : [index], {
    readsSelf: false,
    functional: (x) => scatter(x, dim, index, src),
    direct: self.isContiguous() ? () => scatterInto(self, dim, index, src) : undefined,
  });
}

/** `self.indexPut_(indices, values, { accumulate })`: values written (or added) at the positions `indices` picks (the forms `index` takes). */
export function indexPutInPlace<T extends Tensor>(self: T, indices: IndexSpec, values: Tensor | number, opts?: IndexPutOptions): T {
  return inPlace('indexPut_', self, isTensor(values) ? [values] : [], {
    readsSelf: false,
    functional: (x) => indexPut(x, indices, values, opts),
  });
}

/** `self.uniform_(a, b)` and `self.normal_(mean, std)`: random values from `generator` (the default one if none). */
export function randomInPlace<T extends Tensor>(self: T, kind: 'uniform' | 'normal', a: number, b: number, generator?: Generator): T {
  return inPlace(kind === 'uniform' ? 'uniform_' : 'normal_', self, [], {
    readsSelf: false,
    functional: (x) =>
      where(full(self.shape, true, { device: self.device }), fillRandom(emptyTensor(self.device, self.shape, self.dtype), kind, a, b, generator), x),
    direct: () => fillRandom(self, kind, a, b, generator),
  });
}

/** Shape arithmetic: sizes, strides, broadcasting and dim normalisation. */
import { fail, fmtShape } from './errors';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Wraps a possibly negative dim into [0, rank). `rank` 0 accepts dims -1 and 0 as PyTorch does. */
export function normalizeDim(op: string, dim: number, rank: number): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    fail(op, `dim ${dim} is out of range for a tensor of ${rank} dimension${rank === 1 ? '' : 's'} (expected -${r} to ${r - 1})`);
  }
  return dim < 0 ? dim + r : dim;
}

/** Normalises a dim argument (number, array or undefined = all dims) into sorted unique dims. */
export function normalizeDims(op: string, dim: number | readonly number[] | undefined, rank: number): number[] {
  if (dim === undefined) return [...Array(rank).keys()];
  const list = typeof dim === 'number' ? [dim] : dim;
  const dims = list.map((d) => normalizeDim(op, d, rank));
  if (new Set(dims).size !== dims.length) fail(op, `dim ${JSON.stringify(list)} names a dimension twice`);
  return dims.sort((a, b) => a - b);
}

/** PyTorch's broadcasting: align right, sizes must match or be 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      if (s[i] === out[o] || s[i] === 1) continue;
      if (out[o] === 1) out[o] = s[i];
      else fail(op, `shapes ${shapes.map(fmtShape).join(' and ')} cannot be broadcast together (dimension ${o - rank}: ${out[o]} vs ${s[i]})`);
    }
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had the broadcast shape `target`. */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[lead + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Resolves one -1 in a requested shape against the element count. */
export function inferShape(op: string, requested: readonly number[], total: number, from: Shape): number[] {
  const shape = [...requested];
  const neg = shape.flatMap((s, i) => (s === -1 ? [i] : []));
  if (neg.length > 1) fail(op, `only one dimension can be -1, got ${fmtShape(requested)}`);
  if (shape.some((s) => !Number.isInteger(s) || s < -1)) fail(op, `invalid shape ${fmtShape(requested)}`);
  if (neg.length === 1) {
    const known = numel(shape.filter((s) => s !== -1));
    if (known === 0 || total % known !== 0) fail(op, `shape ${fmtShape(requested)} is invalid for input of size ${total} (shape ${fmtShape(from)})`);
    shape[neg[0]] = total / known;
  }
  if (numel(shape) !== total) fail(op, `shape ${fmtShape(requested)} is invalid for input of size ${total} (shape ${fmtShape(from)})`);
  return shape;
}

/**
 * Strides that let a tensor of (shape, strides) be viewed with `newShape` without a copy, or null
 * when no such view exists (PyTorch's computeStride).
 */
export function viewStrides(shape: Shape, strides: readonly number[], newShape: Shape): number[] | null {
  if (shape.length === 0 || numel(shape) === 0) return contiguousStrides(newShape);
  const newStrides = new Array<number>(newShape.length).fill(0);
  let viewD = newShape.length - 1;
  let chunkBase = strides[strides.length - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    tensorNumel *= shape[d];
    if (d === 0 || (shape[d - 1] !== 1 && strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] === 1)) {
        newStrides[viewD] = viewNumel * chunkBase;
        viewNumel *= newShape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  if (viewD !== -1) return null;
  return newStrides;
}

export function parseShapeArgs(args: readonly unknown[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return [...(args[0] as number[])];
  return args as number[];
}

/** Creation ops: from JS values, constants, ranges and the seeded generator. */
import { isDType, toTypedArray, type Device, type DType, type TypedArray } from '../core/dtype';
import { fail, fmtShape } from '../core/errors';
import { defaultGenerator, Generator } from '../core/generator';
import { getDefaultDevice } from '../core/runtime';
import { numel, parseShapeArgs } from '../core/shape';
import type { Tensor } from '../tensor';
import { emptyTensor, tensorFromData } from './make';
import { checkRandom, tapeRandom, tapesOpen } from '../func/tape';

export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

/** Options of the random creation ops: those of every creation op and the generator to draw from (torch.defaultGenerator if none). */
export interface RandomOptions extends CreateOptions {
  generator?: Generator;
}

/** The generator `opts` names, checked, or the default one. */
export function generatorOf(op: string, opts: { generator?: Generator }): Generator {
  if (tapesOpen()) checkRandom(op);
  const g = opts.generator;
  if (g === undefined || g === null) return defaultGenerator;
  if (!(g instanceof Generator)) fail(op, 'generator must be a torch.Generator (new torch.Generator().manualSeed(seed))');
  return g;
}

export type NestedValues = number | boolean | readonly NestedValues[];

function finish(t: Tensor, opts: CreateOptions): Tensor {
  if (opts.requiresGrad) {
    if (t.dtype !== 'float32' && t.dtype !== 'float16') fail('tensor', `only floating tensors can require gradients, got ${t.dtype}`);
    t.requiresGrad = true;
  }
  return t;
}

function checkShape(op: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || shape.some((s) => !Number.isInteger(s) || s < 0))
    fail(op, `sizes must be non-negative integers, got ${Array.isArray(shape) ? fmtShape(shape) : String(shape)}`);
}

function checkOptions(op: string, opts: CreateOptions): void {
  if (opts.dtype !== undefined && !isDType(opts.dtype)) fail(op, `unknown dtype '${String(opts.dtype)}' (expected 'float32', 'int32', 'bool' or 'float16')`);
}

function flattenNested(op: string, value: NestedValues): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedValues = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0] as NestedValues;
    if (probe === undefined) break;
  }
  const flat: (number | boolean)[] = [];
  const walk = (v: NestedValues, depth: number, path: string) => {
    if (depth === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean')
        fail(op, `expected a number or boolean at ${path || 'top level'}, got ${Array.isArray(v) ? 'a list' : typeof v}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[depth])
      fail(
        op,
        `nested lists have ragged lengths: expected ${shape[depth]} items at ${path || 'top level'}, got ${Array.isArray(v) ? v.length : 'a scalar'} (shape ${fmtShape(shape)})`,
      );
    v.forEach((item: NestedValues, i: number) => walk(item, depth + 1, `${path}[${i}]`));
  };
  walk(value, 0, '');
  return { shape, flat };
}

export function tensor(value: NestedValues | TypedArray | Tensor, opts: CreateOptions = {}): Tensor {
  checkOptions('tensor', opts);
  const device = opts.device ?? getDefaultDevice();
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) {
    const dtype = opts.dtype ?? (value instanceof Float32Array ? 'float32' : 'int32');
    return finish(tensorFromData(device, toTypedArray(value, dtype), [value.length], dtype), opts);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    fail('tensor', 'expected a number, boolean, nested array or typed array (use x.clone() to copy a tensor)');
  const { shape, flat } = flattenNested('tensor', value as NestedValues);
  const dtype = opts.dtype ?? (flat.length > 0 && flat.every((v) => typeof v === 'boolean') ? 'bool' : 'float32');
  return finish(tensorFromData(device, toTypedArray(flat.map(Number), dtype), shape, dtype), opts);
}

/** Splits PyTorch-style arguments `(2, 3, opts?)` or `([2, 3], opts?)` into shape and options. */
export function shapeAndOptions(args: readonly unknown[]): { shape: number[]; opts: CreateOptions } {
  const last = args[args.length - 1];
  const hasOpts = typeof last === 'object' && last !== null && !Array.isArray(last);
  const opts = (hasOpts ? last : {}) as CreateOptions;
  const shape = parseShapeArgs(hasOpts ? args.slice(0, -1) : args);
  if (shape.some((s) => !Number.isInteger(s) || s < 0)) fail('shape', `sizes must be non-negative integers, got ${fmtShape(shape)}`);
  return { shape, opts };
}

export function full(shape: readonly number[], value: number | boolean, opts: CreateOptions = {}): Tensor {
  checkOptions('full', opts);
  checkShape('full', shape);
  const dtype = opts.dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  const device = opts.device ?? getDefaultDevice();
  if (value === 0 || value === false) return finish(emptyTensor(device, shape, dtype, true), opts);
  const data = toTypedArray(new Array<number>(numel(shape)).fill(Number(value)), dtype);
  return finish(tensorFromData(device, data, shape, dtype), opts);
}

export function arange(start: number, end?: number | CreateOptions, step: number | CreateOptions = 1, opts: CreateOptions = {}): Tensor {
  // Options may come right after the numbers, as PyTorch's keywords do: arange(5, { dtype }), arange(0, 5, { device }).
  if (typeof end === 'object' && end !== null) return arange(start, undefined, 1, end);
  if (typeof step === 'object' && step !== null) return arange(start, end, 1, step);
  for (const [name, v] of [
    ['start', start],
    ['end', end],
    ['step', step],
  ] as const)
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v))) fail('arange', `${name} must be a finite number, got ${String(v)}`);
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0) fail('arange', 'step must be nonzero');
  if ((hi - lo) / step < 0) fail('arange', `upper bound and step sign are inconsistent (start ${lo}, end ${hi}, step ${step})`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const dtype = opts.dtype ?? ([lo, hi, step].every(Number.isInteger) ? 'int32' : 'float32');
  const values = Array.from({ length: n }, (_, i) => lo + i * step);
  return finish(tensorFromData(opts.device ?? getDefaultDevice(), toTypedArray(values, dtype), [n], dtype), opts);
}

export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) fail('linspace', `steps must be a non-negative integer, got ${steps}`);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // PyTorch fills the second half from the end, so the last value is exactly `end`.
  const values = Array.from({ length: steps }, (_, i) => (i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step));
  const dtype = opts.dtype ?? 'float32';
  return finish(tensorFromData(opts.device ?? getDefaultDevice(), toTypedArray(values, dtype), [steps], dtype), opts);
}

export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  checkShape('eye', [n, m]);
  const dtype = opts.dtype ?? 'float32';
  const data = toTypedArray(
    Array.from({ length: n * m }, (_, i) => (Math.floor(i / m) === i % m ? 1 : 0)),
    dtype,
  );
  return finish(tensorFromData(opts.device ?? getDefaultDevice(), data, [n, m], dtype), opts);
}

export function rand(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape('rand', shape);
  const dtype = opts.dtype ?? 'float32';
  const values = generatorOf('rand', opts).fillUniform(numel(shape));
  const out = finish(tensorFromData(opts.device ?? getDefaultDevice(), toTypedArray(values, dtype), shape, dtype), opts);
  return tapesOpen() ? tapeRandom('rand', out, (s) => rand(s, opts)) : out;
}

export function randn(shape: readonly number[], opts: RandomOptions = {}): Tensor {
  checkShape('randn', shape);
  const dtype = opts.dtype ?? 'float32';
  const values = generatorOf('randn', opts).fillNormal(numel(shape));
  const out = finish(tensorFromData(opts.device ?? getDefaultDevice(), toTypedArray(values, dtype), shape, dtype), opts);
  return tapesOpen() ? tapeRandom('randn', out, (s) => randn(s, opts)) : out;
}

export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high)) fail('randint', `low and high must be integers, got ${low} and ${high}`);
  if (!(high > low)) fail('randint', `high (${high}) must be greater than low (${low})`);
  checkShape('randint', shape);
  const dtype = opts.dtype ?? 'int32';
  const values = generatorOf('randint', opts).fillRandint(numel(shape), low, high);
  const out = finish(tensorFromData(opts.device ?? getDefaultDevice(), toTypedArray(values, dtype), shape, dtype), opts);
  return tapesOpen() ? tapeRandom('randint', out, (s) => randint(low, high, s, opts)) : out;
}

/** Options for a `*Like` creation: the source tensor's dtype and device unless overridden. */
export function likeOptions(x: Tensor, opts: CreateOptions = {}): CreateOptions {
  return { dtype: x.dtype, device: x.device, ...opts };
}

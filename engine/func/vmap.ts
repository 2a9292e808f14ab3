/**
 * torch.func.vmap: runs the function once on one sample of the batch with a tape open, then
 * replays the tape with each op's batching rule (func/batching.ts), so the whole batch is a
 * handful of batched kernels, never a loop over samples. The replay runs in the caller's grad
 * mode, so gradients flow through a vmapped function, and torch.compile of it sees batched ops.
 */
import { fail, fmtShape } from '../core/errors';
import { expand, permute, select, unsqueeze } from '../ops/views';
import { Tensor } from '../tensor';
import { batchEntry, type BatchEnv } from './batching';
import { Tape, withTape, type Randomness } from './tape';
import { isPlainObject } from './tree';

/** Which dim of each argument (or output) is the batch: a number, null (not mapped), or a tree of them matching the value. */
export type InDims = number | null | readonly InDims[] | { readonly [k: string]: InDims };

export interface VmapOptions {
  /** The mapped dim of each argument (default 0 for all); one entry per argument when an array. */
  inDims?: InDims;
  /** Where the batch dim goes in each output (default 0). */
  outDims?: InDims;
  /** Random ops inside: 'error' (default, as PyTorch), 'same' for every sample, or 'different' per sample. */
  randomness?: Randomness;
}

const RANDOMNESS: readonly Randomness[] = ['error', 'same', 'different'];

/**
 * torch.func.vmap(f, { inDims, outDims, randomness }): f mapped over a batch dim of its arguments,
 * run as batched kernels (never a loop); nests, and composes with grad, jvp and torch.compile.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any function signature is kept as is
export function vmap<F extends (...args: any[]) => any>(fn: F, opts: VmapOptions = {}): F {
  if (typeof fn !== 'function') fail('vmap', `expected a function, got ${fn === null ? 'null' : typeof fn}`);
  const randomness = opts.randomness ?? 'error';
  if (!RANDOMNESS.includes(randomness)) fail('vmap', `randomness must be 'error', 'same' or 'different', got ${JSON.stringify(randomness)}`);
  // null is a value here (not mapped), not a missing option.
  const inDims = opts.inDims === undefined ? 0 : opts.inDims;
  const outDims = opts.outDims === undefined ? 0 : opts.outDims;
  const mapped = (...args: unknown[]) => runVmap(fn, args, inDims, outDims, randomness);
  Object.defineProperty(mapped, 'name', { value: `vmap(${fn.name || 'fn'})` });
  return mapped as F;
}

/** `t` with dim `d` moved to the front (a view). */
export function moveToFront(t: Tensor, d: number): Tensor {
  if (d === 0) return t;
  return permute(t, [d, ...[...Array(t.ndim).keys()].filter((k) => k !== d)]);
}

/** `t` with its first dim moved to `d` (a view). */
function moveFromFront(t: Tensor, d: number): Tensor {
  if (d === 0) return t;
  const order = [...Array(t.ndim).keys()].map((k) => (k < d ? k + 1 : k === d ? 0 : k));
  return permute(t, order);
}

interface Mapped {
  sample: Tensor;
  physical: Tensor;
}

function runVmap(fn: (...args: unknown[]) => unknown, args: unknown[], inDims: InDims, outDims: InDims, randomness: Randomness): unknown {
  if (Array.isArray(inDims) && inDims.length !== args.length)
    fail(
      'vmap',
      `inDims has ${inDims.length} entries but the function was called with ${args.length} arguments: give one per argument (null for one not mapped)`,
    );
  const mapped: Mapped[] = [];
  let size: number | null = null;
  let sizeFrom = '';
  const prepare = (value: unknown, spec: InDims, where: string): unknown => {
    if (value instanceof Tensor) {
      if (spec === null) return value;
      if (typeof spec !== 'number') fail('vmap', `inDims for ${where} (a tensor) must be a number or null, got ${JSON.stringify(spec)}`);
      if (!Number.isInteger(spec) || spec < -value.ndim || spec >= value.ndim)
        fail('vmap', `inDims ${spec} for ${where} is out of range for its shape ${fmtShape(value.shape)}`);
      const d = spec < 0 ? spec + value.ndim : spec;
      const n = value.shape[d];
      if (size === null) [size, sizeFrom] = [n, where];
      else if (n !== size)
        fail(
          'vmap',
          `expected every mapped input to have the same size in its mapped dim, but ${sizeFrom} has ${size} and ${where} has ${n} (dim ${d} of shape ${fmtShape(value.shape)})`,
        );
      const physical = moveToFront(value, d);
      const sample = select(physical, 0, 0);
      mapped.push({ sample, physical });
      return sample;
    }
    if (Array.isArray(value)) {
      if (Array.isArray(spec) && spec.length !== value.length) fail('vmap', `inDims for ${where} has ${spec.length} entries for an array of ${value.length}`);
      return value.map((v, i) => prepare(v, Array.isArray(spec) ? (spec as InDims[])[i] : spec, `${where}[${i}]`));
    }
    if (isPlainObject(value)) {
      const specOf = (k: string): InDims =>
        spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? ((spec as Record<string, InDims>)[k] ?? null) : spec;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prepare(v, specOf(k), `${where}.${k}`)]));
    }
    if (typeof spec === 'number')
      fail('vmap', `inDims is ${spec} for ${where}, a ${value === null ? 'null' : typeof value}: only tensors can be mapped over (give null for it)`);
    return value;
  };
  const samples = args.map((a, i) => prepare(a, Array.isArray(inDims) ? (inDims as InDims[])[i] : inDims, `argument ${i}`));
  if (size === null) fail('vmap', 'no argument is mapped over: pass at least one tensor with a number in inDims (not all null)');
  const batchSize: number = size;
  const tape = new Tape('vmap', randomness);
  for (const m of mapped) {
    tape.track(m.sample);
    tape.inputStorages.add(m.sample.storageRef);
  }
  // In the caller's grad mode: tensors the function derives from captured parameters keep their history, so gradients reach those.
  const result = withTape(tape, true, () => fn(...samples));
  if (result instanceof Promise) {
    result.catch(() => undefined);
    fail(
      'vmap',
      'the function is async (it awaits, e.g. `await x.item()`): reading values out of a batched tensor has no single answer inside vmap. Keep the function synchronous, in tensor ops',
    );
  }
  const batched = new Map<Tensor, Tensor>(mapped.map((m) => [m.sample, m.physical]));
  const env: BatchEnv = { size: batchSize, batched: (t) => batched.get(t) ?? null };
  for (const e of tape.entries) {
    const r = batchEntry(e, env);
    batched.set(e.out, r.out);
    for (const [t, p] of r.also) batched.set(t, p);
  }
  return place(result, outDims, env, 'the output');
}

/** The outputs with their batch dims where `outDims` says (an output not depending on the batch is expanded along it). */
function place(value: unknown, spec: InDims, env: BatchEnv, where: string): unknown {
  if (value instanceof Tensor) {
    const p = env.batched(value);
    if (spec === null) {
      if (p) fail('vmap', `outDims is null for ${where}, but it depends on the mapped inputs (it differs per sample): give it a dim`);
      return value;
    }
    if (typeof spec !== 'number') fail('vmap', `outDims for ${where} (a tensor) must be a number or null, got ${JSON.stringify(spec)}`);
    const full = p ?? expand(unsqueeze(value, 0), [env.size, ...value.shape]);
    const rank = full.ndim;
    if (!Number.isInteger(spec) || spec < -rank || spec >= rank)
      fail(
        'vmap',
        `outDims ${spec} for ${where} is out of range: each sample's output has shape ${fmtShape(value.shape)}, so it must be in [-${rank}, ${rank - 1}]`,
      );
    return moveFromFront(full, spec < 0 ? spec + rank : spec);
  }
  if (Array.isArray(value)) {
    if (Array.isArray(spec) && spec.length !== value.length) fail('vmap', `outDims for ${where} has ${spec.length} entries for ${value.length} outputs`);
    return value.map((v, i) => place(v, Array.isArray(spec) ? (spec as InDims[])[i] : spec, env, `${where}[${i}]`));
  }
  if (isPlainObject(value)) {
    const specOf = (k: string): InDims =>
      spec !== null && typeof spec === 'object' && !Array.isArray(spec) ? ((spec as Record<string, InDims>)[k] ?? 0) : spec;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, place(v, specOf(k), env, `${where}.${k}`)]));
  }
  return value;
}

/**
 * Test helpers for torch.func: deterministic small tensors, vmap against a loop over the samples
 * stacked, and jvp against central finite differences.
 */
import { expect } from 'vitest';
import type { Device, DType } from '../core/dtype';
import { isFloating } from '../core/dtype';
import { torch, type Tensor } from '../index';
import type { InDims } from '../func/vmap';

export type Out = Tensor | readonly Tensor[];
/** The tensors of a function's result (one tensor, or an array of them). */
export const outsOf = (o: unknown): Tensor[] => (Array.isArray(o) ? (o as Tensor[]) : [o as Tensor]);

/** Distinct values spread over [lo, hi] (a golden-ratio sequence), shaped `shape`. */
export function rnd(d: Device, shape: readonly number[], seed = 1, [lo, hi]: readonly [number, number] = [-1.5, 1.5], dtype: DType = 'float32'): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Array.from({ length: n }, (_, i) => {
    const f = ((i + 1) * 0.6180339887 + seed * 0.1234567) % 1;
    return Math.fround(lo + (hi - lo) * f);
  });
  return torch.tensor(v, { device: d, dtype }).reshape([...shape]);
}

/** An int32 tensor of the given values and shape. */
export const ints = (d: Device, v: readonly number[], shape: readonly number[] = [v.length]) =>
  torch.tensor([...v], { device: d, dtype: 'int32' }).reshape([...shape]);

/** Tolerance: |got - want| <= abs + rel * |want| per element. */
export interface Tol {
  abs: number;
  rel: number;
}
export const FLOAT_TOL: Tol = { abs: 1e-5, rel: 1e-5 };

/** Same shape and dtype, values within `tol` (exact for integer and bool tensors). */
export async function expectTensorClose(got: Tensor, want: Tensor, tol: Tol, label: string): Promise<void> {
  expect(got.shape, `${label}: shape`).toEqual(want.shape);
  expect(got.dtype, `${label}: dtype`).toBe(want.dtype);
  const [g, w] = [Array.from(await got.data()), Array.from(await want.data())];
  const exact = !isFloating(want.dtype);
  const bad: string[] = [];
  w.forEach((wv, i) => {
    const gv = g[i];
    const ok = exact ? gv === wv : Number.isNaN(wv) ? Number.isNaN(gv) : Math.abs(gv - wv) <= tol.abs + tol.rel * Math.abs(wv);
    if (!ok) bad.push(`[${i}] got ${gv}, want ${wv}`);
  });
  expect(bad.length, `${label}: ${bad.length} of ${w.length} differ:\n  ${bad.slice(0, 8).join('\n  ')}`).toBe(0);
}

/** Argument `k`'s sample `i` (its mapped dim selected), or the argument itself where it is not mapped. */
function sampleOf(a: Tensor, dim: number | null, i: number): Tensor {
  return dim === null ? a : a.select(dim, i);
}

const dimsOf = (inDims: readonly (number | null)[] | undefined, n: number): (number | null)[] => (inDims ? [...inDims] : Array(n).fill(0));

/** vmap(fn)(...args) equals fn applied to each sample, stacked along dim 0. */
export async function expectVmapMatchesLoop(
  fn: (...a: Tensor[]) => unknown,
  args: readonly Tensor[],
  inDims?: readonly (number | null)[],
  tol: Tol = FLOAT_TOL,
  label = 'vmap',
): Promise<void> {
  const dims = dimsOf(inDims, args.length);
  const got = outsOf(torch.func.vmap(fn, { inDims: dims as InDims })(...args));
  const k = dims.findIndex((x) => x !== null);
  const size = args[k].shape[dims[k]!];
  const per = Array.from({ length: size }, (_, i) => outsOf(fn(...args.map((a, j) => sampleOf(a, dims[j], i)))));
  expect(got.length, `${label}: outputs`).toBe(per[0].length);
  for (let o = 0; o < got.length; o++)
    await expectTensorClose(
      got[o],
      torch.stack(
        per.map((p) => p[o]),
        0,
      ),
      tol,
      `${label} output ${o}`,
    );
}

/** The first sample of each mapped argument (what jvp is checked at). */
export function firstSamples(args: readonly Tensor[], inDims?: readonly (number | null)[]): Tensor[] {
  const dims = dimsOf(inDims, args.length);
  return args.map((a, j) => sampleOf(a, dims[j], 0));
}

/**
 * jvp of fn at `primals` along tangents (one per floating primal; others held fixed) equals the
 * central finite difference (f(x + h t) - f(x - h t)) / 2h of each floating output, in float32.
 */
export async function expectJvpMatchesFd(fn: (...a: Tensor[]) => unknown, primals: readonly Tensor[], label = 'jvp', h = 1e-2, rel = 3e-3): Promise<void> {
  const floats = primals.flatMap((p, i) => (isFloating(p.dtype) ? [i] : []));
  expect(floats.length, `${label}: a floating primal`).toBeGreaterThan(0);
  const call = (...fs: Tensor[]) => {
    const all = [...primals];
    floats.forEach((i, k) => (all[i] = fs[k]));
    return fn(...all);
  };
  const xs = floats.map((i) => primals[i]);
  const ts = xs.map((x, k) => rnd(x.device, x.shape, 7 + k, [-1, 1]));
  const [out, tangentOut] = torch.func.jvp(call, xs, ts) as [unknown, unknown];
  const plus = outsOf(call(...xs.map((x, k) => x.add(ts[k].mul(h)))));
  const minus = outsOf(call(...xs.map((x, k) => x.sub(ts[k].mul(h)))));
  const outs = outsOf(out);
  const tans = outsOf(tangentOut);
  let checked = 0;
  for (let o = 0; o < outs.length; o++) {
    if (!isFloating(outs[o].dtype)) continue;
    const fd = plus[o].sub(minus[o]).div(2 * h);
    const scale = 1 + ((await fd.abs().max().item()) as number);
    await expectTensorClose(tans[o], fd, { abs: rel * scale, rel: 0 }, `${label} tangent of output ${o}`);
    checked++;
  }
  expect(checked, `${label}: a floating output`).toBeGreaterThan(0);
}

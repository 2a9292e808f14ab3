/**
 * What the op table test (ops/op-table.test.ts) builds from an op's declared domain: the sample
 * grid, the CPU table's reference values on float32-rounded inputs, the comparison that reports
 * every mismatching point, and central finite differences in float64.
 */
import { defaultFloat, type Device, type DType } from '../core/dtype';
import { EXTREME_VALUES, type Extreme, type Kinks, type OpDomain } from '../ops/op-types';

/** `n` float32 values spread over `[lo, hi]`, both ends included. */
export function spread([lo, hi]: readonly [number, number], n: number): number[] {
  return Array.from({ length: n }, (_, k) => Math.fround(lo + ((hi - lo) * k) / (n - 1)));
}

/** The extremes of `domain` checked on `device` for `dtype` (less the declared skips). */
export function extremesOn(domain: OpDomain, device: Device, dtype: DType): Extreme[] {
  const skips = (domain.skips ?? []).filter((s) => (s.device ?? device) === device && (s.dtype ?? dtype) === dtype);
  return domain.extremes.filter((e) => !skips.some((s) => s.extremes.includes(e)));
}

/** The values an operand of dtype `dtype` takes: the range spread out plus the extremes. */
export function valueGrid(domain: OpDomain, dtype: DType, device: Device): number[] {
  if (dtype === 'bool') return [0, 1];
  const kind = dtype === 'int32' ? 'int' : 'float';
  const base = spread(domain.range, 9).map((v) => (kind === 'int' ? Math.round(v) : v));
  const extra = extremesOn(domain, device, dtype).flatMap((e) => EXTREME_VALUES[e][kind]);
  const seen = new Set<string>();
  return [...base, ...extra].filter((v) => {
    const key = Object.is(v, -0) ? '-0' : String(v);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** A number as a tensor of `dtype` holds it after a cast (PyTorch semantics: NaN is true). */
export function castValue(x: number, dtype: DType): number {
  switch (dtype) {
    case 'float32':
    case 'float16':
      return Math.fround(x);
    case 'int32':
      return Number.isFinite(x) ? Math.trunc(x) | 0 : 0;
    case 'bool':
      return x !== 0 ? 1 : 0;
  }
}

/** The compute and result dtypes of an op whose result kind is `kind`, for inputs of `dtype`. */
export function opDtypes(kind: 'same' | 'promote' | 'float' | 'bool', dtype: DType, logical = false): { compute: DType; out: DType } {
  if (kind === 'float') return { compute: defaultFloat(dtype), out: defaultFloat(dtype) };
  if (logical) return { compute: 'bool', out: 'bool' };
  return { compute: dtype, out: kind === 'bool' ? 'bool' : dtype };
}

export interface Tolerance {
  rel: number;
  abs: number;
}

/**
 * The points where `got` differs from `want`, described: NaN must match NaN and an infinity must
 * match exactly; finite values within `tol.abs + tol.rel * |scale|` (the scale is `want` unless given:
 * a sum's error scales with the sum of magnitudes, not with the sum).
 */
export function mismatches(
  got: ArrayLike<number>,
  want: readonly number[],
  tol: Tolerance,
  where: (i: number) => string,
  scale: readonly number[] = want,
): string[] {
  const out: string[] = [];
  if (got.length !== want.length) return [`${got.length} values, want ${want.length}`];
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i], want[i]];
    const ok = Number.isNaN(w)
      ? Number.isNaN(g)
      : !Number.isFinite(w) || !Number.isFinite(g)
        ? g === w
        : Math.abs(g - w) <= tol.abs + tol.rel * Math.abs(scale[i]);
    if (!ok) out.push(`${where(i)}: got ${g}, want ${w}`);
  }
  return out;
}

const KINK_DISTANCE: { [K in Kinks]: (x: number) => number } = {
  zero: (x) => Math.abs(x),
  integers: (x) => Math.abs(x - Math.round(x)),
  halves: (x) => Math.abs(x - Math.floor(x) - 0.5),
  // A binary op's operands are compared pair by pair (gradPairs), not one by one.
  equal: () => Infinity,
};

/** Points where a gradient is checked: `n` float32 values inside the range away from kinks, then `at`. */
export function gradPoints(grad: NonNullable<OpDomain['grad']>, n = 8): number[] {
  const [lo, hi] = grad.range;
  const points = Array.from({ length: n }, (_, k) => Math.fround(lo + ((hi - lo) * (k + 0.37)) / n));
  return [...(grad.kinks ? points.filter((x) => KINK_DISTANCE[grad.kinks!](x) > 0.05) : points), ...(grad.at ?? [])];
}

/** Operand pairs for a binary op's gradient: every point against a shifted one, unequal where ties are kinks. */
export function gradPairs(grad: NonNullable<OpDomain['grad']>): { a: number[]; b: number[] } {
  const points = gradPoints(grad);
  const pairs = points.map((a, i) => [a, points[(i * 3 + 2) % points.length]] as const);
  const kept = pairs.filter(([a, b]) => grad.kinks !== 'equal' || Math.abs(a - b) > 0.05);
  return { a: kept.map((p) => p[0]), b: kept.map((p) => p[1]) };
}

/** Central finite difference of `f` at `x` in float64. */
export function centralDifference(f: (x: number) => number, x: number): number {
  const h = 1e-5 * Math.max(1, Math.abs(x));
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** Weights for the upstream gradient: distinct, so a gradient landing on the wrong element shows. */
export function upstream(n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(0.5 + 0.25 * (i % 7)));
}

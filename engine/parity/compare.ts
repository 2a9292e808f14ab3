/** Comparing engine results with PyTorch's, as the golden README prescribes. */
import type { GoldenTensor } from './golden';

export interface Got {
  shape: readonly number[];
  dtype: string;
  data: ArrayLike<number>;
}

/** JSON cannot hold NaN or infinities; the golden file spells them as strings or null. */
function decode(v: number | boolean | null | string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null || v === 'nan' || v === 'NaN') return NaN;
  if (v === 'inf' || v === 'Infinity') return Infinity;
  if (v === '-inf' || v === '-Infinity') return -Infinity;
  return Number(v);
}

/** Returns null when `got` matches `want`, else what differs. */
export function compareTensor(got: Got, want: GoldenTensor, rtol: number, atol: number): string | null {
  if (got.shape.length !== want.shape.length || got.shape.some((s, i) => s !== want.shape[i])) {
    return `shape [${got.shape.join(', ')}] != expected [${want.shape.join(', ')}]`;
  }
  if (got.dtype !== want.dtype) return `dtype ${got.dtype} != expected ${want.dtype}`;
  const exact = want.dtype !== 'float32' && want.dtype !== 'float16';
  let worst: string | null = null;
  let worstErr = 0;
  for (let i = 0; i < want.data.length; i++) {
    const w = decode(want.data[i]);
    const g = got.data[i];
    if (Number.isNaN(w) && Number.isNaN(g)) continue;
    if (!Number.isFinite(w) && g === w) continue;
    const err = Math.abs(g - w);
    const ok = exact ? g === w : err <= atol + rtol * Math.abs(w);
    if (!ok && !(err <= worstErr)) {
      worstErr = Number.isNaN(err) ? Infinity : err;
      worst = `element ${i}: got ${g}, expected ${w}`;
    }
  }
  return worst;
}

export function comparePlain(got: unknown, want: unknown, rtol: number, atol: number): string | null {
  if (typeof want === 'number' && typeof got === 'number') {
    return Math.abs(got - want) <= atol + rtol * Math.abs(want) ? null : `got ${got}, expected ${want}`;
  }
  return got === want ? null : `got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
}

/** Test helpers for the more-ops tests: small tensors from nested lists, and nested comparisons. */
import { expect } from 'vitest';
import type { Device } from '../core/dtype';
import { torch } from '../index';

export type Nested = number | boolean | Nested[];
export const t = (d: Device, v: Nested, requiresGrad = false) => torch.tensor(v as number[], { device: d, requiresGrad });
export const it32 = (d: Device, v: Nested) => torch.tensor(v as number[], { device: d, dtype: 'int32' });

export const M = [
  [1, 2, 3],
  [4, 5, 6],
  [7, 8, 9],
];

/** Nested values equal within 1e-5 (relative) or 1e-6, NaN matching NaN. */
export function expectClose(got: unknown, want: Nested, path = ''): void {
  if (Array.isArray(want)) {
    expect(Array.isArray(got), `${path} is not a list`).toBe(true);
    expect((got as unknown[]).length, `length at ${path}`).toBe(want.length);
    want.forEach((w, i) => expectClose((got as unknown[])[i], w, `${path}[${i}]`));
  } else if (typeof want === 'boolean' || Number.isNaN(want) || !Number.isFinite(want)) {
    expect(got, path).toBe(want);
  } else {
    expect(Math.abs((got as number) - want), `${path}: got ${String(got)}, want ${want}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(want));
  }
}

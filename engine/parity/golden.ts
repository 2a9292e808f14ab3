/** The shape of the PyTorch parity cases in shared/golden/pytorch-parity.json and pytorch-parity-2.json. */
import type { DType } from '../core/dtype';

export interface GoldenTensor {
  shape: number[];
  dtype: DType;
  /** Flat, row-major; non-finite floats are the strings "NaN", "Infinity", "-Infinity" (or null for NaN). */
  data: (number | boolean | null | string)[];
  requiresGrad?: boolean;
}

export type GoldenExpect = GoldenTensor | { value: unknown } | Record<string, GoldenTensor>;

/** Which file a case comes from: 'parity' (pytorch-parity.json) or 'parity-2' (pytorch-parity-2.json, API.md §5). */
export type GoldenSet = 'parity' | 'parity-2';
export const GOLDEN_SETS: Record<GoldenSet, string> = { parity: 'pytorch-parity.json', 'parity-2': 'pytorch-parity-2.json' };

export interface GoldenCase {
  id: string;
  code: string;
  note?: string;
  inputs: Record<string, GoldenTensor>;
  rtol?: number;
  atol?: number;
  expect: GoldenExpect;
  gradOut?: GoldenTensor;
  grads?: Record<string, GoldenTensor>;
  /** Tagged by the loader; a case without one belongs to 'parity'. */
  set?: GoldenSet;
}

export interface GoldenFile {
  generator: string;
  set: string;
  cases: GoldenCase[];
}

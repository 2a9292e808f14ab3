/** The shape of the PyTorch parity cases in shared/golden/pytorch-parity.json. */
import type { DType } from '../core/dtype';

export interface GoldenTensor {
  shape: number[];
  dtype: DType;
  data: (number | boolean | null | string)[];
  requiresGrad?: boolean;
}

export type GoldenExpect = GoldenTensor | { value: unknown } | Record<string, GoldenTensor>;

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
}

export interface GoldenFile {
  generator: string;
  set: string;
  cases: GoldenCase[];
}

/**
 * What the CPU backend's kernels share: the storage (a typed array, or one still arriving from
 * another device), launching a kernel once its inputs are there, timing it into a profile, and
 * compiling an expression into nested closures.
 */
import { cpuBytesPerElement, type DType, type TypedArray } from '../../core/dtype';
import type { Expr } from '../../ops/op-types';
import { isProfiling, recordKernel, type KernelInfo } from '../../profile/recorder';
import type { IndexCheck, Storage, View } from '../backend';
import { fail } from '../../core/errors';
import { CPU_BINARY, CPU_UNARY } from './cpu-scalar-ops';

export class CpuStorage implements Storage {
  readonly device = 'cpu' as const;
  owner: unknown = undefined;
  /** Set while the values are still arriving from another device; kernels wait for it. */
  pending: Promise<void> | null = null;
  constructor(
    readonly data: TypedArray,
    readonly dtype: DType,
  ) {}
  get length(): number {
    return this.data.length;
  }
  get bytes(): number {
    return this.data.length * cpuBytesPerElement(this.dtype);
  }
}

/** The first error of a kernel that ran after its inputs arrived, raised by the next read. */
let deferredError: unknown = null;

/** The deferred kernel error, once: the next read raises it. */
export function takeDeferredError(): unknown {
  const error = deferredError;
  deferredError = null;
  return error;
}

/**
 * Runs a kernel now, or, when a storage it touches is still arriving from another device, once
 * it has arrived; the storages it touches then wait for the kernel in turn (a queue per storage).
 */
export function launch(views: readonly View[], kernel: () => void): void {
  const storages = views.map((v) => v.storage as CpuStorage);
  const waits = storages.flatMap((s) => (s.pending ? [s.pending] : []));
  if (waits.length === 0) return kernel();
  // A kernel that fails once its inputs arrive (a bad index) is reported at the next read.
  const done: Promise<void> = Promise.all(waits)
    .then(kernel)
    .catch((error: unknown) => {
      deferredError ??= error;
    })
    .then(() => {
      for (const s of storages) if (s.pending === done) s.pending = null;
    });
  for (const s of storages) s.pending = done;
}

/** Times a CPU kernel into the profile when one is running (its cost worked out only then). */
export function profiled(cost: () => KernelInfo, kernel: () => void): () => void {
  if (!isProfiling()) return kernel;
  const record = recordKernel('cpu', cost());
  return () => {
    const started = performance.now();
    kernel();
    if (record) record.cpuMs = performance.now() - started;
  };
}

/** An index outside its dim, found by a kernel's loop. */
export function badIndex(check: IndexCheck, index: number, size: number): never {
  fail(check.op, `index ${index} is out of bounds for dimension ${check.dim} with size ${size}`);
}

export const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
export const count = (v: View) => numel(v.shape);

export function dataOf(view: View): TypedArray {
  return (view.storage as CpuStorage).data;
}

/** Rounds a double to what `dtype` can hold, as each node of a kernel would. */
export function coerce(dtype: DType): (x: number) => number {
  switch (dtype) {
    case 'float32':
    case 'float16':
      return Math.fround;
    case 'int32':
      return (x) => (Number.isFinite(x) ? Math.trunc(x) | 0 : 0);
    case 'bool':
      return (x) => (x !== 0 ? 1 : 0); // NaN is true, as in PyTorch
  }
}

export type Scalar = (inputs: Float64Array) => number;

/** Turns an expression tree into nested closures (no eval): the CPU's "code generation". */
export function compileExpr(e: Expr, scalars: readonly number[]): Scalar {
  const round = coerce(e.dtype);
  const sub = (x: Expr) => compileExpr(x, scalars);
  switch (e.kind) {
    case 'input': {
      const i = e.index;
      return (v) => v[i];
    }
    case 'const': {
      const c = round(e.value);
      return () => c;
    }
    case 'scalar': {
      const c = round(scalars[e.index]);
      return () => c;
    }
    case 'unary': {
      const f = CPU_UNARY[e.op];
      const x = sub(e.x);
      return (v) => round(f(x(v)));
    }
    case 'binary': {
      const f = CPU_BINARY[e.op];
      const a = sub(e.a);
      const b = sub(e.b);
      return (v) => round(f(a(v), b(v)));
    }
    case 'where': {
      const c = sub(e.cond);
      const a = sub(e.a);
      const b = sub(e.b);
      return (v) => (c(v) ? a(v) : b(v));
    }
    case 'cast': {
      const x = sub(e.x);
      return (v) => round(x(v));
    }
  }
}

/** Element types, their storage arrays and PyTorch's promotion rules. */
export type DType = 'float32' | 'int32' | 'bool' | 'float16';
export type Device = 'webgpu' | 'cpu';

export type TypedArray = Float32Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool', 'float16'];

export function isDType(v: unknown): v is DType {
  return typeof v === 'string' && (DTYPES as readonly string[]).includes(v);
}

/** Bytes per element as the CPU backend stores it (bool as one byte, float16 widened to f32). */
export function cpuBytesPerElement(dtype: DType): number {
  return dtype === 'bool' ? 1 : 4;
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float16';
}

/** A new zero-filled array of the JS type that holds `dtype` values. */
export function allocArray(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
    case 'float16':
      return new Float32Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

/** Converts any array of numbers into the storage array of `dtype` (truncating as a cast does). */
export function toTypedArray(values: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') {
    for (let i = 0; i < values.length; i++) out[i] = values[i] ? 1 : 0;
  } else if (dtype === 'int32') {
    for (let i = 0; i < values.length; i++) out[i] = Math.trunc(values[i]);
  } else {
    out.set(values);
  }
  return out;
}

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float16: 2, float32: 3 };

/** The result type of combining two tensor dtypes, as torch.promote_types does. */
export function promoteTypes(a: DType, b: DType): DType {
  return CATEGORY[a] >= CATEGORY[b] ? a : b;
}

/** The dtype a JS scalar has when it meets a tensor: ints stay in the tensor's category. */
export function scalarDType(value: number | boolean): DType {
  if (typeof value === 'boolean') return 'bool';
  return Number.isInteger(value) ? 'int32' : 'float32';
}

/**
 * PyTorch's rule for a tensor meeting a wrapped scalar: the scalar only raises the result to its
 * category (bool < int < float); it never widens within a category.
 */
export function promoteWithScalar(tensor: DType, scalar: DType): DType {
  const cat = (d: DType) => (d === 'bool' ? 0 : d === 'int32' ? 1 : 2);
  if (cat(scalar) <= cat(tensor)) return tensor;
  return scalar === 'int32' ? 'int32' : 'float32';
}

export function defaultFloat(dtype: DType): DType {
  return isFloating(dtype) ? dtype : 'float32';
}

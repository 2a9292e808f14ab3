// Tensor bytes to Wick's storage arrays and back. Safetensors data is little-endian, as every
// platform a browser runs on is, so typed arrays read and write it directly.
import type { DType, TypedArray } from '../../core/dtype';
import { fail } from '../../core/errors';
import type { HeaderEntry } from './format';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** An IEEE half (its 16 bits) as a number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** The nearest IEEE half (ties to even, as PyTorch's `.half()`) of a number, as its 16 bits. */
export function floatToHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 112; // the half's exponent field
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++; // a carry rounds up into the exponent (to infinity at the top)
  return sign | half;
}

/** `bytes` as an array of `T`, copied only when it is not aligned for it. */
function view<T>(bytes: Uint8Array, size: number, make: (buffer: ArrayBuffer, offset: number, length: number) => T): T {
  const aligned = bytes.byteOffset % size === 0 ? bytes : bytes.slice();
  return make(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / size);
}

function outOfRange(op: string, label: string, e: HeaderEntry, index: number, value: bigint | number): never {
  return fail(
    op,
    `${label}: tensor '${e.name}' (${e.dtype}) holds ${value} at flat index ${index}, outside int32's range [-2147483648, 2147483647]: Wick's integers are int32`,
  );
}

/** A tensor's bytes (exactly `e.end - e.begin` of them) as the storage array of the Wick dtype it loads as. */
export function decodeTensor(op: string, label: string, e: HeaderEntry, bytes: Uint8Array): TypedArray {
  switch (e.dtype) {
    case 'F32':
      return view(bytes, 4, (b, o, n) => new Float32Array(b, o, n));
    case 'I32':
      return view(bytes, 4, (b, o, n) => new Int32Array(b, o, n));
    case 'BOOL': {
      const out = bytes.slice();
      for (let i = 0; i < out.length; i++) if (out[i] > 1) out[i] = 1;
      return out;
    }
    case 'F16':
    case 'BF16': {
      const halves = view(bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
      const out = new Float32Array(halves.length);
      if (e.dtype === 'F16') for (let i = 0; i < halves.length; i++) out[i] = halfToFloat(halves[i]);
      else {
        const bits = new Uint32Array(out.buffer);
        for (let i = 0; i < halves.length; i++) bits[i] = halves[i] << 16;
      }
      return out;
    }
    case 'F64':
      return new Float32Array(view(bytes, 8, (b, o, n) => new Float64Array(b, o, n)));
    case 'I64':
    case 'U64': {
      const words = view(bytes, 4, (b, o, n) => new Int32Array(b, o, n));
      const out = new Int32Array(words.length / 2);
      const signed = e.dtype === 'I64';
      for (let i = 0; i < out.length; i++) {
        const lo = words[2 * i];
        const hi = words[2 * i + 1];
        if (signed ? hi !== lo >> 31 : hi !== 0 || lo < 0) {
          const big = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
          outOfRange(op, label, e, i, signed ? BigInt.asIntN(64, big) : big);
        }
        out[i] = lo;
      }
      return out;
    }
    case 'U32': {
      const values = view(bytes, 4, (b, o, n) => new Uint32Array(b, o, n));
      for (let i = 0; i < values.length; i++) if (values[i] > 0x7fffffff) outOfRange(op, label, e, i, values[i]);
      return new Int32Array(values.buffer, values.byteOffset, values.length);
    }
    case 'I16':
      return Int32Array.from(view(bytes, 2, (b, o, n) => new Int16Array(b, o, n)));
    case 'U16':
      return Int32Array.from(view(bytes, 2, (b, o, n) => new Uint16Array(b, o, n)));
    case 'I8':
      return Int32Array.from(new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    case 'U8':
      return Int32Array.from(bytes);
    default:
      return fail(op, `${label}: tensor '${e.name}' has dtype ${e.dtype}, which Wick does not read`);
  }
}

/** A Wick tensor's values (`data()`'s array) as the bytes of the safetensors dtype it is saved as. */
export function encodeTensor(values: TypedArray, dtype: DType): Uint8Array {
  switch (dtype) {
    case 'float32':
    case 'int32':
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    case 'bool':
      return Uint8Array.from(values, (v) => (v ? 1 : 0));
    case 'float16':
      return new Uint8Array(Uint16Array.from(values, floatToHalf).buffer);
  }
}

// NumPy's .npy format (versions 1.0, 2.0 and 3.0): the magic '\x93NUMPY', two version bytes, the
// header's length (u16 in 1.0, u32 after), a Python dict literal {'descr', 'fortran_order',
// 'shape'} padded with spaces to a multiple of 64 bytes and ended by '\n', then the raw values.
// Read: float32 (float64 rounded to it), int32 (int64/uint32/uint64 where the values fit, smaller
// ints widened), bool, float16; either byte order; Fortran order is transposed to C order.
import type { Device, DType, TypedArray } from '../../core/dtype';
import { fail } from '../../core/errors';
import { getDefaultDevice } from '../../core/runtime';
import { tensorFromData } from '../../ops/make';
import type { Tensor } from '../../tensor';
import { writeFile, type NotebookFile } from '../notebook-files';
import { floatToHalf, halfToFloat } from '../safetensors/codec';
import { readAllBytes, type Source } from '../source';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** An array decoded from .npy bytes, before it becomes a tensor. */
export interface NpyArray {
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

interface Header {
  descr: string;
  fortran: boolean;
  shape: number[];
  dataOffset: number;
}

function parseHeader(op: string, label: string, bytes: Uint8Array): Header {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const start = Array.from(bytes.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
    fail(
      op,
      `${label} is not a .npy file: it does not start with the magic '\\x93NUMPY' (starts with ${start || 'nothing'})${zip ? '; it is a zip: for a .npz use files.readNpz' : ''}`,
    );
  }
  const major = bytes[6];
  if (major < 1 || major > 3) fail(op, `${label}: .npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 and 3.0 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(op, `${label} is truncated: it ends inside the header`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataOffset = 8 + lenBytes + headerLen;
  if (bytes.length < dataOffset)
    fail(op, `${label} is truncated: its header says ${headerLen} bytes, the file has ${bytes.length - 8 - lenBytes} after the magic`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(8 + lenBytes, dataOffset));
  const descr = text.match(/['"]descr['"]\s*:\s*['"]([^'"]*)['"]/)?.[1];
  if (descr === undefined) {
    if (/['"]descr['"]\s*:\s*\[/.test(text)) fail(op, `${label} holds a structured array (a list of fields as its dtype): only plain arrays are supported`);
    fail(op, `${label}: the header has no 'descr': ${text.trim()}`);
  }
  const fortran = text.match(/['"]fortran_order['"]\s*:\s*(True|False)/)?.[1];
  if (fortran === undefined) fail(op, `${label}: the header has no 'fortran_order': ${text.trim()}`);
  const shapeText = text.match(/['"]shape['"]\s*:\s*\(([^)]*)\)/)?.[1];
  if (shapeText === undefined) fail(op, `${label}: the header has no 'shape': ${text.trim()}`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => (/^\d+L?$/.test(s) ? parseInt(s, 10) : fail(op, `${label}: the header's shape (${shapeText}) has '${s}', not a size`)));
  return { descr, fortran: fortran === 'True', shape, dataOffset };
}

const SUPPORTED = "'<f4' '<f8' '<f2' '<i1' '<i2' '<i4' '<i8' '|u1' '<u2' '<u4' '<u8' '|b1' (either byte order)";

/** Decodes .npy bytes (the pure half of `files.readNpy`; the result may share `bytes`' memory); `label` names the source in errors. */
export function parseNpy(bytes: Uint8Array, op = 'files.readNpy', label = 'the .npy'): NpyArray {
  const { descr, fortran, shape, dataOffset } = parseHeader(op, label, bytes);
  const order = descr[0];
  const kind = descr[1];
  const size = Number(descr.slice(2));
  if (kind === 'O') fail(op, `${label} holds Python objects (dtype '${descr}'): pickled objects are not supported`);
  if (!'<>|='.includes(order) || !/^(f[248]|i[1248]|u[1248]|b1)$/.test(kind + size) || descr.length !== 2 + String(size).length)
    fail(op, `${label} has dtype '${descr}', which is not supported; supported: ${SUPPORTED}`);
  const little = order !== '>';
  const n = shape.reduce((a, b) => a * b, 1);
  const need = n * size;
  const have = bytes.length - dataOffset;
  if (have < need) fail(op, `${label} is truncated: shape (${shape.join(', ')}) of '${descr}' needs ${need} bytes of data, the file has ${have}`);
  if (have > need)
    fail(op, `${label} has ${have} bytes of data, but shape (${shape.join(', ')}) of '${descr}' needs ${need}: the header does not match the data`);
  const raw = bytes.subarray(dataOffset, dataOffset + need);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  // Little-endian 4- and 8-byte values are read in place where aligned (the upload copies them), else from an aligned copy.
  const aligned = (bytesPer: number) => (raw.byteOffset % bytesPer === 0 ? raw : raw.slice());
  let dtype: DType;
  let data: TypedArray;
  if (kind === 'f' && size === 4) {
    dtype = 'float32';
    const a = aligned(4);
    data = little ? new Float32Array(a.buffer, a.byteOffset, n) : Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, false));
  } else if (kind === 'f' && size === 8) {
    dtype = 'float32';
    const a = aligned(8);
    data = little ? Float32Array.from(new Float64Array(a.buffer, a.byteOffset, n)) : Float32Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, false));
  } else if (kind === 'f') {
    dtype = 'float16';
    data = Float32Array.from({ length: n }, (_, i) => halfToFloat(view.getUint16(i * 2, little)));
  } else if (kind === 'b') {
    dtype = 'bool';
    data = Uint8Array.from(raw, (b) => (b ? 1 : 0));
  } else if (kind === 'i' && size === 4 && little) {
    dtype = 'int32';
    const a = aligned(4);
    data = new Int32Array(a.buffer, a.byteOffset, n);
  } else {
    dtype = 'int32';
    data = readInts(op, label, descr, view, n, kind === 'i', size, little);
  }
  return { dtype, shape, data: fortran && shape.length > 1 ? toCOrder(data, shape) : data };
}

function readInts(op: string, label: string, descr: string, view: DataView, n: number, signed: boolean, size: number, little: boolean): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const at = i * size;
    let v: number | bigint;
    if (size === 1) v = signed ? view.getInt8(at) : view.getUint8(at);
    else if (size === 2) v = signed ? view.getInt16(at, little) : view.getUint16(at, little);
    else if (size === 4) v = signed ? view.getInt32(at, little) : view.getUint32(at, little);
    else v = signed ? view.getBigInt64(at, little) : view.getBigUint64(at, little);
    if (v < -2147483648 || v > 2147483647)
      fail(op, `${label} has dtype '${descr}' and value ${v} (element ${i}), which does not fit in int32; convert it in NumPy first (e.g. to float32)`);
    out[i] = Number(v);
  }
  return out;
}

/** Column-major values to row-major. */
function toCOrder(data: TypedArray, shape: number[]): TypedArray {
  const out = new (data.constructor as new (n: number) => TypedArray)(data.length);
  const nd = shape.length;
  const fStrides: number[] = [];
  for (let d = 0, s = 1; d < nd; d++) {
    fStrides.push(s);
    s *= shape[d];
  }
  const index = new Array<number>(nd).fill(0);
  let src = 0;
  for (let i = 0; i < data.length; i++) {
    out[i] = data[src];
    for (let d = nd - 1; d >= 0; d--) {
      index[d]++;
      src += fStrides[d];
      if (index[d] < shape[d]) break;
      src -= fStrides[d] * shape[d];
      index[d] = 0;
    }
  }
  return out;
}

/** Reads a NumPy .npy file (or URL, File, Blob, bytes) as a tensor: float64 becomes float32, integers int32 (where they fit). */
export async function readNpy(source: Source, options: { device?: Device } = {}): Promise<Tensor> {
  const op = 'files.readNpy';
  const { label, bytes } = await readAllBytes(op, source);
  const array = parseNpy(bytes, op, label);
  return tensorFromData(options.device ?? getDefaultDevice(), array.data, array.shape, array.dtype);
}

const DESCR: Record<DType, string> = { float32: '<f4', int32: '<i4', bool: '|b1', float16: '<f2' };

/** The .npy header numpy.save writes for this dtype and shape: version 1.0, room for the first axis to grow to 21 digits, padded with spaces to a multiple of 64 bytes, ended by '\n'. */
export function npyHeader(dtype: DType, shape: readonly number[]): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, 21 - String(shape[0]).length));
  const padding = 64 - ((10 + dict.length + 1) % 64); // 64 (not 0) when it fits exactly, as numpy does
  const header = dict + ' '.repeat(padding) + '\n';
  const out = new Uint8Array(10 + header.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  return out;
}

/** A tensor's values as .npy bytes, as numpy.save writes them. */
export async function encodeNpy(tensor: Tensor): Promise<Uint8Array> {
  const values = await tensor.data();
  let body: Uint8Array;
  if (tensor.dtype === 'float16') {
    const halves = Uint16Array.from(values, floatToHalf);
    body = new Uint8Array(halves.buffer);
  } else body = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const header = npyHeader(tensor.dtype, tensor.shape);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/** Writes a tensor as a NumPy .npy file (float32, int32, bool and float16 as '<f4' '<i4' '|b1' '<f2'), readable by numpy.load. */
export async function writeNpy(name: string, tensor: Tensor): Promise<NotebookFile> {
  if (!tensor || typeof (tensor as Tensor).data !== 'function') fail('files.writeNpy', `expected a tensor, got ${tensor === null ? 'null' : typeof tensor}`);
  return writeFile('files.writeNpy', name, await encodeNpy(tensor));
}

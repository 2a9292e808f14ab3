// The safetensors format, as PyTorch's `safetensors` package (0.8) reads and writes it: an 8-byte
// little-endian header length N, N bytes of JSON (`{"__metadata__": {...}, "name": {"dtype",
// "shape", "data_offsets": [begin, end]}, ...}`) padded with spaces to a multiple of 8, then the
// tensors' bytes, little-endian, contiguous, with no gaps. This file holds the dtype table, the
// header's parsing and validation (everything is checked before a byte of data is read) and its
// serialization, byte for byte as the package writes it.
import type { DType } from '../../core/dtype';
import { fail, fmtShape } from '../../core/errors';
import { formatBytes } from '../notebook-files';

/** The package's header limit: a longer header is refused before it is read. */
export const MAX_HEADER_BYTES = 100_000_000;

/** How Wick reads a safetensors dtype: its size and the Wick dtype it becomes. */
export interface DtypeInfo {
  bytes: number;
  wick: DType;
}

/** The dtypes Wick reads. I64/U64/U32 become int32 where every value fits; F64 and BF16 become float32. */
export const READABLE: Readonly<Record<string, DtypeInfo>> = {
  F32: { bytes: 4, wick: 'float32' },
  F16: { bytes: 2, wick: 'float16' },
  BF16: { bytes: 2, wick: 'float32' },
  F64: { bytes: 8, wick: 'float32' },
  I64: { bytes: 8, wick: 'int32' },
  U64: { bytes: 8, wick: 'int32' },
  I32: { bytes: 4, wick: 'int32' },
  U32: { bytes: 4, wick: 'int32' },
  I16: { bytes: 2, wick: 'int32' },
  U16: { bytes: 2, wick: 'int32' },
  I8: { bytes: 1, wick: 'int32' },
  U8: { bytes: 1, wick: 'int32' },
  BOOL: { bytes: 1, wick: 'bool' },
};

/** Dtypes the package defines that Wick does not read (8-, 6- and 4-bit floats, complex). */
const DEFINED_UNREADABLE = ['F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F6_E2M3', 'F6_E3M2', 'F4', 'C64'];

/** The safetensors dtype each Wick dtype is saved as. */
export const SAVED_AS: Readonly<Record<DType, string>> = { float32: 'F32', int32: 'I32', bool: 'BOOL', float16: 'F16' };

/**
 * The package writes tensors sorted by dtype, descending in the order of its Dtype enum (BOOL <
 * … < F16 < … < I32 < U32 < F32 < … < F64 < I64 < U64), then by name: of Wick's dtypes, F32 first,
 * then I32, F16, BOOL.
 */
const SAVE_RANK: Readonly<Record<string, number>> = { F32: 3, I32: 2, F16: 1, BOOL: 0 };

/** One tensor of a header. */
export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  /** Byte offsets in the data section (after the header). */
  begin: number;
  end: number;
}

/** A parsed and validated header. */
export interface Header {
  /** `__metadata__`, or null when the file has none. */
  metadata: Record<string, string> | null;
  /** The tensors, in the order of their bytes. */
  entries: HeaderEntry[];
  /** Bytes of the data section the header describes. */
  dataBytes: number;
}

/** The error for a file that is not valid safetensors: `torch.load: 'x' is not a safetensors file: <why>`. */
export function notSafetensors(op: string, label: string, why: string): never {
  return fail(op, `${label} is not a safetensors file: ${why}`);
}

const ZIP_HINT =
  "it is a zip archive, as PyTorch's torch.save writes (a .pt/.pth file); Wick reads safetensors: in PyTorch, save with `from safetensors.torch import save_file; save_file(model.state_dict(), 'model.safetensors')`";
const PICKLE_HINT =
  "it is a pickle, as PyTorch's old torch.save format writes; Wick reads safetensors: in PyTorch, save with `from safetensors.torch import save_file; save_file(model.state_dict(), 'model.safetensors')`";

/**
 * Reads the header length from the file's first bytes (at least 8 of them unless the file is that
 * short), refusing empty, short, zip and pickle files and lengths over the limit or the file's size
 * (`fileSize` null for a stream of unknown length).
 */
export function parseHeaderLength(op: string, label: string, first: Uint8Array, fileSize: number | null): number {
  if (first.length === 0) notSafetensors(op, label, 'the file is empty');
  if (first[0] === 0x50 && first[1] === 0x4b && first[2] === 0x03 && first[3] === 0x04) notSafetensors(op, label, ZIP_HINT);
  if (first.length < 8) notSafetensors(op, label, `it has ${first.length} bytes, fewer than the 8 of the header length`);
  const view = new DataView(first.buffer, first.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  // A pickle starts with 0x80 and its protocol (2 to 5); a header length may too, when it is plausible.
  const implausible = n > MAX_HEADER_BYTES || (fileSize !== null && n > fileSize - 8);
  if (first[0] === 0x80 && first[1] >= 2 && first[1] <= 5 && implausible) notSafetensors(op, label, PICKLE_HINT);
  if (fileSize !== null && n > fileSize - 8)
    notSafetensors(op, label, `its header length (${n} bytes) is larger than the file (${fileSize} bytes): it is truncated, or not safetensors`);
  if (n > MAX_HEADER_BYTES) notSafetensors(op, label, `its header length (${n} bytes) is over the ${formatBytes(MAX_HEADER_BYTES)} limit of the format`);
  if (n < 2) notSafetensors(op, label, `its header length is ${n} bytes, too short for a JSON object`);
  return n;
}

const isNonNegativeInteger = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function parseEntry(op: string, label: string, name: string, raw: unknown): HeaderEntry {
  const bad: (why: string) => never = (why) => notSafetensors(op, label, `tensor '${name}' ${why}`);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    bad(`is described by ${JSON.stringify(raw)}, not an object of dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
  if (typeof dtype !== 'string') bad(`has no dtype string (got ${JSON.stringify(dtype) ?? 'nothing'})`);
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger))
    bad(`has shape ${JSON.stringify(shape) ?? 'missing'}: a shape is a list of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger))
    bad(`has data_offsets ${JSON.stringify(offsets) ?? 'missing'}: they are [begin, end], two non-negative integers`);
  const [begin, end] = offsets as number[];
  if (end < begin) bad(`has data_offsets [${begin}, ${end}] that end before they begin`);
  const info = READABLE[dtype];
  if (!info) {
    if (DEFINED_UNREADABLE.includes(dtype))
      fail(op, `${label}: tensor '${name}' has dtype ${dtype}, which Wick does not read (it reads ${Object.keys(READABLE).join(', ')})`);
    bad(`has dtype '${dtype}', which safetensors does not define (${Object.keys(READABLE).join(', ')}, ${DEFINED_UNREADABLE.join(', ')})`);
  }
  const numel = shape.reduce((a: number, b: number) => a * b, 1);
  if (numel * info.bytes !== end - begin)
    bad(`has shape ${fmtShape(shape)} of ${dtype}, which needs ${numel * info.bytes} bytes, but its data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { name, dtype, shape, begin, end };
}

/**
 * Parses and validates the header's bytes (the N after the length): UTF-8 JSON of an object,
 * `__metadata__` of strings, every tensor's dtype, shape and offsets, the byte ranges neither
 * overlapping nor leaving gaps and covering the data section from 0 to its end (`dataBytes`, the
 * file's size less 8 + N, or null for a stream of unknown length, checked as it is read).
 */
export function parseHeader(op: string, label: string, bytes: Uint8Array, dataBytes: number | null): Header {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    notSafetensors(op, label, 'its header is not UTF-8 text');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const start = text.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
    notSafetensors(op, label, `its header is not JSON (${error instanceof Error ? error.message : String(error)}; it starts '${start}')`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    notSafetensors(op, label, `its header is JSON but not an object (got ${Array.isArray(json) ? 'a list' : json === null ? 'null' : typeof json})`);
  const record = json as Record<string, unknown>;
  let metadata: Record<string, string> | null = null;
  const entries: HeaderEntry[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        notSafetensors(op, label, `its __metadata__ is ${JSON.stringify(value)}, not an object`);
      for (const [k, v] of Object.entries(value))
        if (typeof v !== 'string')
          notSafetensors(op, label, `its __metadata__ has ${JSON.stringify(k)}: ${JSON.stringify(v)}; metadata values must be strings`);
      metadata = value as Record<string, string>;
    } else entries.push(parseEntry(op, label, key, value));
  }
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  const range = (e: HeaderEntry) => `'${e.name}' [${e.begin}, ${e.end})`;
  for (let i = 1; i < entries.length; i++)
    if (entries[i].begin < entries[i - 1].end)
      notSafetensors(op, label, `the byte ranges of tensors ${range(entries[i - 1])} and ${range(entries[i])} overlap`);
  let at = 0;
  for (const e of entries) {
    if (e.begin !== at)
      notSafetensors(
        op,
        label,
        `tensor ${range(e)} starts at byte ${e.begin} of the data, but the previous tensor ends at ${at}: tensors must follow each other with no gaps`,
      );
    at = e.end;
  }
  if (dataBytes !== null && at !== dataBytes) {
    if (at > dataBytes) notSafetensors(op, label, `its data section has ${dataBytes} bytes but the header's offsets need ${at}: the file is truncated`);
    notSafetensors(op, label, `its data section has ${dataBytes} bytes but the header's tensors cover ${at}: the data must end where the last tensor ends`);
  }
  return { metadata, entries, dataBytes: at };
}

/** UTF-8 byte order (the package compares names as Rust strings): code point order. */
export function compareNames(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** One tensor to write: its safetensors dtype, shape and byte length. */
export interface SaveEntry {
  name: string;
  dtype: string;
  shape: readonly number[];
  bytes: number;
}

/** The order the package writes tensors in: dtype rank descending, then name. */
export function saveOrder<T extends SaveEntry>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => (SAVE_RANK[b.dtype] ?? 0) - (SAVE_RANK[a.dtype] ?? 0) || compareNames(a.name, b.name));
}

/**
 * The file's first bytes for tensors already in `saveOrder`: the 8-byte length and the compact
 * JSON header (`__metadata__` first when given, then each tensor's dtype, shape and data_offsets),
 * padded with spaces to a multiple of 8. Built as a string, not an object, so that names such as
 * '0' keep their place (a JS object puts integer-like keys first).
 */
export function serializeHeader(entries: readonly SaveEntry[], metadata: Record<string, string> | null): Uint8Array {
  const parts: string[] = [];
  if (metadata) parts.push(`"__metadata__":{${Object.entries(metadata).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)}}`);
  let offset = 0;
  for (const e of entries) {
    parts.push(`${JSON.stringify(e.name)}:{"dtype":"${e.dtype}","shape":[${e.shape.join(',')}],"data_offsets":[${offset},${offset + e.bytes}]}`);
    offset += e.bytes;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n).fill(0x20, 8 + json.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  return out;
}

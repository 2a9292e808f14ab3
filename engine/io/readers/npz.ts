// NumPy's .npz: a zip of .npy files (np.savez stores them, np.savez_compressed deflates them).
// The zip is read from its end: the end-of-central-directory record (or its zip64 form), the
// central directory (sizes there are the true ones: numpy writes zip64 local headers), then each
// member's local header for where its data starts. Deflated members go through the platform's
// DecompressionStream('deflate-raw'); each member's CRC-32 is checked.
import type { Device } from '../../core/dtype';
import { fail } from '../../core/errors';
import { getDefaultDevice } from '../../core/runtime';
import { tensorFromData } from '../../ops/make';
import type { Tensor } from '../../tensor';
import { readAllBytes, type Source } from '../source';
import { parseNpy } from './npy';

/** One member of a zip archive. */
export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Where its local header starts. */
  offset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function u64(op: string, label: string, view: DataView, at: number): number {
  const v = view.getBigUint64(at, true);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(op, `${label}: a zip64 size or offset (${v}) is too large`);
  return Number(v);
}

/** The members of a zip archive, from its central directory. */
export function zipEntries(bytes: Uint8Array, op = 'files.readNpz', label = 'the .npz'): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--)
    if (view.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  if (eocd < 0) {
    const isZipStart = n >= 4 && view.getUint32(0, true) === LOCAL;
    const isNpy = n >= 6 && bytes[0] === 0x93 && bytes[1] === 0x4e;
    fail(
      op,
      isZipStart
        ? `${label} is a truncated zip: its end (the central directory) is missing`
        : `${label} is not a .npz (zip) file: no zip directory at its end${isNpy ? '; it is a .npy: use files.readNpy' : ''}`,
    );
  }
  let count = view.getUint16(eocd + 10, true);
  let dirSize = view.getUint32(eocd + 12, true);
  let dirOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR) fail(op, `${label}: a zip64 archive without its zip64 locator`);
    const at = u64(op, label, view, locator + 8);
    if (at + 56 > n || view.getUint32(at, true) !== ZIP64_EOCD) fail(op, `${label}: the zip64 end record is missing or truncated`);
    count = u64(op, label, view, at + 32);
    dirSize = u64(op, label, view, at + 40);
    dirOffset = u64(op, label, view, at + 48);
  }
  if (dirOffset + dirSize > n) fail(op, `${label} is truncated: its zip directory at byte ${dirOffset} (${dirSize} bytes) is past the end (${n} bytes)`);
  const entries: ZipEntry[] = [];
  let p = dirOffset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > n || view.getUint32(p, true) !== CENTRAL) fail(op, `${label}: zip directory entry ${k} is damaged`);
    const flags = view.getUint16(p + 8, true);
    const method = view.getUint16(p + 10, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    if (flags & 1) fail(op, `${label}: '${name}' is encrypted`);
    let size = view.getUint32(p + 24, true);
    let compressedSize = view.getUint32(p + 20, true);
    let offset = view.getUint32(p + 42, true);
    // The zip64 extra field holds, in order, those of the three that are 0xffffffff.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = view.getUint16(e, true);
      const len = view.getUint16(e + 2, true);
      if (id === 1) {
        let q = e + 4;
        if (size === 0xffffffff) {
          size = u64(op, label, view, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(op, label, view, q);
          q += 8;
        }
        if (offset === 0xffffffff) offset = u64(op, label, view, q);
      }
      e += 4 + len;
    }
    entries.push({ name, method, crc32: view.getUint32(p + 16, true), compressedSize, size, offset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

let crcTable: Uint32Array | undefined;

/** The CRC-32 of zip (and PNG). */
export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** The bytes of one member, inflated where it is deflated, and checked against its CRC-32. */
export async function zipEntryBytes(bytes: Uint8Array, entry: ZipEntry, op = 'files.readNpz', label = 'the .npz'): Promise<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const at = entry.offset;
  if (at + 30 > bytes.length || view.getUint32(at, true) !== LOCAL)
    fail(op, `${label}: the local header of '${entry.name}' (at byte ${at}) is missing or damaged`);
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + entry.compressedSize;
  if (end > bytes.length) fail(op, `${label} is truncated: '${entry.name}' needs bytes up to ${end}, the file has ${bytes.length}`);
  const stored = bytes.subarray(start, end);
  let data: Uint8Array;
  if (entry.method === 0) data = stored;
  else if (entry.method === 8) {
    if (typeof DecompressionStream === 'undefined')
      fail(
        op,
        `${label}: '${entry.name}' is compressed (np.savez_compressed), which needs DecompressionStream('deflate-raw'), missing here; save it with np.savez`,
      );
    try {
      const stream = new Blob([stored as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
      data = new Uint8Array(await new Response(stream).arrayBuffer());
    } catch (error) {
      fail(op, `${label}: '${entry.name}' could not be inflated (damaged data): ${error instanceof Error ? error.message : String(error)}`);
    }
  } else return fail(op, `${label}: '${entry.name}' uses zip compression method ${entry.method}; only stored (0) and deflate (8) are supported`);
  if (data.length !== entry.size) fail(op, `${label}: '${entry.name}' inflated to ${data.length} bytes, its directory entry says ${entry.size}`);
  if (crc32(data) !== entry.crc32) fail(op, `${label}: '${entry.name}' is damaged (its CRC-32 does not match)`);
  return data;
}

/** Decodes every .npy member of .npz bytes (the pure half of `files.readNpz`), keyed by name without '.npy'. */
export async function parseNpz(bytes: Uint8Array, op = 'files.readNpz', label = 'the .npz'): Promise<Record<string, ReturnType<typeof parseNpy>>> {
  const out: Record<string, ReturnType<typeof parseNpy>> = {};
  const entries = zipEntries(bytes, op, label).filter((e) => e.name.endsWith('.npy'));
  if (entries.length === 0) fail(op, `${label} is a zip with no .npy arrays in it`);
  for (const entry of entries) {
    const key = entry.name.slice(0, -4);
    out[key] = parseNpy(await zipEntryBytes(bytes, entry, op, label), op, `${label} ('${entry.name}')`);
  }
  return out;
}

/** Reads a NumPy .npz file (np.savez or np.savez_compressed) as tensors by name, each as `files.readNpy` reads it. */
export async function readNpz(source: Source, options: { device?: Device } = {}): Promise<Record<string, Tensor>> {
  const op = 'files.readNpz';
  const { label, bytes } = await readAllBytes(op, source);
  const arrays = await parseNpz(bytes, op, label);
  const device = options.device ?? getDefaultDevice();
  const out: Record<string, Tensor> = {};
  for (const [key, a] of Object.entries(arrays)) {
    // A stored member read in place shares the whole zip's memory: copy it, so a tensor that keeps its values keeps only its own.
    const data = a.data.buffer === bytes.buffer ? a.data.slice() : a.data;
    out[key] = tensorFromData(device, data, a.shape, a.dtype);
  }
  return out;
}

// torch.load: a safetensors file to a flat state dict, streamed to the device. The header is read
// and validated whole before any tensor is made; then each tensor's bytes are read (a Blob's
// slice, or the next bytes of a URL's response), converted, uploaded and dropped before the next,
// so at its peak the load holds about one tensor's bytes beyond the device's copies.
import type { Device } from '../../core/dtype';
import { fail } from '../../core/errors';
import { checkInterrupt } from '../../core/interrupt';
import { getDefaultDevice } from '../../core/runtime';
import { tensorFromData } from '../../ops/make';
import type { Tensor } from '../../tensor';
import { openSource, type Source } from '../source';
import { decodeTensor } from './codec';
import { notSafetensors, parseHeader, parseHeaderLength, READABLE, type Header } from './format';

/** Options of `torch.load`. */
export interface LoadOptions {
  /** The device the tensors are made on (the default device if not given). */
  device?: Device;
}

/** Sequential reads of a source's bytes. */
interface ByteReader {
  /** The total size, or null for a stream of unknown length. */
  size: number | null;
  /** The next `n` bytes (fewer only where the source ends first). */
  read(n: number): Promise<Uint8Array>;
  /** Whether bytes remain after those read. */
  more(): Promise<boolean>;
  close(): void;
}

function readFailed(op: string, label: string, error: unknown): never {
  return fail(op, `reading ${label} failed: ${error instanceof Error ? error.message : String(error)}`);
}

function blobReader(op: string, label: string, blob: Blob): ByteReader {
  let at = 0;
  return {
    size: blob.size,
    async read(n) {
      const end = Math.min(at + n, blob.size);
      let buffer: ArrayBuffer;
      try {
        buffer = await blob.slice(at, end).arrayBuffer();
      } catch (error) {
        readFailed(op, label, error);
      }
      at = end;
      return new Uint8Array(buffer);
    },
    more: async () => at < blob.size,
    close() {},
  };
}

function streamReader(op: string, label: string, body: ReadableStream<Uint8Array>, size: number | null): ByteReader {
  const reader = body.getReader();
  let chunk: Uint8Array = new Uint8Array(0);
  let done = false;
  const pull = async (): Promise<boolean> => {
    while (!done && chunk.length === 0) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch (error) {
        readFailed(op, label, error);
      }
      if (next.done) done = true;
      else chunk = next.value;
    }
    return chunk.length > 0;
  };
  return {
    size,
    async read(n) {
      if (chunk.length >= n) {
        const out = chunk.slice(0, n);
        chunk = chunk.subarray(n);
        return out;
      }
      // Assemble the bytes from the chunks as they come, keeping only the rest of the last one.
      const out = new Uint8Array(n);
      let filled = 0;
      while (filled < n && (await pull())) {
        const take = Math.min(n - filled, chunk.length);
        out.set(chunk.subarray(0, take), filled);
        filled += take;
        chunk = chunk.subarray(take);
      }
      return filled < n ? out.slice(0, filled) : out;
    },
    more: pull,
    close() {
      reader.cancel().catch(() => {});
    },
  };
}

async function readHeader(op: string, label: string, reader: ByteReader): Promise<Header> {
  const first = await reader.read(8);
  const n = parseHeaderLength(op, label, first, reader.size);
  const bytes = await reader.read(n);
  if (bytes.length < n) notSafetensors(op, label, `it ends after ${8 + bytes.length} bytes, inside its ${n}-byte header: it is truncated`);
  return parseHeader(op, label, bytes, reader.size === null ? null : reader.size - 8 - n);
}

async function open(op: string, source: Source): Promise<{ label: string; reader: ByteReader }> {
  const opened = await openSource(op, source);
  const reader = opened.kind === 'blob' ? blobReader(op, opened.label, opened.blob) : streamReader(op, opened.label, opened.body, opened.size);
  return { label: opened.label, reader };
}

/** Reads a safetensors file's tensors onto `device`, one at a time, with its `__metadata__`. */
export async function loadSafetensors(
  op: string,
  source: Source,
  options: LoadOptions = {},
): Promise<{ tensors: Record<string, Tensor>; metadata: Record<string, string> }> {
  if (typeof options !== 'object' || options === null) fail(op, `options must be an object such as { device: 'cpu' }, got ${String(options)}`);
  const device = options.device ?? getDefaultDevice();
  if (device !== 'cpu' && device !== 'webgpu') fail(op, `device must be 'cpu' or 'webgpu', got ${JSON.stringify(device)}`);
  const { label, reader } = await open(op, source);
  const made: Tensor[] = [];
  try {
    const header = await readHeader(op, label, reader);
    const tensors: Record<string, Tensor> = {};
    let at = 0;
    for (const e of header.entries) {
      checkInterrupt(); // a cell stopped during a long load stops here, leaving no tensors
      const bytes = await reader.read(e.end - e.begin);
      if (bytes.length < e.end - e.begin)
        notSafetensors(
          op,
          label,
          `it ends after ${at + bytes.length} bytes of data, inside tensor '${e.name}', but the header's offsets need ${header.dataBytes}: it is truncated`,
        );
      at = e.end;
      const t = tensorFromData(device, decodeTensor(op, label, e, bytes), e.shape, READABLE[e.dtype].wick);
      made.push(t);
      // A tensor may be named '__proto__': define, not assign.
      Object.defineProperty(tensors, e.name, { value: t, enumerable: true, writable: true, configurable: true });
    }
    if (await reader.more()) notSafetensors(op, label, `bytes follow the last tensor's (the header's offsets end at byte ${header.dataBytes} of the data)`);
    return { tensors, metadata: { ...header.metadata } };
  } catch (error) {
    // A file found bad part-way (a stream that ends early, an int64 value out of range) leaves no tensors behind.
    for (const t of made) t.dispose();
    throw error;
  } finally {
    reader.close();
  }
}

/** `torch.load(source, options?)`: a safetensors file as a flat state dict (name → tensor), for `model.loadStateDict`. */
export async function load(source: Source, options?: LoadOptions): Promise<Record<string, Tensor>> {
  return (await loadSafetensors('torch.load', source, options)).tensors;
}

/** `torch.loadMetadata(source)`: the `__metadata__` strings of a safetensors file ({} if it has none), reading only its header. */
export async function loadMetadata(source: Source): Promise<Record<string, string>> {
  const op = 'torch.loadMetadata';
  const { label, reader } = await open(op, source);
  try {
    return { ...(await readHeader(op, label, reader)).metadata };
  } finally {
    reader.close();
  }
}

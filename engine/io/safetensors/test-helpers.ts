/** Test helpers for safetensors: the PyTorch fixtures, hand-made files, and URLs served by a stubbed fetch in small chunks. Node only. */
import { readFileSync } from 'node:fs';
import { vi } from 'vitest';
import { goldenPath } from '../../parity/load-golden';

/** A fixture of ../shared/golden/safetensors/ as bytes. */
export function fixture(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(goldenPath(`safetensors/${name}`)));
}

/** A fixture's JSON. */
export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFileSync(goldenPath(`safetensors/${name}`), 'utf8')) as T;
}

/** A file with this header text (not padded) and data bytes; `length` overrides the header length. */
export function made(header: string | object | Uint8Array, data: ArrayLike<number> = [], length?: number): Uint8Array<ArrayBuffer> {
  const json = header instanceof Uint8Array ? header : new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(length ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The bytes of float32 values. */
export const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

/** Serves `bytes` at `url` through a stubbed global fetch, streamed in chunks of `chunk` bytes, with or without a content-length. Returns the number of chunks pulled so far. */
export function serve(url: string, bytes: Uint8Array, opts: { chunk?: number; length?: boolean } = {}): () => number {
  const chunk = opts.chunk ?? 7;
  let pulled = 0;
  vi.stubGlobal('fetch', async (requested: string) => {
    if (requested !== url) return new Response('not found', { status: 404 });
    let at = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(at, at + chunk));
        at += chunk;
        pulled++;
      },
    });
    return new Response(body, { headers: opts.length === false ? {} : { 'content-length': String(bytes.length) } });
  });
  return () => pulled;
}

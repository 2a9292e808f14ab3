// What `torch.load` and the readers accept: a file of the notebook's files (a bare name), a URL
// (anything with a scheme or a '/': 'https://…', './data/x.csv', 'data/x.csv'), a File or Blob, an
// ArrayBuffer or a typed array. A file or Blob is read a slice at a time; a URL is a stream.
import { fail } from '../core/errors';
import { fileStore } from './file-store';

/** Where bytes come from. */
export type Source = string | Blob | ArrayBuffer | ArrayBufferView;

/** An opened source: random access (a Blob: a notebook file, a File, bytes) or a one-pass stream (a URL). */
export type OpenedSource =
  { kind: 'blob'; label: string; blob: Blob } | { kind: 'stream'; label: string; size: number | null; body: ReadableStream<Uint8Array> };

let baseUrl: string | undefined;

/** What relative URLs resolve against (the page's address: the Worker sets it). */
export function setSourceBaseUrl(url: string | undefined): void {
  baseUrl = url;
}

/** True when a string source is a URL rather than a file name. */
export function isUrl(source: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(source) || source.includes('/');
}

function describe(source: unknown): string {
  if (source === null) return 'null';
  if (typeof source === 'object') return (source as object).constructor?.name ?? 'object';
  return typeof source;
}

/** Opens `source` for `op` (for errors: 'torch.load', 'files.readCsv', …). Fails with a clear error for a missing file, a failed fetch or an unknown kind of source. */
export async function openSource(op: string, source: Source): Promise<OpenedSource> {
  if (typeof source === 'string') {
    if (!isUrl(source)) {
      const blob = await fileStore().get(source);
      if (!blob) {
        const names = (await fileStore().list()).map((f) => f.name);
        const have = names.length
          ? `the files are ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', …' : ''}`
          : 'there are none yet (upload one in the Files panel)';
        fail(op, `no file '${source}' in the notebook's files (${have}); a URL needs a scheme or a '/', as in './${source}'`);
      }
      return { kind: 'blob', label: `'${source}'`, blob };
    }
    const url = baseUrl ? new URL(source, baseUrl).href : source;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      fail(op, `could not fetch ${source}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) fail(op, `could not fetch ${source} (HTTP ${response.status})`);
    if (!response.body) return { kind: 'blob', label: source, blob: await response.blob() };
    const length = response.headers.get('content-length');
    // A compressed response's length is that of the compressed bytes.
    const size = length !== null && !response.headers.get('content-encoding') ? Number(length) : null;
    return { kind: 'stream', label: source, size, body: response.body };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Partial<File>).name;
    return { kind: 'blob', label: name ? `'${name}'` : 'the Blob', blob: source };
  }
  if (source instanceof ArrayBuffer) return { kind: 'blob', label: 'the ArrayBuffer', blob: new Blob([source]) };
  if (ArrayBuffer.isView(source)) {
    const bytes = new Uint8Array(source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
    return { kind: 'blob', label: `the ${describe(source)}`, blob: new Blob([bytes]) };
  }
  return fail(op, `expected a file name, a URL, a File, a Blob or an ArrayBuffer, got ${describe(source)}`);
}

/** All of `source`'s bytes at once (for the readers: CSV, .npy, images, text). */
export async function readAllBytes(op: string, source: Source): Promise<{ label: string; bytes: Uint8Array }> {
  const opened = await openSource(op, source);
  if (opened.kind === 'blob') return { label: opened.label, bytes: new Uint8Array(await opened.blob.arrayBuffer()) };
  return { label: opened.label, bytes: new Uint8Array(await new Response(opened.body).arrayBuffer()) };
}

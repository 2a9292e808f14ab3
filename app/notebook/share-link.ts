// Share links (API.md §3): `#nb=v1.<payload>`, the payload being base64url (no padding) of
// deflate-raw of the UTF-8 JSON of the notebook with its outputs emptied.
import type { AuthoredCell } from '../store';
import { toIpynb, type Ipynb } from './ipynb';

const PREFIX = '#nb=v1.';

/** Longer links than this are impractical (browsers, chat apps and mail cut or refuse them). */
export const MAX_LINK_LENGTH = 32 * 1024;

/** A share link that cannot be read: truncated, mangled, or not a notebook. */
export class BadShareLink extends Error {}

async function pipe(bytes: Uint8Array, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export async function encodeShareLink(base: string, cells: AuthoredCell[], metadata: Record<string, unknown>): Promise<string> {
  const json = JSON.stringify(toIpynb(cells, {}, metadata));
  const payload = toBase64Url(await pipe(new TextEncoder().encode(json), new CompressionStream('deflate-raw')));
  return `${base}${PREFIX}${payload}`;
}

/** The notebook in a location hash, or null when the hash holds none; a damaged one throws BadShareLink. */
export async function decodeShareLink(hash: string): Promise<Ipynb | null> {
  if (!hash.startsWith(PREFIX)) return null;
  const payload = hash.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]*$/.test(payload)) throw new BadShareLink('the link has characters a share link never has (was it changed by hand?)');
  let bytes: Uint8Array;
  try {
    bytes = await pipe(fromBase64Url(payload), new DecompressionStream('deflate-raw'));
  } catch {
    throw new BadShareLink(`the link is damaged or cut short (${payload.length} characters of data could not be unpacked)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new BadShareLink('the link unpacks to something that is not a notebook');
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { cells?: unknown }).cells))
    throw new BadShareLink('the link unpacks to something that is not a notebook');
  return json as Ipynb;
}

/** The file name a shared notebook had when it was shared (kept in `metadata.wick.name`), cleaned up; "Shared.ipynb" if it has none. */
export function sharedNotebookName(nb: Ipynb): string {
  const wick = (nb.metadata as { wick?: { name?: unknown } } | undefined)?.wick;
  const raw = typeof wick?.name === 'string' ? wick.name : '';
  const base = raw
    .split(/[\\/]/)
    .pop()!
    .split('')
    .filter((c) => c.charCodeAt(0) >= 32 && !'<>:"|?*'.includes(c))
    .join('')
    .trim()
    .slice(0, 120);
  if (!base || base === '.ipynb') return 'Shared.ipynb';
  return base.endsWith('.ipynb') ? base : `${base}.ipynb`;
}

/** The metadata a share link carries: the notebook's own, plus its file name for whoever opens the link. */
export function shareMetadata(name: string, metadata: Record<string, unknown>): Record<string, unknown> {
  const wick = typeof metadata.wick === 'object' && metadata.wick !== null ? metadata.wick : {};
  return { ...metadata, wick: { ...wick, name } };
}

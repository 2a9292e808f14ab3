/** The 8x8 handwritten digits shipped in public/data/digits (UCI, CC BY 4.0): a loader that gives tensors. */
import { fail } from '../core/errors';
import type { Device } from '../core/dtype';
import { tensor } from '../ops/creation';
import type { Tensor } from '../tensor';

export interface Digits {
  /** [N, 64] pixel values scaled to 0..1. */
  images: Tensor;
  /** [N] class labels 0..9, int32. */
  labels: Tensor;
}

export const DIGITS_URL = 'data/digits/digits.csv.gz';

/** Parses the CSV (64 pixels 0..16 then the label on each row). */
export function parseDigits(csv: string, device?: Device): Digits {
  const rows = csv.trim().split('\n');
  const pixels = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, r) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== 65 || cells.some(Number.isNaN)) fail('loadDigits', `row ${r + 1} has ${cells.length} values (expected 64 pixels and a label)`);
    for (let i = 0; i < 64; i++) pixels[r * 64 + i] = cells[i] / 16;
    labels[r] = cells[64];
  });
  return { images: tensor(pixels, { device }).reshape([rows.length, 64]), labels: tensor(labels, { dtype: 'int32', device }) };
}

/**
 * The 8×8 handwritten digits shipped with the app, as tensors: `images` [N, 64] in 0..1 and
 * `labels` [N] (int32).
 *
 * Fetches and unzips the shipped file (in a browser page or Worker). Some servers send a `.gz`
 * file with `Content-Encoding: gzip`, and the browser then unzips it already: look at the bytes.
 */
export async function loadDigits(url: string = DIGITS_URL, device?: Device): Promise<Digits> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    fail('loadDigits', `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) fail('loadDigits', `could not fetch ${url} (HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const text = gzipped
    ? await new Response(new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip'))).text()
    : new TextDecoder().decode(bytes);
  return parseDigits(text, device);
}

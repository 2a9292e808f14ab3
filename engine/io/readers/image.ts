// Images to tensors, in the Worker without the page: the browser decodes (createImageBitmap, with
// no color-space conversion and no premultiplied alpha, so the values are the file's), an
// OffscreenCanvas gives the RGBA bytes, and they become a float32 [C, H, W] tensor in [0, 1], as
// torchvision's ToTensor() makes from a PIL image. Opaque pixels are exact; a canvas keeps its
// pixels premultiplied by alpha, so a translucent pixel's color may be off by a step or two of 255
// and a fully transparent one's is lost (PIL keeps them).
import type { Device } from '../../core/dtype';
import { fail } from '../../core/errors';
import { getDefaultDevice } from '../../core/runtime';
import { tensorFromData } from '../../ops/make';
import type { Tensor } from '../../tensor';
import { readAllBytes, type Source } from '../source';

/** The channels `files.readImage` gives: 'RGB' (3), 'RGBA' (4) or 'L' (1, luma as PIL's convert('L')). */
export type ImageMode = 'RGB' | 'RGBA' | 'L';

const MODES: readonly ImageMode[] = ['RGB', 'RGBA', 'L'];

/** The image type of these bytes from their first bytes ('image/png', …), or null when they are no image the browser reads. */
export function sniffImageType(bytes: Uint8Array): string | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x47, 0x49, 0x46, 0x38)) return 'image/gif';
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) return 'image/webp';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  return null;
}

/** RGBA bytes (row-major, 4 per pixel) to [C, H, W] floats in [0, 1]; 'L' is PIL's luma (R·299 + G·587 + B·114) / 1000, rounded to a byte. */
export function rgbaToChw(rgba: ArrayLike<number>, width: number, height: number, mode: ImageMode): Float32Array {
  const plane = width * height;
  const channels = mode === 'L' ? 1 : mode === 'RGB' ? 3 : 4;
  const out = new Float32Array(channels * plane);
  for (let p = 0; p < plane; p++) {
    const r = rgba[p * 4];
    const g = rgba[p * 4 + 1];
    const b = rgba[p * 4 + 2];
    if (mode === 'L') {
      // PIL's fixed-point ITU-R 601-2 luma (Convert.c, L24), rounded to nearest.
      out[p] = ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16) / 255;
      continue;
    }
    out[p] = r / 255;
    out[plane + p] = g / 255;
    out[2 * plane + p] = b / 255;
    if (channels === 4) out[3 * plane + p] = rgba[p * 4 + 3] / 255;
  }
  return out;
}

/** Reads a PNG, JPEG, GIF, WebP or BMP image (a file, URL, File, Blob or bytes) as a float32 [C, H, W] tensor in [0, 1], as torchvision's ToTensor(); needs a browser (the notebook's Worker). */
export async function readImage(source: Source, options: { mode?: ImageMode; device?: Device } = {}): Promise<Tensor> {
  const op = 'files.readImage';
  const { mode = 'RGB', device = getDefaultDevice() } = options;
  if (!MODES.includes(mode)) fail(op, `mode must be 'RGB', 'RGBA' or 'L', got ${JSON.stringify(mode)}`);
  const { label, bytes } = await readAllBytes(op, source);
  const type = sniffImageType(bytes);
  if (!type) fail(op, `${label} is not an image: it is not PNG, JPEG, GIF, WebP or BMP (by its first bytes)`);
  if (typeof createImageBitmap === 'undefined' || typeof OffscreenCanvas === 'undefined')
    fail(op, `reading images needs a browser (createImageBitmap and OffscreenCanvas, as in the notebook's Worker); they are missing here`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  } catch (error) {
    fail(op, `${label} could not be decoded as ${type}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const { width, height } = bitmap;
  try {
    const context = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (!context) fail(op, 'could not get a 2D context of an OffscreenCanvas to read the pixels');
    context.drawImage(bitmap, 0, 0);
    const pixels = context.getImageData(0, 0, width, height).data;
    const channels = mode === 'L' ? 1 : mode === 'RGB' ? 3 : 4;
    return tensorFromData(device, rgbaToChw(pixels, width, height, mode), [channels, height, width], 'float32');
  } finally {
    bitmap.close();
  }
}

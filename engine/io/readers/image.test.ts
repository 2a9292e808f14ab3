// Decoding needs a browser (e2e/file-readers.spec.ts reads a PNG and a JPEG in the Worker); here:
// the pixel conversion, the type sniffing and the errors Node gives.
import { beforeAll, describe, expect, it } from 'vitest';
import { torch } from '../../index';
import { files } from '../notebook-files';
import { rgbaToChw, sniffImageType } from './image';

const PNG_1X1 = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=='), (c) =>
  c.charCodeAt(0),
);

describe('files.readImage', () => {
  beforeAll(() => torch.init());

  it('turns RGBA bytes into [C, H, W] in [0, 1]: RGB, RGBA and L (PIL luma)', () => {
    // A 2x1 image: red (half transparent), then (10, 20, 30).
    const rgba = [255, 0, 0, 128, 10, 20, 30, 255];
    expect(Array.from(rgbaToChw(rgba, 2, 1, 'RGB'))).toEqual([1, 10 / 255, 0, 20 / 255, 0, 30 / 255].map(Math.fround));
    expect(Array.from(rgbaToChw(rgba, 2, 1, 'RGBA'))).toEqual([1, 10 / 255, 0, 20 / 255, 0, 30 / 255, 128 / 255, 1].map(Math.fround));
    // PIL: Image.new('RGB', (1, 1), (255, 0, 0)).convert('L') is 76; (10, 20, 30) is 18.
    expect(Array.from(rgbaToChw(rgba, 2, 1, 'L'))).toEqual([76 / 255, 18 / 255].map(Math.fround));
    const white = rgbaToChw([255, 255, 255, 255], 1, 1, 'L');
    expect(white[0]).toBe(1);
  });

  it('knows PNG, JPEG, GIF, WebP and BMP by their first bytes', () => {
    const cases: [number[], string | null][] = [
      [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'image/png'],
      [[0xff, 0xd8, 0xff, 0xe0], 'image/jpeg'],
      [[0x47, 0x49, 0x46, 0x38, 0x39, 0x61], 'image/gif'],
      [[0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50], 'image/webp'],
      [[0x42, 0x4d, 0, 0], 'image/bmp'],
      [[0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45], null],
      [Array.from(new TextEncoder().encode('a,b\n')), null],
      [[], null],
    ];
    for (const [bytes, type] of cases) expect(sniffImageType(Uint8Array.from(bytes))).toBe(type);
  });

  it('refuses a file that is not an image, naming the source', async () => {
    await expect(files.readImage(new TextEncoder().encode('a,b\n1,2\n'))).rejects.toThrow(
      /files\.readImage: the Uint8Array is not an image: it is not PNG, JPEG, GIF, WebP or BMP/,
    );
  });

  it('says that reading an image needs a browser where createImageBitmap is missing (Node)', async () => {
    expect(typeof createImageBitmap).toBe('undefined');
    await expect(files.readImage(PNG_1X1)).rejects.toThrow(/files\.readImage: reading images needs a browser \(createImageBitmap and OffscreenCanvas/);
  });

  it('refuses an unknown mode', async () => {
    await expect(files.readImage(PNG_1X1, { mode: 'CMYK' as 'RGB' })).rejects.toThrow(/files\.readImage: mode must be 'RGB', 'RGBA' or 'L', got "CMYK"/);
  });
});

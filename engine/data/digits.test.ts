/** loadDigits reads the shipped file whether the server sends it zipped or (Content-Encoding: gzip) unzipped. */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDigits } from './digits';

const zipped = readFileSync(new URL('../../public/data/digits/digits.csv.gz', import.meta.url));

describe('loadDigits', () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([
    ['as stored (gzip bytes)', zipped],
    ['unzipped by the browser (Content-Encoding: gzip)', gunzipSync(zipped)],
  ])('reads the digits %s', async (_name, body) => {
    vi.stubGlobal('fetch', async () => new Response(new Uint8Array(body)));
    const { images, labels } = await loadDigits('data/digits/digits.csv.gz', 'cpu');
    expect(images.shape).toEqual([1797, 64]);
    expect(labels.shape).toEqual([1797]);
  });

  it('says which URL failed and why', async () => {
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    await expect(loadDigits('data/missing.csv.gz', 'cpu')).rejects.toThrow(/loadDigits.*data\/missing\.csv\.gz.*404/);
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(loadDigits('data/x.csv.gz', 'cpu')).rejects.toThrow(/loadDigits.*data\/x\.csv\.gz.*Failed to fetch/);
  });
});

/** loadNames reads the shipped names file and says which URL failed and why. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadNames, parseNames } from './names';

const text = readFileSync(new URL('../../public/data/names/names.txt', import.meta.url), 'utf8');

describe('loadNames', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the 8,403 shipped names, lower case a–z', async () => {
    vi.stubGlobal('fetch', async () => new Response(text));
    const names = await loadNames();
    expect(names.length).toBe(8403);
    expect(names.slice(0, 3)).toEqual(['aaren', 'aarika', 'aaron']);
    expect(names.every((n) => /^[a-z]+$/.test(n))).toBe(true);
  });

  it('rejects a line that is not a name, and says which URL failed and why', async () => {
    expect(() => parseNames('anna\nBob\n')).toThrow(/loadNames.*line 2 \('Bob'\)/);
    vi.stubGlobal('fetch', async () => new Response('nope', { status: 404 }));
    await expect(loadNames('data/missing.txt')).rejects.toThrow(/loadNames.*data\/missing\.txt.*404/);
    vi.stubGlobal('fetch', async () => Promise.reject(new TypeError('Failed to fetch')));
    await expect(loadNames('data/x.txt')).rejects.toThrow(/loadNames.*data\/x\.txt.*Failed to fetch/);
  });
});

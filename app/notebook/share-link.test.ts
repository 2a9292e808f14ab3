// Share links round-trip any notebook exactly, stay short for ordinary notebooks, and refuse damaged ones.
import { describe, expect, it } from 'vitest';
import type { AuthoredCell } from '../store';
import { fromIpynb } from './ipynb';
import { BadShareLink, decodeShareLink, encodeShareLink, sharedNotebookName, shareMetadata } from './share-link';

/** A seeded generator, so a failure can be reproduced. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const PIECES = [
  'const x = torch.randn([3, 4]);',
  'x.matmul(w)',
  '# Title',
  'ünïcödé ✓ 数学 🙂',
  '$$\\sum_i x_i$$',
  '"quotes" and \\\\ backslashes',
  '\t tabs',
  '',
  '\n',
  'await model(x)',
  '<b>html</b>',
  '\r\n windows',
];

function randomNotebook(random: () => number, index: number): AuthoredCell[] {
  const count = Math.floor(random() * 12);
  return Array.from({ length: count }, (_, k) => {
    const parts = Array.from({ length: Math.floor(random() * 6) }, () => PIECES[Math.floor(random() * PIECES.length)]);
    const noise = Array.from({ length: Math.floor(random() * 20) }, () => String.fromCodePoint(32 + Math.floor(random() * 0x2fff))).join('');
    return {
      id: `c${index}-${k}`,
      type: random() < 0.3 ? 'markdown' : 'code',
      source: parts.join(random() < 0.5 ? '\n' : ' ') + (random() < 0.3 ? noise : ''),
    };
  });
}

describe('share links', () => {
  it('encode and decode 1,000 generated notebooks exactly', async () => {
    const random = rng(42);
    for (let i = 0; i < 1000; i++) {
      const cells = randomNotebook(random, i);
      const link = await encodeShareLink('https://wick.example/', cells, { title: `nb ${i}` });
      const decoded = fromIpynb(await decodeShareLink(link.slice(link.indexOf('#'))));
      expect(
        decoded.cells.map((c) => [c.type, c.source]),
        `notebook ${i}`,
      ).toEqual(cells.map((c) => [c.type, c.source]));
      expect(decoded.metadata.title).toBe(`nb ${i}`);
    }
  });

  it('a 20-cell notebook of about 2.5 KB of source gives a link under 2 KB', async () => {
    const cells: AuthoredCell[] = Array.from({ length: 20 }, (_, i) => ({
      id: `c${i}`,
      type: i % 4 === 0 ? 'markdown' : 'code',
      source:
        i % 4 === 0
          ? `## Step ${i / 4 + 1}\nWe train the model for a few epochs and look at the loss after each one.`
          : `const h${i} = F.relu(model.fc${i % 3}(x${i - 1 > 0 ? i - 1 : ''}).add(b));\nconsole.log("step ${i}", await h${i}.mean().item());\ndisplay(h${i}); // layer ${i} of the network`,
    }));
    const bytes = new TextEncoder().encode(cells.map((c) => c.source).join('')).length;
    expect(bytes).toBeGreaterThan(2300);
    expect(bytes).toBeLessThan(2800);
    const link = await encodeShareLink('https://wick.example/', cells, {});
    expect(link.length).toBeLessThan(2048);
  });

  it.each([
    ['cut short', (h: string) => h.slice(0, Math.floor(h.length / 2))],
    ['mangled', (h: string) => h.slice(0, 20) + 'AAAA' + h.slice(24)],
    ['characters a link never has', (h: string) => `${h}%20<script>`],
    ['not a notebook', () => '#nb=v1.q1YqSi0uSVWyUkosKFSqBQA'],
  ])('a link %s is refused with a reason', async (_name, damage) => {
    const good = await encodeShareLink('', [{ id: 'a', type: 'code', source: 'torch.ones([2])' }], {});
    await expect(decodeShareLink(damage(good))).rejects.toBeInstanceOf(BadShareLink);
  });
});

describe('the name a shared notebook arrives with', () => {
  const cells: AuthoredCell[] = [];
  const arriving = async (name: string | null) => {
    const link = await encodeShareLink('https://wick.example/', cells, name === null ? {} : shareMetadata(name, { title: 'x' }));
    return sharedNotebookName((await decodeShareLink(link.slice(link.indexOf('#'))))!);
  };
  it.each([
    ['training.ipynb', 'training.ipynb'],
    ['notes', 'notes.ipynb'],
    ['../../etc/passwd.ipynb', 'passwd.ipynb'],
    ['a<b>:c?.ipynb', 'abc.ipynb'],
    ['', 'Shared.ipynb'],
  ])('%s arrives as %s', async (name, want) => expect(await arriving(name)).toBe(want));
  it('a link made before names were shared arrives as Shared.ipynb', async () => expect(await arriving(null)).toBe('Shared.ipynb'));
  it('the share metadata keeps the notebook’s own metadata', () =>
    expect(shareMetadata('a.ipynb', { title: 't', wick: { x: 1 } })).toEqual({ title: 't', wick: { x: 1, name: 'a.ipynb' } }));
});

/** einsum against a plain-loop reference over a table of equations (traces, diagonals, broadcasting, several operands), on every device. */
import { describe, expect, it } from 'vitest';
import { torch } from '../index';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

/** Shapes by letter for the reference; '...' is not used here (broadcasting is tested in composite-ops.test.ts). */
const SIZES: Record<string, number> = { a: 2, b: 3, c: 2, d: 4, i: 3, j: 2, k: 3, l: 1 };

function values(shape: number[], seed: number): number[] {
  const n = shape.reduce((p, s) => p * s, 1);
  return Array.from({ length: n }, (_, i) => Math.round(Math.sin(seed * 7 + i * 1.3) * 8) / 4);
}

/** The einsum by loops over every label's values. */
function reference(eq: string, operands: number[][]): { shape: number[]; data: number[] } {
  const [lhs, rhs] = eq.split('->');
  const terms = lhs.split(',');
  const letters = [...new Set(terms.join(''))];
  const out =
    rhs ??
    letters
      .filter((c) => terms.join('').split(c).length === 2)
      .sort()
      .join('');
  const shape = [...out].map((c) => SIZES[c]);
  const data = new Array<number>(shape.reduce((p, s) => p * s, 1)).fill(0);
  const assign: Record<string, number> = {};
  const flat = (term: string) => [...term].reduce((acc, c) => acc * SIZES[c] + assign[c], 0);
  const walk = (k: number) => {
    if (k === letters.length) {
      data[flat(out)] += terms.reduce((p, term, i) => p * operands[i][flat(term)], 1);
      return;
    }
    for (let v = 0; v < SIZES[letters[k]]; v++) {
      assign[letters[k]] = v;
      walk(k + 1);
    }
  };
  walk(0);
  return { shape, data };
}

const EQUATIONS = [
  'ab->ba',
  'ab->',
  'ab',
  'ba',
  'aa->a',
  'aa',
  'ab,bc->ac',
  'ab,bc',
  'ab,ab->ab',
  'ab,ab->',
  'ab,ac->bc',
  'ab,cd->abcd',
  'a,b->ab',
  'a,a->',
  'abc,acd->abd',
  'abc,cb->a',
  'iij,jk->ik',
  'ijk,jil->kl',
  'ab,bc,cd->ad',
  'a,ab,b->',
  'ab,bc,ca->',
  'ijl,jk->ilk',
  'aab,bc->ac',
];

describe.each(devices)('einsum on %s', (device) => {
  it.each(EQUATIONS)('%s matches loops', async (eq) => {
    const terms = eq.split('->')[0].split(',');
    const data = terms.map((term, i) =>
      values(
        [...term].map((c) => SIZES[c]),
        i + 1,
      ),
    );
    const xs = terms.map((term, i) => torch.tensor(data[i], { device }).reshape([...term].map((c) => SIZES[c])));
    const want = reference(eq, data);
    const got = torch.einsum(eq, ...xs);
    expect(got.shape).toEqual(want.shape);
    const flat = (await got.reshape([-1]).tolist()) as number[];
    flat.forEach((v, i) =>
      expect(Math.abs(v - want.data[i]), `element ${i}: got ${v}, want ${want.data[i]}`).toBeLessThan(1e-4 * (1 + Math.abs(want.data[i]))),
    );
  });
});

/**
 * torch.synchronize() inside a compiled function that runs in segments waits without ending the
 * recording: the ops after it are still recorded into the segment they belong to.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { torch, type Tensor } from '../index';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

/** An async function (so it runs in segments) with one graph break, then `pause` before the last ops. */
const withPause = (pause: () => Promise<unknown>) => async (x: Tensor) => {
  const y = x.mul(2);
  await y.data();
  const z = y.add(1);
  await pause();
  return z.mul(3).add(1);
};

describe('torch.synchronize in a segmented compiled function', () => {
  it('records the same graphs as an ordinary await', async () => {
    const x = torch.tensor([1, 2, 3]);
    const plain = await torch.explain(
      withPause(() => Promise.resolve()),
      x,
    );
    const synced = await torch.explain(
      withPause(() => torch.synchronize()),
      x,
    );
    expect(plain.graphCount).toBe(2);
    expect(plain.kernels).toEqual([['mul'], ['fused_add_mul']]);
    expect(synced.kernels).toEqual(plain.kernels);
    expect(synced.opCount).toBe(plain.opCount);
  });

  it('returns the same values', async () => {
    const f = torch.compile(withPause(() => torch.synchronize()));
    const x = torch.tensor([1, 2, 3]);
    for (let i = 0; i < 2; i++) expect(Array.from(await ((await f(x)) as Tensor).data())).toEqual([10, 16, 22]);
  });
});

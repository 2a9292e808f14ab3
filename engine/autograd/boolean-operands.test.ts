/**
 * A boolean operand of a binary op is the number the kernel computes with (true = 1, false = 0),
 * in the gradient as in the forward pass. The record keeps no device state, so the CPU suffices.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { torch, type Tensor } from '../index';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

async function gradOf(loss: (x: Tensor) => Tensor): Promise<number[]> {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  loss(x).sum().backward();
  return Array.from(await x.grad!.data());
}

describe('boolean operands in backward', () => {
  it('pow(true) is pow(1): gradient 1', async () => {
    expect(await gradOf((x) => x.pow(true))).toEqual([1, 1, 1]);
  });

  it('pow(false) is pow(0): gradient 0', async () => {
    expect(await gradOf((x) => x.pow(false))).toEqual([0, 0, 0]);
  });

  it('mul(true) and mul(false) scale the gradient by 1 and 0', async () => {
    expect(await gradOf((x) => x.mul(true))).toEqual([1, 1, 1]);
    expect(await gradOf((x) => x.mul(false))).toEqual([0, 0, 0]);
  });

  it('maximum(true) is maximum(1): the tie at 1 shares the gradient', async () => {
    expect(await gradOf((x) => x.maximum(true))).toEqual([0.5, 1, 1]);
  });
});

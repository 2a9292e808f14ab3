/**
 * The pooling kernels (Backend.pool2d, pool2dGrad) on every device: one dispatch each way, NaN
 * handling, gradients of gradients, and the composite path torch.compile traces.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { getBackend } from '../core/runtime';
import { F, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + seed) * 2);
const input = (d: Device, shape: number[], seed: number, requiresGrad = false) =>
  torch
    .tensor(
      values(
        shape.reduce((a, b) => a * b, 1),
        seed,
      ),
      { device: d },
    )
    .reshape(shape)
    .requiresGrad_(requiresGrad);

async function expectNear(got: Tensor, want: Tensor, tol = 1e-5): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  const [a, b] = [await got.data(), await want.data()];
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `[${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

describe.each(devices)('pooling kernels on %s', (d: Device) => {
  it.each([
    { name: 'maxPool2d', pool: (x: Tensor) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }) },
    { name: 'avgPool2d', pool: (x: Tensor) => F.avgPool2d(x, 2, { countIncludePad: false, padding: 1 }) },
    { name: 'maxPool1d', pool: (x: Tensor) => F.maxPool1d(x.reshape([2, 3, 20]), 3, { stride: 2 }) },
  ])('$name: one kernel forward, one backward', async ({ pool }) => {
    const x = input(d, [2, 3, 4, 5], 1, true);
    await x.data();
    const backend = getBackend(d);
    const before = backend.kernelCount;
    const y = pool(x);
    expect(backend.kernelCount - before, 'forward kernels').toBe(1);
    const g = torch.ones(y.shape, { device: d });
    await g.data();
    const mid = backend.kernelCount;
    y.backward(g);
    expect(backend.kernelCount - mid, 'backward kernels').toBe(1);
    expect(x.grad!.shape).toEqual(x.shape);
  });

  it('max pooling propagates NaN and routes its gradient to the NaN', async () => {
    const x = torch.tensor([1, NaN, 3, 0, 5, 6], { device: d }).reshape([1, 1, 1, 6]).requiresGrad_();
    const y = F.maxPool2d(x, [1, 3]);
    const got = Array.from(await y.data());
    expect(Number.isNaN(got[0])).toBe(true);
    expect(got[1]).toBe(6);
    y.sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([0, 1, 0, 0, 0, 1]);
  });

  it.each([
    { name: 'max', pool: (x: Tensor) => F.maxPool2d(x, 2, { stride: 1 }) },
    { name: 'avg with ceil mode', pool: (x: Tensor) => F.avgPool2d(x, 2, { ceilMode: true, padding: 1 }) },
  ])('$name: the gradient of the gradient with respect to the output gradient is the pool applied to v', async ({ name, pool }) => {
    // y = pool(x); gx = A^T g is linear in g: d/dg sum(v * gx) = A v, which for max is v at each window's argmax.
    const x = input(d, [1, 2, 4, 5], 2, true);
    const y = pool(x);
    const g = input(d, [...y.shape], 3, true);
    const [gx] = torch.autograd.grad(y, [x], { gradOutputs: [g], createGraph: true });
    const v = input(d, [...x.shape], 4);
    const [gg] = torch.autograd.grad(gx!.mul(v).sum(), [g]);
    if (name === 'max') {
      // A v on the host: v at the argmax of x in each 2x2 window (stride 1) of each 4x5 plane.
      const [xs, vs] = [await x.data(), await v.data()];
      const want: number[] = [];
      for (let p = 0; p < 2; p++)
        for (let r = 0; r < 3; r++)
          for (let c = 0; c < 4; c++) {
            const taps = [0, 1, 5, 6].map((o) => p * 20 + r * 5 + c + o);
            const best = taps.reduce((m, t) => (xs[t] > xs[m] ? t : m));
            want.push(vs[best]);
          }
      await expectNear(gg!, torch.tensor(want, { device: d }).reshape(y.shape));
    } else await expectNear(gg!, pool(v));
  });

  it('conv2d and conv1d input gradients take one col2im kernel, no scatter-add; compiled they match eager', async () => {
    for (const conv of [
      (x: Tensor, w: Tensor) => F.conv2d(x, w, null, { stride: 2, padding: 1, dilation: [1, 2] }),
      (x: Tensor, w: Tensor) => F.conv1d(x.reshape([1, 4, 20]), w.reshape([4, 2, 8]).narrow(2, 0, 3), null, { groups: 2, padding: 'same' }),
    ]) {
      const x = input(d, [1, 4, 4, 5], 6, true);
      const w = input(d, [4, 4, 2, 2], 7, true);
      const loss = conv(x, w).square().sum();
      const backward = await torch.profile(() => loss.backward());
      const names = backward.kernels.map((k) => k.name);
      expect(names, names.join(', ')).toContain('col2im');
      expect(
        names.some((n) => n.startsWith('scatter')),
        names.join(', '),
      ).toBe(false);
      const compiled = torch.compile((a: Tensor, b: Tensor) => conv(a, b).square().sum());
      const [gx] = torch.autograd.grad(compiled(x, w), [x]);
      await expectNear(gx!, x.grad!, 1e-4);
    }
  });

  it('convTranspose2d: forward by one matmul and one col2im kernel, gradients without scatter-add; compiled it matches eager', async () => {
    const x = input(d, [1, 4, 3, 3], 8, true);
    const w = input(d, [4, 1, 3, 2], 9, true);
    const f = (a: Tensor, b: Tensor) => F.convTranspose2d(a, b, null, { stride: 2, padding: 1, outputPadding: 1, groups: 2 });
    const forward = await torch.profile(() => f(x, w));
    expect(forward.kernels.filter((k) => k.name === 'col2im').length).toBe(1);
    const loss = f(x, w).square().sum();
    const backward = await torch.profile(() => loss.backward());
    const names = backward.kernels.map((k) => k.name);
    expect(
      names.some((n) => n.startsWith('scatter')),
      names.join(', '),
    ).toBe(false);
    const [gx, gw] = torch.autograd.grad(torch.compile((a: Tensor, b: Tensor) => f(a, b).square().sum())(x, w), [x, w]);
    await expectNear(gx!, x.grad!, 1e-4);
    await expectNear(gw!, w.grad!, 1e-4);
  });

  it('float16 convolutions take the gather and scatter-add path, close to float32', async () => {
    const x32 = input(d, [1, 2, 3, 3], 10);
    const w32 = input(d, [2, 2, 2, 2], 11);
    const [x16, w16] = [x32, w32].map((t) => t.to('float16').requiresGrad_());
    const y16 = F.convTranspose2d(F.conv2d(x16, w16, null, { padding: 1 }), w16, null, { stride: 2 });
    y16.sum().backward();
    const y32 = F.convTranspose2d(F.conv2d(x32, w32, null, { padding: 1 }), w32, null, { stride: 2 });
    await expectNear(y16.to('float32'), y32, 1e-2);
    expect(x16.grad!.dtype).toBe('float16');
  });

  it('torch.compile traces pools as windows and a reduction, equal to eager', async () => {
    const f = (x: Tensor) => F.maxPool2d(x, 2).add(F.avgPool2d(x, 2, { stride: 1, countIncludePad: false, padding: 1 }).narrow(2, 0, 2).narrow(3, 0, 2));
    const x = input(d, [1, 2, 4, 4], 5);
    await expectNear(torch.compile(f)(x), f(x));
  });
});

/**
 * Hessian-vector products through the structural and composite ops (reductions, views, slicing,
 * cat, cumsum, gather, matmul, softmax, norms, losses, conv2d): the createGraph product H·v must
 * match the central difference of first-order gradients, (∇f(x + hv) − ∇f(x − hv)) / 2h, whose
 * rules the op-table test checks. Smooth functions only, at points away from any kink.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { mismatches, type Tolerance } from '../testing/op-grid';

const devices = await testDevices();
const TOL: Tolerance = { rel: 2e-2, abs: 2e-3 };
const H = 1e-2;

/** 12 distinct values in (-1.3, 1.3) (no ties for max), and a direction. */
const X0 = Array.from({ length: 12 }, (_, i) => Math.sin(1.7 * i + 0.3) * 1.3);
const V = Array.from({ length: 12 }, (_, i) => Math.cos(0.9 * i + 0.5));

interface Case {
  name: string;
  f: (x: Tensor) => Tensor;
}

const idx = (d: Device, v: number[][]) => torch.tensor(v, { device: d, dtype: 'int32' });

const cases = (d: Device): Case[] => [
  { name: 'sum over a dim, squared', f: (x) => x.sum(1).square().sum() },
  { name: 'prod over a dim', f: (x) => x.add(2).prod(1).sum() },
  { name: 'max over a dim', f: (x) => x.max(1).values.exp().sum() },
  { name: 'max of all, min of all', f: (x) => x.max().mul(x.min()).add(x.square().sum()) },
  { name: 'mean, var, std', f: (x) => x.mean(0).square().sum().add(x.var(1).sum()).add(x.std(0).sum()) },
  { name: 'logsumexp', f: (x) => x.logsumexp(1).square().sum() },
  { name: 'transpose, matmul', f: (x) => x.t().matmul(x).sin().sum() },
  { name: 'reshape, permute, expand', f: (x) => x.reshape(2, 3, 2).permute(2, 0, 1).unsqueeze(0).expand(2, 2, 2, 3).tanh().square().sum() },
  {
    name: 'narrow (strided slice), select, index',
    f: (x) => x.narrow(1, 1, 2).square().sum().mul(x.select(0, 2).exp().sum()).add(x.index('::2, 1:').pow(3).sum()),
  },
  {
    name: 'cat, split, flip, repeat',
    f: (x) =>
      torch
        .cat([x.flip(0), x.square()], 1)
        .split(5, 1)[1]
        .repeat(2, 1)
        .sin()
        .sum(),
  },
  { name: 'cumsum', f: (x) => x.cumsum(1).square().sum() },
  {
    name: 'gather, indexSelect',
    f: (x) =>
      x
        .gather(
          1,
          idx(d, [
            [0, 3],
            [1, 1],
            [2, 0],
          ]),
        )
        .pow(3)
        .sum()
        .add(
          x
            .indexSelect(0, torch.tensor([2, 0], { device: d, dtype: 'int32' }))
            .exp()
            .sum(),
        ),
  },
  {
    name: 'where, maskedFill, clamp (away from bounds)',
    f: (x) =>
      torch
        .where(x.gt(0), x.square(), x.exp())
        .sum()
        .add(x.maskedFill(x.lt(-0.8), 0).pow(3).sum())
        .add(x.clamp(-5, 5).sin().sum()),
  },
  { name: 'softmax, logSoftmax (fused rows)', f: (x) => x.softmax(-1).square().sum().add(x.logSoftmax(0).mul(x).sum()) },
  { name: 'layerNorm', f: (x) => F.layerNorm(x, [4]).pow(3).sum() },
  {
    name: 'crossEntropy, mseLoss',
    f: (x) => F.crossEntropy(x, torch.tensor([1, 0, 3], { device: d, dtype: 'int32' })).add(F.mseLoss(x.tanh(), torch.full([3, 4], 0.25, { device: d }))),
  },
  { name: 'gelu, silu, softplus', f: (x) => F.gelu(x).add(F.silu(x)).add(F.softplus(x)).square().sum() },
  {
    name: 'conv2d',
    f: (x) =>
      F.conv2d(x.reshape(1, 1, 3, 4), x.narrow(0, 0, 2).narrow(1, 0, 2).reshape(1, 1, 2, 2))
        .square()
        .sum(),
  },
];

describe.each(devices)('Hessian-vector products on %s', (d) => {
  const at = (values: number[]) => torch.tensor(values, { device: d }).reshape(3, 4).requiresGrad_();
  it.each(cases(d))('$name', async ({ f }) => {
    const x = at(X0);
    const v = torch.tensor(V, { device: d }).reshape(3, 4);
    const [g] = torch.autograd.grad(f(x), [x], { createGraph: true });
    expect(g!.requiresGrad, 'the gradient was recorded').toBe(true);
    const [hv] = torch.autograd.grad(g!.mul(v).sum(), [x]);
    const gradAt = async (s: number) => {
      const p = at(X0.map((x0, i) => x0 + s * H * V[i]));
      return Array.from(await torch.autograd.grad(f(p), [p])[0]!.data());
    };
    const [plus, minus] = [await gradAt(1), await gradAt(-1)];
    const want = plus.map((p, i) => (p - minus[i]) / (2 * H));
    const failures = mismatches(await hv!.data(), want, TOL, (i) => `(Hv)[${i}]`);
    expect(failures.length, failures.join('\n')).toBe(0);
  });
});

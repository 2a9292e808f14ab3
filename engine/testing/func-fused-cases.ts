/** The cases of engine/func/rules.test.ts for the tape-only ops and the fused kernels (pools and convolutions batched, the others refused by name; tangents by double vjp). */
import { expect } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, torch, type Tensor } from '../index';
import { expectJvpMatchesFd, expectVmapMatchesLoop, rnd } from './func-check';
import { AutogradFunction, type FunctionCtx } from '../autograd/function';
import { rnnStep } from '../ops/rnn-cell';
import { rnnSequence } from '../ops/rnn-sequence';
import { sdpaFused } from '../ops/attention-op';
import { ran, type Case, type FusedOrTapeOnly } from './func-rules-cases';

const B = 3;
const r = rnd;

class Cube extends AutogradFunction {
  static forward(ctx: FunctionCtx, x: Tensor): Tensor {
    ctx.saveForBackward(x);
    return x.mul(x).mul(x);
  }
  static backward(ctx: FunctionCtx, g: Tensor): Tensor {
    const [x] = ctx.savedTensors;
    return g.mul(x.square()).mul(3);
  }
}

const lstm = new nn.LSTM(2, 3);
const compiledSin = torch.compile((x: Tensor) => x.sin().mul(2));

/** vmap with randomness 'different' draws per sample, 'same' one draw for all, 'error' refuses. */
async function randomCase(d: Device): Promise<void> {
  const x = torch.zeros([4, 3], { device: d });
  const f = (a: Tensor) => a.add(torch.randn([3], { device: d }));
  const diff = (await torch.func.vmap(f, { randomness: 'different' })(x).data()) as Float32Array;
  const rows = [0, 1, 2, 3].map((i) => Array.from(diff.slice(i * 3, i * 3 + 3)));
  for (let i = 1; i < 4; i++) expect(rows[i], `randomness 'different': sample ${i} differs from sample 0`).not.toEqual(rows[0]);
  const same = (await torch.func.vmap(f, { randomness: 'same' })(x).data()) as Float32Array;
  for (let i = 1; i < 4; i++) expect(Array.from(same.slice(i * 3, i * 3 + 3)), `randomness 'same': sample ${i}`).toEqual(Array.from(same.slice(0, 3)));
  expect(() => torch.func.vmap(f)(x)).toThrow(/randomness 'error'/);
  // Dropout draws its mask per sample too.
  const drop = (await torch.func
    .vmap((a: Tensor) => F.dropout(a, 0.5, true), { randomness: 'different' })(torch.ones([8, 16], { device: d }))
    .data()) as Float32Array;
  const masks = Array.from({ length: 8 }, (_, i) => Array.from(drop.slice(i * 16, i * 16 + 16)).join());
  expect(new Set(masks).size, 'dropout masks per sample').toBeGreaterThan(1);
  // randint and bernoulli draw per sample; an op without a per-sample draw says so by name.
  const ri = (await torch.func
    .vmap((a: Tensor) => a.add(torch.randint(0, 1000, [6], { device: d })), { randomness: 'different' })(torch.zeros([3, 6], { device: d }))
    .data()) as Float32Array;
  expect(Array.from(ri.slice(0, 6)), 'randint per sample').not.toEqual(Array.from(ri.slice(6, 12)));
  const half = torch.full([3, 16], 0.5, { device: d });
  const be = (await torch.func
    .vmap((p: Tensor) => torch.bernoulli(p), { randomness: 'different' })(half)
    .data()) as Float32Array;
  expect(Array.from(be.slice(0, 16)), 'bernoulli per sample').not.toEqual(Array.from(be.slice(16, 32)));
  expect(() => torch.func.vmap((a: Tensor) => a.add(torch.randperm(3, { device: d })), { randomness: 'different' })(x)).toThrow(
    /randperm: vmap: randomness 'different' is supported for rand, randn, randint, bernoulli and dropout, not randperm yet/,
  );
}

/** Two tensors of one shape, equal within float32 rounding. */
async function expectClose(a: Tensor, b: Tensor, what: string): Promise<void> {
  expect(a.shape, what).toEqual(b.shape);
  const d = (await a.sub(b).abs().max().item()) as number;
  expect(d, what).toBeLessThan(1e-5);
}

/** The tape-only ops and the fused kernels. */
export const FUSED_CASES: { [P in FusedOrTapeOnly]: Case[] } = {
  // ---- tape-only ops ----
  detach: [
    { name: 'detach inside vmap', fn: (a) => a.detach().mul(a), args: (d) => [r(d, [B, 3])], jvp: false },
    {
      name: 'jvp through detach: no tangent flows through the detached side',
      custom: async (d) => {
        const x = r(d, [4]);
        const t = r(d, [4], 5);
        const [, tan] = torch.func.jvp((a: Tensor) => a.detach().mul(a), [x], [t]) as Tensor[];
        expect(Array.from(await tan.data())).toEqual(Array.from(await x.mul(t).data()));
        expect(ran.has('t:detach')).toBe(true);
      },
    },
  ],
  lift: [{ name: 'vmap(grad) lifts its input', fn: (a) => torch.func.grad((x: Tensor) => x.sin().mul(x).sum())(a), args: (d) => [r(d, [B, 3])] }],
  sortIndices: [
    {
      name: 'sort: values and indices',
      fn: (a) => {
        const s = a.sort(-1);
        return [s.values, s.indices];
      },
      args: (d) => [r(d, [B, 2, 4])],
    },
    {
      name: 'sort descending over dim 0',
      fn: (a) => {
        const s = a.sort({ dim: 0, descending: true });
        return [s.values.mul(2), s.indices];
      },
      args: (d) => [r(d, [B, 4, 2])],
    },
  ],
  scanIndices: [
    {
      name: 'cummax: values and indices',
      fn: (a) => {
        const c = a.cummax(-1);
        return [c.values, c.indices];
      },
      args: (d) => [r(d, [B, 2, 4])],
    },
    {
      name: 'cummin',
      fn: (a) => {
        const c = a.cummin(0);
        return [c.values, c.indices];
      },
      args: (d) => [r(d, [B, 5])],
    },
  ],
  random: [{ name: "randomness 'different', 'same' and 'error'", custom: randomCase }],
  // ---- fused kernels: pools and convolutions batched, the rest refused by name; tangents by double vjp ----
  autogradFunction: [
    {
      name: 'a torch.autograd.Function',
      fn: (a) => Cube.apply(a),
      args: (d) => [r(d, [B, 3])],
      vmapError: /no batching rule for a torch\.autograd\.Function \(op 'autogradFunction'\)/,
    },
  ],
  compiled: [
    {
      name: 'a torch.compile function inside vmap and jvp runs its plain ops',
      custom: async (d) => {
        const x = r(d, [B, 3]);
        // Warm up: once its kernels are ready, a call runs the compiled graph.
        for (let i = 0; i < 3; i++) await compiledSin(x.select(0, 0)).data();
        await torch.synchronize();
        await expectVmapMatchesLoop(compiledSin, [x]);
        await expectJvpMatchesFd(compiledSin, [x.select(0, 1)]);
        await expectVmapMatchesLoop((a: Tensor) => torch.func.grad((y: Tensor) => compiledSin(y).sum())(a), [x]);
      },
    },
  ],
  rnnStep: [
    {
      name: 'the fused LSTM step',
      fn: (gx, h, c, w, b) => rnnStep('lstm', gx, h, c, w, b) as Tensor[],
      args: (d) => [r(d, [B, 1, 8]), r(d, [B, 1, 2], 2), r(d, [B, 1, 2], 3), r(d, [8, 2], 4), r(d, [8], 5)],
      inDims: [0, 0, 0, null, null],
      vmapError: /no batching rule for the fused recurrent step \(RNN, LSTM, GRU\) \(op 'rnnStep'\)/,
    },
  ],
  rnnSequence: [
    {
      name: 'the fused GRU sequence',
      fn: (gx, h, w, b) => rnnSequence('gru', gx, h, null, w, b),
      args: (d) => [r(d, [B, 3, 1, 6]), r(d, [B, 1, 2], 2), r(d, [6, 2], 4), r(d, [6], 5)],
      inDims: [0, 0, null, null],
      vmapError: /no batching rule for the fused recurrent sequence \(RNN, LSTM, GRU\) \(op 'rnnSequence'\)/,
    },
    {
      name: 'nn.LSTM (its tangent re-runs the sequence step by step)',
      fn: (x) => lstm.forward(x)[0],
      args: (d) => {
        lstm.to(d);
        return [r(d, [B, 3, 1, 2])];
      },
      vmapError: /\(op 'rnnSequence'\)/,
    },
  ],
  attention: [
    {
      name: 'the fused attention',
      fn: (q, k, v) => sdpaFused(q, k, v, { scale: 0.5 }),
      args: (d) => [r(d, [B, 1, 1, 3, 4]), r(d, [B, 1, 1, 3, 4], 2), r(d, [B, 1, 1, 3, 4], 3)],
      vmapError: /no batching rule for fused scaledDotProductAttention \(op 'attention'\)/,
    },
  ],
  pool2d: [
    {
      name: 'F.maxPool2d',
      fn: (a) => F.maxPool2d(a, 2),
      args: (d) => [r(d, [B, 1, 1, 4, 4])],
    },
    { name: 'F.avgPool2d', fn: (a) => F.avgPool2d(a, 2, { stride: 1 }), args: (d) => [r(d, [B, 1, 2, 3, 3])] },
  ],
  pool2dGrad: [
    {
      name: "jacrev of maxPool2d (vmap over the pooling kernel's gradient); jvp of its grad",
      fn: (a) => torch.func.grad((x: Tensor) => F.maxPool2d(x, 2).square().sum())(a),
      args: (d) => [r(d, [B, 1, 1, 4, 4])],
      custom: async (d) => {
        const x = r(d, [1, 1, 4, 4]);
        const pool = (a: Tensor) => F.maxPool2d(a, 2);
        await expectClose(torch.func.jacrev(pool)(x), torch.func.jacfwd(pool)(x), 'jacrev of maxPool2d (batched pool2dGrad) = jacfwd');
      },
    },
  ],
  im2col: [
    {
      name: 'F.conv2d',
      fn: (a, w) => F.conv2d(a, w, null, { padding: 1 }),
      args: (d) => [r(d, [B, 1, 2, 3, 3]), r(d, [2, 2, 2, 2], 2)],
      inDims: [0, null],
    },
  ],
  col2im: [
    {
      name: "jacrev of conv2d (vmap over a convolution's gradient scatter); jvp of its grad",
      fn: (a, w) => torch.func.grad((x: Tensor) => F.conv2d(x, w).square().sum())(a),
      args: (d) => [r(d, [B, 1, 1, 3, 3]), r(d, [1, 1, 2, 2], 2)],
      inDims: [0, null],
      custom: async (d) => {
        const w = r(d, [1, 1, 2, 2], 2);
        const conv = (a: Tensor) => F.conv2d(a, w);
        const x = r(d, [1, 1, 3, 3]);
        await expectClose(torch.func.jacrev(conv)(x), torch.func.jacfwd(conv)(x), 'jacrev of conv2d (batched col2im) = jacfwd');
      },
    },
  ],
};

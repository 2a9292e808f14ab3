/**
 * torch.func's rule tables, op by op, on every device: each tape op (besides the unary, binary
 * and reduce ops, which ops/op-table.test.ts checks from their domains) has cases here; each case
 * checks vmap against a loop over the samples stacked and jvp against finite differences, and
 * that the op's batching and tangent rules really ran. Fused kernels without a batching rule must
 * be refused by name. A new tape op without a case fails the coverage test.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectJvpMatchesFd, expectVmapMatchesLoop, firstSamples, ints, rnd, type Tol } from '../testing/func-check';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS, type BinaryOp, type ReduceOp, type UnaryOp } from '../ops/op-types';
import { AutogradFunction, type FunctionCtx } from '../autograd/function';
import { rnnStep } from '../ops/rnn-cell';
import { rnnSequence } from '../ops/rnn-sequence';
import { sdpaFused } from '../ops/attention-op';
import { pad as padBoth } from '../ops/windows';
import { BATCH_RULES } from './batching';
import { TANGENT_RULES } from './tangents';
import type { TapeOp } from './tape';

const devices = await testDevices();

/** Which rules ran since the last reset: 'b:<op>' (batching) and 't:<op>' (tangent). */
const ran = new Set<string>();
const rules = [
  ['b', BATCH_RULES],
  ['t', TANGENT_RULES],
] as const;
for (const [tag, table] of rules) {
  const t = table as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const op of Object.keys(t)) {
    const rule = t[op];
    t[op] = (...a: unknown[]) => {
      ran.add(`${tag}:${op}`);
      return rule(...a);
    };
  }
}

type Fn = (...a: Tensor[]) => unknown;
interface Case {
  name: string;
  /** The per-sample function and batched arguments. */
  fn?: Fn;
  args?: (d: Device) => Tensor[];
  inDims?: readonly (number | null)[];
  /** false: the op has no derivative to check (or jvp is checked by `custom`). */
  jvp?: false;
  /** The op has no batching rule: vmap must fail with this message. */
  vmapError?: RegExp;
  /** A check of its own instead of the above. */
  custom?: (d: Device) => Promise<void>;
  /** Only on this device (e.g. a transfer from webgpu to cpu). */
  only?: Device;
  tol?: Tol;
  /** The op jvp records where it differs from vmap's (a 0-d index is a select outside vmap, a gather inside). */
  jvpOp?: TapeOp;
}

type Covered = Exclude<TapeOp, UnaryOp | BinaryOp | ReduceOp>;
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

const CASES: { [P in Covered]: Case[] } = {
  where: [
    { name: 'where(cond, a, b) with a batched condition', fn: (a, b) => torch.where(a.gt(0), a, b), args: (d) => [r(d, [B, 4]), r(d, [B, 4], 2)] },
    {
      name: 'where with an unbatched operand of lower rank',
      fn: (a, b) => torch.where(a.gt(0), a.sin(), b),
      args: (d) => [r(d, [B, 2, 4]), r(d, [4], 3)],
      inDims: [0, null],
    },
    { name: 'where with a number', fn: (a) => torch.where(a.lt(0.2), a.square(), 0.5), args: (d) => [r(d, [B, 5])] },
  ],
  cast: [
    { name: 'a bool mask cast to float', fn: (a) => a.mul(a.gt(0).to('float32')), args: (d) => [r(d, [B, 5])] },
    { name: 'float32 to float16 and back', fn: (a) => a.to('float16').to('float32'), args: (d) => [r(d, [B, 4])], jvp: false },
  ],
  copy: [
    { name: 'clone', fn: (a) => a.clone().mul(a), args: (d) => [r(d, [B, 4])] },
    { name: 'contiguous of a transpose', fn: (a) => a.t().contiguous().exp(), args: (d) => [r(d, [B, 2, 3])] },
  ],
  transfer: [{ name: 'to the cpu', fn: (a) => a.to('cpu').mul(2), args: (d) => [r(d, [B, 3])], only: 'webgpu' }],
  flip: [{ name: 'flip over a negative dim', fn: (a) => a.flip(-1).mul(a), args: (d) => [r(d, [B, 2, 3])] }],
  cat: [
    { name: 'cat of batched operands along dim 1', fn: (a, b) => torch.cat([a, b.sin()], 1), args: (d) => [r(d, [B, 2, 2]), r(d, [B, 2, 3], 2)] },
    { name: 'F.pad of the last dim (cat of constant sides)', fn: (a) => F.pad(a, [1, 2]).mul(2), args: (d) => [r(d, [B, 2, 3])] },
    { name: 'F.pad of two dims with a value', fn: (a) => F.pad(a, [0, 1, 1, 0], { value: 0.5 }), args: (d) => [r(d, [B, 2, 3])] },
    { name: 'cat with an unbatched operand', fn: (a, b) => torch.cat([a, b], 0), args: (d) => [r(d, [B, 2]), r(d, [3], 2)], inDims: [0, null] },
  ],
  view: [
    {
      name: 'reshape and view',
      fn: (a) =>
        a
          .reshape([6])
          .view([3, 2])
          .mul(a.reshape([3, 2])),
      args: (d) => [r(d, [B, 2, 3])],
    },
  ],
  permute: [{ name: 'permute', fn: (a) => a.permute([2, 0, 1]).tanh(), args: (d) => [r(d, [B, 2, 3, 2])] }],
  expand: [
    { name: 'expand a column', fn: (a) => a.unsqueeze(1).expand([3, 4]).mul(2), args: (d) => [r(d, [B, 3])] },
    { name: 'expand adding a dim', fn: (a) => a.expand([2, 3]).square(), args: (d) => [r(d, [B, 3])] },
  ],
  slice: [
    { name: 'narrow', fn: (a) => a.narrow(1, 1, 2).exp(), args: (d) => [r(d, [B, 2, 4])] },
    { name: 'a strided slice', fn: (a) => a.index('::2').square(), args: (d) => [r(d, [B, 5])] },
  ],
  select: [{ name: 'select a column', fn: (a) => a.select(1, 2).sin(), args: (d) => [r(d, [B, 2, 3])] }],
  argReduceValues: [
    {
      name: 'max(dim): values and indices',
      fn: (a) => {
        const m = a.max(1);
        return [m.values, m.indices];
      },
      args: (d) => [r(d, [B, 2, 4])],
    },
    {
      name: 'min(-1, keepdim)',
      fn: (a) => {
        const m = a.min(-1, true);
        return [m.values.mul(a), m.indices];
      },
      args: (d) => [r(d, [B, 3])],
    },
    { name: 'argmax alone', fn: (a) => [a.argmax(0), a.argmax(), a.mul(2)], args: (d) => [r(d, [B, 4, 2])] },
  ],
  cumsum: [{ name: 'cumsum', fn: (a) => a.cumsum(-1), args: (d) => [r(d, [B, 2, 4])] }],
  cumprod: [{ name: 'cumprod', fn: (a) => a.cumprod(0), args: (d) => [r(d, [B, 4, 2], 1, [0.5, 1.5])] }],
  matmul: [
    { name: 'vector · unbatched matrix', fn: (a, w) => a.matmul(w), args: (d) => [r(d, [B, 3]), r(d, [3, 2], 2)], inDims: [0, null] },
    { name: 'batched matrix · unbatched vector', fn: (m, v) => m.matmul(v), args: (d) => [r(d, [B, 2, 3]), r(d, [3], 2)], inDims: [0, null] },
    { name: 'unbatched matrix · batched vector', fn: (m, v) => m.matmul(v), args: (d) => [r(d, [2, 3]), r(d, [B, 3], 2)], inDims: [null, 0] },
    { name: 'unbatched vector · batched matrix', fn: (v, m) => v.matmul(m), args: (d) => [r(d, [3]), r(d, [B, 3, 2], 2)], inDims: [null, 0] },
    { name: 'both batched matrices', fn: (a, b) => a.matmul(b), args: (d) => [r(d, [B, 2, 3]), r(d, [B, 3, 2], 2)] },
    { name: 'batched vector · batched matrix', fn: (a, b) => a.matmul(b), args: (d) => [r(d, [B, 3]), r(d, [B, 3, 2], 2)] },
    { name: 'batched vector · batched vector', fn: (a, b) => a.matmul(b), args: (d) => [r(d, [B, 3]), r(d, [B, 3], 2)] },
    { name: 'rank 3 batched · unbatched matrix', fn: (a, w) => a.matmul(w), args: (d) => [r(d, [B, 2, 2, 3]), r(d, [3, 4], 2)], inDims: [0, null] },
    { name: 'unbatched matrix · rank 3 batched', fn: (a, b) => a.matmul(b), args: (d) => [r(d, [2, 3]), r(d, [B, 2, 3, 2], 2)], inDims: [null, 0] },
    { name: 'batched matrix (in dim 1) · rank 3 batched', fn: (a, b) => a.matmul(b), args: (d) => [r(d, [2, B, 3]), r(d, [B, 2, 3, 2], 2)], inDims: [1, 0] },
  ],
  gather: [
    {
      name: 'x.index([i]) with a batched 0-d int index',
      fn: (a, i) => a.index([i]).mul(2),
      args: (d) => [r(d, [B, 3]), ints(d, [2, 0, 1])],
      jvpOp: 'select',
    },
    { name: 'x.index([i]) with a batched int index', fn: (a, i) => a.index([i]), args: (d) => [r(d, [B, 3]), ints(d, [0, 2, 1, 1, 2, 2], [B, 2])] },
    { name: 'gather with an unbatched index', fn: (a, i) => a.gather(1, i), args: (d) => [r(d, [B, 2, 4]), ints(d, [3, 0, 1, 1], [2, 2])], inDims: [0, null] },
    { name: 'gather with a batched index', fn: (a, i) => a.gather(0, i), args: (d) => [r(d, [B, 4]), ints(d, [0, 3, 2, 2, 1, 0], [B, 2])] },
    {
      name: 'gather of an unbatched tensor with a batched index',
      fn: (a, i) => a.gather(0, i),
      args: (d) => [r(d, [4]), ints(d, [0, 3, 2, 2, 1, 0], [B, 2])],
      inDims: [null, 0],
    },
  ],
  scatterAdd: [
    {
      name: 'scatterAdd with repeated indices',
      fn: (a, s, i) => a.scatterAdd(0, i, s),
      args: (d) => [r(d, [B, 4]), r(d, [B, 3], 2), ints(d, [1, 1, 3])],
      inDims: [0, 0, null],
    },
    {
      name: 'scatterAdd of a batched source into an unbatched tensor',
      fn: (a, s, i) => a.scatterAdd(0, i, s),
      args: (d) => [r(d, [4]), r(d, [B, 3], 2), ints(d, [0, 2, 0, 1, 1, 3, 3, 3, 2], [B, 3])],
      inDims: [null, 0, 0],
    },
  ],
  scatter: [
    {
      name: 'scatter a tensor source',
      fn: (a, s, i) => a.scatter(0, i, s),
      args: (d) => [r(d, [B, 4]), r(d, [B, 2], 2), ints(d, [3, 0])],
      inDims: [0, 0, null],
    },
    {
      name: 'scatter a number with a batched index',
      fn: (a, i) => a.scatter(1, i, 0.5),
      args: (d) => [r(d, [B, 2, 3]), ints(d, [0, 2, 1, 0, 2, 2], [B, 2, 1])],
    },
  ],
  pad: [
    { name: 'the padding of F.unfold', fn: (a) => F.unfold(a, 2, { padding: 1 }), args: (d) => [r(d, [B, 1, 1, 2, 3])] },
    { name: 'a constant pad of the last dims', fn: (a) => padBoth(a, [1, 2], 0.5).mul(a.sum()), args: (d) => [r(d, [B, 2, 3])] },
  ],
  softmax: [{ name: 'softmax over the last dim', fn: (a) => a.softmax(-1), args: (d) => [r(d, [B, 2, 4])] }],
  logSoftmax: [{ name: 'logSoftmax over dim 0', fn: (a) => a.logSoftmax(0), args: (d) => [r(d, [B, 3, 2])] }],
  unfold: [{ name: 'unfold windows', fn: (a) => a.unfold(1, 2, 1).mul(a.unfold(1, 2, 1)), args: (d) => [r(d, [B, 2, 4])] }],
  asStrided: [
    {
      name: 'a view read after its root changed in place',
      fn: (a) => {
        const y = a.clone();
        const v = y.narrow(0, 1, 2);
        y.mul_(3);
        return v.mul(a.narrow(0, 0, 2));
      },
      args: (d) => [r(d, [B, 4])],
    },
  ],
  copySlices: [
    {
      name: 'in place through a select, then the root, read through an older view',
      fn: (a) => {
        const y = a.clone();
        y.select(1, 0).mul_(a.select(1, 1));
        const z = y.narrow(0, 1, 1);
        y.add_(1);
        return z.mul(y.sum());
      },
      args: (d) => [r(d, [B, 3, 2])],
    },
    {
      name: 'in-place ops on a tensor made inside, through a view',
      fn: (a) => {
        const y = a.clone();
        y.mul_(2);
        y.narrow(0, 0, 1).add_(1);
        y.narrow(0, 2, 2).mul_(a.narrow(0, 0, 2));
        return y;
      },
      args: (d) => [r(d, [B, 4])],
    },
  ],
  scatterWindow: [
    { name: 'vmap(grad) through a slice', fn: (a) => torch.func.grad((x: Tensor) => x.narrow(0, 1, 2).square().sum())(a), args: (d) => [r(d, [B, 4])] },
    { name: 'vmap(grad) through a select', fn: (a) => torch.func.grad((x: Tensor) => x.select(1, 0).sin().sum())(a), args: (d) => [r(d, [B, 2, 3])] },
  ],
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
  // ---- fused kernels: no batching rule, tangents by double vjp ----
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
      vmapError: /no batching rule for the pooling kernel \(op 'pool2d'\)/,
    },
    { name: 'F.avgPool2d', fn: (a) => F.avgPool2d(a, 2, { stride: 1 }), args: (d) => [r(d, [B, 1, 2, 3, 3])], vmapError: /\(op 'pool2d'\)/ },
  ],
  pool2dGrad: [
    {
      name: "jacrev of maxPool2d (vmap over the pooling kernel's gradient); jvp of its grad",
      fn: (a) => torch.func.grad((x: Tensor) => F.maxPool2d(x, 2).square().sum())(a),
      args: (d) => [r(d, [B, 1, 1, 4, 4])],
      vmapError: /\(op 'pool2d'\)/,
      custom: async (d) => {
        const x = r(d, [1, 1, 4, 4]);
        expect(() => torch.func.jacrev((a: Tensor) => F.maxPool2d(a, 2))(x)).toThrow(/no batching rule for the pooling kernel's gradient \(op 'pool2dGrad'\)/);
      },
    },
  ],
  im2col: [
    {
      name: 'F.conv2d',
      fn: (a, w) => F.conv2d(a, w, null, { padding: 1 }),
      args: (d) => [r(d, [B, 1, 2, 3, 3]), r(d, [2, 2, 2, 2], 2)],
      inDims: [0, null],
      vmapError: /no batching rule for a convolution's patch gather \(op 'im2col'\)/,
    },
  ],
  col2im: [
    {
      name: "jacrev of conv2d (vmap over a convolution's gradient scatter); jvp of its grad",
      fn: (a, w) => torch.func.grad((x: Tensor) => F.conv2d(x, w).square().sum())(a),
      args: (d) => [r(d, [B, 1, 1, 3, 3]), r(d, [1, 1, 2, 2], 2)],
      inDims: [0, null],
      vmapError: /\(op 'im2col'\)/,
      custom: async (d) => {
        const w = r(d, [1, 1, 2, 2], 2);
        expect(() => torch.func.jacrev((a: Tensor) => F.conv2d(a, w))(r(d, [1, 1, 3, 3]))).toThrow(
          /no batching rule for a convolution's gradient scatter \(op 'col2im'\)/,
        );
      },
    },
  ],
};

const NAMED_IN_OP_TABLE = new Set<string>([...UNARY_OPS, ...BINARY_OPS, ...REDUCE_OPS]);

describe('torch.func rule tables', () => {
  it('every tape op with a batching or tangent rule has a case here or in the op-table test', () => {
    const keys = new Set([...Object.keys(BATCH_RULES), ...Object.keys(TANGENT_RULES)]);
    const missing = [...keys].filter((op) => !NAMED_IN_OP_TABLE.has(op) && !(CASES as Record<string, Case[]>)[op]?.length);
    expect(missing).toEqual([]);
  });
});

describe.each(devices)('torch.func rules on %s', (d) => {
  const entries = Object.entries(CASES).flatMap(([op, cases]) => (cases as Case[]).filter((c) => !c.only || c.only === d).map((c) => [op, c] as const));
  it.each(entries.map(([op, c]) => [`${op}: ${c.name}`, op, c] as const))('%s', async (_name, op, c) => {
    if (c.custom) await c.custom(d);
    if (c.fn && c.args) await checkCase(d, op, c);
  });
});

/** vmap against the loop (or its refusal by name), then jvp against finite differences, each with its rule seen running. */
async function checkCase(d: Device, op: string, c: Case): Promise<void> {
  {
    const args = c.args!(d);
    ran.clear();
    if (c.vmapError) expect(() => torch.func.vmap(c.fn!, { inDims: c.inDims ? [...c.inDims] : 0 })(...args)).toThrow(c.vmapError);
    else {
      await expectVmapMatchesLoop(c.fn!, args, c.inDims, c.tol, `vmap ${op}`);
      expect(ran.has(`b:${op}`), `the batching rule of ${op} ran`).toBe(true);
    }
    if (c.jvp === false) return;
    ran.clear();
    await expectJvpMatchesFd(c.fn!, firstSamples(args, c.inDims), `jvp ${op}`);
    expect(ran.has(`t:${c.jvpOp ?? op}`), `the tangent rule of ${c.jvpOp ?? op} ran`).toBe(true);
  }
}

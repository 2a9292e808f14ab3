/**
 * The cases of engine/func/rules.test.ts: per tape op (besides the unary, binary and reduce ops of the
 * op-table test) a per-sample function and batched arguments, or a check of its own.
 */
import type { Device } from '../core/dtype';
import { F, torch, type Tensor } from '../index';
import { ints, rnd, type Tol } from './func-check';
import type { BinaryOp, ReduceOp, UnaryOp } from '../ops/op-types';
import { pad as padBoth } from '../ops/windows';
import type { TapeOp } from '../func/tape';

/** Which rules ran since the last reset: 'b:<op>' (batching) and 't:<op>' (tangent); the test wraps the tables to fill it. */
export const ran = new Set<string>();

type Fn = (...a: Tensor[]) => unknown;
export interface Case {
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

export type Covered = Exclude<TapeOp, UnaryOp | BinaryOp | ReduceOp>;
const B = 3;
const r = rnd;

export type FusedOrTapeOnly =
  | 'detach'
  | 'lift'
  | 'sortIndices'
  | 'scanIndices'
  | 'random'
  | 'autogradFunction'
  | 'compiled'
  | 'rnnStep'
  | 'rnnSequence'
  | 'attention'
  | 'pool2d'
  | 'pool2dGrad'
  | 'im2col'
  | 'col2im';

/** The ordinary ops and the in-place machinery. */
export const ORDINARY_CASES: { [P in Exclude<Covered, FusedOrTapeOnly>]: Case[] } = {
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
};

/**
 * Autograd through in-place ops, on every device: each program writes in place (directly, through
 * views, into tensors other ops already read) and its output and gradients must equal those of the
 * same program written out of place; compiled, the in-place program must agree with eager. Then the
 * errors PyTorch gives: an in-place op on a leaf that requires grad (or a view of one), a value
 * backward needs changed in place (naming both ops), and writes into expanded views.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, WickError, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();
const X = [
  [0.3, -0.7, 1.1],
  [0.9, 0.2, -0.4],
];
const W = [
  [0.5, -1.0, 0.25],
  [1.5, 0.75, -0.5],
];

interface GradCase {
  name: string;
  inPlace: (x: Tensor, w: Tensor) => Tensor;
  outOfPlace: (x: Tensor, w: Tensor) => Tensor;
}

const gradCases: GradCase[] = [
  { name: 'add_ then sin', inPlace: (x) => x.mul(2).add_(1).sin(), outOfPlace: (x) => x.mul(2).add(1).sin() },
  { name: 'mul_ by a tensor (grads to both)', inPlace: (x, w) => x.add(0).mul_(w), outOfPlace: (x, w) => x.mul(w) },
  { name: 'div_ then pow_', inPlace: (x, w) => x.add(1).div_(w.abs().add(1)).pow_(2), outOfPlace: (x, w) => x.add(1).div(w.abs().add(1)).pow(2) },
  {
    name: 'read before the write keeps the old value',
    inPlace: (x, w) => {
      const h = x.mul(w);
      const before = h.mul(3);
      h.add_(w);
      return before.add(h.mul(h));
    },
    outOfPlace: (x, w) => x.mul(w).mul(3).add(x.mul(w).add(w).square()),
  },
  { name: 'relu_ of a product', inPlace: (x, w) => x.mul(w).relu_(), outOfPlace: (x, w) => x.mul(w).relu() },
  { name: 'clamp_ then exp_', inPlace: (x) => x.mul(1).clamp_(-0.5, 0.5).exp_(), outOfPlace: (x) => x.clamp(-0.5, 0.5).exp() },
  { name: 'copy_ from w into a clone of x', inPlace: (x, w) => x.clone().copy_(w.mul(2)).mul(x), outOfPlace: (x, w) => w.mul(2).mul(x) },
  { name: 'zero_ keeps only later terms', inPlace: (x, w) => x.mul(3).zero_().add(w).mul(x), outOfPlace: (x, w) => w.mul(x) },
  {
    name: 'fill_ through a row view',
    inPlace: (x, w) => {
      const h = x.mul(w);
      h.index('0').fill_(2);
      return h.mul(x);
    },
    outOfPlace: (x, w) => torch.cat([torch.full([1, 3], 2, { device: x.device }), x.mul(w).index('1:')], 0).mul(x),
  },
  {
    name: 'mul_ through a column view by a tensor',
    inPlace: (x, w) => {
      const h = x.add(0);
      h.narrow(1, 1, 2).mul_(w.narrow(1, 0, 2));
      return h.square();
    },
    outOfPlace: (x, w) => torch.cat([x.narrow(1, 0, 1), x.narrow(1, 1, 2).mul(w.narrow(1, 0, 2))], 1).square(),
  },
  {
    name: 'a sibling view made before the write follows it',
    inPlace: (x) => {
      const h = x.add(0);
      const col = h.index(':, 1');
      h.index('1:').mul_(5);
      return col.mul(col);
    },
    outOfPlace: (x) => torch.cat([x.index('0:1, 1'), x.index('1:, 1').mul(5)], 0).square(),
  },
  {
    name: 'transpose view add_ by a tensor',
    inPlace: (x, w) => {
      const h = x.mul(1);
      h.t().add_(w.t().mul(x.t()));
      return h.tanh();
    },
    outOfPlace: (x, w) => x.add(w.mul(x)).tanh(),
  },
  {
    name: 'maskedFill_ and indexAdd_ on a non-leaf',
    inPlace: (x, w) => {
      const h = x.mul(w);
      h.maskedFill_(x.gt(0.5), 0).indexAdd_(1, torch.tensor([2, 0], { device: x.device, dtype: 'int32' }), w.narrow(1, 0, 2));
      return h;
    },
    outOfPlace: (x, w) =>
      x
        .mul(w)
        .maskedFill(x.gt(0.5), 0)
        .add(torch.cat([w.narrow(1, 1, 1), torch.zeros([2, 1], { device: x.device }), w.narrow(1, 0, 1)], 1)),
  },
  {
    name: 'indexPut_ accumulate with a repeated row',
    inPlace: (x, w) => {
      const h = x.mul(2);
      h.indexPut_([torch.tensor([1, 0, 1], { device: x.device, dtype: 'int32' })], w.index('0'), { accumulate: true });
      return h.tanh();
    },
    outOfPlace: (x, w) =>
      x
        .mul(2)
        .add(torch.stack([w.index('0'), w.index('0').mul(2)]))
        .tanh(),
  },
  {
    name: 'indexPut_ through a mask, then a read',
    inPlace: (x, w) => {
      const h = x.mul(w);
      h.indexPut_([x.gt(0.25)], 1.5);
      return h.mul(x);
    },
    outOfPlace: (x, w) => x.mul(w).maskedFill(x.gt(0.25), 1.5).mul(x),
  },
  {
    name: 'scatter_ of a tensor into a non-leaf',
    inPlace: (x, w) => {
      const h = x.mul(1);
      h.scatter_(1, torch.tensor([[2], [0]], { device: x.device, dtype: 'int32' }), w.narrow(1, 0, 1));
      return h.square();
    },
    outOfPlace: (x, w) => x.scatter(1, torch.tensor([[2], [0]], { device: x.device, dtype: 'int32' }), w.narrow(1, 0, 1)).square(),
  },
];

async function outputAndGrads(d: Device, f: (x: Tensor, w: Tensor) => Tensor): Promise<Nested[]> {
  const x = t(d, X, true);
  const w = t(d, W, true);
  const out = f(x, w);
  out.sum().backward();
  return [(await out.tolist()) as Nested, (await x.grad!.tolist()) as Nested, w.grad ? ((await w.grad.tolist()) as Nested) : 0];
}

describe.each(devices)('autograd through in-place ops on %s', (d) => {
  it.each(gradCases)('$name: output and gradients as out of place', async ({ inPlace, outOfPlace }) => {
    const want = await outputAndGrads(d, outOfPlace);
    const got = await outputAndGrads(d, inPlace);
    expectClose(got[0], want[0]);
    expectClose(got[1], want[1]);
    expectClose(got[2], want[2]);
  });

  it.each(gradCases)('$name: compiled agrees with eager (functionalised graph)', async ({ inPlace }) => {
    const want = await outputAndGrads(d, inPlace);
    const compiled = torch.compile((x: Tensor, w: Tensor) => inPlace(x, w));
    await outputAndGrads(d, compiled); // the first call traces and may run eagerly while pipelines compile
    await torch.synchronize();
    const got = await outputAndGrads(d, compiled);
    expectClose(got[0], want[0]);
    expectClose(got[1], want[1]);
    expectClose(got[2], want[2]);
  });

  it('the manual SGD step of the tutorials: in place under noGrad, no graph, loss falls', async () => {
    const w = t(d, [[0.1], [-0.2]], true);
    const x = t(d, [
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const y = t(d, [[1], [2], [3]]);
    const storage = w.storageRef.storage;
    const losses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const loss = x.matmul(w).sub(y).square().mean();
      losses.push((await loss.item()) as number);
      loss.backward();
      torch.noGrad(() => {
        w.sub_(w.grad!.mul(0.01));
        w.grad!.zero_();
      });
    }
    expect(w.isLeaf).toBe(true);
    expect(w.gradFn).toBeNull();
    expect(w.storageRef.storage).toBe(storage);
    expect(losses[4]).toBeLessThan(losses[0]);
    expectClose(await w.grad!.tolist(), [[0], [0]]);
  });

  it('compiled: an argument and a captured tensor changed in place are written back', async () => {
    const p = t(d, [1, 2, 3]);
    const step = torch.compile((x: Tensor) => {
      p.add_(x);
      x.mul_(2);
      return p.sum();
    });
    for (const round of [1, 2, 3]) {
      const x = t(d, [1, 1, 1]);
      const s = step(x);
      expect(await s.item()).toBeCloseTo(6 + 3 * round);
      expectClose(await x.tolist(), [2, 2, 2]);
    }
    expectClose(await p.tolist(), [4, 5, 6]);
  });
});

const refuses = (f: () => unknown, ...words: string[]) => {
  let caught: unknown = null;
  try {
    f();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(WickError);
  for (const w of words) expect((caught as Error).message).toContain(w);
};

describe.each(devices)('in-place errors on %s', (d) => {
  it('an in-place op on a leaf that requires grad', () => refuses(() => t(d, [1, 2], true).add_(1), 'add_', 'leaf', 'torch.noGrad'));
  it('an in-place op on a view of such a leaf', () =>
    refuses(
      () =>
        t(d, [[1, 2]], true)
          .index('0')
          .mul_(2),
      'mul_',
      'view of a leaf',
    ));
  it('a value backward needs, changed in place, names both ops', () => {
    const x = t(d, [1, 2, 3], true);
    const y = x.exp();
    y.add_(1);
    refuses(() => y.sum().backward(), 'backward', 'exp', 'add_', 'version 1');
  });
  it('changed through a view', () => {
    const x = t(
      d,
      [
        [1, 2],
        [3, 4],
      ],
      true,
    );
    const y = x.sigmoid();
    y.index('0').fill_(0);
    refuses(() => y.sum().backward(), 'sigmoid', 'fill_');
  });
  it('a weight changed under noGrad after the forward that saved it', () => {
    const w = t(d, [[1], [2]], true);
    const loss = t(d, [[1, 2]])
      .matmul(w)
      .sum();
    torch.noGrad(() => w.sub_(0.1));
    refuses(() => loss.backward(), 'matmul', 'sub_');
  });
  it('a value no rule reads may change', async () => {
    const x = t(d, [1, 2], true);
    const y = x.add(1);
    y.mul_(2);
    y.sum().backward();
    expectClose(await x.grad!.tolist(), [2, 2]);
  });
  it('an expanded view', () => refuses(() => t(d, [1, 2]).expand([3, 2]).add_(1), 'add_', 'expanded'));
  it('a float result into an int32 tensor', () => refuses(() => it32(d, [1, 2]).mul_(0.5), 'mul_', 'int32', 'float32'));
  it('an operand that would grow the tensor', () => refuses(() => t(d, [1, 2]).add_(t(d, [[1], [2]])), 'add_', '[2, 2]'));
  it('fill_ with a tensor that is not 0-d', () => refuses(() => t(d, [1, 2]).fill_(t(d, [1, 2])), 'fill_', '0-d'));
  it('scatter_ with indices computed on the device, out of range: an error by the next read', async () => {
    const x = t(d, [[0, 0, 0]]);
    const idx = torch.arange(0, 3, 1, { device: d, dtype: 'int32' }).add(5).reshape([1, 3]);
    let caught: unknown = null;
    try {
      x.scatter_(1, idx, t(d, [[1, 2, 3]]));
      await x.data();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WickError);
    expect((caught as Error).message).toMatch(/scatter_.*(5|6|7).*size 3|out of (range|bounds)/s);
  });
  it('maskedFill_ with a float mask', () => refuses(() => t(d, [1, 2]).maskedFill_(t(d, [1, 0]), 0), 'maskedFill_', 'bool'));
});

/** Gradients (against finite differences) and errors of sort, topk, cumprod, cummax, cummin and bincount, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, WickError, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { seeded } from '../testing/sort-reference';

const devices = await testDevices();

interface GradCase {
  name: string;
  shape: number[];
  data: number[];
  run: (x: Tensor) => Tensor;
}

const NO_TIES = seeded(12, 40);

const gradCases: GradCase[] = [
  { name: 'sort values along the last dim', shape: [3, 4], data: NO_TIES, run: (x) => x.sort().values },
  { name: 'sort values along dim 0, descending', shape: [3, 4], data: NO_TIES, run: (x) => torch.sort(x, { dim: 0, descending: true }).values },
  { name: 'topk largest', shape: [3, 4], data: NO_TIES, run: (x) => x.topk(2).values },
  { name: 'topk smallest along dim 0', shape: [3, 4], data: NO_TIES, run: (x) => x.topk(2, { dim: 0, largest: false }).values },
  { name: 'cummax', shape: [3, 4], data: NO_TIES, run: (x) => x.cummax(1).values },
  { name: 'cummin along dim 0', shape: [3, 4], data: NO_TIES, run: (x) => x.cummin(0).values },
  { name: 'cumprod', shape: [3, 4], data: seeded(12, 41).map((v) => v / 5), run: (x) => x.cumprod(1) },
  { name: 'cumprod with a zero', shape: [2, 5], data: [2, 0, 3, -1, 0.5, 1.5, -2, 0, 4, 2], run: (x) => x.cumprod(1) },
  { name: 'cumprod with two zeros in a row', shape: [6], data: [1.5, 0, 2, 0, 3, -1], run: (x) => x.cumprod(0) },
  { name: 'cumprod starting with a zero, along dim 0', shape: [3, 2], data: [0, 2, 3, 0, -1, 5], run: (x) => x.cumprod(0) },
];

/** A fixed weighting of the output, so each output element's gradient differs. */
const weightsFor = (n: number) => seeded(n, 99).map((v) => v / 10);

/** sum(run(x) * w) for the given values of x. */
async function loss(c: GradCase, d: Device, data: number[], w: Tensor): Promise<number> {
  const x = torch.tensor(data, { device: d }).reshape(c.shape);
  return (await c.run(x).mul(w).sum().item()) as number;
}

describe.each(devices)('sort and scan gradients on %s', (device) => {
  it.each(gradCases)('gradient: $name matches finite differences', async (c) => {
    const x = torch.tensor(c.data, { device, requiresGrad: true });
    const out = c.run(x.reshape(c.shape));
    const w = torch.tensor(weightsFor(out.numel()), { device }).reshape([...out.shape]);
    out.mul(w).sum().backward();
    const grad = Array.from(await x.grad!.data());
    const eps = 1e-2;
    for (let i = 0; i < c.data.length; i++) {
      const up = c.data.map((v, j) => (j === i ? v + eps : v));
      const down = c.data.map((v, j) => (j === i ? v - eps : v));
      const numeric = ((await loss(c, device, up, w)) - (await loss(c, device, down, w))) / (2 * eps);
      expect(Math.abs(grad[i] - numeric), `element ${i}: got ${grad[i]}, finite differences ${numeric}`).toBeLessThanOrEqual(2e-3 + 2e-3 * Math.abs(numeric));
    }
  });

  it('cumprod twice differentiated (createGraph) matches finite differences of its gradient', async () => {
    const data = [1.5, 0, 2, -0.5];
    const gradOf = async (values: number[]) => {
      const x = torch.tensor(values, { device, requiresGrad: true });
      const [g] = torch.autograd.grad([x.cumprod(0).sum()], [x], { createGraph: true });
      return { x, g: g! };
    };
    const { x, g } = await gradOf(data);
    const [gg] = torch.autograd.grad([g.mul(torch.tensor([1, 2, 3, 4], { device })).sum()], [x]);
    const got = Array.from(await gg!.data());
    const eps = 1e-2;
    for (let i = 0; i < data.length; i++) {
      const at = async (delta: number) => {
        const { g: gi } = await gradOf(data.map((v, j) => (j === i ? v + delta : v)));
        return (await gi
          .mul(torch.tensor([1, 2, 3, 4], { device }))
          .sum()
          .item()) as number;
      };
      const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      expect(Math.abs(got[i] - numeric), `element ${i}`).toBeLessThanOrEqual(2e-3 + 2e-3 * Math.abs(numeric));
    }
  });

  it('gradient of cummax goes to the last index among ties', async () => {
    const x = torch.tensor([1, 3, 2, 3, 0], { device, requiresGrad: true });
    x.cummax(0).values.sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual([1, 2, 0, 2, 0]);
  });

  it('gradient of bincount weights', async () => {
    const w = torch.tensor([0.5, 1, 2], { device, requiresGrad: true });
    torch
      .tensor([2, 0, 2], { device, dtype: 'int32' })
      .bincount({ weights: w })
      .mul(torch.tensor([10, 20, 30], { device }))
      .sum()
      .backward();
    expect(Array.from(await w.grad!.data())).toEqual([30, 10, 30]);
  });
});

interface ErrorCase {
  name: string;
  run: (d: Device) => unknown;
  message: RegExp;
  only?: Device;
}

const M = (d: Device) => torch.tensor([[3, 1, 2]], { device: d });
const I = (d: Device, v: number[]) => torch.tensor(v, { device: d, dtype: 'int32' });

const errorCases: ErrorCase[] = [
  {
    name: 'topk with k larger than the dim',
    run: (d) => M(d).topk(4),
    message: /^topk: k must be an integer from 0 to 3 \(the size of dim 1 of shape \[1, 3\]\), got 4/,
  },
  { name: 'topk with a negative k', run: (d) => M(d).topk(-1, { dim: 0 }), message: /^topk: k must be an integer from 0 to 1/ },
  { name: 'sort along a dim out of range', run: (d) => M(d).sort({ dim: 2 }), message: /^sort: dim 2 is out of range for a tensor of 2 dimensions/ },
  {
    name: 'argsort with an unknown option',
    run: (d) => M(d).argsort({ dims: 0 } as never),
    message: /^argsort: unknown option 'dims' \(options: dim, descending, stable\)/,
  },
  { name: 'cumprod along a dim out of range', run: (d) => M(d).cumprod(-3), message: /^cumprod: dim -3 is out of range/ },
  { name: 'cummax without a dim', run: (d) => M(d).cummax(undefined as never), message: /^cummax: expected a dim \(a number\), got undefined/ },
  { name: 'bincount of a float tensor', run: (d) => M(d).bincount(), message: /^bincount: expected a 1-D int32 tensor, got float32 of shape \[1, 3\]/ },
  { name: 'bincount of negative values', run: (d) => I(d, [1, -2]).bincount(), message: /^bincount: the input must be non-negative, got -2/ },
  {
    name: 'bincount with weights of another length',
    run: (d) => I(d, [1, 2]).bincount({ weights: torch.tensor([1], { device: d }) }),
    message: /^bincount: weights must be 1-D with one weight per element: input \[2\], weights \[1\]/,
  },
  { name: 'unique with an unknown option', run: (d) => I(d, [1]).unique({ dim: 0 } as never), message: /^unique: unknown option 'dim'/ },
  {
    name: 'unique of a tensor computed on the GPU',
    run: (d) => I(d, [1, 2]).add(1).unique(),
    message: /^unique: the size of its result depends on the values of a tensor of shape \[2\] computed on the GPU.*x\.cpu\(\); await h\.data\(\)/,
    only: 'webgpu',
  },
  {
    name: 'bincount of a tensor computed on the GPU',
    run: (d) => I(d, [1, 2]).mul(2).bincount(),
    message: /^bincount: the size of its result depends on the values/,
    only: 'webgpu',
  },
  {
    name: 'unique of a traced input inside torch.compile',
    run: (d) => torch.compile((x: Tensor) => x.unique() as Tensor)(I(d, [1, 2])),
    message: /^unique: the size of its result depends on the values of a tensor of shape \[2\] traced by torch\.compile/,
  },
];

describe.each(devices)('sort and scan errors on %s', (device) => {
  it.each(errorCases.filter((c) => !c.only || c.only === device))('error: $name', ({ run, message }) => {
    let error: unknown = null;
    try {
      run(device);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WickError);
    expect((error as Error).message).toMatch(message);
  });
});

describe.each(devices)('sort and scan compiled on %s', (device) => {
  it('a compiled function of sort, topk, cummax and cumprod gives eager values and gradients', async () => {
    const fn = (x: Tensor) => {
      const s = x.sort({ dim: 0, descending: true });
      const c = x.cummax(1);
      return s.values
        .mul(2)
        .add(x.topk(2, { dim: 0 }).values.sum(0))
        .add(c.values)
        .add(x.cumprod(1))
        .add(c.indices)
        .add(s.indices);
    };
    const compiled = torch.compile(fn);
    const data = seeded(12, 50);
    const x = torch.tensor(data, { device, requiresGrad: true });
    const y = torch.tensor(data, { device, requiresGrad: true });
    const [got, want] = [compiled(x.reshape([3, 4])), fn(y.reshape([3, 4]))];
    expect(Array.from(await got.data())).toEqual(Array.from(await want.data()));
    got.sum().backward();
    want.sum().backward();
    expect(Array.from(await x.grad!.data())).toEqual(Array.from(await y.grad!.data()));
    const kernels = compiled.graphs.flatMap((g) => g.kernels.map((k) => k.name));
    expect(kernels).toEqual(expect.arrayContaining(['sort', 'cummax', 'cumprod']));
    const again = compiled(
      torch
        .tensor(
          data.map((v) => -v),
          { device },
        )
        .reshape([3, 4]),
    );
    expect(Array.from(await again.data())).toEqual(
      Array.from(
        await fn(
          torch
            .tensor(
              data.map((v) => -v),
              { device },
            )
            .reshape([3, 4]),
        ).data(),
      ),
    );
  });
});

describe.runIf(devices.includes('webgpu'))('unique of a GPU tensor', () => {
  it('works once its values are read onto the CPU, as the error says', async () => {
    const h = torch.tensor([2, 1, 2], { device: 'webgpu', dtype: 'int32' }).add(1).cpu();
    await h.data();
    expect(Array.from(await (h.unique() as Tensor).data())).toEqual([2, 3]);
  });
});

/**
 * The vec4 elementwise path and reductions split across workgroups, compared with the cpu backend:
 * sizes around 4, slices at aligned and unaligned offsets, broadcasts, int32 and bool results,
 * compiled chains; long rows around the split threshold, few long rows, every ReduceOp.
 */
import { describe, expect, it } from 'vitest';
import type { Device, DType } from '../../core/dtype';
import { torch, type Tensor } from '../../index';
import { testDevices } from '../../testing/devices';
import { emptyTensor, viewOf } from '../../ops/make';
import { plainSource } from '../backend';
import { REDUCE_OPS, type ReduceOp } from '../../ops/op-types';
import { planElementwise, elementwiseSource } from './kernels/elementwise';
import { planSplit } from './kernels/reduce-split';
import { SPLIT_TUNING } from './tuning';

const devices = await testDevices();
const noWebgpu = !devices.includes('webgpu');

/** `n` reproducible values in [lo, hi). */
function values(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  });
}

const data = (n: number, seed: number, d: Device, dtype: DType = 'float32', lo = -1, hi = 1) =>
  torch.tensor(dtype === 'int32' ? values(n, seed, lo, hi).map(Math.floor) : values(n, seed, lo, hi), { device: d, dtype });

/** Runs `make` on cpu and webgpu and checks the results agree (exactly for int32 and bool). */
async function agree(name: string, make: (d: Device) => Tensor, rtol = 1e-5, atol = 1e-6): Promise<void> {
  expect(devices, `${name}: compares cpu with webgpu`).toEqual(['cpu', 'webgpu']);
  const results = devices.map((d) => make(d));
  const [want, ...rest] = await Promise.all(results.map(async (t) => ({ t, v: Array.from(await t.data(), Number) })));
  for (const got of rest) {
    expect(got.t.shape, name).toEqual(want.t.shape);
    expect(got.t.dtype, name).toBe(want.t.dtype);
    const scale = want.v.reduce((m, x) => Math.max(m, Math.abs(x)), 1e-30);
    got.v.forEach((x, i) => {
      const w = want.v[i];
      if (want.t.dtype !== 'float32' || !Number.isFinite(w)) expect(x, `${name} [${i}]`).toBe(w);
      else expect(Math.abs(x - w), `${name} [${i}]: ${x} vs ${w}`).toBeLessThanOrEqual(rtol * Math.max(Math.abs(w), scale * 1e-2) + atol);
    });
  }
}

describe('vec4 elementwise path', () => {
  const sizes = [4, 5, 1023, 4099];
  const cases: { name: string; make: (d: Device, n: number) => Tensor }[] = [
    { name: 'copy-like chain with scalars', make: (d, n) => data(n, 1, d).mul(2).add(1) },
    {
      name: 'two flat inputs',
      make: (d, n) =>
        data(n, 1, d)
          .mul(data(n, 2, d))
          .sub(data(n, 2, d).exp()),
    },
    {
      name: 'aligned slices (offset 4)',
      make: (d, n) =>
        data(n + 8, 3, d)
          .narrow(0, 4, n)
          .add(data(n + 4, 4, d).narrow(0, 4, n)),
    },
    {
      name: 'unaligned slices (offset 1 and 3)',
      make: (d, n) =>
        data(n + 8, 3, d)
          .narrow(0, 1, n)
          .add(data(n + 4, 4, d).narrow(0, 3, n)),
    },
    { name: 'aligned output, one unaligned input', make: (d, n) => data(n, 5, d).sub(data(n + 2, 6, d).narrow(0, 2, n)) },
    { name: 'broadcast 0-dim tensor', make: (d, n) => data(n, 7, d).mul(torch.tensor(3, { device: d })) },
    {
      name: 'broadcast row of 4',
      make: (d, n) =>
        data(4 * n, 8, d)
          .reshape([n, 4])
          .add(data(4, 9, d)),
    },
    {
      name: 'broadcast row of 12 over [n, 12]',
      make: (d, n) =>
        data(12 * n, 8, d)
          .reshape([n, 12])
          .mul(data(12, 9, d).reshape([1, 12])),
    },
    {
      name: 'broadcast column (strided)',
      make: (d, n) =>
        data(4 * n, 8, d)
          .reshape([n, 4])
          .add(data(n, 9, d).reshape([n, 1])),
    },
    {
      name: 'int32 arithmetic',
      make: (d, n) =>
        data(n, 10, d, 'int32', -50, 50)
          .mul(3)
          .add(data(n, 11, d, 'int32', -5, 5)),
    },
    { name: 'comparison gives bool', make: (d, n) => data(n, 12, d).gt(data(n, 13, d)) },
    {
      name: 'bool inputs and output',
      make: (d, n) =>
        data(n, 12, d)
          .gt(0)
          .logicalAnd(data(n, 13, d).lt(0.5)),
    },
    { name: 'where with a bool input', make: (d, n) => torch.where(data(n, 14, d).gt(0), data(n, 15, d), data(n, 16, d).neg()) },
    { name: 'bool to int32 cast', make: (d, n) => data(n, 17, d).gt(0).int().add(1) },
    {
      name: 'transposed input (strided)',
      make: (d, n) =>
        data(4 * n, 18, d)
          .reshape([4, n])
          .t()
          .mul(2),
    },
  ];
  for (const c of cases) {
    it.skipIf(noWebgpu)(c.name, async () => {
      for (const n of sizes) await agree(`${c.name}, n=${n}`, (d) => c.make(d, n));
    });
  }

  it.skipIf(noWebgpu)('compiled chains (same elementwise method, fused expression)', async () => {
    const f = torch.compile((a: Tensor, b: Tensor) => a.mul(2).add(b).relu().sub(0.5).exp().neg());
    const g = torch.compile((a: Tensor, b: Tensor) => torch.where(a.gt(b), a.mul(b), b.sub(1)).gt(0));
    for (const n of [4, 5, 1023, 4099]) {
      for (let call = 0; call < 2; call++) {
        await agree(`compiled chain n=${n}`, (d) => f(data(n, 20, d), data(n, 21, d)));
        await agree(`compiled where n=${n}`, (d) => g(data(n, 22, d), data(n, 23, d)));
      }
      await torch.synchronize();
    }
  });

  it('plans vec4 only where every operand is aligned', () => {
    const storage = { device: 'webgpu' as const, length: 64, dtype: 'float32' as const, bytes: 256 };
    const view = (shape: number[], strides: number[], offset = 0) => ({ storage, shape, strides, offset, dtype: 'float32' as const });
    const x = { kind: 'input' as const, index: 0, dtype: 'float32' as const };
    const out = view([16], [1]);
    expect(planElementwise('k', [view([16], [1], 4)], out, []).vec4).toBe(true);
    expect(planElementwise('k', [view([16], [1], 2)], out, []).vec4).toBe(false);
    expect(planElementwise('k', [view([16], [0], 3)], out, []).vec4).toBe(true);
    expect(planElementwise('k', [view([16], [1])], view([16], [1], 1), []).vec4).toBe(false);
    expect(planElementwise('k', [view([4, 4], [0, 1])], view([4, 4], [4, 1]), []).lanes).toEqual(['row']);
    expect(planElementwise('k', [view([8, 2], [0, 1])], view([8, 2], [2, 1]), []).vec4).toBe(false);
    const plan = planElementwise('k', [view([16], [1])], out, []);
    expect(elementwiseSource(x, plan, ['float32'], 'float32', 1)).toContain('array<vec4<f32>>');
  });
});

/** Calls the backend's reduce directly, with a plain source view, into a fresh output. */
function reduceRaw(op: ReduceOp, x: Tensor, kept: number): Tensor {
  const dtype: DType = (op === 'sum' || op === 'prod') && x.dtype !== 'float32' ? 'int32' : x.dtype;
  const out = emptyTensor(x.device, x.shape.slice(0, kept), dtype);
  x.backend.reduce(op, plainSource(viewOf(x)), kept, viewOf(out));
  return out;
}

describe('reductions split across workgroups', () => {
  const t = SPLIT_TUNING.minChunk;
  it('splits only long rows that are too few to fill the GPU', () => {
    const flat = { strides: [1], offset: 0 };
    expect(planSplit(1, 2 * t - 1, [2 * t - 1], 0, [flat], 10)).toBeNull();
    expect(planSplit(1, 2 * t, [2 * t], 0, [flat], 10)).toMatchObject({ parts: 2, mode: 'v4' });
    expect(planSplit(1, 100003, [100003], 0, [{ strides: [1], offset: 1 }], 10)).toMatchObject({ mode: 'flat' });
    expect(planSplit(3, 100003, [3, 100003], 1, [{ strides: [100003, 1], offset: 0 }], 10)).toMatchObject({ mode: 'flat' });
    expect(planSplit(3, 100000, [3, 100000], 1, [{ strides: [1, 3], offset: 0 }], 10)).toMatchObject({ mode: 'strided' });
    expect(planSplit(100000, 100000, [100000, 100000], 1, [flat], 10)).toBeNull();
  });

  it.skipIf(noWebgpu)('a long row runs as two passes on webgpu; many short rows as one kernel', async () => {
    const x = data(100003, 1, 'webgpu');
    const rows = data(4096, 2, 'webgpu').reshape([64, 64]);
    await torch.synchronize();
    const long = await torch.profile(() => void x.sum());
    expect(long.kernels.map((k) => k.name)).toEqual(['sum', 'sum_final']);
    const short = await torch.profile(() => void rows.sum(1));
    expect(short.kernels.map((k) => k.name)).toEqual(['sum']);
  });

  const ops = [...REDUCE_OPS];
  // prod over long rows: values near 1 so the product stays finite.
  const source = (op: ReduceOp, n: number, seed: number, d: Device) => (op === 'prod' ? data(n, seed, d, 'float32', 0.999, 1.001) : data(n, seed, d));
  for (const op of ops) {
    it.skipIf(noWebgpu)(`${op} over one long row, around the split threshold and past it`, async () => {
      for (const n of [2 * t - 1, 2 * t, 2 * t + 3, 100003]) {
        await agree(`${op} n=${n}`, (d) => reduceRaw(op, source(op, n, n, d), 0), 1e-4, 2e-3);
        await agree(`${op} n=${n}, slice at offset 4`, (d) => reduceRaw(op, source(op, n + 4, n, d).narrow(0, 4, n), 0), 1e-4, 2e-3);
        await agree(`${op} n=${n}, slice at offset 1`, (d) => reduceRaw(op, source(op, n + 4, n, d).narrow(0, 1, n), 0), 1e-4, 2e-3);
      }
    });
    it.skipIf(noWebgpu)(`${op} over few long rows: contiguous, unaligned rows, transposed`, async () => {
      await agree(`${op} [4, 20000]`, (d) => reduceRaw(op, source(op, 80000, 31, d).reshape([4, 20000]), 1), 1e-4, 2e-3);
      await agree(`${op} [3, 20001]`, (d) => reduceRaw(op, source(op, 60003, 32, d).reshape([3, 20001]), 1), 1e-4, 2e-3);
      await agree(`${op} [2, 3, 9000] over the last two dims`, (d) => reduceRaw(op, source(op, 54000, 33, d).reshape([2, 3, 9000]), 1), 1e-4, 2e-3);
      await agree(`${op} transposed [20000, 3] -> [3, 20000]`, (d) => reduceRaw(op, source(op, 60000, 34, d).reshape([20000, 3]).t(), 1), 1e-4, 2e-3);
    });
  }

  it.skipIf(noWebgpu)('rows too short to split: contiguous rows read flat, others by strides', async () => {
    for (const op of ops) {
      await agree(`${op} [64, 300]`, (d) => reduceRaw(op, source(op, 64 * 300, 70, d).reshape([64, 300]), 1), 1e-4, 1e-4);
      await agree(
        `${op} [64, 301][:, 1:]`,
        (d) =>
          reduceRaw(
            op,
            source(op, 64 * 301, 71, d)
              .reshape([64, 301])
              .narrow(1, 1, 300),
            1,
          ),
        1e-4,
        1e-4,
      );
      await agree(
        `${op} [300, 64]^T`,
        (d) =>
          reduceRaw(
            op,
            source(op, 64 * 300, 72, d)
              .reshape([300, 64])
              .t(),
            1,
          ),
        1e-4,
        1e-4,
      );
      await agree(`${op} short rows [300, 30]`, (d) => reduceRaw(op, source(op, 9000, 73, d).reshape([300, 30]), 1), 1e-4, 1e-4);
    }
  });

  it.skipIf(noWebgpu)('int32 and bool sources', async () => {
    await agree('int32 sum', (d) => data(100003, 40, d, 'int32', -100, 100).sum());
    await agree('int32 max', (d) => data(100003, 41, d, 'int32', -100000, 100000).max());
    await agree('int32 min', (d) => reduceRaw('min', data(100003, 42, d, 'int32', -100000, 100000), 0));
    await agree('int32 prod of ones and minus ones', (d) => data(20000, 43, d).gt(0).int().mul(2).sub(1).prod());
    await agree('bool count', (d) => data(100003, 44, d).gt(0.25).sum());
    await agree('bool max over rows', (d) => reduceRaw('max', data(40000, 45, d).gt(0.999).reshape([2, 20000]), 1));
  });

  it.skipIf(noWebgpu)('tensor-level reductions: all, keepdim, mean, dims', async () => {
    await agree('sum()', (d) => data(100003, 50, d).sum(), 1e-4, 2e-3);
    await agree('mean()', (d) => data(100003, 51, d).mean(), 1e-4, 2e-3);
    await agree('max() and min()', (d) => torch.stack([data(100003, 52, d).max(), data(100003, 52, d).min()], 0));
    await agree('sum(1, keepdim)', (d) => data(80000, 53, d).reshape([8, 10000]).sum(1, true), 1e-4, 2e-3);
    await agree('mean([1, 2], keepdim)', (d) => data(80000, 54, d).reshape([2, 4, 10000]).mean([1, 2], true), 1e-4, 2e-3);
    await agree('var over one long row', (d) => data(50000, 55, d).var(), 1e-4, 2e-3);
    await agree('logsumexp over one long row', (d) => data(50000, 56, d).logsumexp(0), 1e-4, 2e-3);
    await agree('softmax over a long row (post-reduce work)', (d) => data(20000, 57, d).softmax(0), 1e-4, 2e-3);
    await agree('argmax is untouched', (d) => data(100003, 58, d).argmax());
  });

  it.skipIf(noWebgpu)('compiled reductions with fused source and epilogue', async () => {
    const f = torch.compile((a: Tensor) => a.mul(2).add(1).square().mean().sqrt());
    const g = torch.compile((a: Tensor, b: Tensor) => a.mul(b).sum(-1).mul(0.5));
    const h = torch.compile((a: Tensor, b: Tensor) => a.exp().sum(-1).log().add(b));
    for (let call = 0; call < 2; call++) {
      await agree('compiled sqrt(mean(square))', (d) => f(data(100003, 60, d)), 1e-4, 2e-3);
      await agree('compiled rowwise dot', (d) => g(data(40000, 61, d).reshape([4, 10000]), data(40000, 62, d).reshape([4, 10000])), 1e-4, 2e-3);
      await agree('compiled logsumexp plus a tensor (epilogue leaf)', (d) => h(data(30000, 63, d).reshape([3, 10000]), data(3, 64, d)), 1e-4, 2e-3);
      await torch.synchronize();
    }
    const [a, b] = [data(30000, 63, 'webgpu').reshape([3, 10000]), data(3, 64, 'webgpu')];
    const prof = await torch.profile(() => void h(a, b));
    expect(prof.kernels.map((k) => k.name)).toEqual(['fused_exp_sum_log_add', 'fused_exp_sum_log_add_final']);
  });
});

/**
 * The matmul kernel family against the CPU backend: odd sizes (edge tiles), tile multiples,
 * transposed and sliced views (vec4 and scalar loads), broadcast batches, a fused epilogue, and
 * outputs large enough to pick each tile size, split-K for long K.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Device } from '../../core/dtype';
import { torch, type Tensor } from '../../index';
import { testDevices } from '../../testing/devices';
import { chooseMatmul } from './kernels/matmul';
import { MATMUL_TUNING } from './tuning';
import { matmulSplit } from './kernels/matmul-split';

let devices: Device[] = ['cpu'];
beforeAll(async () => {
  devices = await testDevices();
  // The kernels a GPU gets, even where this process runs on SwiftShader (whose own choice is one
  // small scalar tile, covered by every other webgpu test).
  MATMUL_TUNING.softwareAdapter = false;
}, 60_000);
afterAll(() => {
  MATMUL_TUNING.softwareAdapter = software;
});
const software = MATMUL_TUNING.softwareAdapter;

type Make = (shape: number[]) => Tensor;

interface Case {
  name: string;
  /** Builds the inputs (on cpu) and the expression over them. */
  inputs: (r: Make) => Tensor[];
  fn: (...t: Tensor[]) => Tensor;
}

const mm = (a: Tensor, b: Tensor) => a.matmul(b);

const cases: Case[] = [
  { name: '1x1x1', inputs: (r) => [r([1, 1]), r([1, 1])], fn: mm },
  { name: '3x5x7 (scalar loads)', inputs: (r) => [r([3, 5]), r([5, 7])], fn: mm },
  { name: '65x130x33', inputs: (r) => [r([65, 33]), r([33, 130])], fn: mm },
  { name: '257x129x511', inputs: (r) => [r([257, 511]), r([511, 129])], fn: mm },
  { name: '64x64x64 tile multiple', inputs: (r) => [r([64, 64]), r([64, 64])], fn: mm },
  { name: '128x128x32 tile multiple', inputs: (r) => [r([128, 32]), r([32, 128])], fn: mm },
  { name: 'K=1', inputs: (r) => [r([37, 1]), r([1, 45])], fn: mm },
  { name: 'K=3, vector along K partly outside', inputs: (r) => [r([20, 3]), r([3, 12])], fn: mm },
  { name: 'a transposed (vec4 along M)', inputs: (r) => [r([36, 68]), r([36, 40])], fn: (a, b) => a.t().matmul(b) },
  { name: 'b transposed (vec4 along K), x @ W^T', inputs: (r) => [r([50, 84]), r([70, 84])], fn: (a, b) => a.matmul(b.t()) },
  { name: 'both transposed, odd sizes', inputs: (r) => [r([19, 33]), r([45, 19])], fn: (a, b) => a.t().matmul(b.t()) },
  { name: 'a transposed with odd M (scalar)', inputs: (r) => [r([24, 31]), r([24, 17])], fn: (a, b) => a.t().matmul(b) },
  { name: 'row slice keeps vec4 alignment (offset 16)', inputs: (r) => [r([41, 16]), r([16, 36])], fn: (a, b) => a.index('1:').matmul(b) },
  { name: 'slice with an unaligned offset', inputs: (r) => [r([21, 19]), r([18, 23])], fn: (a, b) => a.index('1:, 1:').matmul(b.index(':, 2:')) },
  { name: 'stepped column slice (stride 2)', inputs: (r) => [r([9, 40]), r([20, 8])], fn: (a, b) => a.index(':, ::2').matmul(b) },
  { name: 'batched', inputs: (r) => [r([3, 33, 20]), r([3, 20, 17])], fn: mm },
  { name: 'batched with broadcast batch dims', inputs: (r) => [r([2, 1, 13, 24]), r([3, 24, 12])], fn: mm },
  { name: 'batched, b shared (stride 0)', inputs: (r) => [r([4, 30, 16]), r([16, 28])], fn: mm },
  { name: 'batched transposed b', inputs: (r) => [r([2, 40, 24]), r([2, 36, 24])], fn: (a, b) => a.matmul(b.transpose(1, 2)) },
  { name: 'tall-skinny 1000x8x40', inputs: (r) => [r([1000, 40]), r([40, 8])], fn: mm },
  { name: 'wide 6x900x20', inputs: (r) => [r([6, 20]), r([20, 900])], fn: mm },
  { name: 'N=10 classifier head, x @ W^T', inputs: (r) => [r([64, 96]), r([10, 96])], fn: (a, b) => a.matmul(b.t()) },
  { name: 'split-K: 20x12x2100', inputs: (r) => [r([20, 2100]), r([2100, 12])], fn: mm },
  { name: 'split-K, transposed a, odd K: 33x9x1537', inputs: (r) => [r([1537, 33]), r([1537, 9])], fn: (a, b) => a.t().matmul(b) },
  { name: 'split-K, broadcast batch: 3 x 17x24x1300', inputs: (r) => [r([3, 17, 1300]), r([1300, 24])], fn: mm },
  { name: '64x64 tiles, batched: 8 x 130x66x12', inputs: (r) => [r([8, 130, 12]), r([8, 12, 66])], fn: mm },
  { name: '128x64 tiles: 1030x770x6', inputs: (r) => [r([1030, 6]), r([6, 770])], fn: mm },
  { name: '128x64 tiles, A row-major: 1030x772x8', inputs: (r) => [r([1030, 8]), r([8, 772])], fn: mm },
  { name: '128x128 tiles, BK 16, a transposed: 2050x1030x6', inputs: (r) => [r([6, 2050]), r([6, 1030])], fn: (a, b) => a.t().matmul(b) },
  { name: '128x128 tiles, BK 16, A row-major: 2050x2052x36', inputs: (r) => [r([2050, 36]), r([36, 2052])], fn: mm },
  { name: '128x128 tiles, BK 8: 2050x2050x7 with b transposed', inputs: (r) => [r([2050, 7]), r([2050, 7])], fn: (a, b) => a.matmul(b.t()) },
];

async function maxDiff(got: Tensor, want: Tensor): Promise<{ diff: number; scale: number }> {
  const g = (await got.to('cpu').data()) as Float32Array;
  const w = (await want.data()) as Float32Array;
  expect(g.length).toBe(w.length);
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < w.length; i++) {
    diff = Math.max(diff, Math.abs(g[i] - w[i]));
    scale = Math.max(scale, Math.abs(w[i]));
  }
  return { diff, scale };
}

describe('matmul kernels', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const inputs = c.inputs((shape) => torch.randn(shape));
      const want = c.fn(...inputs);
      for (const d of devices) {
        const got = c.fn(...inputs.map((t) => t.to(d)));
        expect(got.shape).toEqual(want.shape);
        const { diff, scale } = await maxDiff(got, want);
        expect(diff, `${c.name} on ${d}`).toBeLessThanOrEqual(2e-5 * scale * Math.sqrt(inputs[0].shape[inputs[0].shape.length - 1]));
      }
    });
  }

  it('tiles launched in groups of tile rows, with an uneven last group and a batch', async () => {
    const inputs = [torch.randn([2, 460, 24]), torch.randn([2, 24, 200])];
    const want = inputs[0].matmul(inputs[1]);
    for (const d of devices) {
      MATMUL_TUNING.group = 3;
      try {
        const got = inputs[0].to(d).matmul(inputs[1].to(d));
        const { diff, scale } = await maxDiff(got, want);
        expect(diff, `grouped tiles on ${d}`).toBeLessThanOrEqual(2e-5 * scale * Math.sqrt(24));
      } finally {
        MATMUL_TUNING.group = null;
      }
    }
  });

  it('a fused bias + relu epilogue through torch.compile, odd and vec4 outputs', async () => {
    for (const [m, k, n] of [
      [33, 17, 21],
      [70, 32, 64],
      [12, 1100, 8],
    ]) {
      const [x, w, bias] = [torch.randn([m, k]), torch.randn([n, k]), torch.randn([n])];
      const f = (...t: Tensor[]) => t[0].matmul(t[1].t()).add(t[2]).relu();
      const want = f(x, w, bias);
      for (const d of devices) {
        const compiled = torch.compile(f);
        const args = [x, w, bias].map((t) => t.to(d));
        await compiled(...args).data();
        const { diff, scale } = await maxDiff(compiled(...args), want);
        expect(diff, `${m}x${k}x${n} on ${d}`).toBeLessThanOrEqual(1e-4 * scale);
      }
    }
  });

  const view = (shape: number[], strides: number[], offset = 0, length = 1 << 20) => ({
    storage: { device: 'webgpu' as const, length, dtype: 'float32' as const, bytes: 4 * length },
    shape,
    strides,
    offset,
    dtype: 'float32' as const,
  });
  it('chooses vec4 loads by layout', () => {
    const out = view([64, 64], [64, 1]);
    expect(chooseMatmul(view([64, 32], [32, 1]), view([32, 64], [64, 1]), out)).toMatchObject({ la: 'k4', lb: 'n4', c4: true });
    expect(chooseMatmul(view([64, 32], [1, 64]), view([32, 64], [1, 32]), out)).toMatchObject({ la: 'm4', lb: 'k4' });
    expect(chooseMatmul(view([64, 32], [32, 1], 1), view([32, 64], [64, 1], 0, 32 * 64 - 1), out)).toMatchObject({ la: 's', lb: 's' });
  });

  it('chooses the tile by the number of workgroups (the shapes above cover each)', () => {
    const tile = (b: number, m: number, n: number, storage?: number) => {
      const c = chooseMatmul(view([b, m, 4], [4 * m, 4, 1]), view([b, 4, n], [4 * n, n, 1]), view([b, m, n], [m * n, n, 1]), storage);
      return [c.bm, c.bn, c.bk, c.stages];
    };
    expect(tile(1, 2050, 2050)).toEqual([128, 128, 8, 2]);
    const plain = chooseMatmul(view([2050, 36], [36, 1]), view([36, 2052], [2052, 1]), view([2050, 2052], [2052, 1]));
    expect(plain).toMatchObject({ bm: 128, bn: 128, bk: 16, stages: 1, la: 'k4', lb: 'n4', aRows: true });
    // A row-major wherever A is read along K with BK=16; transposed at BK=8 and for other layouts.
    expect(chooseMatmul(view([2050, 36], [36, 1]), view([36, 2050], [1, 36]), view([2050, 2050], [2050, 1]))).toMatchObject({
      bk: 8,
      la: 'k4',
      lb: 'k4',
      aRows: false,
    });
    expect(chooseMatmul(view([64, 32], [32, 1]), view([32, 64], [64, 1]), view([64, 64], [64, 1]))).toMatchObject({ bk: 16, la: 'k4', aRows: true });
    expect(chooseMatmul(view([64, 32], [1, 64]), view([32, 64], [64, 1]), view([64, 64], [64, 1]))).toMatchObject({ bk: 16, la: 'm4', aRows: false });
    expect(tile(1, 2050, 1030)).toEqual([128, 128, 16, 2]);
    expect(tile(1, 2050, 1030, 16384)).toEqual([128, 128, 16, 1]);
    expect(tile(1, 1030, 770)).toEqual([128, 64, 16, 2]);
    expect(tile(1, 1024, 1024)).toEqual([128, 64, 16, 2]);
    expect(tile(8, 130, 66)).toEqual([64, 64, 16, 2]);
    // N = 64 (a convolution's 64 channels, a tall-skinny product): 128x64, which a 128x128 tile would half idle.
    expect(tile(32, 3136, 64)).toEqual([128, 64, 16, 2]);
    expect(tile(1, 32768, 64)).toEqual([128, 64, 16, 2]);
    expect(tile(1, 3, 7)).toEqual([64, 64, 16, 2]);
    expect(chooseMatmul(view([3, 4], [4, 1]), view([4, 7], [7, 1]), view([3, 7], [7, 1])).unroll).toBe(false);
    MATMUL_TUNING.softwareAdapter = true;
    expect(tile(1, 2050, 2050)).toEqual([32, 32, 8, 1]);
    expect(chooseMatmul(view([64, 32], [32, 1]), view([32, 64], [64, 1]), view([64, 64], [64, 1]))).toMatchObject({
      la: 's',
      lb: 's',
      c4: false,
      unroll: false,
    });
    MATMUL_TUNING.softwareAdapter = false;
  });

  it('splits K only for few tiles and long K', () => {
    const config = chooseMatmul(view([20, 2100], [2100, 1]), view([2100, 12], [12, 1]), view([20, 12], [12, 1]));
    expect(matmulSplit(config, 20, 12, 2100, 1)).toEqual({ parts: 9, chunk: 240 });
    expect(matmulSplit(config, 20, 12, 1000, 1)).toBeNull();
    expect(matmulSplit(config, 1024, 1024, 8192, 1)).toBeNull();
    expect(matmulSplit(config, 256, 256, 8192, 1)).toEqual({ parts: 16, chunk: 512 });
  });
});

/** The fused attention op (CPU loops, WebGPU flash kernels) against the composed form, forward and gradients, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, torch, type Tensor } from '../index';
import { sdpaComposed } from '../functional/attention';
import { testDevices } from '../testing/devices';
import { sdpaFused } from './attention-op';

const devices = await testDevices();

interface Case {
  name: string;
  /** q, k, v shapes. */
  shapes: [number[], number[], number[]];
  mask?: (d: Device, l: number, s: number) => Tensor;
  causal?: boolean;
  scale?: number;
  /** Make q a transposed (non-contiguous) view. */
  strided?: boolean;
}

const cases: Case[] = [
  {
    name: 'plain, L != S',
    shapes: [
      [2, 2, 5, 8],
      [2, 2, 7, 8],
      [2, 2, 7, 8],
    ],
  },
  {
    name: 'odd sizes past one tile (L 37, S 45, E 5, Ev 7)',
    shapes: [
      [1, 2, 37, 5],
      [1, 2, 45, 5],
      [1, 2, 45, 7],
    ],
    scale: 0.3,
  },
  {
    name: 'causal, L < S',
    shapes: [
      [2, 1, 4, 8],
      [2, 1, 6, 8],
      [2, 1, 6, 8],
    ],
    causal: true,
  },
  {
    name: 'causal, L > S (rows past S see every key)',
    shapes: [
      [1, 2, 40, 4],
      [1, 2, 35, 4],
      [1, 2, 35, 4],
    ],
    causal: true,
  },
  {
    name: 'bool mask [L, S] broadcast, with a fully masked row',
    shapes: [
      [2, 2, 4, 8],
      [2, 2, 6, 8],
      [2, 2, 6, 8],
    ],
    mask: (d, l, s) =>
      torch
        .rand([l, s], { device: d })
        .gt(0.4)
        .logicalAnd(torch.tensor([[1], [1], [0], [1]], { device: d }).gt(0)),
  },
  {
    name: 'float mask [N, 1, L, S]',
    shapes: [
      [2, 3, 4, 8],
      [2, 3, 6, 8],
      [2, 3, 6, 8],
    ],
    mask: (d, l, s) => torch.randn([2, 1, l, s], { device: d }),
  },
  {
    name: '3-d inputs, head dim 72, strided query',
    shapes: [
      [3, 6, 72],
      [3, 5, 72],
      [3, 5, 16],
    ],
    strided: true,
  },
];

async function close(got: Tensor, want: Tensor, what: string, tol = 2e-4): Promise<void> {
  expect(got.shape, what).toEqual(want.shape);
  const [a, b] = [await got.data(), await want.data()];
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `${what} [${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

function inputs(d: Device, c: Case): Tensor[] {
  torch.manualSeed(7);
  return c.shapes.map((shape, i) => {
    if (i === 0 && c.strided) {
      const [a, b, e] = shape;
      return torch.randn([a, e, b], { device: d }).transpose(1, 2).detach().requiresGrad_();
    }
    return torch.randn(shape, { device: d, requiresGrad: true });
  });
}

describe('fused scaledDotProductAttention', () => {
  for (const d of devices) {
    for (const c of cases) {
      it(`${c.name} (${d}): forward and gradients match the composed form`, async () => {
        const [q, k, v] = inputs(d, c);
        const l = q.shape[q.ndim - 2];
        const s = k.shape[k.ndim - 2];
        const attnMask = c.mask?.(d, l, s) ?? null;
        const scale = c.scale ?? 1 / Math.sqrt(q.shape[q.ndim - 1]);
        const opts = { attnMask, isCausal: c.causal, scale };
        const want = sdpaComposed(q, k, v, opts);
        const got = sdpaFused(q, k, v, opts);
        await close(got, want, 'output');
        const gOut = torch.randn(want.shape, { device: d });
        const grads = (out: Tensor) => {
          for (const t of [q, k, v]) t.grad = null;
          out.backward(gOut);
          return [q, k, v].map((t) => t.grad!);
        };
        const wantGrads = grads(want);
        const gotGrads = grads(got);
        for (let i = 0; i < 3; i++) await close(gotGrads[i], wantGrads[i], `grad ${'qkv'[i]}`, 5e-4);
      });
    }
  }

  it('matches central finite differences (cpu, float mask, causal)', async () => {
    for (const opts of [{ attnMask: torch.randn([3, 4]) }, { isCausal: true }]) {
      torch.manualSeed(3);
      const [q, k, v] = [
        [1, 2, 3, 4],
        [1, 2, 4, 4],
        [1, 2, 4, 3],
      ].map((s) => torch.randn(s, { requiresGrad: true }));
      const w = torch.randn([1, 2, 3, 3]);
      const f = () =>
        sdpaFused(q, k, v, { ...opts, scale: 0.5 })
          .mul(w)
          .sum();
      f().backward();
      for (const t of [q, k, v]) {
        const grad = await t.grad!.data();
        const data = t.detach();
        const flat = await data.data();
        for (const idx of [0, 5, flat.length - 1]) {
          const at = async (delta: number) => {
            const x = Float32Array.from(flat);
            x[idx] += delta;
            const moved = torch.tensor(x).reshape(t.shape);
            const args = [q, k, v].map((u) => (u === t ? moved : u.detach()));
            return (await sdpaFused(args[0], args[1], args[2], { ...opts, scale: 0.5 })
              .mul(w)
              .sum()
              .item()) as number;
          };
          const h = 1e-2;
          const numeric = ((await at(h)) - (await at(-h))) / (2 * h);
          expect(Math.abs(grad[idx] - numeric)).toBeLessThan(2e-3);
        }
      }
    }
  });

  for (const d of devices) {
    for (const opts of [{ isCausal: true }, { attnMask: 'bool' as const }, { attnMask: 'float' as const }]) {
      it(`second-order gradients (createGraph) match the composed form, ${JSON.stringify(opts)} (${d})`, async () => {
        torch.manualSeed(5);
        const [q, k, v] = [
          [1, 2, 3, 4],
          [1, 2, 5, 4],
          [1, 2, 5, 3],
        ].map((shape) => torch.randn(shape, { device: d, requiresGrad: true }));
        const attnMask = opts.attnMask === 'bool' ? torch.rand([3, 5], { device: d }).gt(0.3) : opts.attnMask ? torch.randn([3, 5], { device: d }) : null;
        const o = { attnMask, isCausal: opts.isCausal, scale: 0.5 };
        const hv = (f: typeof sdpaFused) => {
          const [gq, gk, gv] = torch.autograd.grad(f(q, k, v, o).square().sum(), [q, k, v], { createGraph: true });
          return torch.autograd.grad(gq!.sum().add(gk!.square().sum()).add(gv!.mul(q.sum()).sum()), [q, k, v]);
        };
        const [got, want] = [hv(sdpaFused), hv(sdpaComposed)];
        for (let i = 0; i < 3; i++) await close(got[i]!, want[i]!, `second-order grad ${'qkv'[i]}`, 5e-4);
      });
    }
  }

  for (const d of devices) {
    it(`runs composed under torch.compile, matching eager (${d})`, async () => {
      const q = torch.randn([1, 2, 5, 4], { device: d });
      const k = torch.randn([1, 2, 6, 4], { device: d });
      const f = (a: Tensor, b: Tensor) => F.scaledDotProductAttention(a, b, b, { isCausal: true });
      await close(torch.compile(f)(q, k) as Tensor, f(q, k), 'compiled');
    });
  }

  for (const d of devices) {
    it(`F.scaledDotProductAttention takes the fused path where it can and refuses bad inputs (${d})`, async () => {
      const q = torch.randn([1, 2, 3, 4], { device: d });
      const k = torch.randn([1, 2, 5, 4], { device: d });
      const out = F.scaledDotProductAttention(q, k, k, { dropoutP: 0 });
      await close(out, sdpaComposed(q, k, k), 'F');
      expect(() => F.scaledDotProductAttention(q, k.index(':, :, :, :3'), k)).toThrow(/same last dim/);
      expect(() => F.scaledDotProductAttention(q, k, k, { attnMask: torch.ones([3, 4], { device: d }) })).toThrow(
        /must broadcast to the scores \[\.\.\., 3, 5\]/,
      );
      expect(() => F.scaledDotProductAttention(q, k, k, { isCausal: true, attnMask: torch.ones([3, 5], { device: d }) })).toThrow(/isCausal/);
      expect(() => F.scaledDotProductAttention(q, k, k, { dropoutP: 2 })).toThrow(/dropoutP/);
    });
  }
});

/** Gradients of the composite ops against central finite differences, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

interface GradCase {
  name: string;
  inputs: Nested[];
  run: (d: Device, ...xs: Tensor[]) => Tensor;
}

const R = (rows: number, cols: number, seed: number): number[][] =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.round(Math.sin(seed + 3 * i + 7 * j) * 100) / 50));
const R3 = (b: number, rows: number, cols: number, seed: number) => Array.from({ length: b }, (_, k) => R(rows, cols, seed + 11 * k));

const gradCases: GradCase[] = [
  { name: 'einsum ij,jk->ik', inputs: [R(2, 3, 1), R(3, 2, 2)], run: (_d, a, b) => torch.einsum('ij,jk->ik', a, b) },
  { name: 'einsum attention bhqd,bhkd->bhqk', inputs: [[R3(2, 2, 3, 1)], [R3(2, 2, 3, 5)]], run: (_d, a, b) => torch.einsum('bhqd,bhkd->bhqk', a, b) },
  { name: 'einsum trace', inputs: [R(3, 3, 3)], run: (_d, a) => torch.einsum('ii->', a) },
  { name: 'einsum diagonal', inputs: [R(3, 3, 4)], run: (_d, a) => torch.einsum('ii->i', a) },
  { name: 'einsum of three operands', inputs: [[1, 2], R(2, 3, 5), [0.5, -1, 2]], run: (_d, a, b, c) => torch.einsum('i,ij,j->i', a, b, c) },
  { name: 'einsum with a broadcast ellipsis', inputs: [R3(2, 2, 3, 6), R(3, 2, 7)], run: (_d, a, b) => torch.einsum('...ij,jk->...ik', a, b) },
  { name: 'einsum summing a label of one operand', inputs: [R(2, 3, 8), R(2, 2, 9)], run: (_d, a, b) => torch.einsum('ij,ik->k', a, b) },
  {
    name: 'baddbmm',
    inputs: [R(1, 2, 1), R3(2, 3, 2, 2), R3(2, 2, 2, 3)],
    run: (_d, c, a, b) => torch.baddbmm(c, a, b, { beta: 0.5, alpha: 2 }),
  },
  {
    name: 'scatter a tensor',
    inputs: [R(2, 3, 1), R(2, 2, 2)],
    run: (d, x, s) =>
      x.scatter(
        1,
        it32(d, [
          [2, 0],
          [1, 2],
        ]),
        s,
      ),
  },
  { name: 'scatter a number', inputs: [R(2, 3, 1)], run: (d, x) => x.scatter(0, it32(d, [[1, 0, 1]]), 5) },
  {
    name: 'scatterAdd',
    inputs: [R(3, 2, 1), R(2, 2, 2)],
    run: (d, x, s) =>
      x.scatterAdd(
        0,
        it32(d, [
          [2, 2],
          [0, 2],
        ]),
        s,
      ),
  },
  { name: 'unfold with overlapping windows', inputs: [R(2, 5, 1)], run: (_d, x) => x.unfold(1, 3, 1) },
  { name: 'unfold along dim 0 with gaps', inputs: [R(5, 2, 2)], run: (_d, x) => x.unfold(0, 1, 2) },
  {
    name: 'unfold then more ops',
    inputs: [R(1, 6, 3)],
    run: (_d, x) =>
      x
        .unfold(1, 2, 2)
        .mul(x.unfold(1, 2, 2))
        .sum(-1),
  },
  { name: 'rot90 -1 on dims [1, 2]', inputs: [R3(2, 2, 3, 1)], run: (_d, x) => torch.rot90(x, -1, [1, 2]) },
  { name: 'repeatInterleave a number', inputs: [R(2, 2, 1)], run: (_d, x) => x.repeatInterleave(2, { dim: 1 }) },
  { name: 'repeatInterleave a tensor', inputs: [R(3, 2, 1)], run: (d, x) => x.repeatInterleave(it32(d, [2, 0, 1]), { dim: 0 }) },
  {
    name: 'meshgrid xy and ij',
    inputs: [
      [0.5, -1, 2],
      [1, 0.25],
    ],
    run: (_d, a, b) => {
      const [ax, ay] = torch.meshgrid([a, b], { indexing: 'xy' });
      const [bx, by] = torch.meshgrid([a, b], { indexing: 'ij' });
      return ax.mul(ay.exp()).sum(0).add(bx.mul(by).sum(1));
    },
  },
  { name: 'cdist p=2', inputs: [R(3, 2, 1), R(2, 2, 2)], run: (_d, a, b) => torch.cdist(a, b) },
  { name: 'cdist p=2 through a matmul', inputs: [R(3, 2, 1), R(2, 2, 2)], run: (_d, a, b) => torch.cdist(a, b, { computeMode: 'use_mm_for_euclid_dist' }) },
  { name: 'cdist p=1', inputs: [R(2, 3, 1), R(2, 3, 4)], run: (_d, a, b) => torch.cdist(a, b, { p: 1 }) },
  { name: 'cdist p=3', inputs: [R(2, 2, 1), R(2, 2, 5)], run: (_d, a, b) => torch.cdist(a, b, { p: 3 }) },
  { name: 'cdist batched', inputs: [R3(2, 2, 2, 1), R3(2, 3, 2, 5)], run: (_d, a, b) => torch.cdist(a, b) },
];

/** A fixed weight per output element so that the summed loss does not hide wrong gradients. */
function weighted(out: Tensor): Tensor {
  const w = torch.arange(0, out.numel(), 1, { device: out.device, dtype: 'float32' }).mul(0.7).sin().add(1.2).reshape(out.shape);
  return out.mul(w).sum();
}

/** The weighted loss on the CPU at these input values. */
async function lossOf(run: GradCase['run'], inputs: Tensor[]): Promise<number> {
  return (await weighted(run('cpu', ...inputs)).item()) as number;
}

/** Central differences of the weighted loss on the CPU, element by element. */
async function numericGrads(run: GradCase['run'], inputs: Nested[]): Promise<number[][]> {
  const eps = 1e-2;
  const base = inputs.map((v) => t('cpu', v));
  const grads: number[][] = [];
  for (const [i, x] of base.entries()) {
    const flat = (await x.flatten().tolist()) as number[];
    const g: number[] = [];
    for (let k = 0; k < flat.length; k++) {
      const moved = (delta: number) =>
        base.map((v, j) =>
          j === i
            ? t(
                'cpu',
                flat.map((e, m) => (m === k ? e + delta : e)),
              ).reshape(x.shape)
            : v,
        );
      g.push(((await lossOf(run, moved(eps))) - (await lossOf(run, moved(-eps)))) / (2 * eps));
    }
    grads.push(g);
  }
  return grads;
}

describe.each(devices)('composite op gradients on %s', (device) => {
  it.each(gradCases)('$name matches finite differences', async ({ inputs, run }) => {
    const xs = inputs.map((v) => t(device, v, true));
    weighted(run(device, ...xs)).backward();
    const want = await numericGrads(run, inputs);
    for (const [i, x] of xs.entries()) {
      expect(x.grad, `input ${i}`).not.toBeNull();
      const got = (await x.grad!.flatten().tolist()) as number[];
      got.forEach((v, k) =>
        expect(Math.abs(v - want[i][k]), `input ${i} element ${k}: got ${v}, want ${want[i][k]}`).toBeLessThan(2e-2 + 2e-2 * Math.abs(want[i][k])),
      );
    }
  });

  it('cdist gives a zero gradient at zero distance, as PyTorch', async () => {
    const a = t(
      device,
      [
        [1, 2],
        [0, 0],
      ],
      true,
    );
    const b = t(device, [[1, 2]], true);
    torch.cdist(a, b).sum().backward();
    const ga = (await a.grad!.tolist()) as number[][];
    expect(ga[0]).toEqual([0, 0]);
    expect(Math.hypot(...ga[1])).toBeCloseTo(1, 5);
    expect((await b.grad!.tolist()) as number[][]).toEqual([[1 / Math.sqrt(5), 2 / Math.sqrt(5)].map((v) => expect.closeTo(v, 5))]);
  });

  it('unfold gradients can be differentiated again (createGraph)', async () => {
    const x = t(device, [1, 2, 3], true);
    const y = x.unfold(0, 2, 1).pow(2).sum();
    const [g] = torch.autograd.grad([y], [x], { createGraph: true });
    expect(g).not.toBeNull();
    expectClose(await g!.tolist(), [2, 8, 6]);
    const [gg] = torch.autograd.grad([g!.sum()], [x]);
    expect(gg).not.toBeNull();
    expectClose(await gg!.tolist(), [2, 4, 2]);
  });
});

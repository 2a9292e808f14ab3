/** Losses (F and nn forms) on every device: PyTorch's formulas and reductions, stable extremes, and clear errors. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

const lse = (row: number[]) => Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
const logSoftmax = (row: number[]) => row.map((v) => v - lse(row));
const LOGITS = [
  [1, 2, 0.5],
  [0.1, -1, 2],
  [3, 0, -2],
  [0, 0, 1],
];
const LP = LOGITS.map(logSoftmax);
const W = [0.5, 2, 1];
const T = [1, 2, 0, 1];

/** PyTorch's cross entropy with weight, ignoreIndex and label smoothing, in float64. */
function refCrossEntropy(weight: number[] | null, ignore: number, eps: number, reduction: 'mean' | 'sum'): number {
  const C = 3;
  let nll = 0;
  let smooth = 0;
  let wsum = 0;
  T.forEach((c, i) => {
    if (c === ignore) return;
    const w = weight ? weight[c] : 1;
    nll -= w * LP[i][c];
    smooth -= LP[i].reduce((a, v, k) => a + v * (weight ? weight[k] : 1), 0);
    wsum += w;
  });
  const div = reduction === 'mean' ? wsum : 1;
  return (1 - eps) * (nll / div) + (eps / C) * (smooth / div);
}

interface ValueCase {
  name: string;
  run: (d: Device) => Tensor;
  want: Nested;
}

const X = [0.5, -1, 2, 0];
const Y = [0, 1, 0.5, 0];
const D = X.map((v, i) => Math.abs(v - Y[i]));

const valueCases: ValueCase[] = [
  { name: 'l1Loss none', run: (d) => F.l1Loss(t(d, X), t(d, Y), { reduction: 'none' }), want: D },
  { name: 'l1Loss sum', run: (d) => F.l1Loss(t(d, X), t(d, Y), { reduction: 'sum' }), want: 4 },
  {
    name: 'smoothL1Loss beta 0.8',
    run: (d) => F.smoothL1Loss(t(d, X), t(d, Y), { beta: 0.8, reduction: 'none' }),
    want: D.map((v) => (v < 0.8 ? (0.5 * v * v) / 0.8 : v - 0.4)),
  },
  { name: 'smoothL1Loss beta 0 is L1', run: (d) => F.smoothL1Loss(t(d, X), t(d, Y), { beta: 0 }), want: 1 },
  {
    name: 'huberLoss delta 0.7',
    run: (d) => F.huberLoss(t(d, X), t(d, Y), { delta: 0.7, reduction: 'none' }),
    want: D.map((v) => (v < 0.7 ? 0.5 * v * v : 0.7 * (v - 0.35))),
  },
  {
    name: 'nllLoss weight and ignoreIndex: the mean divides by the kept weights',
    run: (d) => F.nllLoss(t(d, LP), it32(d, T), { weight: t(d, W), ignoreIndex: 1 }),
    want: -(W[2] * LP[1][2] + W[0] * LP[2][0]) / (W[2] + W[0]),
  },
  {
    name: 'nllLoss none: ignored targets give 0',
    run: (d) => F.nllLoss(t(d, LP), it32(d, [1, -100, 0, 1]), { reduction: 'none' }),
    want: [-LP[0][1], 0, -LP[2][0], -LP[3][1]],
  },
  {
    name: 'crossEntropy labelSmoothing',
    run: (d) => F.crossEntropy(t(d, LOGITS), it32(d, T), { labelSmoothing: 0.1 }),
    want: refCrossEntropy(null, -100, 0.1, 'mean'),
  },
  {
    name: 'crossEntropy weight, smoothing and ignoreIndex',
    run: (d) => F.crossEntropy(t(d, LOGITS), it32(d, T), { weight: t(d, W), labelSmoothing: 0.2, ignoreIndex: 2 }),
    want: refCrossEntropy(W, 2, 0.2, 'mean'),
  },
  {
    name: 'crossEntropy ignoreIndex sum',
    run: (d) => F.crossEntropy(t(d, LOGITS), it32(d, T), { ignoreIndex: 1, reduction: 'sum', labelSmoothing: 0.3 }),
    want: refCrossEntropy(null, 1, 0.3, 'sum'),
  },
  {
    name: 'crossEntropy probability targets with weight and smoothing (mean over rows)',
    run: (d) =>
      F.crossEntropy(
        t(d, LOGITS),
        t(d, [
          [0, 1, 0],
          [0.5, 0, 0.5],
          [1, 0, 0],
          [0, 0.2, 0.8],
        ]),
        { weight: t(d, W), labelSmoothing: 0.3 },
      ),
    want:
      -[
        [0, 1, 0],
        [0.5, 0, 0.5],
        [1, 0, 0],
        [0, 0.2, 0.8],
      ]
        .map((p, i) => p.reduce((a, v, k) => a + (v * 0.7 + 0.1) * W[k] * LP[i][k], 0))
        .reduce((a, b) => a + b, 0) / 4,
  },
  {
    name: 'binaryCrossEntropy logs floored at -100',
    run: (d) => F.binaryCrossEntropy(t(d, [0, 1, 0.25]), t(d, [1, 0, 1]), { reduction: 'none' }),
    want: [100, 100, -Math.log(0.25)],
  },
  {
    name: 'binaryCrossEntropy weight broadcast',
    run: (d) => F.binaryCrossEntropy(t(d, [[0.5, 0.25]]), t(d, [[1, 0]]), { weight: t(d, [2, 3]), reduction: 'sum' }),
    want: 2 * Math.log(2) - 3 * Math.log(0.75),
  },
  {
    name: 'binaryCrossEntropyWithLogits stable at ±100, weight and posWeight',
    run: (d) => F.binaryCrossEntropyWithLogits(t(d, [100, -100, 0]), t(d, [0, 0, 1]), { posWeight: t(d, [3]), weight: t(d, [1, 1, 2]), reduction: 'none' }),
    want: [100, 0, 2 * 3 * Math.log(2)],
  },
  {
    name: 'klDiv: 0 where the target is 0; batchmean',
    run: (d) =>
      F.klDiv(
        t(d, [
          [-1, -2],
          [-0.5, -3],
        ]),
        t(d, [
          [0, 1],
          [0.5, 0.5],
        ]),
        { reduction: 'batchmean' },
      ),
    want: (2 + 0.5 * (Math.log(0.5) + 0.5) + 0.5 * (Math.log(0.5) + 3)) / 2,
  },
  { name: 'klDiv logTarget', run: (d) => F.klDiv(t(d, [-1, -2]), t(d, [-0.5, 0]), { logTarget: true, reduction: 'sum' }), want: Math.exp(-0.5) * 0.5 + 2 },
  {
    name: 'cosineEmbeddingLoss with margin',
    run: (d) =>
      F.cosineEmbeddingLoss(
        t(d, [
          [1, 0],
          [1, 1],
          [1, 0],
        ]),
        t(d, [
          [0, 1],
          [1, 1],
          [1, 1],
        ]),
        t(d, [1, -1, -1]),
        { margin: 0.5, reduction: 'none' },
      ),
    want: [1, 0.5, Math.SQRT1_2 - 0.5],
  },
  { name: 'cosineEmbeddingLoss 1-d pair', run: (d) => F.cosineEmbeddingLoss(t(d, [1, 0]), t(d, [1, 1]), t(d, 1)), want: 1 - Math.SQRT1_2 },
];

interface GradCase {
  name: string;
  inputs: (d: Device) => Tensor[];
  run: (...xs: Tensor[]) => Tensor;
  want: Nested[];
}

const gradCases: GradCase[] = [
  {
    name: 'l1Loss: sign, 0 where equal',
    inputs: (d) => [t(d, [1, -1, 2], true), t(d, [0, 0, 2])],
    run: (x, y) => F.l1Loss(x, y, { reduction: 'sum' }),
    want: [[1, -1, 0]],
  },
  {
    name: 'smoothL1Loss',
    inputs: (d) => [t(d, [0.25, -3], true), t(d, [0, 0])],
    run: (x, y) => F.smoothL1Loss(x, y, { beta: 0.5, reduction: 'sum' }),
    want: [[0.5, -1]],
  },
  {
    name: 'huberLoss',
    inputs: (d) => [t(d, [0.25, -3], true), t(d, [0, 0])],
    run: (x, y) => F.huberLoss(x, y, { delta: 0.5, reduction: 'sum' }),
    want: [[0.25, -0.5]],
  },
  {
    name: 'binaryCrossEntropyWithLogits at 0 and at ±100 (finite)',
    inputs: (d) => [t(d, [0, 100, -100], true), t(d, [1, 0, 1])],
    run: (x, y) => F.binaryCrossEntropyWithLogits(x, y, { reduction: 'sum', posWeight: t(x.device, [2]) }),
    want: [[-1, 1, -2]],
  },
  {
    name: 'binaryCrossEntropy, input and target',
    inputs: (d) => [t(d, [0.25], true), t(d, [0.5], true)],
    run: (x, y) => F.binaryCrossEntropy(x, y, { reduction: 'sum' }),
    want: [[(0.25 - 0.5) / (0.25 * 0.75)], [Math.log(0.75) - Math.log(0.25)]],
  },
  {
    name: 'nllLoss weighted mean',
    inputs: (d) => [
      t(
        d,
        [
          [-1, -2],
          [-3, -4],
        ],
        true,
      ),
    ],
    run: (x) => F.nllLoss(x, it32(x.device, [0, 1]), { weight: t(x.device, [1, 3]) }),
    want: [
      [
        [-0.25, 0],
        [0, -0.75],
      ],
    ],
  },
];

describe.each(devices)('losses on %s', (device: Device) => {
  it.each(valueCases)('$name', async ({ run, want }) => {
    const out = run(device);
    expectClose(await out.tolist(), want);
  });

  it.each(gradCases)('gradient: $name', async ({ inputs, run, want }) => {
    const xs = inputs(device);
    run(...xs).backward();
    for (const [i, w] of want.entries()) expectClose(await xs[i].grad!.tolist(), w, `grad ${i}`);
  });

  it('loss modules keep class weights as buffers under PyTorch keys', async () => {
    const w = t(device, W);
    expect(Object.keys(new nn.CrossEntropyLoss({ weight: w }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.NLLLoss().stateDict())).toEqual([]);
    expect(Object.keys(new nn.BCEWithLogitsLoss({ posWeight: w }).stateDict())).toEqual(['pos_weight']);
    const ce = new nn.CrossEntropyLoss({ weight: w, labelSmoothing: 0.2, ignoreIndex: 2 });
    expectClose(await ce.forward(t(device, LOGITS), it32(device, T)).item(), refCrossEntropy(W, 2, 0.2, 'mean'));
    expect(String(new nn.L1Loss())).toBe('L1Loss()');
    expect(String(ce)).toBe('CrossEntropyLoss()');
  });

  it.each([
    { name: 'shape mismatch', run: (d: Device) => F.l1Loss(t(d, [1, 2]), t(d, [1])), message: 'input [2] and target [1] must have the same shape' },
    { name: 'int target for l1', run: (d: Device) => F.l1Loss(t(d, [1]), it32(d, [1])), message: 'must be floating' },
    {
      name: 'bad reduction',
      run: (d: Device) => F.huberLoss(t(d, [1]), t(d, [1]), { reduction: 'avg' as never }),
      message: "reduction must be 'mean', 'sum' or 'none'",
    },
    { name: 'negative beta', run: (d: Device) => F.smoothL1Loss(t(d, [1]), t(d, [1]), { beta: -1 }), message: 'beta must be a number >= 0' },
    { name: 'nll float target', run: (d: Device) => F.nllLoss(t(d, LP), t(d, T)), message: 'target must hold class indices (int32' },
    { name: 'nll class out of range', run: (d: Device) => F.nllLoss(t(d, LP), it32(d, [0, 1, 3, 0])), message: 'target 3 is out of bounds for 3 classes' },
    { name: 'nll batch size', run: (d: Device) => F.nllLoss(t(d, LP), it32(d, [0, 1])), message: 'input [4, 3] and target [2] disagree on the batch size' },
    {
      name: 'nll target shape',
      run: (d: Device) =>
        F.nllLoss(
          t(d, [[[0, 0]], [[0, 0]]]),
          it32(d, [
            [0, 0, 0],
            [0, 0, 0],
          ]),
        ),
      message: 'class-index targets must have shape [2, 2]',
    },
    {
      name: 'weight shape',
      run: (d: Device) => F.crossEntropy(t(d, LOGITS), it32(d, T), { weight: t(d, [1, 2]) }),
      message: 'weight must hold one value per class, shape [3]',
    },
    {
      name: 'labelSmoothing range',
      run: (d: Device) => F.crossEntropy(t(d, LOGITS), it32(d, T), { labelSmoothing: 1.5 }),
      message: 'labelSmoothing must be between 0 and 1',
    },
    {
      name: 'probability targets with ignoreIndex',
      run: (d: Device) => F.crossEntropy(t(d, LOGITS), t(d, LOGITS), { ignoreIndex: 1 }),
      message: 'ignoreIndex is not supported for probability',
    },
    {
      name: 'bce weight broadcast',
      run: (d: Device) => F.binaryCrossEntropy(t(d, [0.5]), t(d, [1]), { weight: t(d, [1, 2]) }),
      message: 'does not broadcast to the input',
    },
    { name: 'klDiv reduction', run: (d: Device) => F.klDiv(t(d, [1]), t(d, [1]), { reduction: 'avg' as never }), message: 'reduction must be' },
    {
      name: 'cosine target shape',
      run: (d: Device) => F.cosineEmbeddingLoss(t(d, [[1, 0]]), t(d, [[1, 0]]), t(d, [1, 1])),
      message: 'must hold one value per row of the inputs [1, 2]',
    },
    {
      name: 'cosine inputs shapes',
      run: (d: Device) => F.cosineEmbeddingLoss(t(d, [[1, 0]]), t(d, [[1, 0, 1]]), t(d, [1])),
      message: 'must have the same shape',
    },
  ])('error: $name', ({ run, message }) => {
    expect(() => run(device)).toThrow(message);
  });
});

/** F.pad, interpolate, adaptiveAvgPool2d, unfold, oneHot, normalize, cosineSimilarity, pairwiseDistance: values, gradients and errors on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { expectClose, it32, t, type Nested } from '../testing/nested-close';

const devices = await testDevices();

interface Case {
  name: string;
  input: (d: Device) => Tensor;
  run: (x: Tensor) => Tensor;
  want: Nested;
  /** The gradient of run(x).sum() with respect to x. */
  grad: Nested;
}

const grid = (d: Device) => torch.arange(9, { device: d }).float().reshape([1, 1, 3, 3]).detach();

const cases: Case[] = [
  { name: 'pad constant with a crop', input: (d) => t(d, [[1, 2, 3]]), run: (x) => F.pad(x, [1, -1], { value: 9 }), want: [[9, 1, 2]], grad: [[1, 1, 0]] },
  {
    name: 'pad reflect',
    input: (d) => t(d, [[[1, 2, 3]]]),
    run: (x) => F.pad(x, [2, 1], { mode: 'reflect' }),
    want: [[[3, 2, 1, 2, 3, 2]]],
    grad: [[[1, 3, 2]]],
  },
  {
    name: 'pad replicate',
    input: (d) => t(d, [[[1, 2, 3]]]),
    run: (x) => F.pad(x, [1, 2], { mode: 'replicate' }),
    want: [[[1, 1, 2, 3, 3, 3]]],
    grad: [[[2, 1, 3]]],
  },
  {
    name: 'pad circular',
    input: (d) => t(d, [[[1, 2, 3]]]),
    run: (x) => F.pad(x, [1, 2], { mode: 'circular' }),
    want: [[[3, 1, 2, 3, 1, 2]]],
    grad: [[[2, 2, 2]]],
  },
  {
    name: 'pad two dims',
    input: (d) => t(d, [[[[1, 2]]]]),
    run: (x) => F.pad(x, [0, 1, 1, 0], { mode: 'replicate' }),
    want: [
      [
        [
          [1, 2, 2],
          [1, 2, 2],
        ],
      ],
    ],
    grad: [[[[2, 4]]]],
  },
  { name: 'interpolate nearest', input: (d) => t(d, [[[1, 2]]]), run: (x) => F.interpolate(x, { size: 4 }), want: [[[1, 1, 2, 2]]], grad: [[[2, 2]]] },
  {
    name: 'interpolate nearest 1.5x',
    input: (d) => t(d, [[[1, 2]]]),
    run: (x) => F.interpolate(x, { scaleFactor: 1.5 }),
    want: [[[1, 1, 2]]],
    grad: [[[2, 1]]],
  },
  {
    name: 'interpolate linear, corners aligned',
    input: (d) => t(d, [[[0, 3]]]),
    run: (x) => F.interpolate(x, { size: 4, mode: 'linear', alignCorners: true }),
    want: [[[0, 1, 2, 3]]],
    grad: [[[2, 2]]],
  },
  {
    name: 'interpolate linear',
    input: (d) => t(d, [[[0, 4]]]),
    run: (x) => F.interpolate(x, { size: 4, mode: 'linear' }),
    want: [[[0, 1, 3, 4]]],
    grad: [[[2, 2]]],
  },
  {
    name: 'interpolate bilinear, corners aligned',
    input: (d) =>
      t(d, [
        [
          [
            [0, 1],
            [2, 3],
          ],
        ],
      ]),
    run: (x) => F.interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true }),
    want: [
      [
        [
          [0, 0.5, 1],
          [1, 1.5, 2],
          [2, 2.5, 3],
        ],
      ],
    ],
    grad: [
      [
        [
          [2.25, 2.25],
          [2.25, 2.25],
        ],
      ],
    ],
  },
  {
    name: 'adaptiveAvgPool2d overlapping windows',
    input: grid,
    run: (x) => F.adaptiveAvgPool2d(x, 2),
    want: [
      [
        [
          [2, 3],
          [5, 6],
        ],
      ],
    ],
    grad: [
      [
        [
          [0.25, 0.5, 0.25],
          [0.5, 1, 0.5],
          [0.25, 0.5, 0.25],
        ],
      ],
    ],
  },
  {
    name: 'unfold 2x2',
    input: grid,
    run: (x) => F.unfold(x, 2),
    want: [
      [
        [0, 1, 3, 4],
        [1, 2, 4, 5],
        [3, 4, 6, 7],
        [4, 5, 7, 8],
      ],
    ],
    grad: [
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ],
  },
  {
    name: 'unfold dilated and padded',
    input: grid,
    // Only the centre pixel falls on a tap: the other taps land in the padding.
    run: (x) => F.unfold(x, 2, { dilation: 2, padding: 1, stride: 2 }),
    want: [
      [
        [0, 0, 0, 4],
        [0, 0, 4, 0],
        [0, 4, 0, 0],
        [4, 0, 0, 0],
      ],
    ],
    grad: [
      [
        [
          [0, 0, 0],
          [0, 4, 0],
          [0, 0, 0],
        ],
      ],
    ],
  },
  {
    name: 'unfold dilated',
    input: (d) => torch.arange(16, { device: d }).float().reshape([1, 1, 4, 4]).detach(),
    run: (x) => F.unfold(x, 2, { dilation: 2 }),
    want: [
      [
        [0, 1, 4, 5],
        [2, 3, 6, 7],
        [8, 9, 12, 13],
        [10, 11, 14, 15],
      ],
    ],
    grad: [
      [
        [
          [1, 1, 1, 1],
          [1, 1, 1, 1],
          [1, 1, 1, 1],
          [1, 1, 1, 1],
        ],
      ],
    ],
  },
  // The gradient of sum(x / |x|) is (1 - x_i * sum(x) / |x|^2) / |x|.
  {
    name: 'normalize',
    input: (d) => t(d, [[3], [4]]),
    run: (x) => F.normalize(x, { dim: 0 }),
    want: [[0.6], [0.8]],
    grad: [[(1 - 21 / 25) / 5], [(1 - 28 / 25) / 5]],
  },
];

describe('spatial functions', () => {
  for (const c of cases) {
    it(`${c.name}: values and gradient`, async () => {
      for (const d of devices) {
        const x = c.input(d);
        x.requiresGrad = true;
        const y = c.run(x);
        expectClose(await y.tolist(), c.want);
        y.sum().backward();
        expectClose(await x.grad!.tolist(), c.grad);
      }
    });
  }

  it('oneHot, cosineSimilarity and pairwiseDistance', async () => {
    for (const d of devices) {
      const h = F.oneHot(it32(d, [0, 2]), 3);
      expect(h.dtype).toBe('int32');
      expect(await h.tolist()).toEqual([
        [1, 0, 0],
        [0, 0, 1],
      ]);
      const a = t(d, [[1, 0]], true);
      const b = t(d, [1, 1], true);
      const cos = F.cosineSimilarity(a, b);
      expectClose(await cos.tolist(), [Math.SQRT1_2]);
      cos.sum().backward();
      expectClose(await a.grad!.tolist(), [[0, Math.SQRT1_2]]);
      expectClose(await F.pairwiseDistance(t(d, [[0, 0]]), t(d, [[3, 4]]), { keepdim: true }).tolist(), [[5]]);
      expectClose(await F.pairwiseDistance(t(d, [[0, 0]]), t(d, [[3, 4]]), { p: 1 }).tolist(), [7]);
    }
  });

  it('Upsample and AdaptiveAvgPool2d are the module forms and print as PyTorch', async () => {
    expect(String(new nn.Upsample({ size: [5, 7] }))).toBe("Upsample(size=(5, 7), mode='nearest')");
    expect(String(new nn.Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }))).toBe("Upsample(scale_factor=2.0, mode='bilinear')");
    expect(String(new nn.AdaptiveAvgPool2d([2, 3]))).toBe('AdaptiveAvgPool2d(output_size=(2, 3))');
    expect(String(new nn.AdaptiveAvgPool2d(1))).toBe('AdaptiveAvgPool2d(output_size=1)');
    for (const d of devices) {
      expectClose(await new nn.AdaptiveAvgPool2d(1)(grid(d)).tolist(), [[[[4]]]]);
      expectClose(await new nn.Upsample({ scaleFactor: 2 })(t(d, [[[1, 2]]])).tolist(), [[[1, 1, 2, 2]]]);
    }
  });

  const errors: [string, () => unknown, RegExp][] = [
    ['odd pads', () => F.pad(torch.zeros([2, 2]), [1]), /pad: pads must be an even-length list of integers, got \[1\]/],
    ['too many pads', () => F.pad(torch.zeros([2]), [1, 1, 1, 1]), /pad 2 dims but the input \[2\] has 1/],
    [
      'reflect wider than the dim',
      () => F.pad(torch.zeros([1, 1, 2]), [2, 0], { mode: 'reflect' }),
      /reflect padding \(2, 0\) must be smaller than the size 2/,
    ],
    ['unknown pad mode', () => F.pad(torch.zeros([2]), [1, 1], { mode: 'edge' as 'reflect' }), /mode must be 'constant', 'reflect', 'replicate' or 'circular'/],
    ['value with reflect', () => F.pad(torch.zeros([1, 3]), [1, 1], { mode: 'reflect', value: 2 }), /only used in constant mode/],
    ['size and scaleFactor', () => F.interpolate(torch.zeros([1, 1, 2]), { size: 2, scaleFactor: 2 }), /give exactly one of size and scaleFactor/],
    [
      'bilinear on 3-D',
      () => F.interpolate(torch.zeros([1, 1, 2]), { size: 4, mode: 'bilinear' }),
      /mode 'bilinear' expects a 4-D input, got shape \[1, 1, 2\]/,
    ],
    [
      'alignCorners with nearest',
      () => F.interpolate(torch.zeros([1, 1, 2]), { size: 4, alignCorners: true }),
      /alignCorners only applies to the linear modes/,
    ],
    ['interpolate 2-D', () => F.interpolate(torch.zeros([1, 2]), { size: 4 }), /expected a 3-D, 4-D or 5-D input/],
    ['adaptive pool 2-D', () => F.adaptiveAvgPool2d(torch.zeros([3, 3]), 1), /adaptiveAvgPool2d: expected a 3-D \[C, H, W\] or 4-D/],
    ['adaptive pool size 0', () => F.adaptiveAvgPool2d(torch.zeros([1, 3, 3]), 0), /outputSize must be a positive integer/],
    ['unfold 3-D', () => F.unfold(torch.zeros([1, 3, 3]), 2), /unfold: expected a 4-D input \[N, C, H, W\], got shape \[1, 3, 3\]/],
    ['unfold kernel too big', () => F.unfold(torch.zeros([1, 1, 2, 2]), 3), /kernel 3x3 \(dilation 1x1\) is larger than the padded input 2x2/],
    ['oneHot float', () => F.oneHot(torch.zeros([2]), 3), /oneHot: expects an int32 tensor of class indices, got float32/],
    ['oneHot out of range', () => F.oneHot(torch.tensor([0, 3], { dtype: 'int32', device: 'cpu' }), 3), /class values must be in \[0, 3\), got 3/],
    ['cosine shapes', () => F.cosineSimilarity(torch.zeros([2, 3]), torch.zeros([2])), /cosineSimilarity/],
    ['Upsample without a size', () => new nn.Upsample({ mode: 'nearest' }), /Upsample: give exactly one of size and scaleFactor/],
  ];
  for (const [name, f, re] of errors) it(`refuses ${name}`, () => expect(f).toThrow(re));
});

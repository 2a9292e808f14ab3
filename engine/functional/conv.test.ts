/**
 * Convolutions and pools on every device: forward against plain-loop references, gradients
 * against finite differences of those references, and the errors of bad shapes.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { F, nn, torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

interface Arr {
  shape: number[];
  data: number[];
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic values in [-1, 1). */
function randomArr(shape: number[], seed: number): Arr {
  let s = seed * 7919 + 17;
  const data = Array.from({ length: numel(shape) }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
  return { shape, data };
}

interface Geometry {
  stride: [number, number];
  padding: [number, number];
  padAfter?: [number, number];
  dilation: [number, number];
  groups: number;
}

/** Direct conv2d: out[n, o, r, c] = b[o] + sum x[n, g*cg + ci, r*s - p + ki*d, ...] * w[o, ci, ki, kj]. */
function conv2dRef([x, w, b]: Arr[], g: Geometry): Arr {
  const [n, c, h, wd] = x.shape;
  const [o, cg, kh, kw] = w.shape;
  const after = g.padAfter ?? g.padding;
  const oh = Math.floor((h + g.padding[0] + after[0] - g.dilation[0] * (kh - 1) - 1) / g.stride[0]) + 1;
  const ow = Math.floor((wd + g.padding[1] + after[1] - g.dilation[1] * (kw - 1) - 1) / g.stride[1]) + 1;
  const og = o / g.groups;
  const out = new Array<number>(n * o * oh * ow).fill(0);
  for (let ni = 0; ni < n; ni++)
    for (let oi = 0; oi < o; oi++)
      for (let r = 0; r < oh; r++)
        for (let col = 0; col < ow; col++) {
          let acc = b ? b.data[oi] : 0;
          for (let ci = 0; ci < cg; ci++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const y = r * g.stride[0] - g.padding[0] + ki * g.dilation[0];
                const xx = col * g.stride[1] - g.padding[1] + kj * g.dilation[1];
                if (y < 0 || y >= h || xx < 0 || xx >= wd) continue;
                const chan = Math.floor(oi / og) * cg + ci;
                acc += x.data[((ni * c + chan) * h + y) * wd + xx] * w.data[((oi * cg + ci) * kh + ki) * kw + kj];
              }
          out[((ni * o + oi) * oh + r) * ow + col] = acc;
        }
  return { shape: [n, o, oh, ow], data: out };
}

/** Direct transposed conv2d: each input element adds x * w[c, o, ki, kj] at (i * s - p + ki * d, ...). */
function convTranspose2dRef([x, w, b]: Arr[], g: Geometry & { outputPadding: [number, number] }): Arr {
  const [n, c, h, wd] = x.shape;
  const [, og, kh, kw] = w.shape;
  const cg = c / g.groups;
  const o = og * g.groups;
  const size = (len: number, d: 0 | 1, k: number) => (len - 1) * g.stride[d] - 2 * g.padding[d] + g.dilation[d] * (k - 1) + g.outputPadding[d] + 1;
  const [oh, ow] = [size(h, 0, kh), size(wd, 1, kw)];
  const out = new Array<number>(n * o * oh * ow).fill(0);
  for (let ni = 0; ni < n; ni++) for (let oi = 0; oi < o; oi++) for (let p = 0; p < oh * ow; p++) out[(ni * o + oi) * oh * ow + p] = b ? b.data[oi] : 0;
  for (let ni = 0; ni < n; ni++)
    for (let ci = 0; ci < c; ci++)
      for (let i = 0; i < h; i++)
        for (let j = 0; j < wd; j++)
          for (let ol = 0; ol < og; ol++)
            for (let ki = 0; ki < kh; ki++)
              for (let kj = 0; kj < kw; kj++) {
                const y = i * g.stride[0] - g.padding[0] + ki * g.dilation[0];
                const xx = j * g.stride[1] - g.padding[1] + kj * g.dilation[1];
                if (y < 0 || y >= oh || xx < 0 || xx >= ow) continue;
                const oi = Math.floor(ci / cg) * og + ol;
                out[((ni * o + oi) * oh + y) * ow + xx] += x.data[((ni * c + ci) * h + i) * wd + j] * w.data[((ci * og + ol) * kh + ki) * kw + kj];
              }
  return { shape: [n, o, oh, ow], data: out };
}

interface PoolGeometry {
  kernel: [number, number];
  stride: [number, number];
  padding: [number, number];
  dilation: [number, number];
  ceilMode: boolean;
}

/** PyTorch's pooling output size. */
function poolOut(len: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  const span = d * (k - 1) + 1;
  let out = (ceil ? Math.ceil((len + 2 * p - span) / s) : Math.floor((len + 2 * p - span) / s)) + 1;
  if (ceil && (out - 1) * s >= len + p) out--;
  return out;
}

/** Max or average pooling by PyTorch's definitions (average: countIncludePad counts padding inside the padded input). */
function poolRef([x]: Arr[], g: PoolGeometry, kind: 'max' | 'avg', countIncludePad = true): Arr {
  const [n, c, h, w] = x.shape;
  const oh = poolOut(h, g.kernel[0], g.stride[0], g.padding[0], g.dilation[0], g.ceilMode);
  const ow = poolOut(w, g.kernel[1], g.stride[1], g.padding[1], g.dilation[1], g.ceilMode);
  const out: number[] = [];
  for (let p = 0; p < n * c; p++)
    for (let r = 0; r < oh; r++)
      for (let col = 0; col < ow; col++) {
        const y0 = r * g.stride[0] - g.padding[0];
        const x0 = col * g.stride[1] - g.padding[1];
        let best = -Infinity;
        let sum = 0;
        for (let ki = 0; ki < g.kernel[0]; ki++)
          for (let kj = 0; kj < g.kernel[1]; kj++) {
            const y = y0 + ki * g.dilation[0];
            const xx = x0 + kj * g.dilation[1];
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            const v = x.data[(p * h + y) * w + xx];
            best = Math.max(best, v);
            sum += v;
          }
        if (kind === 'max') out.push(best);
        else {
          const clip = (start: number, k: number, len: number, pad: number) => {
            const end = Math.min(start + k, len + pad);
            return countIncludePad ? end - start : Math.min(end, len) - Math.max(start, 0);
          };
          out.push(sum / (clip(y0, g.kernel[0], h, g.padding[0]) * clip(x0, g.kernel[1], w, g.padding[1])));
        }
      }
  return { shape: [n, c, oh, ow], data: out };
}

const squeezeH = (a: Arr): Arr => ({ shape: [a.shape[0], a.shape[1], ...a.shape.slice(3)], data: a.data });
const unsqueezeH = (a: Arr): Arr => ({ shape: [a.shape[0], a.shape[1], 1, ...a.shape.slice(2)], data: a.data });

interface Case {
  name: string;
  shapes: number[][];
  run: (...xs: Tensor[]) => Tensor;
  ref: (xs: Arr[]) => Arr;
}

const G = (o: Partial<Geometry> = {}): Geometry => ({ stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1, ...o });
const P = (o: Partial<PoolGeometry> & { kernel: [number, number] }): PoolGeometry => ({
  stride: o.kernel,
  padding: [0, 0],
  dilation: [1, 1],
  ceilMode: false,
  ...o,
});

const cases: Case[] = [
  {
    name: 'conv2d stride 2, padding 1',
    shapes: [[1, 2, 5, 5], [3, 2, 3, 3], [3]],
    run: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1 }),
    ref: (xs) => conv2dRef(xs, G({ stride: [2, 2], padding: [1, 1] })),
  },
  {
    name: 'conv2d dilation and groups',
    shapes: [[2, 4, 5, 6], [4, 2, 3, 2], [4]],
    run: (x, w, b) => F.conv2d(x, w, b, { padding: [2, 1], dilation: [2, 1], groups: 2 }),
    ref: (xs) => conv2dRef(xs, G({ padding: [2, 1], dilation: [2, 1], groups: 2 })),
  },
  {
    name: 'conv2d depthwise (groups = channels), stride [1, 2]',
    shapes: [[1, 3, 4, 5], [6, 1, 2, 2], [6]],
    run: (x, w, b) => F.conv2d(x, w, b, { stride: [1, 2], groups: 3 }),
    ref: (xs) => conv2dRef(xs, G({ stride: [1, 2], groups: 3 })),
  },
  {
    name: "conv2d padding 'same' with an even kernel (padded more after)",
    shapes: [
      [1, 2, 4, 5],
      [2, 2, 2, 4],
    ],
    run: (x, w) => F.conv2d(x, w, null, { padding: 'same', dilation: [1, 1] }),
    ref: (xs) => conv2dRef([xs[0], xs[1]], G({ padding: [0, 1], padAfter: [1, 2] })),
  },
  {
    name: 'conv1d stride, padding, dilation, groups',
    shapes: [[2, 4, 9], [6, 2, 3], [6]],
    run: (x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
    ref: ([x, w, b]) => squeezeH(conv2dRef([unsqueezeH(x), unsqueezeH(w), b], G({ stride: [1, 2], padding: [0, 1], dilation: [1, 2], groups: 2 }))),
  },
  {
    name: 'convTranspose2d stride 2, padding 1, outputPadding 1',
    shapes: [[1, 3, 3, 2], [3, 2, 3, 3], [2]],
    run: (x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
    ref: (xs) => convTranspose2dRef(xs, { ...G({ stride: [2, 2], padding: [1, 1] }), outputPadding: [1, 1] }),
  },
  {
    name: 'convTranspose2d groups, dilation, stride [2, 1]',
    shapes: [[1, 4, 3, 3], [4, 1, 2, 3], [2]],
    run: (x, w, b) => F.convTranspose2d(x, w, b, { stride: [2, 1], dilation: [1, 2], groups: 2, padding: [0, 1] }),
    ref: (xs) => convTranspose2dRef(xs, { ...G({ stride: [2, 1], dilation: [1, 2], groups: 2, padding: [0, 1] }), outputPadding: [0, 0] }),
  },
  {
    name: 'convTranspose1d stride 3',
    shapes: [
      [1, 2, 4],
      [2, 3, 2],
    ],
    run: (x, w) => F.convTranspose1d(x, w, null, { stride: 3 }),
    ref: ([x, w]) => squeezeH(convTranspose2dRef([unsqueezeH(x), unsqueezeH(w)], { ...G({ stride: [1, 3] }), outputPadding: [0, 0] })),
  },
  {
    name: 'maxPool2d kernel 3, stride 2, padding 1, ceil mode',
    shapes: [[1, 2, 6, 5]],
    run: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }),
    ref: (xs) => poolRef(xs, P({ kernel: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true }), 'max'),
  },
  {
    name: 'maxPool2d dilation 2',
    shapes: [[1, 1, 6, 6]],
    run: (x) => F.maxPool2d(x, 2, { stride: 1, dilation: 2 }),
    ref: (xs) => poolRef(xs, P({ kernel: [2, 2], stride: [1, 1], dilation: [2, 2] }), 'max'),
  },
  {
    name: 'maxPool1d kernel 3, stride 2, padding 1',
    shapes: [[2, 2, 9]],
    run: (x) => F.maxPool1d(x, 3, { stride: 2, padding: 1 }),
    ref: ([x]) => squeezeH(poolRef([unsqueezeH(x)], P({ kernel: [1, 3], stride: [1, 2], padding: [0, 1] }), 'max')),
  },
  {
    name: 'avgPool1d countIncludePad false',
    shapes: [[2, 2, 9]],
    run: (x) => F.avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
    ref: ([x]) => squeezeH(poolRef([unsqueezeH(x)], P({ kernel: [1, 3], stride: [1, 2], padding: [0, 1] }), 'avg', false)),
  },
  {
    name: 'avgPool2d ceil mode, padding counted',
    shapes: [[1, 2, 5, 6]],
    run: (x) => F.avgPool2d(x, [2, 3], { stride: 2, padding: 1, ceilMode: true }),
    ref: (xs) => poolRef(xs, P({ kernel: [2, 3], stride: [2, 2], padding: [1, 1], ceilMode: true }), 'avg', true),
  },
];

/** sum(ref(xs) * gOut) and its gradient by central differences. */
function finiteDifferences(c: Case, xs: Arr[], gOut: number[]): number[][] {
  const loss = (ys: Arr[]) => c.ref(ys).data.reduce((acc, v, i) => acc + v * gOut[i], 0);
  const eps = 1e-4;
  return xs.map((x, k) =>
    x.data.map((_, i) => {
      const at = (delta: number) => loss(xs.map((y, j) => (j === k ? { shape: y.shape, data: y.data.map((v, m) => (m === i ? v + delta : v)) } : y)));
      return (at(eps) - at(-eps)) / (2 * eps);
    }),
  );
}

function expectNear(got: ArrayLike<number>, want: readonly number[], tol: number, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]: got ${got[i]}, want ${want[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i])));
  }
}

describe.each(devices)('convolutions and pools on %s', (device: Device) => {
  it.each(cases)('$name: forward and gradients', async (c) => {
    const xs = c.shapes.map((s, i) => randomArr(s, i + 1));
    const want = c.ref(xs);
    const leaves = xs.map((x) => torch.tensor(x.data, { device, requiresGrad: true }));
    const out = c.run(...leaves.map((l, i) => l.reshape(xs[i].shape)));
    expect(out.shape).toEqual(want.shape);
    expectNear(await out.data(), want.data, 1e-5, 'forward');
    const gOut = randomArr(want.shape, 99).data;
    out.mul(torch.tensor(gOut, { device }).reshape(want.shape)).sum().backward();
    const fd = finiteDifferences(c, xs, gOut);
    for (const [i, leaf] of leaves.entries()) expectNear(await leaf.grad!.data(), fd[i], 1e-3, `grad ${i}`);
  });

  it('nn modules run their functional forms with their own weights', async () => {
    const x = torch.tensor(randomArr([1, 4, 7], 3).data, { device }).reshape([1, 4, 7]);
    const m = new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }).to(device);
    expect(m.weight.shape).toEqual([6, 2, 3]);
    const want = await F.conv1d(x, m.weight, m.bias, { stride: 2, padding: 1, dilation: 2, groups: 2 }).data();
    expectNear(await m.forward(x).data(), Array.from(want), 0, 'Conv1d');
    const t = new nn.ConvTranspose2d(4, 2, 3, { stride: 2, groups: 2 }).to(device);
    expect(t.weight.shape).toEqual([4, 1, 3, 3]);
    expect(t.forward(torch.zeros([1, 4, 2, 2], { device })).shape).toEqual([1, 2, 5, 5]);
  });
});

describe('conv and pool modules', () => {
  it('print as PyTorch prints them', () => {
    expect(String(new nn.Conv1d(4, 6, 3, { stride: 2, padding: 1, dilation: 2, groups: 2 }))).toBe(
      'Conv1d(4, 6, kernel_size=(3,), stride=(2,), padding=(1,), dilation=(2,), groups=2)',
    );
    expect(String(new nn.Conv2d(4, 6, [3, 2], { padding: 'same', bias: false }))).toBe(
      'Conv2d(4, 6, kernel_size=(3, 2), stride=(1, 1), padding=same, bias=False)',
    );
    expect(String(new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }))).toBe(
      'ConvTranspose2d(4, 2, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), output_padding=(1, 1))',
    );
    expect(String(new nn.MaxPool1d(3, { stride: 2, padding: 1 }))).toBe('MaxPool1d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)');
    expect(String(new nn.AvgPool1d(3, { stride: 2 }))).toBe('AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))');
  });

  it('initialise weight and bias within 1/sqrt(fan_in), fan_in = in / groups * kernel size', async () => {
    const m = new nn.Conv2d(4, 8, 3, { groups: 4 });
    const bound = 1 / Math.sqrt(1 * 9);
    const values = [...(await m.weight.data()), ...(await m.bias!.data())];
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(bound / 2);
  });
});

describe('conv and pool errors', () => {
  const x4 = () => torch.zeros([1, 4, 5, 5]);
  it.each([
    {
      name: 'Conv2d in channels not divisible by groups',
      call: () => new nn.Conv2d(4, 6, 3, { groups: 3 }),
      want: /Conv2d: in_channels \(4\) must be divisible by groups \(3\)/,
    },
    {
      name: 'Conv1d out channels not divisible by groups',
      call: () => new nn.Conv1d(4, 6, 3, { groups: 4 }),
      want: /Conv1d: out_channels \(6\) must be divisible by groups \(4\)/,
    },
    {
      name: 'conv2d input channels mismatch with groups',
      call: () => F.conv2d(x4(), torch.zeros([6, 3, 3, 3]), null, { groups: 2 }),
      want: /conv2d: input \[1, 4, 5, 5\] must be \[N, 6, H, W\] to match weight \[6, 3, 3, 3\] with groups=2/,
    },
    {
      name: 'conv2d weight out channels not divisible by groups',
      call: () => F.conv2d(x4(), torch.zeros([3, 2, 3, 3]), null, { groups: 2 }),
      want: /conv2d: out channels 3 of weight \[3, 2, 3, 3\] are not divisible by groups=2/,
    },
    {
      name: 'conv2d dilated kernel larger than the padded input',
      call: () => F.conv2d(x4(), torch.zeros([2, 4, 3, 3]), null, { dilation: 3 }),
      want: /conv2d: kernel 7x7 \(dilated from 3x3\) is larger than the padded input 5x5 \(input shape \[1, 4, 5, 5\]\)/,
    },
    {
      name: 'conv1d kernel larger than the padded input',
      call: () => F.conv1d(torch.zeros([1, 2, 4]), torch.zeros([1, 2, 7])),
      want: /conv1d: kernel 7 \(weight \[1, 2, 7\]\) is larger than the padded input 4 \(input shape \[1, 2, 4\]\)/,
    },
    {
      name: 'conv1d input channels mismatch',
      call: () => F.conv1d(torch.zeros([1, 3, 8]), torch.zeros([2, 2, 3])),
      want: /conv1d: input \[1, 3, 8\] must be \[N, 2, L\] to match weight \[2, 2, 3\]/,
    },
    {
      name: 'convTranspose2d input channels mismatch',
      call: () => F.convTranspose2d(x4(), torch.zeros([3, 2, 3, 3])),
      want: /convTranspose2d: input \[1, 4, 5, 5\] must be \[N, 3, H, W\] to match weight \[3, 2, 3, 3\]/,
    },
    {
      name: 'convTranspose2d outputPadding too large',
      call: () => F.convTranspose2d(x4(), torch.zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }),
      want: /convTranspose2d: outputPadding 2,2 must be smaller than either stride 2,2 or dilation 1,1/,
    },
    {
      name: "conv2d 'same' with a stride",
      call: () => F.conv2d(x4(), torch.zeros([2, 4, 3, 3]), null, { padding: 'same', stride: 2 }),
      want: /conv2d: padding='same'/,
    },
    { name: 'conv2d bias of the wrong size', call: () => F.conv2d(x4(), torch.zeros([2, 4, 3, 3]), torch.zeros([3])), want: /conv2d: bias must be \[2\]/ },
    { name: 'maxPool1d of a 4-D input', call: () => F.maxPool1d(x4(), 2), want: /maxPool1d: expected a 3-D input \[N, C, L\], got shape \[1, 4, 5, 5\]/ },
    {
      name: 'avgPool1d padding over half the kernel',
      call: () => F.avgPool1d(torch.zeros([1, 1, 8]), 2, { padding: 2 }),
      want: /avgPool1d: padding 0,2 should be at most half/,
    },
  ])('$name', ({ call, want }) => {
    expect(call).toThrow(want);
  });
});

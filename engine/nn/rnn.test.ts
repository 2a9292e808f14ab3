/** Recurrent layers and the fused step kernel, on every device: values, gradients, kernel counts and errors. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { nn, torch, type Tensor } from '../index';
import { rnnStep, rnnStepComposed, type RnnMode } from '../ops/rnn-cell';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

async function flat(x: Tensor): Promise<number[]> {
  return Array.from(await x.detach().to('cpu').contiguous().data());
}

async function expectNear(got: Tensor, want: Tensor, tol = 2e-5): Promise<void> {
  expect(got.shape).toEqual(want.shape);
  const [a, b] = [await flat(got), await flat(want)];
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `element ${i}: got ${v}, want ${b[i]}`).toBeLessThanOrEqual(tol + tol * Math.abs(b[i])));
}

const GATES: Record<RnnMode, number> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

/** Step inputs [gx, h, c, wHh, bHh] (c null except LSTM), seeded, requiring grad. */
function stepInputs(d: Device, mode: RnnMode, B: number, H: number, bias = true): [Tensor, Tensor, Tensor | null, Tensor, Tensor | null] {
  torch.manualSeed(7);
  const G = GATES[mode] * H;
  const r = (shape: number[]) => torch.randn(shape, { device: d }).mul(0.7).detach().requiresGrad_();
  return [r([B, G]), r([B, H]), mode === 'lstm' ? r([B, H]) : null, r([G, H]), bias ? r([G]) : null];
}

const stepCases: { mode: RnnMode; B: number; H: number; bias: boolean }[] = [
  { mode: 'tanh', B: 3, H: 5, bias: true },
  { mode: 'relu', B: 2, H: 4, bias: false },
  { mode: 'lstm', B: 3, H: 5, bias: true },
  { mode: 'lstm', B: 17, H: 19, bias: false },
  { mode: 'gru', B: 3, H: 5, bias: true },
  { mode: 'gru', B: 2, H: 18, bias: false },
];

describe.each(devices)('the fused recurrent step on %s', (d) => {
  it.each(stepCases)('$mode (batch $B, hidden $H, bias $bias): values and gradients match the composed step', async ({ mode, B, H, bias }) => {
    const inputs = stepInputs(d, mode, B, H, bias);
    const [gx, h, c, w, b] = inputs;
    const [h1, c1] = rnnStep(mode, gx, h, c, w, b);
    const [h2, c2] = rnnStepComposed(mode, gx, h, c, w, b);
    await expectNear(h1, h2);
    if (mode === 'lstm') await expectNear(c1!, c2!);
    else expect(c1).toBeNull();
    // A loss that weighs h' and c' differently, so both gradients flow.
    const loss = (hN: Tensor, cN: Tensor | null) => {
      const wts = torch.arange(hN.numel(), { device: d }).reshape(hN.shape).mul(0.1).sin();
      const l = hN.mul(wts).sum();
      return cN ? l.add(cN.mul(wts.cos()).sum()) : l;
    };
    const leaves = inputs.filter((t): t is Tensor => t !== null);
    const fused = torch.autograd.grad(loss(h1, c1), leaves);
    const composed = torch.autograd.grad(loss(h2, c2), leaves);
    for (let k = 0; k < leaves.length; k++) await expectNear(fused[k]!, composed[k]!, 5e-5);
  });

  it('the LSTM step gradient matches finite differences', async () => {
    const inputs = stepInputs(d, 'lstm', 2, 3);
    const leaves = inputs.filter((t): t is Tensor => t !== null);
    const f = (xs: Tensor[]) => {
      const [hN, cN] = rnnStep('lstm', xs[0], xs[1], xs[2], xs[3], xs[4]);
      return hN.mul(hN).sum().add(cN!.sum());
    };
    const grads = torch.autograd.grad(f(leaves), leaves);
    const eps = 1e-2;
    for (let k = 0; k < leaves.length; k++) {
      const base = await flat(leaves[k]);
      const got = await flat(grads[k]!);
      for (let i = 0; i < base.length; i++) {
        const at = (delta: number) => {
          const v = base.slice();
          v[i] += delta;
          const xs = leaves.slice();
          xs[k] = torch.tensor(v, { device: d }).reshape(leaves[k].shape);
          return torch.noGrad(() => f(xs));
        };
        const fd = (Number(await at(eps).item()) - Number(await at(-eps).item())) / (2 * eps);
        expect(Math.abs(got[i] - fd), `input ${k} element ${i}: autograd ${got[i]}, finite differences ${fd}`).toBeLessThanOrEqual(2e-3 + 2e-3 * Math.abs(fd));
      }
    }
  });

  it('a step is one kernel, and an LSTM over 6 steps runs one kernel per step plus a fixed few', async () => {
    const [gx, h, c, w, b] = stepInputs(d, 'lstm', 2, 4).map((t) => t?.detach() ?? null) as [Tensor, Tensor, Tensor, Tensor, Tensor];
    const backend = h.backend;
    let before = backend.kernelCount;
    rnnStep('lstm', gx, h, c, w, b);
    expect(backend.kernelCount - before).toBe(1);
    const lstm = new nn.LSTM(3, 4).to(d);
    const x = torch.randn([6, 2, 3], { device: d });
    const count = (steps: number) => {
      before = backend.kernelCount;
      torch.noGrad(() => lstm.forward(x.narrow(0, 0, steps)));
      return backend.kernelCount - before;
    };
    expect(count(6) - count(3)).toBe(3); // per step: the fused step, writing into the states
  });

  it.each(['tanh', 'relu', 'lstm', 'gru'] as RnnMode[])(
    'the fused %s sequence (both directions) matches the composed steps, values and gradients',
    async (mode) => {
      torch.manualSeed(11);
      const [I, H, L, B] = [3, 5, 4, 2];
      const layer = (
        mode === 'lstm'
          ? new nn.LSTM(I, H, { bidirectional: true })
          : mode === 'gru'
            ? new nn.GRU(I, H, { bidirectional: true })
            : new nn.RNN(I, H, { bidirectional: true, nonlinearity: mode })
      ).to(d);
      const x = torch.randn([L, B, I], { device: d }).requiresGrad_();
      const h0 = torch.randn([2, B, H], { device: d }).requiresGrad_();
      const c0 = torch.randn([2, B, H], { device: d }).requiresGrad_();
      const run = (): Tensor[] => {
        if (mode === 'lstm') {
          const [out, [h, c]] = (layer as InstanceType<typeof nn.LSTM>).forward(x, [h0, c0]);
          return [out, h, c];
        }
        const [out, h] = (layer as InstanceType<typeof nn.GRU>).forward(x, h0);
        return [out, h];
      };
      const fields = layer as unknown as Record<string, Tensor>;
      const reference = (): Tensor[] => {
        const outs: Tensor[] = [];
        const hs: Tensor[] = [];
        const cs: Tensor[] = [];
        for (const [dir, sfx] of [
          [0, ''],
          [1, '_reverse'],
        ] as const) {
          const gx = x.matmul(fields[`weight_ih_l0${sfx}`].t()).add(fields[`bias_ih_l0${sfx}`]);
          let h = h0.select(0, dir);
          let c: Tensor | null = mode === 'lstm' ? c0.select(0, dir) : null;
          const seq = new Array<Tensor>(L);
          for (let k = 0; k < L; k++) {
            const t = dir ? L - 1 - k : k;
            [h, c] = rnnStepComposed(mode, gx.select(0, t), h, c, fields[`weight_hh_l0${sfx}`], fields[`bias_hh_l0${sfx}`]);
            seq[t] = h;
          }
          outs.push(torch.stack(seq, 0));
          hs.push(h);
          if (c) cs.push(c);
        }
        const res = [torch.cat(outs, 2), torch.stack(hs, 0)];
        return mode === 'lstm' ? [...res, torch.stack(cs, 0)] : res;
      };
      const leaves = [x, h0, ...(mode === 'lstm' ? [c0] : []), ...layer.parameters()];
      const lossOf = (ts: Tensor[]) =>
        ts
          .map((t, k) =>
            t
              .mul(
                torch
                  .arange(t.numel(), { device: d })
                  .reshape(t.shape)
                  .mul(0.37 + k)
                  .sin(),
              )
              .sum(),
          )
          .reduce((a, b) => a.add(b));
      const got = run();
      const want = reference();
      for (let k = 0; k < got.length; k++) await expectNear(got[k], want[k]);
      const gGot = torch.autograd.grad(lossOf(got), leaves);
      const gWant = torch.autograd.grad(lossOf(want), leaves);
      for (let k = 0; k < leaves.length; k++) await expectNear(gGot[k]!, gWant[k]!, 5e-5);
    },
  );
});

describe.each(devices)('recurrent layers on %s', (d) => {
  it('unbatched input gives the batched result without the batch dim', async () => {
    torch.manualSeed(1);
    const gru = new nn.GRU(3, 4, { numLayers: 2 }).to(d);
    const x = torch.randn([5, 3], { device: d });
    const h0 = torch.randn([2, 4], { device: d });
    const [out, h] = gru.forward(x, h0);
    const [outB, hB] = gru.forward(x.unsqueeze(1), h0.unsqueeze(1));
    expect(out.shape).toEqual([5, 4]);
    expect(h.shape).toEqual([2, 4]);
    await expectNear(out, outB.squeeze(1));
    await expectNear(h, hB.squeeze(1));
  });

  it('a bidirectional layer: the reverse half of the output at step 0 is the reverse final state', async () => {
    torch.manualSeed(2);
    const rnn = new nn.RNN(3, 4, { bidirectional: true, batchFirst: true }).to(d);
    const [out, h] = rnn.forward(torch.randn([2, 5, 3], { device: d }));
    expect(out.shape).toEqual([2, 5, 8]);
    await expectNear(out.select(1, 0).narrow(1, 4, 4), h.select(0, 1));
    await expectNear(out.select(1, 4).narrow(1, 0, 4), h.select(0, 0));
  });

  it('createGraph through a fused layer is a clear error; through a cell it differentiates twice', async () => {
    torch.manualSeed(5);
    const lstm = new nn.LSTM(2, 3).to(d);
    const x = torch.randn([2, 1, 2], { device: d }).requiresGrad_();
    const [out] = lstm.forward(x);
    expect(() => torch.autograd.grad(out.sum(), [x], { createGraph: true })).toThrow('createGraph through the fused nn.RNN/LSTM/GRU');
    const cell = new nn.GRUCell(2, 3).to(d);
    const [g] = torch.autograd.grad(cell.forward(x.select(0, 0)).square().sum(), [x], { createGraph: true });
    const [gg] = torch.autograd.grad(g!.sum(), [x]);
    expect(gg!.shape).toEqual([2, 1, 2]);
    expect((await flat(gg!.abs().sum()))[0]).toBeGreaterThan(0);
  });

  it('under torch.compile the layer traces the composed step and gives the eager result', async () => {
    torch.manualSeed(6);
    const gru = new nn.GRU(2, 3, { batchFirst: true }).to(d);
    const x = torch.randn([2, 3, 2], { device: d });
    const compiled = torch.compile((t: Tensor) => gru.forward(t)[0]);
    const [eager] = torch.noGrad(() => gru.forward(x));
    await expectNear(
      torch.noGrad(() => compiled(x)),
      eager,
    );
  });

  it('inter-layer dropout acts in training mode only', async () => {
    torch.manualSeed(3);
    const lstm = new nn.LSTM(3, 8, { numLayers: 2, dropout: 0.9 }).to(d);
    const x = torch.randn([4, 2, 3], { device: d });
    const [a] = lstm.eval().forward(x);
    const [b] = lstm.eval().forward(x);
    const [c] = lstm.train().forward(x);
    await expectNear(a, b);
    const diff = await flat(a.sub(c).abs().sum());
    expect(diff[0]).toBeGreaterThan(1e-3);
  });

  it('cells match one step of the layers', async () => {
    torch.manualSeed(4);
    const layer = new nn.LSTM(3, 4).to(d);
    const cell = new nn.LSTMCell(3, 4).to(d);
    cell.loadStateDict({ weight_ih: layer.weight_ih_l0, weight_hh: layer.weight_hh_l0, bias_ih: layer.bias_ih_l0, bias_hh: layer.bias_hh_l0 });
    const x = torch.randn([2, 3], { device: d });
    const [h, c] = cell.forward(x);
    const [, [hN, cN]] = layer.forward(x.unsqueeze(0));
    await expectNear(h, hN.squeeze(0));
    await expectNear(c, cN.squeeze(0));
    const gru = new nn.GRUCell(3, 4).to(d);
    expect(gru.forward(x.select(0, 0)).shape).toEqual([4]);
    expect(new nn.RNNCell(3, 4, { nonlinearity: 'relu' }).to(d).forward(x, torch.full([2, 4], 0, { device: d })).shape).toEqual([2, 4]);
  });
});

describe('recurrent layers: parameters, printing and errors', () => {
  it('parameters are named and shaped as PyTorch, initialised in U(-1/sqrt(hidden), 1/sqrt(hidden))', async () => {
    const gru = new nn.GRU(3, 4, { bias: false, bidirectional: true });
    const shapes = gru.namedParameters().map(([k, p]) => `${k}:${p.shape.join('x')}`);
    expect(shapes).toEqual(['weight_ih_l0:12x3', 'weight_hh_l0:12x4', 'weight_ih_l0_reverse:12x3', 'weight_hh_l0_reverse:12x4']);
    const values = (await Promise.all(gru.parameters().map(flat))).flat();
    expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(0.5);
    expect(Object.keys(new nn.LSTMCell(2, 3).stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
  });

  it.each([
    [() => new nn.RNN(4, 6), 'RNN(4, 6)'],
    [() => new nn.GRU(4, 6, { bias: false, dropout: 0.5 }), 'GRU(4, 6, bias=False, dropout=0.5)'],
    [() => new nn.LSTM(10, 20, { numLayers: 2, batchFirst: true, bidirectional: true }), 'LSTM(10, 20, num_layers=2, batch_first=True, bidirectional=True)'],
    [() => new nn.RNNCell(3, 5, { nonlinearity: 'relu' }), "RNNCell(3, 5, nonlinearity='relu')"],
    [() => new nn.LSTMCell(3, 5, { bias: false }), 'LSTMCell(3, 5, bias=False)'],
    [() => new nn.GRUCell(3, 5), 'GRUCell(3, 5)'],
  ])('prints as PyTorch: %#', (make, want) => {
    expect(String(make())).toBe(want);
  });

  it.each([
    ['wrong input size', () => new nn.LSTM(4, 6).forward(torch.zeros([5, 3, 3])), 'input.size(-1) must be equal to input_size. Expected 4, got 3'],
    ['a 4-d input', () => new nn.GRU(4, 6).forward(torch.zeros([1, 5, 3, 4])), 'expected input to be 2-D or 3-D'],
    [
      'wrong h0 shape',
      () => new nn.RNN(4, 6, { numLayers: 2 }).forward(torch.zeros([5, 3, 4]), torch.zeros([1, 3, 6])),
      'expected hidden state of size [2, 3, 6]',
    ],
    [
      'wrong c0 shape',
      () => new nn.LSTM(4, 6).forward(torch.zeros([5, 3, 4]), [torch.zeros([1, 3, 6]), torch.zeros([1, 2, 6])]),
      'expected cell state of size [1, 3, 6]',
    ],
    ['LSTM state not a pair', () => new nn.LSTM(4, 6).forward(torch.zeros([5, 3, 4]), torch.zeros([1, 3, 6]) as never), 'must be a pair [h0, c0]'],
    ['cell input size', () => new nn.GRUCell(4, 6).forward(torch.zeros([3, 5])), 'input has inconsistent input_size: got 5 expected 4'],
    ['unknown nonlinearity', () => new nn.RNN(4, 6, { nonlinearity: 'sigmoid' as never }), "unknown nonlinearity 'sigmoid'"],
    ['bad dropout', () => new nn.LSTM(4, 6, { dropout: 1.5 }), 'dropout should be a number in range [0, 1]'],
    ['bad num_layers', () => new nn.LSTM(4, 6, { numLayers: 0 }), 'num_layers must be a positive integer'],
    [
      'step with a bad weight',
      () => rnnStep('gru', torch.zeros([2, 9]), torch.zeros([2, 3]), null, torch.zeros([9, 2]), null),
      'expected weight_hh of shape [9, 3], got [9, 2]',
    ],
  ])('%s is a clear error', (_name, run, message) => {
    expect(run).toThrow(message);
  });
});

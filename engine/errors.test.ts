/**
 * Errors users can act on: each bad call throws an Error, synchronously and where the user called,
 * whose message names the op and the offending values (never a late failure inside a kernel, a
 * silent NaN or a wrong shape). One table, run on every device the tests have.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from './core/dtype';
import { F, nn, optim, Registry, torch, type Tensor } from './index';
import { testDevices } from './testing/devices';

const devices = await testDevices();
const noWebgpu = !devices.includes('webgpu');

/** Values 0..n-1 shaped like `shape`, float32 on `device`. */
function range(shape: number[], device: Device): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n, undefined, 1, { device, dtype: 'float32' }).reshape(shape);
}

const int = (values: unknown, device: Device) => torch.tensor(values as number[], { device, dtype: 'int32' });
const leaf = (shape: number[], device: Device) => torch.ones(shape, { device, requiresGrad: true });

interface ErrorCase {
  name: string;
  /** `d` is the device under test; `other` is a second device (cases marked `twoDevices` only). */
  call: (d: Device, other: Device) => unknown;
  want: RegExp;
  /** Needs cpu and webgpu together: runs once, and is skipped where webgpu is not available. */
  twoDevices?: boolean;
  /** The API is async by nature (values leave the device only through promises): it must reject. */
  async?: boolean;
}

function registryOf(...types: string[]): Registry<number> {
  const r = new Registry<number>('model');
  types.forEach((t, i) => r.register(t, () => i));
  return r;
}

class NoForward extends nn.Module {}

const twoLinears = (d: Device) => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1)).to(d);

const cases: ErrorCase[] = [
  // ---- shapes and broadcasting ----
  { name: 'add of shapes that do not broadcast', call: (d) => range([2, 3], d).add(range([4], d)), want: /add: shapes \[2, 3\] and \[4\] cannot be broadcast/ },
  {
    name: 'mul of shapes that do not broadcast',
    call: (d) => range([2, 3], d).mul(range([3, 2], d)),
    want: /mul: shapes \[2, 3\] and \[3, 2\] cannot be broadcast/,
  },
  {
    name: 'where of shapes that do not broadcast',
    call: (d) => torch.where(range([2, 3], d).gt(1), range([2, 3], d), range([4], d)),
    want: /where: shapes \[2, 3\] and \[2, 3\] and \[4\] cannot be broadcast/,
  },
  {
    name: 'matmul inner dimensions differ',
    call: (d) => range([2, 3], d).matmul(range([4, 5], d)),
    want: /matmul: shapes \[2, 3\] and \[4, 5\] cannot be multiplied/,
  },
  {
    name: 'matmul of a 1-D and a 3-D tensor',
    call: (d) => range([3], d).matmul(range([2, 4, 5], d)),
    want: /matmul: shapes \[3\] and \[2, 4, 5\] cannot be multiplied/,
  },
  {
    name: 'matmul of a 3-D and a 1-D tensor',
    call: (d) => range([2, 4, 5], d).matmul(range([3], d)),
    want: /matmul: shapes \[2, 4, 5\] and \[3\] cannot be multiplied/,
  },
  {
    name: 'matmul batch dimensions that do not broadcast',
    call: (d) => range([2, 2, 3], d).matmul(range([3, 3, 4], d)),
    want: /matmul.*\[2, 2, 3\] and \[3, 3, 4\].*cannot be broadcast/,
  },
  {
    name: 'matmul of a 0-d tensor',
    call: (d) => range([], d).matmul(range([3], d)),
    want: /matmul: both arguments need at least 1 dimension, got shapes \[\] and \[3\]/,
  },
  { name: 'reshape to a wrong element count', call: (d) => range([2, 3], d).reshape([4, 2]), want: /reshape: shape \[4, 2\] is invalid for input of size 6/ },
  { name: 'view to a wrong element count', call: (d) => range([2, 3], d).view(4), want: /view: shape \[4\] is invalid for input of size 6/ },
  {
    name: 'view of a non-contiguous tensor',
    call: (d) => range([2, 3], d).t().view([6]),
    want: /view: shape \[6\] is not compatible with input of shape \[3, 2\] and strides \[1, 3\].*use \.reshape/,
  },
  { name: 'reshape with two -1s', call: (d) => range([2, 3], d).reshape([-1, -1]), want: /reshape: only one dimension can be -1, got \[-1, -1\]/ },
  { name: 'expand to an incompatible size', call: (d) => range([2, 3], d).expand([2, 4]), want: /expand: the expanded size 4 must match the existing size 3/ },

  // ---- dims ----
  { name: 'sum over a dim out of range', call: (d) => range([2, 3], d).sum(2), want: /sum: dim 2 is out of range for a tensor of 2 dimensions/ },
  { name: 'softmax over a dim out of range', call: (d) => range([2, 3], d).softmax(2), want: /softmax: dim 2 is out of range for a tensor of 2 dimensions/ },
  {
    name: 'logSoftmax over a dim out of range',
    call: (d) => range([2, 3], d).logSoftmax(-3),
    want: /logSoftmax: dim -3 is out of range for a tensor of 2 dimensions/,
  },
  { name: 'max over a dim out of range', call: (d) => range([2, 3], d).max(5), want: /max: dim 5 is out of range for a tensor of 2 dimensions/ },
  {
    name: 'cat along a dim out of range',
    call: (d) => torch.cat([range([2, 3], d), range([2, 3], d)], 2),
    want: /cat: dim 2 is out of range for a tensor of 2 dimensions/,
  },
  {
    name: 'stack along a dim out of range',
    call: (d) => torch.stack([range([2, 3], d), range([2, 3], d)], 4),
    want: /stack: dim 4 is out of range for a tensor of 3 dimensions/,
  },
  {
    name: 'transpose of a dim out of range',
    call: (d) => range([2, 3], d).transpose(0, 2),
    want: /transpose: dim 2 is out of range for a tensor of 2 dimensions/,
  },
  { name: 'squeeze of a dim out of range', call: (d) => range([2, 3], d).squeeze(3), want: /squeeze: dim 3 is out of range for a tensor of 2 dimensions/ },
  {
    name: 'unsqueeze at a dim out of range',
    call: (d) => range([2, 3], d).unsqueeze(4),
    want: /unsqueeze: dim 4 is out of range for a tensor of 3 dimensions/,
  },
  { name: 'permute with too few dims', call: (d) => range([2, 3], d).permute([0]), want: /permute: expected 2 dims for a tensor of shape \[2, 3\], got \[0\]/ },
  { name: 'flatten with start after end', call: (d) => range([2, 3, 4], d).flatten(2, 1), want: /flatten: startDim 2 comes after endDim 1/ },

  // ---- indices ----
  { name: 'select an index out of range', call: (d) => range([2, 3], d).select(1, 3), want: /select: index 3 is out of range for dimension 1 of size 3/ },
  { name: 'narrow past the end', call: (d) => range([2, 3], d).narrow(1, 2, 2), want: /narrow: start 2 and length 2 exceed dimension 1 of size 3/ },
  {
    name: 'gather an index out of range',
    call: (d) => range([2, 3], d).gather(1, int([[3], [0]], d)),
    want: /gather: index 3 is out of bounds for dimension 1 of size 3/,
  },
  {
    name: 'indexSelect an index out of range',
    call: (d) => range([2, 3], d).indexSelect(0, int([0, -3], d)),
    want: /indexSelect: index -3 is out of bounds for dimension 0 of size 2/,
  },
  {
    name: 'index string with an int out of range',
    call: (d) => range([2, 3], d).index(':, 5'),
    want: /index: index 5 is out of range for dimension 1 of size 3 in ':, 5'/,
  },
  {
    name: 'index string with too many indices',
    call: (d) => range([2, 3], d).index('0, 0, 0'),
    want: /index: too many indices for a tensor of 2 dimensions: '0, 0, 0'/,
  },
  {
    name: 'embedding of an id past the table',
    call: (d) => F.embedding(int([1, 7], d), range([5, 2], d)),
    want: /embedding: index 7 is out of bounds for dimension 0 of size 5/,
  },

  // ---- cat and stack ----
  {
    name: 'cat of mismatched shapes',
    call: (d) => torch.cat([range([2, 3], d), range([3, 3], d)], 1),
    want: /cat: sizes must match except in dimension 1: tensor 0 has shape \[2, 3\] and tensor 1 has shape \[3, 3\]/,
  },
  {
    name: 'stack of mismatched shapes',
    call: (d) => torch.stack([range([2, 3], d), range([3, 2], d)]),
    want: /stack: expects each tensor to be equal size, but got \[2, 3\] at entry 0 and \[3, 2\] at entry 1/,
  },
  { name: 'cat of nothing', call: () => torch.cat([]), want: /cat: expected a non-empty list of tensors/ },

  // ---- dtypes ----
  { name: 'gather with a float index', call: (d) => range([2, 3], d).gather(1, range([2, 1], d)), want: /gather: index must be an int32 tensor, got float32/ },
  { name: 'embedding with float ids', call: (d) => F.embedding(range([3], d), range([5, 2], d)), want: /embedding: indices must be int32, got float32/ },
  {
    name: 'matmul of int32 and float32',
    call: (d) => int([[1, 2]], d).matmul(range([2, 2], d)),
    want: /matmul: expected two floating tensors of one dtype, got int32 and float32/,
  },
  { name: 'mean of an int32 tensor', call: (d) => int([1, 2], d).mean(), want: /mean: .*input dtype must be floating, got int32/ },
  {
    name: 'subtracting two bool tensors',
    call: (d) =>
      range([3], d)
        .gt(0)
        .sub(range([3], d).gt(1)),
    want: /sub: subtracting bool tensors .*\(bool and bool\).*logicalNot/,
  },
  { name: 'neg of a bool tensor', call: (d) => range([3], d).gt(0).neg(), want: /neg: not supported for bool tensors/ },
  { name: 'where with a float condition', call: (d) => torch.where(range([3], d), 1, 0), want: /where: the condition must be a bool tensor, got float32/ },
  {
    name: 'maskedFill with a float mask',
    call: (d) => range([3], d).maskedFill(range([3], d), 0),
    want: /maskedFill: mask must be a bool tensor, got float32/,
  },
  { name: 'to an unknown dtype', call: (d) => range([3], d).to('float64' as never), want: /to: unknown device or dtype 'float64'/ },
  {
    name: 'an int32 tensor that requires grad',
    call: (d) => torch.tensor([1, 2], { device: d, dtype: 'int32', requiresGrad: true }),
    want: /tensor: only floating tensors can require gradients, got int32/,
  },

  // ---- devices ----
  {
    name: 'add across devices',
    twoDevices: true,
    call: (d, o) => range([2], d).add(range([2], o)),
    want: /add: expected all tensors on the same device, got 'cpu' and 'webgpu'/,
  },
  {
    name: 'matmul across devices',
    twoDevices: true,
    call: (d, o) => range([2, 2], d).matmul(range([2, 2], o)),
    want: /matmul: expected all tensors on the same device, got 'cpu' and 'webgpu'/,
  },
  {
    name: 'cat across devices',
    twoDevices: true,
    call: (d, o) => torch.cat([range([2], d), range([2], o)]),
    want: /cat: expected all tensors on the same device, got 'cpu' and 'webgpu'/,
  },
  {
    name: 'where across devices',
    twoDevices: true,
    call: (d, o) => torch.where(range([2], d).gt(0), range([2], o), 0),
    want: /where: expected all tensors on the same device, got 'cpu' and 'webgpu'/,
  },
  {
    name: 'Linear on one device fed from another',
    twoDevices: true,
    call: (d, o) => new nn.Linear(2, 2).to(o)(range([1, 2], d)),
    want: /matmul: expected all tensors on the same device, got 'cpu' and 'webgpu'/,
  },
  {
    name: 'backward with a gradient on another device',
    twoDevices: true,
    call: (d, o) =>
      leaf([2], d)
        .mul(2)
        .backward(range([2], o)),
    want: /backward: the gradient is on 'webgpu' but the output is on 'cpu'/,
  },

  // ---- autograd ----
  {
    name: 'backward twice through a freed graph',
    call: (d) => {
      const y = leaf([2], d).mul(3).sum();
      y.backward();
      return y.backward();
    },
    want: /backward: trying to backward through the graph a second time/,
  },
  {
    name: 'backward of a non-scalar without a gradient',
    call: (d) => leaf([2, 2], d).mul(2).backward(),
    want: /backward: grad can be created implicitly only for scalar outputs; this output has shape \[2, 2\]/,
  },
  { name: 'backward of a tensor that does not require grad', call: (d) => range([2], d).sum().backward(), want: /backward: the tensor does not require grad/ },
  {
    name: 'backward with a gradient of the wrong shape',
    call: (d) =>
      leaf([2, 2], d)
        .mul(2)
        .backward(range([4], d)),
    want: /backward: gradient shape \[4\] does not match output shape \[2, 2\]/,
  },

  // ---- optimizers ----
  { name: 'SGD with no parameters', call: () => new optim.SGD([], { lr: 0.1 }), want: /SGD: optimizer got an empty parameter list/ },
  { name: 'SGD with a negative lr', call: (d) => new optim.SGD([leaf([2], d)], { lr: -0.1 }), want: /SGD: invalid learning rate -0.1/ },
  { name: 'Adam with a beta of 1', call: (d) => new optim.Adam([leaf([2], d)], { betas: [1, 0.999] }), want: /Adam: invalid betas \[1, 0.999\]/ },
  {
    name: 'SGD given one tensor instead of a list',
    call: (d) => new optim.SGD(leaf([2], d) as never, { lr: 0.1 }),
    want: /SGD: params must be an iterable of tensors .*got Tensor\(shape=\[2\]/,
  },
  { name: 'SGD of an int32 tensor', call: (d) => new optim.SGD([int([1], d)], { lr: 0.1 }), want: /SGD: parameter 0 has dtype int32/ },

  // ---- modules and state dicts ----
  {
    name: 'loadStateDict with a missing key',
    call: (d) => {
      const { ['2.bias']: _, ...rest } = twoLinears(d).stateDict();
      return twoLinears(d).loadStateDict(rest);
    },
    want: /loadStateDict: missing keys: 2\.bias/,
  },
  {
    name: 'loadStateDict with an unexpected key',
    call: (d) => twoLinears(d).loadStateDict({ ...twoLinears(d).stateDict(), 'fc.weight': range([1], d) }),
    want: /loadStateDict: unexpected keys: fc\.weight/,
  },
  {
    name: 'loadStateDict with a wrong shape',
    call: (d) => twoLinears(d).loadStateDict({ ...twoLinears(d).stateDict(), '0.weight': range([3, 3], d) }),
    want: /loadStateDict: size mismatch for '0\.weight': got \[3, 3\], the module has \[3, 2\]/,
  },
  {
    name: 'Linear fed the wrong number of features',
    call: (d) => new nn.Linear(3, 4).to(d)(range([2, 5], d)),
    want: /linear: input features 5 \(input \[2, 5\]\) do not match weight \[4, 3\]/,
  },
  {
    name: 'Conv2d fed the wrong number of channels',
    call: (d) => new nn.Conv2d(3, 4, 3).to(d)(range([1, 2, 8, 8], d)),
    want: /conv2d: input \[1, 2, 8, 8\] must be \[N, 3, H, W\] to match weight \[4, 3, 3, 3\]/,
  },
  {
    name: 'maxPool2d of a 3-D input',
    call: (d) => F.maxPool2d(range([2, 8, 8], d), 2),
    want: /maxPool2d: expected a 4-D input \[N, C, H, W\], got shape \[2, 8, 8\]/,
  },
  {
    name: 'layerNorm over a shape the input does not end with',
    call: (d) => F.layerNorm(range([2, 3], d), [4]),
    want: /layerNorm: input shape \[2, 3\] does not end with normalizedShape \[4\]/,
  },
  { name: 'a Module without forward', call: (d) => new NoForward()(range([2], d)), want: /NoForward: forward\(\) is not implemented/ },
  {
    name: 'Linear with negative features',
    call: () => new nn.Linear(-2, 3),
    want: /Linear: in_features and out_features must be non-negative integers, got -2 and 3/,
  },
  { name: 'Dropout with p above 1', call: () => new nn.Dropout(1.5), want: /Dropout: probability must be between 0 and 1, got 1\.5/ },

  // ---- losses ----
  {
    name: 'crossEntropy with a target of the wrong batch size',
    call: (d) => F.crossEntropy(range([4, 3], d), int([0, 1, 2, 0, 1], d)),
    want: /crossEntropy: input \[4, 3\] and target \[5\] disagree on the batch size/,
  },
  {
    name: 'crossEntropy with float class indices',
    call: (d) => F.crossEntropy(range([4, 3], d), range([4], d)),
    want: /crossEntropy: target \[4\] is float32.*int32.*\[4, 3\]/,
  },
  {
    name: 'crossEntropy with a class index out of range',
    call: (d) => F.crossEntropy(range([2, 3], d), int([0, 3], d)),
    want: /crossEntropy: target 3 is out of bounds for 3 classes/,
  },
  {
    name: 'crossEntropy with a bool target',
    call: (d) => F.crossEntropy(range([2, 3], d), range([2, 3], d).gt(2)),
    want: /crossEntropy: target \[2, 3\] is bool/,
  },
  {
    name: 'mseLoss of different shapes',
    call: (d) => F.mseLoss(range([2, 3], d), range([3, 2], d)),
    want: /mseLoss: input \[2, 3\] and target \[3, 2\] must have the same shape/,
  },
  {
    name: 'a loss with an unknown reduction',
    call: (d) => F.mseLoss(range([2], d), range([2], d), { reduction: 'avg' as never }),
    want: /mseLoss: reduction must be 'mean', 'sum' or 'none', got 'avg'/,
  },

  // ---- registry ----
  {
    name: 'Registry build of an unknown type lists the known ones',
    call: () => registryOf('mlp', 'cnn').build({ type: 'rnn' }),
    want: /model registry: unknown type 'rnn'; known types: 'mlp', 'cnn'/,
  },
  {
    name: 'Registry build of a config without a type',
    call: () => registryOf('mlp').build({ hidden: 3 } as never),
    want: /model registry: the config has no 'type' \(got keys: hidden\); known types: 'mlp'/,
  },
  { name: 'Registry registering a type twice', call: () => registryOf('mlp', 'mlp'), want: /model registry: 'mlp' is already registered/ },

  // ---- creation ----
  { name: 'zeros with a negative size', call: (d) => torch.zeros([2, -3], { device: d }), want: /sizes must be non-negative integers, got \[2, -3\]/ },
  { name: 'full with a negative size', call: (d) => torch.full([-1, 2], 1, { device: d }), want: /full: sizes must be non-negative integers, got \[-1, 2\]/ },
  {
    name: 'randint with a negative size',
    call: (d) => torch.randint(0, 5, [-3], { device: d }),
    want: /randint: sizes must be non-negative integers, got \[-3\]/,
  },
  { name: 'eye with a negative size', call: (d) => torch.eye(-1, 2, { device: d }), want: /eye: sizes must be non-negative integers, got \[-1, 2\]/ },
  {
    name: 'tensor of ragged nested arrays',
    call: (d) => torch.tensor([[1, 2], [3]], { device: d }),
    want: /tensor: nested lists have ragged lengths: expected 2 items at \[1\], got 1/,
  },
  {
    name: 'tensor of a string',
    call: (d) => torch.tensor([1, 'a'] as never, { device: d }),
    want: /tensor: expected a number or boolean at \[1\], got string/,
  },
  { name: 'arange with a zero step', call: (d) => torch.arange(0, 5, 0, { device: d }), want: /arange: step must be nonzero/ },

  // ---- lifetime and values ----
  {
    name: 'a tensor used after dispose()',
    call: (d) => {
      const x = range([2], d);
      x.dispose();
      return x.add(1);
    },
    want: /add: a tensor was used after dispose\(\)/,
  },
  {
    name: 'item of a tensor with several elements',
    async: true,
    call: (d) => range([2, 3], d).item(),
    want: /item: a tensor with 6 elements cannot be converted to a scalar/,
  },
];

/** Calls `c` and returns what it threw (or, for an async case, what its promise rejected with). */
async function thrownBy(c: ErrorCase, d: Device, other: Device): Promise<unknown> {
  let result: unknown;
  try {
    result = c.call(d, other);
  } catch (e) {
    if (c.async) throw new Error(`${c.name}: threw synchronously, but the API is async (${String(e)})`, { cause: e });
    return e;
  }
  if (c.async && result instanceof Promise)
    return result.then(
      () => expect.fail(`${c.name} on ${d}: the promise resolved`),
      (e: unknown) => e,
    );
  // A tensor prints its shape and dtype: a silent wrong shape or dtype shows in the failure.
  const what = result instanceof Promise ? 'a promise (the error must be raised where the user called)' : String(result);
  return expect.fail(`${c.name} on ${d}: did not throw; returned ${what}`);
}

describe('bad calls throw an Error naming the op and the values, where the user called', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it.skipIf(c.twoDevices && noWebgpu)(
      c.name,
      async () => {
        const runs: [Device, Device][] = c.twoDevices ? [['cpu', 'webgpu']] : devices.map((d) => [d, d]);
        for (const [d, other] of runs) {
          const err = await thrownBy(c, d, other);
          expect(err, `${c.name} on ${d}: threw a non-Error`).toBeInstanceOf(Error);
          expect((err as Error).message, `${c.name} on ${d}`).toMatch(c.want);
        }
        // Nothing left queued fails later, inside a kernel.
        await torch.synchronize();
      },
      30_000,
    );
  }
});

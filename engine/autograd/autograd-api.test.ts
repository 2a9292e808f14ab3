/**
 * The autograd surface beyond backward(): autograd.grad (gradOutputs, createGraph, allowUnused),
 * retainGrad, hooks, retainGraph, custom Functions, grad modes across await, and their errors.
 * Expected values are worked out by hand from the math (d/dx x³ = 3x², …), on every device.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';

const devices = await testDevices();

const vals = [-1.5, -0.25, 0.5, 2];
const leaf = (d: Device, v = vals) => torch.tensor(v, { device: d, requiresGrad: true });
const map = (f: (v: number) => number, v = vals) => v.map(f);

async function close(t: Tensor | null | undefined, want: number[]): Promise<void> {
  expect(t).toBeTruthy();
  const got = Array.from(await t!.data());
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 4));
}

interface Case {
  name: string;
  run: (d: Device) => Promise<void> | void;
}

class Cube extends torch.autograd.Function {
  static forward(ctx: { saveForBackward(...t: Tensor[]): void; k?: number }, x: Tensor, k: number) {
    ctx.saveForBackward(x);
    ctx.k = k;
    return x.pow(3).mul(k);
  }
  static backward(ctx: { savedTensors: readonly Tensor[]; k?: number }, g: Tensor) {
    const [x] = ctx.savedTensors;
    return [g.mul(x.square()).mul(3 * ctx.k!), null];
  }
}
class WrongCount extends torch.autograd.Function {
  static forward(_ctx: unknown, a: Tensor, b: Tensor) {
    return a.mul(b);
  }
  static backward(_ctx: unknown, g: Tensor) {
    return [g, g, g];
  }
}
class WrongShape extends torch.autograd.Function {
  static forward(_ctx: unknown, a: Tensor) {
    return a.sum();
  }
  static backward(_ctx: unknown, g: Tensor) {
    return g.expand(3, 3);
  }
}

const cases: Case[] = [
  {
    name: 'grad returns gradients and leaves .grad alone',
    run: async (d) => {
      const x = leaf(d);
      const [g] = torch.autograd.grad(x.square().sum(), [x]);
      await close(
        g,
        map((v) => 2 * v),
      );
      expect(x.grad).toBeNull();
      expect(g!.requiresGrad).toBe(false);
    },
  },
  {
    name: 'grad with gradOutputs, and of an intermediate tensor',
    run: async (d) => {
      const x = leaf(d);
      const v = torch.tensor([1, 2, 3, 4], { device: d });
      await close(torch.autograd.grad([x.mul(3)], [x], { gradOutputs: [v] })[0], [3, 6, 9, 12]);
      const h = x.mul(2);
      await close(
        torch.autograd.grad(h.square().sum(), [h])[0],
        map((t) => 4 * t),
      );
    },
  },
  {
    name: 'createGraph: second and third derivatives',
    run: async (d) => {
      const x = leaf(d);
      const [g] = torch.autograd.grad(x.pow(3).sum(), [x], { createGraph: true });
      await close(
        g,
        map((v) => 3 * v * v),
      );
      const [g2] = torch.autograd.grad(g!.sum(), [x]);
      await close(
        g2,
        map((v) => 6 * v),
      );
      const [s1] = torch.autograd.grad(x.sin().sum(), [x], { createGraph: true });
      const [s2] = torch.autograd.grad(s1!.sum(), [x], { createGraph: true });
      const [s3] = torch.autograd.grad(s2!.sum(), [x]);
      await close(
        s3,
        map((v) => -Math.cos(v)),
      );
    },
  },
  {
    name: 'createGraph through slicing and select (gradient written into a window)',
    run: async (d) => {
      const x = leaf(d);
      const [g] = torch.autograd.grad(x.narrow(0, 1, 2).pow(3).sum().add(x.select(0, 3).pow(3)), [x], { createGraph: true });
      const [g2] = torch.autograd.grad(g!.sum(), [x]);
      await close(g2, [0, 6 * vals[1], 6 * vals[2], 6 * vals[3]]);
    },
  },
  {
    name: 'createGraph through softmax matches the same softmax written with exp and sum',
    run: async (d) => {
      const x = torch.tensor([0.5, -1, 2, 0.25, 1, -0.5], { device: d }).reshape(2, 3).requiresGrad_();
      const w = torch.tensor([1, -2, 0.5, 3, 0.25, -1], { device: d }).reshape(2, 3);
      const hvp = (f: (t: Tensor) => Tensor) => {
        const [g] = torch.autograd.grad(f(x).mul(w).square().sum(), [x], { createGraph: true });
        return torch.autograd.grad(g!.mul(w).sum(), [x])[0]!;
      };
      const fused = hvp((t) => t.softmax(-1));
      const written = hvp((t) => t.exp().div(t.exp().sum(-1, true)));
      await close(fused, Array.from(await written.data()));
      const logFused = hvp((t) => t.logSoftmax(-1));
      const logWritten = hvp((t) => t.sub(t.exp().sum(-1, true).log()));
      await close(logFused, Array.from(await logWritten.data()));
    },
  },
  {
    name: 'retainGrad keeps a non-leaf gradient',
    run: async (d) => {
      const x = leaf(d);
      const h = x.mul(2);
      h.retainGrad();
      h.square().sum().backward();
      await close(
        h.grad,
        map((v) => 4 * v),
      );
      await close(
        x.grad,
        map((v) => 8 * v),
      );
    },
  },
  {
    name: 'hooks replace the gradient; a leaf hook sees the summed gradient; remove()',
    run: async (d) => {
      const x = leaf(d);
      const h = x.mul(3);
      const handle = h.registerHook((g) => g.mul(2));
      h.sum().backward();
      await close(x.grad, [6, 6, 6, 6]);
      handle.remove();
      x.grad = null;
      x.mul(3).sum().backward();
      await close(x.grad, [3, 3, 3, 3]);
      const y = leaf(d);
      y.registerHook((g) => g.clamp(-1.5, 1.5));
      y.add(y).sum().backward();
      await close(y.grad, [1.5, 1.5, 1.5, 1.5]);
    },
  },
  {
    name: 'backward({ retainGraph }) runs twice and accumulates',
    run: async (d) => {
      const x = leaf(d);
      const y = x.exp().sum();
      y.backward({ retainGraph: true });
      y.backward();
      await close(
        x.grad,
        map((v) => 2 * Math.exp(v)),
      );
    },
  },
  {
    name: 'autograd.Function: saved tensors, a number argument, createGraph through its backward',
    run: async (d) => {
      const x = leaf(d);
      const y = Cube.apply(x, 2);
      await close(
        y,
        map((v) => 2 * v ** 3),
      );
      const [g] = torch.autograd.grad(y.sum(), [x], { createGraph: true });
      await close(
        g,
        map((v) => 6 * v * v),
      );
      await close(
        torch.autograd.grad(g!.sum(), [x])[0],
        map((v) => 12 * v),
      );
    },
  },
  {
    name: 'error: createGraph through a compiled function, once its kernels are ready',
    run: async (d) => {
      const x = leaf(d);
      const f = torch.compile((t: Tensor) => t.sin().sum());
      f(x);
      await torch.synchronize();
      expect(() => torch.autograd.grad(f(x) as Tensor, [x], { createGraph: true })).toThrow(/autograd.grad: createGraph through a torch.compile function/);
    },
  },
  {
    name: 'backward and grad free their temporaries at once, with retainGraph too (only the gradients stay)',
    run: async (d) => {
      const x = leaf(d);
      const y = x.exp().mul(x.sin()).square().sum();
      const live = () => torch.memory().liveTensors;
      const before = live();
      y.backward({ retainGraph: true });
      expect(live() - before, 'x.grad').toBe(1);
      const [g] = torch.autograd.grad(y, [x]);
      expect(live() - before, 'x.grad and the returned gradient').toBe(2);
      await close(g, Array.from(await x.grad!.data()));
      expect(() => y.backward()).toThrow(/second time/);
    },
  },
  {
    name: 'grad modes hold across await in an async callback',
    run: async (d) => {
      const x = leaf(d);
      const inside = await torch.noGrad(async () => {
        await Promise.resolve();
        await new Promise((r) => setTimeout(r, 1));
        return x.mul(2);
      });
      expect(inside.requiresGrad).toBe(false);
      expect(torch.isGradEnabled()).toBe(true);
      const nested = await torch.noGrad(async () => {
        await Promise.resolve();
        return torch.enableGrad(() => x.mul(2));
      });
      expect(nested.requiresGrad).toBe(true);
      expect(torch.inferenceMode(() => x.mul(2)).requiresGrad).toBe(false);
      await expect(
        torch.noGrad(async () => {
          await Promise.resolve();
          throw new Error('inside');
        }),
      ).rejects.toThrow('inside');
      expect(() => torch.noGrad(() => fail())).toThrow('sync');
      expect(torch.isGradEnabled()).toBe(true);
    },
  },
];

function fail(): never {
  throw new Error('sync');
}

interface ErrorCase {
  name: string;
  call: (d: Device) => unknown;
  want: RegExp;
}

const errors: ErrorCase[] = [
  {
    name: 'second backward through a freed graph',
    call: (d) => {
      const y = leaf(d).exp().sum();
      y.backward();
      y.backward();
    },
    want: /backward: trying to backward through the graph a second time: the float32 tensor of shape \[\] made by sum .*freed.*retainGraph: true/,
  },
  {
    name: 'grad after a grad that freed the graph',
    call: (d) => {
      const x = leaf(d);
      const y = x.exp().sum();
      torch.autograd.grad(y, [x]);
      torch.autograd.grad(y, [x]);
    },
    want: /autograd.grad: trying to backward through the graph a second time/,
  },
  {
    name: 'grad of an unused input',
    call: (d) => torch.autograd.grad(leaf(d).sum(), [leaf(d)]),
    want: /autograd.grad: input 0 \(float32, shape \[4\]\) was not used to compute the outputs \(pass \{ allowUnused: true \}/,
  },
  {
    name: 'grad of an input without grad',
    call: (d) => torch.autograd.grad(leaf(d).sum(), [torch.ones([2], { device: d })]),
    want: /autograd.grad: input 0 .*does not require grad/,
  },
  {
    name: 'grad with the wrong number of gradOutputs',
    call: (d) => {
      const x = leaf(d);
      return torch.autograd.grad([x.mul(2)], [x], { gradOutputs: [x, x] });
    },
    want: /autograd.grad: got 2 gradOutputs for 1 outputs/,
  },
  {
    name: 'hook on a tensor without grad',
    call: (d) => torch.ones([2], { device: d }).registerHook((g) => g),
    want: /registerHook: cannot register a hook on the float32 tensor of shape \[2\]/,
  },
  {
    name: 'hook returning a gradient of another shape',
    call: (d) => {
      const x = leaf(d);
      x.registerHook((g) => g.sum());
      x.mul(2).sum().backward();
    },
    want: /registerHook: the hook on the float32 tensor of shape \[4\] returned a gradient of shape \[\]; it must keep shape \[4\]/,
  },
  {
    name: 'retainGrad on a tensor without grad',
    call: (d) => torch.ones([2], { device: d }).retainGrad(),
    want: /retainGrad: the float32 tensor of shape \[2\] does not require grad/,
  },
  {
    name: 'Function backward with too many gradients',
    call: (d) => WrongCount.apply(leaf(d), leaf(d)).sum().backward(),
    want: /WrongCount.backward: returned 3 gradients for 2 forward arguments/,
  },
  {
    name: 'Function backward with a gradient of the wrong shape',
    call: (d) => WrongShape.apply(leaf(d)).backward(),
    want: /WrongShape.backward: gradient 0 has shape \[3, 3\]; its input has shape \[4\]/,
  },
  {
    name: 'Function without forward',
    call: (d) => class NoForward extends torch.autograd.Function {}.apply(leaf(d)),
    want: /NoForward.forward: a torch.autograd.Function subclass must define static forward/,
  },
];

describe.each(devices)('autograd API on %s', (d) => {
  it.each(cases)('$name', async (c) => c.run(d), 60_000);
  it.each(errors)('error: $name', (c) => expect(() => c.call(d)).toThrow(c.want));
});

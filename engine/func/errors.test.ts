/** torch.func's errors: what a transform cannot follow, and bad arguments, each refused with a message saying what went wrong, on every device. */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { ints, rnd } from '../testing/func-check';

const devices = await testDevices();
const { grad, vmap, jvp, vjp } = torch.func;

interface ErrorCase {
  name: string;
  run: (d: Device) => unknown;
  error: RegExp;
}

const x = (d: Device) => rnd(d, [3, 4]);

const cases: ErrorCase[] = [
  {
    name: '`await x.item()` inside vmap (an async function)',
    run: (d) =>
      vmap(async (a: Tensor) => {
        const v = (await a.sum().item()) as number;
        return a.mul(v);
      })(x(d)),
    error: /vmap: the function is async \(it awaits, e\.g\. `await x\.item\(\)`\)/,
  },
  {
    name: 'an in-place op writing a batched value into a captured tensor',
    run: (d) => {
      const captured = torch.zeros([4], { device: d });
      return vmap((a: Tensor) => captured.add_(a))(x(d));
    },
    error: /add_: vmap: an in-place op writes a batched value of shape \[4\] into a tensor of shape \[4\] made outside the transformed function/,
  },
  {
    name: 'an in-place op on the vmapped input itself',
    run: (d) => vmap((a: Tensor) => a.mul_(2))(x(d)),
    error: /vmap: an in-place op on an input of the vmapped function \(or a view of it\) is not supported/,
  },
  {
    name: 'an in-place op through a view of the vmapped input',
    run: (d) => vmap((a: Tensor) => a.narrow(0, 0, 2).zero_())(x(d)),
    error: /an in-place op on an input of the vmapped function \(or a view of it\)/,
  },
  {
    name: 'an in-place op writing a dual value into a captured tensor inside jvp',
    run: (d) => {
      const captured = torch.zeros([4], { device: d });
      return jvp((a: Tensor) => captured.add_(a), [rnd(d, [4])], [rnd(d, [4], 2)]);
    },
    error: /jvp: an in-place op writes a dual \(tangent-carrying\) value/,
  },
  {
    name: 'mask indexing by a batched mask',
    run: (d) => vmap((a: Tensor) => a.index(a.gt(0)))(x(d)),
    error: /index: vmap: index's output shape depends on the values of a batched tensor/,
  },
  { name: 'unique of a batched tensor', run: (d) => vmap((a: Tensor) => a.unique())(x(d)), error: /unique: vmap: unique's output shape depends on the values/ },
  {
    name: 'bincount of a batched tensor',
    run: (d) => vmap((a: Tensor) => a.int().abs().bincount())(x(d)),
    error: /bincount: vmap: bincount's output shape depends/,
  },
  {
    name: 'mismatched batch sizes',
    run: (d) => vmap((a: Tensor, b: Tensor) => a.add(b))(rnd(d, [3, 4]), rnd(d, [2, 4])),
    error: /expected every mapped input to have the same size in its mapped dim, but argument 0 has 3 and argument 1 has 2/,
  },
  {
    name: 'inDims out of range',
    run: (d) => vmap((a: Tensor) => a, { inDims: 2 })(x(d)),
    error: /inDims 2 for argument 0 is out of range for its shape \[3, 4\]/,
  },
  {
    name: 'inDims with one entry per argument missing',
    run: (d) => vmap((a: Tensor, b: Tensor) => a.add(b), { inDims: [0] })(x(d), x(d)),
    error: /inDims has 1 entries but the function was called with 2 arguments/,
  },
  {
    name: 'inDims a number for a non-tensor argument',
    run: (d) => vmap((a: Tensor, s: number) => a.mul(s), { inDims: [0, 0] })(x(d), 2),
    error: /inDims is 0 for argument 1, a number: only tensors can be mapped over \(give null for it\)/,
  },
  { name: 'inDims null for every argument', run: (d) => vmap((a: Tensor) => a, { inDims: null })(x(d)), error: /no argument is mapped over/ },
  { name: 'no argument mapped', run: (d) => vmap((a: Tensor) => a, { inDims: [null] })(x(d)), error: /no argument is mapped over/ },
  {
    name: 'outDims null for a batched output',
    run: (d) => vmap((a: Tensor) => a.sin(), { outDims: null })(x(d)),
    error: /outDims is null for the output, but it depends on the mapped inputs/,
  },
  { name: 'outDims out of range', run: (d) => vmap((a: Tensor) => a.sum(), { outDims: 1 })(x(d)), error: /outDims 1 for the output is out of range/ },
  {
    name: 'an unknown randomness',
    run: (d) => vmap((a: Tensor) => a, { randomness: 'sometimes' as 'same' })(x(d)),
    error: /randomness must be 'error', 'same' or 'different'/,
  },
  {
    name: 'a random op with the default randomness',
    run: (d) => vmap((a: Tensor) => a.add(torch.rand([4], { device: d })))(x(d)),
    error: /rand: vmap: called a random operation inside vmap with randomness 'error'/,
  },
  {
    name: 'grad of a non-scalar output',
    run: (d) => grad((a: Tensor) => a.sin())(x(d)),
    error: /grad: the function must return a scalar tensor \(one element\), got shape \[3, 4\]/,
  },
  {
    name: 'grad with respect to an int tensor',
    run: (d) => grad((a: Tensor) => a.float().sum())(ints(d, [1, 2, 3])),
    error: /grad: can only differentiate with respect to floating tensors, got a int32 tensor of shape \[3\]/,
  },
  {
    name: 'grad with argnums out of range',
    run: (d) => grad((a: Tensor) => a.sum(), { argnums: 1 })(x(d)),
    error: /argnums 1 is out of range: the function was called with 1 argument/,
  },
  {
    name: 'grad with hasAux not returning [out, aux]',
    run: (d) => grad((a: Tensor) => a.sum(), { hasAux: true })(x(d)),
    error: /grad: with hasAux the function must return \[output, aux\]/,
  },
  {
    name: 'jvp with a tangent of another shape',
    run: (d) => jvp((a: Tensor) => a.sin(), [rnd(d, [3])], [rnd(d, [4])]),
    error: /jvp: tangent 0 has shape \[4\]; its primal has shape \[3\]/,
  },
  {
    name: 'jvp with fewer tangents than primals',
    run: (d) => jvp((a: Tensor, b: Tensor) => a.mul(b), [rnd(d, [3]), rnd(d, [3])], [rnd(d, [3])]),
    error: /got 2 primal\(s\) and 1 tangent\(s\)/,
  },
  {
    name: 'jvp with hasAux not returning [out, aux]',
    run: (d) => jvp((a: Tensor) => a.sin(), [rnd(d, [3])], [rnd(d, [3])], { hasAux: true }),
    error: /jvp: with hasAux the function must return \[output, aux\]/,
  },
  {
    name: 'jvp of an async function',
    run: (d) => jvp(async (a: Tensor) => a.sin(), [rnd(d, [3])], [rnd(d, [3])]),
    error: /jvp: the function is async/,
  },
  {
    name: 'vjp with a cotangent of another shape',
    run: (d) => {
      const [, vjpFn] = vjp((a: Tensor) => a.sin(), rnd(d, [3])) as [Tensor, (c: Tensor) => Tensor[]];
      return vjpFn(rnd(d, [4]));
    },
    error: /vjp: cotangent 0 has shape \[4\]; the output has shape \[3\]/,
  },
];

describe.each(devices)('torch.func errors on %s', (d) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(() => c.run(d)).toThrow(c.error);
  });

  it('outDims null for an output that does not depend on the batch returns it as it is', async () => {
    const w = rnd(d, [4], 3);
    const [a, b] = vmap((v: Tensor) => [v.sin(), w.cos()], { outDims: [0, null] })(x(d)) as Tensor[];
    expect(a.shape).toEqual([3, 4]);
    expect(b.shape).toEqual([4]);
    expect(Array.from(await b.data())).toEqual(Array.from(await w.cos().data()));
  });

  it('reading a batched value inside vmap is refused, and reading an unbatched one is allowed', async () => {
    const readBatched = new Promise<unknown>((resolve) => {
      vmap((a: Tensor) => {
        a.data().then(resolve, resolve);
        return a;
      })(x(d));
    });
    expect(String(await readBatched)).toMatch(/data: vmap: reading a value out of a batched tensor \(shape \[4\] per sample\) is not supported inside vmap/);
    const w = rnd(d, [4], 3);
    let read: ArrayLike<number> | null = null;
    const pending: Promise<void>[] = [];
    vmap((a: Tensor) => {
      pending.push(w.data().then((v) => void (read = v)));
      return a.mul(w);
    })(x(d));
    await Promise.all(pending);
    expect(Array.from(read!)).toEqual(Array.from(await w.data()));
  });
});

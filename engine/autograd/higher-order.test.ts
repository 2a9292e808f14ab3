/**
 * Every differentiable op of the op tables differentiated twice: with createGraph the gradient
 * rules record their own ops, so the gradient of a gradient must match the second derivative of
 * the CPU scalar table, by finite differences in float64 (d²f/dx², and for binary ops
 * d²f/da², d²f/da db, d²f/db²). An op whose rule used an unrecorded kernel would fail here.
 */
import { describe, expect, it } from 'vitest';
import { CPU_BINARY, CPU_UNARY } from '../backends/cpu/cpu-scalar-ops';
import { torch, type Tensor } from '../index';
import { binary, unary } from '../ops/elementwise';
import { BINARY_DOMAIN, BINARY_OPS, UNARY_DOMAIN, UNARY_OPS, type OpDomain } from '../ops/op-types';
import { testDevices } from '../testing/devices';
import { gradPairs, gradPoints, mismatches, type Tolerance } from '../testing/op-grid';

const devices = await testDevices();
/** A float32 second derivative (two rule applications) against a float64 finite difference. */
const TOL: Tolerance = { rel: 1e-3, abs: 1e-4 };

const step = (x: number) => 1e-4 * Math.max(1, Math.abs(x));
const second = (f: (x: number) => number, x: number) => {
  const h = step(x);
  return (f(x + h) - 2 * f(x) + f(x - h)) / (h * h);
};
const mixed = (f: (a: number, b: number) => number, a: number, b: number) => {
  const [h, k] = [step(a), step(b)];
  return (f(a + h, b + k) - f(a + h, b - k) - f(a - h, b + k) + f(a - h, b - k)) / (4 * h * k);
};

const differentiable = <Op extends string>(ops: readonly Op[], domains: { [P in Op]: OpDomain }) => ops.filter((op) => domains[op].grad);
/** A gradient that is null (the input was not used by the gradient: a piecewise-linear op) reads as zeros. */
const read = async (t: Tensor | null, n: number): Promise<ArrayLike<number>> => (t ? await t.data() : new Float32Array(n));
/** The gradient of `g.sum()`; none where `g` is a constant (a linear op's gradient does not depend on its inputs). */
const gradOf = (g: Tensor, inputs: Tensor[], retainGraph = false) =>
  g.requiresGrad ? torch.autograd.grad(g.sum(), inputs, { allowUnused: true, retainGraph }) : inputs.map(() => null);
const expectNone = (failures: string[]) => expect(failures.length, `${failures.length} mismatches:\n  ${failures.slice(0, 12).join('\n  ')}\n`).toBe(0);

describe.each(devices)('second derivatives on %s', (device) => {
  const leaf = (v: number[]) => torch.tensor(v, { device }).requiresGrad_();

  it.each(differentiable(UNARY_OPS, UNARY_DOMAIN))('%s: d²/dx² against finite differences', async (op) => {
    const xs = gradPoints(UNARY_DOMAIN[op].grad!);
    const x = leaf(xs);
    const [g] = torch.autograd.grad(unary(op, x).sum(), [x], { createGraph: true });
    const [g2] = gradOf(g!, [x]);
    const want = xs.map((v) => second(CPU_UNARY[op], v));
    expectNone(mismatches(await read(g2, xs.length), want, TOL, (i) => `d²${op}/dx² at ${xs[i]}`));
  });

  it.each(differentiable(BINARY_OPS, BINARY_DOMAIN))('%s: d²/da², d²/da db, d²/db² against finite differences', async (op) => {
    const { a: as, b: bs } = gradPairs(BINARY_DOMAIN[op].grad!);
    const f = CPU_BINARY[op];
    const [a, b] = [leaf(as), leaf(bs)];
    const [ga, gb] = torch.autograd.grad(binary(op, a, b).sum(), [a, b], { createGraph: true });
    const [gaa, gab] = gradOf(ga!, [a, b], true);
    const [, gbb] = gradOf(gb!, [a, b]);
    const at = (i: number) => `(${as[i]}, ${bs[i]})`;
    const n = as.length;
    expectNone([
      ...mismatches(
        await read(gaa, n),
        as.map((v, i) => second((t) => f(t, bs[i]), v)),
        TOL,
        (i) => `d²${op}/da² at ${at(i)}`,
      ),
      ...mismatches(
        await read(gab, n),
        as.map((v, i) => mixed(f, v, bs[i])),
        TOL,
        (i) => `d²${op}/da db at ${at(i)}`,
      ),
      ...mismatches(
        await read(gbb, n),
        bs.map((v, i) => second((t) => f(as[i], t), v)),
        TOL,
        (i) => `d²${op}/db² at ${at(i)}`,
      ),
    ]);
  });
});

/**
 * Every op in the op tables, tested from the domain declared beside its entry (op-types.ts): its
 * values on every device against the CPU scalar table applied to the float32 inputs, on a grid
 * with the extremes the op defines, and its gradient rule against central finite differences of
 * that table in float64. A new table entry is tested here without writing a test.
 */
import { describe, expect, it } from 'vitest';
import type { Device, DType } from '../core/dtype';
import { CPU_ARG_BETTER, CPU_BINARY, CPU_REDUCE, CPU_UNARY } from '../backends/cpu/cpu-scalar-ops';
import { torch, type Tensor } from '../index';
import { testDevices } from '../testing/devices';
import { castValue, centralDifference, gradPairs, gradPoints, mismatches, opDtypes, spread, upstream, valueGrid, type Tolerance } from '../testing/op-grid';
import { binary, unary } from './elementwise';
import {
  ARG_REDUCE_DOMAIN,
  ARG_REDUCE_OPS,
  BINARY_DOMAIN,
  BINARY_OPS,
  BINARY_RESULT,
  REDUCE_DOMAIN,
  REDUCE_OPS,
  UNARY_DOMAIN,
  UNARY_OPS,
  UNARY_RESULT,
  type ArgReduceOp,
  type OpDomain,
  type ReduceOp,
} from './op-types';
import { argReduce, reduce } from './reduce';

const available = await testDevices();
const DEVICES: readonly Device[] = ['cpu', 'webgpu'];

/** The CPU backend computes each op as its table does, rounding to float32: it must match exactly. */
const EXACT: Tolerance = { rel: 0, abs: 0 };
/** WGSL lets a GPU flush float32 subnormals (below 2^-126) to zero. */
const FLUSHED = 2 ** -126;
/** A few float32 ulps: what WGSL's builtins promise for the ops here. */
const GPU_DEFAULT: Tolerance = { rel: 4e-7, abs: FLUSHED };
/** A float32 backward against a float64 finite difference. */
const GRAD: Tolerance = { rel: 1e-4, abs: 1e-6 };

const valueTol = (domain: OpDomain, device: Device): Tolerance =>
  device === 'cpu' ? EXACT : { rel: domain.gpuTol?.rel ?? GPU_DEFAULT.rel, abs: domain.gpuTol?.abs ?? GPU_DEFAULT.abs };
const tensorOf = (values: readonly number[], device: Device, dtype: DType = 'float32') => torch.tensor([...values], { device, dtype });
const fmt = (x: number) => (Object.is(x, -0) ? '-0' : String(x));

/** Rows of a reduction: distinct values from the range, then that row with each extreme at index 2. */
function reduceRows(domain: OpDomain, dtype: DType, device: Device): number[][] {
  if (dtype === 'bool')
    return [
      [0, 1, 1, 0, 1, 0],
      [0, 0, 0, 0, 0, 0],
      [1, 1, 1, 1, 1, 1],
    ];
  const base = spread(domain.range, 6).map((v) => castValue(v, dtype));
  const grid = valueGrid(domain, dtype, device);
  const extremes = grid.map((v) => castValue(v, dtype)).filter((v) => !base.some((b) => Object.is(b, v)));
  const rows = [base, ...extremes.map((v) => base.map((b, i) => (i === 2 ? v : b)))];
  if (grid.includes(Infinity) && grid.includes(-Infinity)) rows.push(base.map((b, i) => (i === 1 ? Infinity : i === 4 ? -Infinity : b)));
  return rows;
}

/** The value a reduction of `row` gives, folded in order as the CPU table does, rounded per step to `dtype` (null: float64). */
function fold(op: ReduceOp, row: readonly number[], dtype: DType | null): number {
  const { init, step } = CPU_REDUCE[op];
  return row.reduce((acc, x) => (dtype ? castValue(step(acc, x), dtype) : step(acc, x)), init);
}

/** The index and value an arg-reduction of `row` picks (first wins ties). */
function argBest(op: ArgReduceOp, row: readonly number[]): { index: number; value: number } {
  let index = 0;
  row.forEach((x, j) => (j > 0 && CPU_ARG_BETTER[op](x, row[index]) ? (index = j) : 0));
  return { index, value: row[index] };
}

/** ∂/∂row[j] of `f(row)`, by central differences in float64. */
function partial(f: (row: number[]) => number, row: readonly number[], j: number): number {
  return centralDifference((v) => f(row.map((x, k) => (k === j ? v : x))), row[j]);
}

/** Passes when nothing mismatched; otherwise lists the first mismatches in the failure message. */
function expectNone(failures: readonly string[]): void {
  expect(failures.length, `${failures.length} mismatches:\n  ${failures.slice(0, 16).join('\n  ')}\n`).toBe(0);
}

const read = async (t: Tensor | null): Promise<ArrayLike<number>> => (t ? await t.data() : []);

describe.each(DEVICES)('op tables on %s', (device) => {
  const run = it.skipIf(!available.includes(device));

  run.each(UNARY_OPS)('%s: values on its grid', async (op) => {
    const domain = UNARY_DOMAIN[op];
    const failures: string[] = [];
    for (const dtype of domain.dtypes) {
      const xs = valueGrid(domain, dtype, device).map((x) => castValue(x, dtype));
      const { compute, out } = opDtypes(UNARY_RESULT[op], dtype, UNARY_RESULT[op] === 'bool');
      const want = xs.map((x) => castValue(CPU_UNARY[op](castValue(x, compute)), out));
      const y = unary(op, tensorOf(xs, device, dtype));
      expect(y.dtype, `${op} of ${dtype}`).toBe(out);
      failures.push(...mismatches(await y.data(), want, valueTol(domain, device), (i) => `${op}(${dtype} ${fmt(xs[i])})`));
    }
    expectNone(failures);
  });

  run.each(BINARY_OPS)('%s: values on its grid', async (op) => {
    const domain = BINARY_DOMAIN[op];
    const failures: string[] = [];
    for (const dtype of domain.dtypes) {
      const xs = valueGrid(domain, dtype, device).map((x) => castValue(x, dtype));
      const a = xs.flatMap((x) => xs.map(() => x));
      const b = xs.flatMap(() => xs);
      const { compute, out } = opDtypes(BINARY_RESULT[op], dtype, op === 'logicalAnd' || op === 'logicalOr');
      const want = a.map((x, i) => castValue(CPU_BINARY[op](castValue(x, compute), castValue(b[i], compute)), out));
      const y = binary(op, tensorOf(a, device, dtype), tensorOf(b, device, dtype));
      expect(y.dtype, `${op} of ${dtype}`).toBe(out);
      failures.push(...mismatches(await y.data(), want, valueTol(domain, device), (i) => `${op}(${dtype} ${fmt(a[i])}, ${fmt(b[i])})`));
    }
    expectNone(failures);
  });

  run.each(REDUCE_OPS)('%s: values over rows with extremes', async (op) => {
    const domain = REDUCE_DOMAIN[op];
    const failures: string[] = [];
    for (const dtype of domain.dtypes) {
      const rows = reduceRows(domain, dtype, device);
      const out: DType = (op === 'sum' || op === 'prod') && (dtype === 'int32' || dtype === 'bool') ? 'int32' : dtype;
      const want = rows.map((row) => fold(op, row, out));
      // A sum's rounding error follows the magnitudes summed (the GPU adds in another order).
      const scale = rows.map((row, i) => (op === 'sum' ? row.reduce((s, x) => s + Math.abs(x), 0) : 6 * want[i]));
      const y = reduce(op, torch.tensor(rows, { device, dtype }), 1);
      expect(y.dtype, `${op} of ${dtype}`).toBe(out);
      failures.push(...mismatches(await y.data(), want, valueTol(domain, device), (i) => `${op}(${dtype} [${rows[i].map(fmt).join(', ')}])`, scale));
    }
    expectNone(failures);
  });

  run.each(ARG_REDUCE_OPS)('%s: values and indices over rows with extremes', async (op) => {
    const domain = ARG_REDUCE_DOMAIN[op];
    const failures: string[] = [];
    for (const dtype of domain.dtypes) {
      const rows = reduceRows(domain, dtype, device);
      const best = rows.map((row) => argBest(op, row));
      const { values, indices } = argReduce(op, torch.tensor(rows, { device, dtype }), 1);
      const where = (i: number) => `${op}(${dtype} [${rows[i].map(fmt).join(', ')}])`;
      failures.push(
        ...mismatches(
          await values.data(),
          best.map((b) => b.value),
          EXACT,
          where,
        ),
      );
      failures.push(
        ...mismatches(
          await indices.data(),
          best.map((b) => b.index),
          EXACT,
          (i) => `${where(i)} index`,
        ),
      );
    }
    expectNone(failures);
  });

  const differentiable = <Op extends string>(ops: readonly Op[], domains: { [P in Op]: OpDomain }) => ops.filter((op) => domains[op].grad);

  run.each(differentiable(UNARY_OPS, UNARY_DOMAIN))('%s: gradient against finite differences', async (op) => {
    const xs = gradPoints(UNARY_DOMAIN[op].grad!);
    expect(xs.length, 'points away from the kinks').toBeGreaterThan(4);
    const w = upstream(xs.length);
    const x = tensorOf(xs, device).requiresGrad_();
    unary(op, x).backward(tensorOf(w, device));
    const want = xs.map((v, i) => w[i] * centralDifference(CPU_UNARY[op], v));
    expectNone(mismatches(await read(x.grad), want, GRAD, (i) => `d${op}/dx at ${xs[i]}`));
  });

  run.each(differentiable(BINARY_OPS, BINARY_DOMAIN))('%s: gradients against finite differences', async (op) => {
    const { a: as, b: bs } = gradPairs(BINARY_DOMAIN[op].grad!);
    expect(as.length, 'pairs away from the kinks').toBeGreaterThan(4);
    const w = upstream(as.length);
    const [a, b] = [tensorOf(as, device).requiresGrad_(), tensorOf(bs, device).requiresGrad_()];
    binary(op, a, b).backward(tensorOf(w, device));
    const f = CPU_BINARY[op];
    const wantA = as.map((v, i) => w[i] * centralDifference((t) => f(t, bs[i]), v));
    const wantB = bs.map((v, i) => w[i] * centralDifference((t) => f(as[i], t), v));
    const where = (side: string) => (i: number) => `d${op}/d${side} at (${as[i]}, ${bs[i]})`;
    expectNone([...mismatches(await read(a.grad), wantA, GRAD, where('a')), ...mismatches(await read(b.grad), wantB, GRAD, where('b'))]);
  });

  run.each(differentiable(BINARY_OPS, BINARY_DOMAIN))('%s: gradient with a number for the other operand', async (op) => {
    const grad = BINARY_DOMAIN[op].grad!;
    const points = gradPoints(grad);
    const s = points[Math.floor(points.length / 2)];
    const xs = points.filter((v) => grad.kinks !== 'equal' || Math.abs(v - s) > 0.05);
    const w = upstream(xs.length);
    const [a, b] = [tensorOf(xs, device).requiresGrad_(), tensorOf(xs, device).requiresGrad_()];
    binary(op, a, s).backward(tensorOf(w, device));
    binary(op, s, b).backward(tensorOf(w, device));
    const f = CPU_BINARY[op];
    const wantA = xs.map((v, i) => w[i] * centralDifference((t) => f(t, s), v));
    const wantB = xs.map((v, i) => w[i] * centralDifference((t) => f(s, t), v));
    const where = (call: (v: number) => string) => (i: number) => `d/dx ${op}${call(xs[i])}`;
    expectNone([
      ...mismatches(
        await read(a.grad),
        wantA,
        GRAD,
        where((v) => `(x = ${v}, ${s})`),
      ),
      ...mismatches(
        await read(b.grad),
        wantB,
        GRAD,
        where((v) => `(${s}, x = ${v})`),
      ),
    ]);
  });

  /** Two rows of distinct points from the gradient range (so max and min have one winner each). */
  const gradRows = (domain: OpDomain) => {
    const points = gradPoints(domain.grad!, 6);
    return [points, [...points.slice(3), ...points.slice(0, 3)]];
  };

  run.each(differentiable(REDUCE_OPS, REDUCE_DOMAIN))('%s: gradient against finite differences', async (op) => {
    const rows = gradRows(REDUCE_DOMAIN[op]);
    const w = upstream(rows.length);
    const x = torch.tensor(rows, { device }).requiresGrad_();
    reduce(op, x, 1).backward(tensorOf(w, device));
    const want = rows.flatMap((row, r) => row.map((_, j) => w[r] * partial((v) => fold(op, v, null), row, j)));
    expectNone(mismatches(await read(x.grad), want, GRAD, (i) => `d${op}/dx[${i}] of [${rows.join('; ')}]`));
  });

  run.each(differentiable(ARG_REDUCE_OPS, ARG_REDUCE_DOMAIN))('%s: values gradient against finite differences', async (op) => {
    const rows = gradRows(ARG_REDUCE_DOMAIN[op]);
    const w = upstream(rows.length);
    const x = torch.tensor(rows, { device }).requiresGrad_();
    argReduce(op, x, 1).values.backward(tensorOf(w, device));
    const want = rows.flatMap((row, r) => row.map((_, j) => w[r] * partial((v) => argBest(op, v).value, row, j)));
    expectNone(mismatches(await read(x.grad), want, GRAD, (i) => `d${op}/dx[${i}] of [${rows.join('; ')}]`));
  });
});

// ---- torch.func (#24): each op's tangent rule (jvp) against finite differences, and its batching rule (vmap) against a loop ----

/** vmap(f)(...args) with these inDims against f applied per sample, stacked (each op runs the same kernel per element: equal up to float rounding). */
async function vmapAgainstLoop(f: (...a: Tensor[]) => Tensor, args: readonly Tensor[], inDims: readonly (number | null)[]): Promise<string[]> {
  const got = torch.func.vmap(f, { inDims: [...inDims] })(...args) as Tensor;
  const k = inDims.findIndex((d) => d !== null);
  const size = args[k].shape[inDims[k]!];
  const want = torch.stack(Array.from({ length: size }, (_, i) => f(...args.map((a, j) => (inDims[j] === null ? a : a.select(inDims[j]!, i))))));
  expect(got.shape, 'vmap shape').toEqual(want.shape);
  expect(got.dtype, 'vmap dtype').toBe(want.dtype);
  const w = Array.from(await want.data());
  return mismatches(await got.data(), w, { rel: 1e-6, abs: 1e-6 }, (i) => `vmap element ${i}`);
}

const jvpOf = (f: (...a: Tensor[]) => Tensor, xs: Tensor[], ts: Tensor[]) => (torch.func.jvp(f, xs, ts) as Tensor[])[1];

describe.each(DEVICES)('torch.func rules of the op tables on %s', (device) => {
  const run = it.skipIf(!available.includes(device));
  const differentiable = <Op extends string>(ops: readonly Op[], domains: { [P in Op]: OpDomain }) => ops.filter((op) => domains[op].grad);
  const float = (values: readonly number[], shape: number[]) => tensorOf(values, device).reshape(shape);

  run.each(differentiable(UNARY_OPS, UNARY_DOMAIN))('%s: jvp against finite differences', async (op) => {
    const xs = gradPoints(UNARY_DOMAIN[op].grad!);
    const w = upstream(xs.length);
    const tan = jvpOf((x) => unary(op, x), [tensorOf(xs, device)], [tensorOf(w, device)]);
    const want = xs.map((v, i) => w[i] * centralDifference(CPU_UNARY[op], v));
    expectNone(mismatches(await tan.data(), want, GRAD, (i) => `${op}'(${xs[i]}) * ${w[i]}`));
  });

  run.each(differentiable(BINARY_OPS, BINARY_DOMAIN))('%s: jvp against finite differences (tensor and number operands)', async (op) => {
    const { a: as, b: bs } = gradPairs(BINARY_DOMAIN[op].grad!);
    const [ta, tb] = [upstream(as.length), upstream(as.length).reverse()];
    const f = CPU_BINARY[op];
    const tan = jvpOf((a, b) => binary(op, a, b), [tensorOf(as, device), tensorOf(bs, device)], [tensorOf(ta, device), tensorOf(tb, device)]);
    const want = as.map((a, i) => ta[i] * centralDifference((v) => f(v, bs[i]), a) + tb[i] * centralDifference((v) => f(a, v), bs[i]));
    const s = 1.75;
    const left = jvpOf((a) => binary(op, a, s), [tensorOf(as, device)], [tensorOf(ta, device)]);
    const right = jvpOf((b) => binary(op, s, b), [tensorOf(bs, device)], [tensorOf(tb, device)]);
    const okLeft = as.map((a) => BINARY_DOMAIN[op].grad!.kinks !== 'equal' || Math.abs(a - s) > 0.05);
    const okRight = bs.map((b) => BINARY_DOMAIN[op].grad!.kinks !== 'equal' || Math.abs(b - s) > 0.05);
    const wantLeft = as.map((a, i) => (okLeft[i] ? ta[i] * centralDifference((v) => f(v, s), a) : NaN));
    const wantRight = bs.map((b, i) => (okRight[i] ? tb[i] * centralDifference((v) => f(s, v), b) : NaN));
    const keep = (got: ArrayLike<number>, want: number[]) => [Array.from(got).filter((_, i) => !Number.isNaN(want[i])), want.filter((v) => !Number.isNaN(v))];
    const [gl, wl] = keep(await left.data(), wantLeft);
    const [gr, wr] = keep(await right.data(), wantRight);
    expectNone([
      ...mismatches(await tan.data(), want, GRAD, (i) => `${op} at (${as[i]}, ${bs[i]}) along (${ta[i]}, ${tb[i]})`),
      ...mismatches(gl, wl, GRAD, (i) => `${op}(x, ${s}) at ${i}`),
      ...mismatches(gr, wr, GRAD, (i) => `${op}(${s}, x) at ${i}`),
    ]);
  });

  run.each(differentiable(REDUCE_OPS, REDUCE_DOMAIN))('%s: jvp against finite differences', async (op) => {
    const points = gradPoints(REDUCE_DOMAIN[op].grad!, 6);
    const rows = [points, [...points.slice(3), ...points.slice(0, 3)]];
    const ts = rows.map((row, r) => upstream(row.length + r).slice(r));
    const tan = jvpOf((x) => reduce(op, x, 1), [torch.tensor(rows, { device })], [torch.tensor(ts, { device })]);
    const want = rows.map((row, r) => row.reduce((s, _, j) => s + ts[r][j] * partial((v) => fold(op, v, null), row, j), 0));
    expectNone(mismatches(await tan.data(), want, GRAD, (i) => `d${op} of [${rows[i].join(', ')}] along [${ts[i].join(', ')}]`));
  });

  run.each(UNARY_OPS)('%s: vmap against a loop', async (op) => {
    const xs = spread(UNARY_DOMAIN[op].range, 12);
    expectNone(await vmapAgainstLoop((x) => unary(op, x), [float(xs, [3, 2, 2])], [1]));
  });

  run.each(BINARY_OPS)('%s: vmap against a loop, with an unbatched operand and different ranks', async (op) => {
    const [lo, hi] = BINARY_DOMAIN[op].grad?.range ?? [-3, 3];
    // Rounded to quarters, so comparisons see ties.
    const vals = (n: number, k: number) => spread([lo, hi], n).map((v, i) => Math.round(4 * (i % 2 ? v : spread([lo, hi], n)[(i * k) % n])) / 4);
    const a = float(vals(8, 5), [2, 4]);
    const f = (x: Tensor, y: Tensor) => binary(op, x, y);
    expectNone([
      ...(await vmapAgainstLoop(f, [a, float(vals(8, 7), [2, 4])], [0, 0])),
      ...(await vmapAgainstLoop(f, [a, float(vals(4, 3), [4])], [0, null])),
      ...(await vmapAgainstLoop(f, [float(vals(4, 3), [4]), float(vals(16, 5), [2, 2, 4])], [null, 0])),
      ...(await vmapAgainstLoop(f, [float(vals(16, 5), [2, 2, 4]), a], [1, 0])),
      ...(await vmapAgainstLoop((x) => binary(op, x, 1.25), [a], [0])),
    ]);
  });

  run.each(REDUCE_OPS)('%s: vmap against a loop over negative, several and all dims', async (op) => {
    const x = float(spread(REDUCE_DOMAIN[op].grad?.range ?? [-2, 2], 12), [2, 2, 3]);
    expectNone([
      ...(await vmapAgainstLoop((a) => reduce(op, a, -1), [x], [0])),
      ...(await vmapAgainstLoop((a) => reduce(op, a, [0, -1], true), [x], [0])),
      ...(await vmapAgainstLoop((a) => reduce(op, a, undefined), [x], [1])),
    ]);
  });

  run.each(ARG_REDUCE_OPS)('%s: vmap of values and indices against a loop', async (op) => {
    const x = float(spread([-2, 2], 12), [2, 2, 3]);
    expectNone([
      ...(await vmapAgainstLoop((a) => argReduce(op, a, -1).values, [x], [0])),
      ...(await vmapAgainstLoop((a) => argReduce(op, a, 0, true).indices, [x], [2])),
      ...(await vmapAgainstLoop((a) => argReduce(op, a, undefined).indices, [x], [1])),
    ]);
  });
});

/** The CPU backend: plain loops over typed arrays, the reference every other device is held to. */
import { allocArray, type DType, type TypedArray } from '../../core/dtype';
import type { ArgReduceOp, Expr, ReduceOp } from '../../ops/op-types';
import {
  argReduceCost,
  cumsumCost,
  elementwiseCost,
  gatherCost,
  matmulCost,
  reduceCost,
  scatterAddCost,
  scatterCost,
  searchSortedCost,
  updateCost,
} from '../../profile/kernel-cost';
import type {
  AttentionGradViews,
  AttentionParams,
  Backend,
  Col2imWindow,
  Fused,
  IndexCheck,
  PoolOp,
  PoolWindow,
  PostReduce,
  RnnBackwardViews,
  RnnMode,
  ScanOp,
  Storage,
  View,
} from '../backend';
import { rnnStepBackwardLoop, rnnStepLoop } from './cpu-rnn';
import { rnnStepBackwardCost, rnnStepCost } from '../../profile/rnn-cost';
import { attentionBackwardLoops, attentionLoops } from './attention';
import { col2imLoop, poolGradLoop, poolLoop } from './cpu-pool';
import { col2imCost, poolCost } from '../../profile/conv-cost';
import { scanRows, scanRowsCost, sortRows, sortRowsCost } from './sort-scan';
import { CPU_ARG_BETTER, CPU_REDUCE } from './cpu-scalar-ops';
import { forEachStrided, viewOffsets } from './strided';
import { scatterLoop, searchSortedLoop } from './cpu-scatter';
import { CpuStorage, badIndex, coerce, compileExpr, count, dataOf, launch, numel, profiled, takeDeferredError } from './cpu-kernel-support';

export { CpuStorage };

export class CpuBackend implements Backend {
  readonly device = 'cpu' as const;
  kernelCount = 0;
  private live = 0;

  allocate(length: number, dtype: DType): Storage {
    const s = new CpuStorage(allocArray(dtype, length), dtype);
    this.live += s.bytes;
    return s;
  }

  zeros(length: number, dtype: DType): Storage {
    return this.allocate(length, dtype);
  }

  upload(data: TypedArray, dtype: DType): Storage {
    const s = new CpuStorage(data.slice(), dtype);
    this.live += s.bytes;
    return s;
  }

  release(storage: Storage): void {
    this.live -= storage.bytes;
  }

  memory() {
    return { liveBytes: this.live, pooledBytes: 0 };
  }

  async read(view: View): Promise<TypedArray> {
    await (view.storage as CpuStorage).pending;
    const error = takeDeferredError();
    if (error !== null) throw error;
    const src = dataOf(view);
    const out = allocArray(
      view.dtype,
      view.shape.reduce((a, b) => a * b, 1),
    );
    forEachStrided(view.shape, [view], (i, o) => {
      out[i] = src[o[0]];
    });
    return out;
  }

  elementwise(expr: Expr, inputs: readonly View[], out: View, scalars: readonly number[] = []): void {
    this.kernelCount++;
    launch(
      [...inputs, out],
      profiled(
        () => elementwiseCost(expr, inputs.length, count(out)),
        () => {
          const f = compileExpr(expr, scalars);
          const srcs = inputs.map(dataOf);
          const dst = dataOf(out);
          const vals = new Float64Array(inputs.length);
          forEachStrided(out.shape, [out, ...inputs], (_, o) => {
            for (let k = 0; k < srcs.length; k++) vals[k] = srcs[k][o[k + 1]];
            dst[o[0]] = f(vals);
          });
        },
      ),
    );
  }

  update(exprs: readonly Expr[], state: readonly View[], inputs: readonly View[], scalars: readonly number[]): void {
    this.kernelCount++;
    launch(
      [...state, ...inputs],
      profiled(
        () => updateCost(exprs, state.length, inputs.length, count(state[0])),
        () => {
          const fs = exprs.map((e) => compileExpr(e, scalars));
          const views = [...state, ...inputs];
          const arrays = views.map(dataOf);
          const vals = new Float64Array(arrays.length);
          forEachStrided(state[0].shape, views, (_, o) => {
            for (let k = 0; k < arrays.length; k++) vals[k] = arrays[k][o[k]];
            for (let k = 0; k < state.length; k++) arrays[k][o[k]] = fs[k](vals);
          });
        },
      ),
    );
  }

  reduce(op: ReduceOp, source: Fused, keptDims: number, out: View, epilogue?: Fused, post?: PostReduce): void {
    this.kernelCount++;
    const cost = () => {
      const shape = source.leaves[0].shape;
      const parts = {
        op,
        source: source.expr,
        sourceLeaves: source.leaves.length,
        epilogue: epilogue?.expr,
        post: post && { expr: post.expr, leaves: post.leaves.length },
      };
      return reduceCost(parts, numel(shape.slice(0, keptDims)), numel(shape.slice(keptDims)));
    };
    launch(
      [...source.leaves, out, ...(epilogue?.leaves ?? []), ...(post ? [...post.leaves, post.out] : [])],
      profiled(cost, () => {
        const { init, step } = CPU_REDUCE[op];
        const value = compileExpr(source.expr, source.scalars);
        const arrays = source.leaves.map(dataOf);
        const dst = dataOf(out);
        const round = coerce(out.dtype);
        const shape = source.leaves[0].shape;
        const inner = shape.slice(keptDims);
        const innerOffsets = source.leaves.map((v) => viewOffsets({ shape: inner, strides: v.strides.slice(keptDims), offset: 0 }));
        const outers = source.leaves.map((v) => ({ shape: shape.slice(0, keptDims), strides: v.strides.slice(0, keptDims), offset: v.offset }));
        const vals = new Float64Array(arrays.length);
        const count = innerOffsets[0].length;
        forEachStrided(shape.slice(0, keptDims), [out, ...outers], (_, o) => {
          let acc = init;
          for (let j = 0; j < count; j++) {
            for (let k = 0; k < arrays.length; k++) vals[k] = arrays[k][o[k + 1] + innerOffsets[k][j]];
            acc = round(step(acc, value(vals)));
          }
          dst[o[0]] = acc;
        });
        if (epilogue) this.applyEpilogue(epilogue, out);
        if (post) this.applyPost(post, out, keptDims);
      }),
    );
  }

  /** post.out[row, j] = post(rowValue[row], leaves[row, j]...) over the reduced domain. */
  private applyPost(post: PostReduce, rows: View, keptDims: number): void {
    const f = compileExpr(post.expr, post.scalars);
    const rowData = dataOf(rows);
    const arrays = post.leaves.map(dataOf);
    const dst = dataOf(post.out);
    const shape = post.leaves[0]?.shape ?? post.out.shape;
    const inner = shape.slice(keptDims).reduce((a, b) => a * b, 1);
    const vals = new Float64Array(arrays.length + 1);
    forEachStrided(shape, post.leaves, (i, o) => {
      vals[0] = rowData[rows.offset + Math.floor(i / inner)];
      for (let k = 0; k < arrays.length; k++) vals[k + 1] = arrays[k][o[k]];
      dst[post.out.offset + i] = f(vals);
    });
  }

  /** out = epilogue(out, leaves...) elementwise, in place. */
  private applyEpilogue(epilogue: Fused, out: View): void {
    const f = compileExpr(epilogue.expr, epilogue.scalars);
    const arrays = [dataOf(out), ...epilogue.leaves.map(dataOf)];
    const vals = new Float64Array(arrays.length);
    forEachStrided(out.shape, [out, ...epilogue.leaves], (_, o) => {
      for (let k = 0; k < arrays.length; k++) vals[k] = arrays[k][o[k]];
      arrays[0][o[0]] = f(vals);
    });
  }

  argReduce(op: ArgReduceOp, input: View, values: View, indices: View): void {
    this.kernelCount++;
    const rank = input.shape.length;
    launch(
      [input, values, indices],
      profiled(
        () => argReduceCost(op, numel(input.shape.slice(0, -1)), input.shape[rank - 1]),
        () => {
          const better = CPU_ARG_BETTER[op];
          const src = dataOf(input);
          const n = input.shape[rank - 1];
          const stride = input.strides[rank - 1];
          const outer = { shape: input.shape.slice(0, -1), strides: input.strides.slice(0, -1), offset: input.offset };
          const vals = dataOf(values);
          const idxs = dataOf(indices);
          forEachStrided(outer.shape, [outer, values, indices], (_, o) => {
            let best = src[o[0]];
            let bestIndex = 0;
            for (let j = 1; j < n; j++) {
              const x = src[o[0] + j * stride];
              if (better(x, best)) {
                best = x;
                bestIndex = j;
              }
            }
            vals[o[1]] = best;
            idxs[o[2]] = bestIndex;
          });
        },
      ),
    );
  }

  cumsum(input: View, out: View): void {
    this.kernelCount++;
    const rank = input.shape.length;
    launch(
      [input, out],
      profiled(
        () => cumsumCost(numel(input.shape.slice(0, -1)), input.shape[rank - 1]),
        () => {
          const src = dataOf(input);
          const dst = dataOf(out);
          const round = coerce(out.dtype);
          const n = input.shape[rank - 1];
          const si = input.strides[rank - 1];
          const so = out.strides[rank - 1];
          const outerIn = { shape: input.shape.slice(0, -1), strides: input.strides.slice(0, -1), offset: input.offset };
          const outerOut = { shape: out.shape.slice(0, -1), strides: out.strides.slice(0, -1), offset: out.offset };
          forEachStrided(outerIn.shape, [outerIn, outerOut], (_, o) => {
            let acc = 0;
            for (let j = 0; j < n; j++) {
              acc = round(acc + src[o[0] + j * si]);
              dst[o[1] + j * so] = acc;
            }
          });
        },
      ),
    );
  }

  matmul(a: View, b: View, out: View, epilogue?: Fused): void {
    this.kernelCount++;
    const r = out.shape.length;
    const cost = () => matmulCost(out.shape[r - 2], out.shape[r - 1], a.shape[r - 1], numel(out.shape.slice(0, -2)), epilogue?.expr);
    launch(
      [a, b, out, ...(epilogue?.leaves ?? [])],
      profiled(cost, () => {
        const rank = out.shape.length;
        const [m, k, n] = [a.shape[rank - 2], a.shape[rank - 1], b.shape[rank - 1]];
        const [sam, sak, sbk, sbn] = [a.strides[rank - 2], a.strides[rank - 1], b.strides[rank - 2], b.strides[rank - 1]];
        const A = dataOf(a);
        const B = dataOf(b);
        const C = dataOf(out);
        const batch = (v: View) => ({ shape: v.shape.slice(0, -2), strides: v.strides.slice(0, -2), offset: v.offset });
        forEachStrided(out.shape.slice(0, -2), [batch(a), batch(b), batch(out)], (_, o) => {
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let acc = 0;
              for (let p = 0; p < k; p++) acc += A[o[0] + i * sam + p * sak] * B[o[1] + p * sbk + j * sbn];
              C[o[2] + i * n + j] = acc;
            }
          }
        });
        if (epilogue) this.applyEpilogue(epilogue, out);
      }),
    );
  }

  scatterAdd(src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
    this.kernelCount++;
    launch(
      [src, index, out],
      profiled(
        () => scatterAddCost(count(index)),
        () => {
          const from = dataOf(src);
          const idx = dataOf(index);
          const dst = dataOf(out);
          const size = out.shape[dim];
          const dimStride = out.strides[dim];
          const base = { offset: out.offset, strides: out.strides.map((s, d) => (d === dim ? 0 : s)) };
          const report = check ?? { op: 'scatterAdd', dim };
          forEachStrided(index.shape, [src, index, base], (_, o) => {
            const j = idx[o[1]];
            if (j < -size || j >= size) badIndex(report, j, size);
            dst[o[2] + (j < 0 ? j + size : j) * dimStride] += from[o[0]];
          });
        },
      ),
    );
  }

  gather(input: View, dim: number, index: View, out: View, check?: IndexCheck): void {
    this.kernelCount++;
    launch(
      [input, index, out],
      profiled(
        () => gatherCost(count(out)),
        () => {
          const src = dataOf(input);
          const idx = dataOf(index);
          const dst = dataOf(out);
          const size = input.shape[dim];
          const dimStride = input.strides[dim];
          const base = { offset: input.offset, strides: input.strides.map((s, d) => (d === dim ? 0 : s)) };
          const report = check ?? { op: 'gather', dim };
          forEachStrided(out.shape, [out, index, base], (_, o) => {
            const j = idx[o[1]];
            if (j < -size || j >= size) badIndex(report, j, size);
            dst[o[0]] = src[o[2] + (j < 0 ? j + size : j) * dimStride];
          });
        },
      ),
    );
  }
  // ---- composite ops: scatter and searchsorted (loops in cpu-scatter.ts) ----
  scatter(src: View, dim: number, index: View, out: View, check?: IndexCheck): void {
    this.kernelCount++;
    const bad = (j: number, size: number) => badIndex(check ?? { op: 'scatter', dim }, j, size);
    const kernel = () => scatterLoop(src, dataOf(src), dim, index, dataOf(index), out, dataOf(out), bad);
    launch(
      [src, index, out],
      profiled(() => scatterCost(count(index)), kernel),
    );
  }

  searchSorted(sorted: View, values: View, out: View, right: boolean): void {
    this.kernelCount++;
    const kernel = () => searchSortedLoop(sorted, dataOf(sorted), values, dataOf(values), out, dataOf(out), right);
    launch(
      [sorted, values, out],
      profiled(() => searchSortedCost(count(values), sorted.shape[sorted.shape.length - 1]), kernel),
    );
  }

  // ---- sort and scan (their loops: sort-scan.ts) ----
  sort(input: View, values: View, indices: View, descending: boolean): void {
    this.kernelCount++;
    const cost = () => sortRowsCost(input);
    launch(
      [input, values, indices],
      profiled(cost, () => sortRows(input, values, indices, descending)),
    );
  }

  scan(op: ScanOp, input: View, out: View, indices?: View): void {
    this.kernelCount++;
    const cost = () => scanRowsCost(op, input, !!indices);
    launch(
      indices ? [input, out, indices] : [input, out],
      profiled(cost, () => scanRows(op, input, out, indices, coerce(out.dtype))),
    );
  }

  // ---- recurrent cell step (#23): the loops in cpu-rnn.ts ----
  rnnStep(mode: RnnMode, gx: View, h: View, c: View | null, wHh: View, bHh: View | null, out: View, saved: View | null): void {
    this.kernelCount++;
    const views = [gx, h, wHh, out, ...(c ? [c] : []), ...(bHh ? [bHh] : []), ...(saved ? [saved] : [])];
    launch(
      views,
      profiled(
        () => rnnStepCost(mode, h.shape[0], h.shape[1]),
        () => rnnStepLoop(mode, gx, h, c, wHh, bHh, out, saved),
      ),
    );
  }

  rnnStepBackward(mode: RnnMode, v: RnnBackwardViews): void {
    this.kernelCount++;
    const views = Object.values(v).filter((x): x is View => x !== undefined);
    launch(
      views,
      profiled(
        () => rnnStepBackwardCost(mode, v.gh.shape[0], v.gh.shape[1]),
        () => rnnStepBackwardLoop(mode, v),
      ),
    );
  }

  // ---- attention (#23) ----
  attention(q: View, k: View, v: View, mask: View | null, out: View, lse: View, p: AttentionParams): void {
    this.kernelCount++;
    const info = () => ({ name: 'flash_attention_fwd', flops: 4 * count(q) * k.shape[2], bytes: 4 * (count(q) + count(k) + count(v) + count(out)) });
    launch(
      [q, k, v, ...(mask ? [mask] : []), out, lse],
      profiled(info, () => attentionLoops(q, k, v, mask, out, lse, p)),
    );
  }

  attentionBackward(views: AttentionGradViews, p: AttentionParams): void {
    this.kernelCount++;
    const { q, k, v, mask, out, lse, dout, dq, dk, dv } = views;
    const info = () => ({ name: 'flash_attention_bwd', flops: 10 * count(q) * k.shape[2], bytes: 8 * (count(q) + count(k) + count(v) + count(out)) });
    launch(
      [q, k, v, ...(mask ? [mask] : []), out, lse, dout, dq, dk, dv],
      profiled(info, () => attentionBackwardLoops(views, p)),
    );
  }

  // ---- conv and pool (#23): loops in cpu-pool.ts ----
  pool2d(op: PoolOp, input: View, out: View, indices: View | null, window: PoolWindow): void {
    this.kernelCount++;
    const kernel = () => poolLoop(op, input, dataOf(input), dataOf(out), indices && dataOf(indices), out, window);
    launch(
      indices ? [input, out, indices] : [input, out],
      profiled(() => poolCost(op, false, count(out), window), kernel),
    );
  }

  pool2dGrad(op: PoolOp, grad: View, indices: View | null, out: View, window: PoolWindow): void {
    this.kernelCount++;
    const kernel = () => poolGradLoop(op, grad, dataOf(grad), indices && dataOf(indices), indices, out, dataOf(out), window);
    launch(
      indices ? [grad, indices, out] : [grad, out],
      profiled(() => poolCost(op, true, count(out), window), kernel),
    );
  }

  col2im(cols: View, out: View, window: Col2imWindow): void {
    this.kernelCount++;
    const kernel = () => col2imLoop(cols, dataOf(cols), out, dataOf(out), window);
    launch(
      [cols, out],
      profiled(() => col2imCost(count(out), window), kernel),
    );
  }
}

/** The WebGPU backend's pooling and col2im kernels (see Backend.pool2d, pool2dGrad, col2im): one dispatch each. */
import type { Col2imWindow, PoolOp, PoolWindow, View } from '../backend';
import { col2imCost, poolCost } from '../../profile/conv-cost';
import { grid1d, type Dispatcher } from './dispatcher';
import { bufferOf } from './gpu-storage';
import { col2imSource, poolGradSource, poolSource } from './kernels/pool';
import { WORKGROUP } from './tuning';

const numelOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function poolMeta(n: number, src: View, out: View, indices: View | null, plane: View, w: PoolWindow): number[] {
  const [h, wd] = plane.shape.slice(2);
  return [
    n,
    src.offset,
    out.offset,
    indices?.offset ?? 0,
    h,
    wd,
    w.outH,
    w.outW,
    ...w.kernel,
    ...w.stride,
    ...w.padding,
    ...w.dilation,
    w.countIncludePad ? 1 : 0,
    w.divisorOverride,
  ];
}

/** See Backend.pool2d. */
export function poolKernel(dispatcher: Dispatcher, op: PoolOp, input: View, out: View, indices: View | null, w: PoolWindow): void {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const pipeline = dispatcher.pipeline(`pool2d|${op}`, () => poolSource(op));
  const buffers = indices ? [bufferOf(input), bufferOf(out), bufferOf(indices)] : [bufferOf(input), bufferOf(out)];
  dispatcher.dispatch(pipeline, poolMeta(n, input, out, indices, input, w), buffers, grid1d(n, WORKGROUP), poolCost(op, false, n, w));
}

/** See Backend.pool2dGrad. */
export function poolGradKernel(dispatcher: Dispatcher, op: PoolOp, grad: View, indices: View | null, out: View, w: PoolWindow): void {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const pipeline = dispatcher.pipeline(`pool2d_grad|${op}`, () => poolGradSource(op));
  const buffers = indices ? [bufferOf(grad), bufferOf(out), bufferOf(indices)] : [bufferOf(grad), bufferOf(out)];
  dispatcher.dispatch(pipeline, poolMeta(n, grad, out, indices, out, w), buffers, grid1d(n, WORKGROUP), poolCost(op, true, n, w));
}

/** See Backend.col2im. */
export function col2imKernel(dispatcher: Dispatcher, cols: View, out: View, w: Col2imWindow): void {
  const n = numelOf(out.shape);
  if (n === 0) return;
  const pipeline = dispatcher.pipeline('col2im', col2imSource);
  const meta = [n, cols.offset, out.offset, out.shape[2], w.planeW, w.outH, w.outW, ...w.kernel, ...w.stride, ...w.dilation, ...w.shift, out.shape[1]];
  dispatcher.dispatch(pipeline, meta, [bufferOf(cols), bufferOf(out)], grid1d(n, WORKGROUP), col2imCost(n, w));
}

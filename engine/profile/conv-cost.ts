/** What the pooling and col2im kernels cost, for the profiler (both backends). */
import type { Col2imWindow, PoolOp, PoolWindow } from '../backends/backend';
import type { KernelInfo } from './recorder';

/** A pooling kernel's cost for the profiler: every output reads its window (forward) or every input its windows (gradient). */
export function poolCost(op: PoolOp, grad: boolean, outputs: number, window: PoolWindow): KernelInfo {
  const taps = window.kernel[0] * window.kernel[1];
  return { name: `${op}_pool2d${grad ? '_grad' : ''}`, flops: outputs * taps, bytes: 4 * outputs * (taps + (op === 'max' ? 2 : 1)) };
}

/** col2im's cost for the profiler: every output element reads the patch entries over it. */
export function col2imCost(outputs: number, w: Col2imWindow): KernelInfo {
  const reads = Math.ceil(w.kernel[0] / w.stride[0]) * Math.ceil(w.kernel[1] / w.stride[1]);
  return { name: 'col2im', flops: outputs * reads, bytes: 4 * outputs * (reads + 1) };
}

/** The cost of the fused recurrent step (Backend.rnnStep), for profiles. */
import type { RnnMode } from '../backends/backend';
import type { KernelInfo } from './recorder';

/** Gates stacked in the weights of each cell. */
export function rnnGates(mode: RnnMode): number {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

/** What one step costs: the recurrent matmul and a handful of pointwise ops per gate. */
export function rnnStepCost(mode: RnnMode, batch: number, hidden: number): KernelInfo {
  const g = rnnGates(mode);
  const stateWords = mode === 'lstm' ? 2 : 1;
  const savedWords = mode === 'lstm' || mode === 'gru' ? 4 : 0;
  return {
    name: `rnn_step_${mode}`,
    flops: 2 * batch * g * hidden * hidden + 10 * batch * g * hidden,
    bytes: 4 * (g * hidden * hidden + batch * hidden * (g + 2 * stateWords + savedWords)),
  };
}

/** What one backward step's pointwise kernel costs. */
export function rnnStepBackwardCost(mode: RnnMode, batch: number, hidden: number): KernelInfo {
  const g = rnnGates(mode);
  return { name: `rnn_step_backward_${mode}`, flops: 12 * batch * g * hidden, bytes: 4 * batch * hidden * (3 * g + 8) };
}

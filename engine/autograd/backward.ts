/** The backward walk over the autograd record. */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';

export function backwardFrom(root: Tensor, gradient?: Tensor): void {
  void gradient;
  if (!root.requiresGrad) fail('backward', 'the tensor does not require grad and has no grad_fn');
  fail('backward', 'gradients are not implemented yet');
}

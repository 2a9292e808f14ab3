/** SGD with momentum, dampening, Nesterov and weight decay, as torch.optim.SGD computes it. */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { Optimizer, ux } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
}

// Values: 0 = param, 1 = momentum buffer (or grad when there is none), 2 = grad.
// Scalars: lr, weightDecay, momentum applied to the old buffer (0 on the first step, when PyTorch
// starts the buffer at the gradient), weight of the new gradient (1 - dampening, 1 on the first
// step), and the momentum Nesterov looks ahead with.
const [LR, WD, DECAY, KEEP, MOMENTUM] = [0, 1, 2, 3, 4].map(ux.scalar);
const P = ux.value(0);

const plainGrad = ux.add(ux.value(1), ux.mul(WD, P));
const PLAIN = [ux.sub(P, ux.mul(LR, plainGrad))];

const grad = ux.add(ux.value(2), ux.mul(WD, P));
const newBuf = ux.add(ux.mul(DECAY, ux.value(1)), ux.mul(KEEP, grad));
const HEAVY_BALL = [ux.sub(P, ux.mul(LR, newBuf)), newBuf];
const NESTEROV = [ux.sub(P, ux.mul(LR, ux.add(grad, ux.mul(MOMENTUM, newBuf)))), newBuf];

/** Stochastic gradient descent, with optional momentum, dampening, Nesterov momentum and weight decay, as torch.optim.SGD. */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: Iterable<Tensor>, opts: Partial<SGDOptions> & { lr: number }) {
    super(params, { momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, ...opts });
    for (const g of this.paramGroups) {
      if (!(g.options.lr >= 0)) fail('SGD', `invalid learning rate ${g.options.lr}`);
      if (g.options.nesterov && (g.options.momentum <= 0 || g.options.dampening !== 0)) fail('SGD', 'nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected updateParameter(p: Tensor, g: Tensor, o: SGDOptions, state: Record<string, Tensor | number>): void {
    if (o.momentum === 0) return this.fusedUpdate(PLAIN, [p], g, [o.lr, o.weightDecay]);
    const first = state.buf === undefined;
    if (first) state.buf = this.zerosLike(p);
    const scalars = [o.lr, o.weightDecay, first ? 0 : o.momentum, first ? 1 : 1 - o.dampening, o.momentum];
    this.fusedUpdate(o.nesterov ? NESTEROV : HEAVY_BALL, [p, state.buf as Tensor], g, scalars);
  }
}

/** SGD with momentum, dampening, Nesterov, weight decay and maximize, as torch.optim.SGD computes it. */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { withDefaults } from './keys';
import { Optimizer, ux, type OptimizerParams, type ParamState } from './optimizer';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

// Values: 0 = param, 1 = momentum buffer (or grad when there is none), 2 = grad.
// Scalars: lr, weightDecay, momentum applied to the old buffer (0 on the first step, when PyTorch
// starts the buffer at the gradient), weight of the new gradient (1 - dampening, 1 on the first
// step), the momentum Nesterov looks ahead with, and the gradient's sign (-1 with maximize).
const [LR, WD, DECAY, KEEP, MOMENTUM, SIGN] = [0, 1, 2, 3, 4, 5].map(ux.scalar);
const P = ux.value(0);

const plainGrad = ux.add(ux.mul(SIGN, ux.value(1)), ux.mul(WD, P));
const PLAIN = [ux.sub(P, ux.mul(LR, plainGrad))];

const grad = ux.add(ux.mul(SIGN, ux.value(2)), ux.mul(WD, P));
const newBuf = ux.add(ux.mul(DECAY, ux.value(1)), ux.mul(KEEP, grad));
const HEAVY_BALL = [ux.sub(P, ux.mul(LR, newBuf)), newBuf];
const NESTEROV = [ux.sub(P, ux.mul(LR, ux.add(grad, ux.mul(MOMENTUM, newBuf)))), newBuf];

const DEFAULTS: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false };

/** Stochastic gradient descent, with optional momentum, dampening, Nesterov momentum and weight decay, as torch.optim.SGD. */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: OptimizerParams<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    super(params, withDefaults('SGD', DEFAULTS, opts));
  }

  protected override checkGroup(g: SGDOptions): void {
    super.checkGroup(g);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) fail('SGD', 'nesterov momentum requires a momentum and zero dampening');
  }

  protected updateParameter(p: Tensor, g: Tensor, o: SGDOptions, state: ParamState): void {
    const sign = o.maximize ? -1 : 1;
    if (o.momentum === 0) return this.fusedUpdate(PLAIN, [p], g, [o.lr, o.weightDecay, 0, 0, 0, sign]);
    const first = state.momentum_buffer === undefined;
    if (first) state.momentum_buffer = this.zerosLike(p);
    const scalars = [o.lr, o.weightDecay, first ? 0 : o.momentum, first ? 1 : 1 - o.dampening, o.momentum, sign];
    this.fusedUpdate(o.nesterov ? NESTEROV : HEAVY_BALL, [p, state.momentum_buffer as Tensor], g, scalars);
  }
}

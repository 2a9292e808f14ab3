/** RMSprop, as torch.optim.RMSprop computes it (eps outside the sqrt; optional momentum and centering). */
import { fail } from '../core/errors';
import type { Expr } from '../ops/op-types';
import type { Tensor } from '../tensor';
import { withDefaults } from './keys';
import { Optimizer, ux, type OptimizerParams, type ParamState } from './optimizer';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

// Values: 0 = param, 1 = square_avg, then momentum_buffer (with momentum), grad_avg (centered), and grad.
// Scalars: alpha, eps, weightDecay, lr, momentum, the gradient's sign (-1 with maximize), 1.
const [ALPHA, EPS, WD, LR, MOM, SIGN, ONE] = [0, 1, 2, 3, 4, 5, 6].map(ux.scalar);

function rmspropExprs(momentum: boolean, centered: boolean): Expr[] {
  const p = ux.value(0);
  const bufAt = 2;
  const avgAt = momentum ? 3 : 2;
  const gradAt = 2 + Number(momentum) + Number(centered);
  const g = ux.add(ux.mul(SIGN, ux.value(gradAt)), ux.mul(WD, p));
  const sq = ux.add(ux.mul(ALPHA, ux.value(1)), ux.mul(ux.mul(ux.sub(ONE, ALPHA), g), g));
  const gAvg = ux.add(ux.mul(ALPHA, ux.value(avgAt)), ux.mul(ux.sub(ONE, ALPHA), g));
  const avg = ux.add(ux.un('sqrt', centered ? ux.sub(sq, ux.mul(gAvg, gAvg)) : sq), EPS);
  const buf = ux.add(ux.mul(MOM, ux.value(bufAt)), ux.div(g, avg));
  const param = momentum ? ux.sub(p, ux.mul(LR, buf)) : ux.sub(p, ux.mul(LR, ux.div(g, avg)));
  return [param, sq, ...(momentum ? [buf] : []), ...(centered ? [gAvg] : [])];
}

const KERNELS = [false, true].map((m) => [false, true].map((c) => rmspropExprs(m, c)));

const DEFAULTS: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };

/** RMSprop, as torch.optim.RMSprop: a running average of squared gradients scales each step; optional momentum and centering. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: OptimizerParams<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    super(params, withDefaults('RMSprop', DEFAULTS, opts));
  }

  protected override checkGroup(g: RMSpropOptions): void {
    super.checkGroup(g);
    if (!(typeof g.alpha === 'number' && g.alpha >= 0)) fail('RMSprop', `invalid alpha ${g.alpha}: it must be >= 0`);
  }

  protected updateParameter(p: Tensor, g: Tensor, o: RMSpropOptions, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.square_avg = this.zerosLike(p);
    }
    const momentum = o.momentum > 0;
    if (momentum && state.momentum_buffer === undefined) state.momentum_buffer = this.zerosLike(p);
    if (o.centered && state.grad_avg === undefined) state.grad_avg = this.zerosLike(p);
    state.step = (state.step as number) + 1;
    const buffers = [p, state.square_avg as Tensor];
    if (momentum) buffers.push(state.momentum_buffer as Tensor);
    if (o.centered) buffers.push(state.grad_avg as Tensor);
    const scalars = [o.alpha, o.eps, o.weightDecay, o.lr, o.momentum, o.maximize ? -1 : 1, 1];
    this.fusedUpdate(KERNELS[Number(momentum)][Number(o.centered)], buffers, g, scalars);
  }
}

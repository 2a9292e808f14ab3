/** Adagrad, as torch.optim.Adagrad computes it (learning-rate decay, initial accumulator, eps outside the sqrt). */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { withDefaults } from './keys';
import { Optimizer, ux, type OptimizerParams, type ParamState } from './optimizer';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

// Values: 0 = param, 1 = sum of squared gradients, 2 = grad.
// Scalars: clr = lr / (1 + (step - 1) * lrDecay), weightDecay, eps, what the sum starts at (added
// on the first step only, to a zero buffer), the gradient's sign (-1 with maximize).
const [CLR, WD, EPS, INIT, SIGN] = [0, 1, 2, 3, 4].map(ux.scalar);
const P = ux.value(0);
const G = ux.add(ux.mul(SIGN, ux.value(2)), ux.mul(WD, P));
const SUM = ux.add(ux.add(ux.value(1), INIT), ux.mul(G, G));
const ADAGRAD = [ux.sub(P, ux.mul(CLR, ux.div(G, ux.add(ux.un('sqrt', SUM), EPS)))), SUM];

const DEFAULTS: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false };

/** Adagrad, as torch.optim.Adagrad: each coordinate's step shrinks with the sum of its squared gradients. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: OptimizerParams<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    super(params, withDefaults('Adagrad', DEFAULTS, opts));
  }

  protected override checkGroup(g: AdagradOptions): void {
    super.checkGroup(g);
    for (const key of ['lrDecay', 'initialAccumulatorValue'] as const)
      if (!(typeof g[key] === 'number' && g[key] >= 0)) fail('Adagrad', `invalid ${key} ${g[key]}: it must be >= 0`);
  }

  protected updateParameter(p: Tensor, g: Tensor, o: AdagradOptions, state: ParamState): void {
    const first = state.sum === undefined;
    if (first) state.sum = this.zerosLike(p);
    const t = ((state.step as number | undefined) ?? 0) + 1;
    state.step = t;
    const clr = o.lr / (1 + (t - 1) * o.lrDecay);
    const scalars = [clr, o.weightDecay, o.eps, first ? o.initialAccumulatorValue : 0, o.maximize ? -1 : 1];
    this.fusedUpdate(ADAGRAD, [p, state.sum as Tensor], g, scalars);
  }
}

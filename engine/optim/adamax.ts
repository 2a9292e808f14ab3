/** Adamax, as torch.optim.Adamax computes it (Adam with the infinity norm). */
import type { Tensor } from '../tensor';
import { withDefaults } from './keys';
import { Optimizer, ux, type OptimizerParams, type ParamState } from './optimizer';

export interface AdamaxOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

// Values: 0 = param, 1 = exp_avg, 2 = exp_inf, 3 = grad.
// Scalars: beta1, beta2, eps, weightDecay, clr = lr / (1 - beta1^t), 1, the gradient's sign.
const [B1, B2, EPS, WD, CLR, ONE, SIGN] = [0, 1, 2, 3, 4, 5, 6].map(ux.scalar);
const P = ux.value(0);
const G = ux.add(ux.mul(SIGN, ux.value(3)), ux.mul(WD, P));
const M = ux.add(ux.mul(B1, ux.value(1)), ux.mul(ux.sub(ONE, B1), G));
const U = ux.bin('maximum', ux.mul(B2, ux.value(2)), ux.add(ux.un('abs', G), EPS));
const ADAMAX = [ux.sub(P, ux.mul(CLR, ux.div(M, U))), M, U];

const DEFAULTS: AdamaxOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, maximize: false };

/** Adamax, as torch.optim.Adamax: Adam's update scaled by an exponentially weighted infinity norm of the gradients. */
export class Adamax extends Optimizer<AdamaxOptions> {
  constructor(params: OptimizerParams<AdamaxOptions>, opts: Partial<AdamaxOptions> = {}) {
    super(params, withDefaults('Adamax', DEFAULTS, opts));
  }

  protected updateParameter(p: Tensor, g: Tensor, o: AdamaxOptions, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = this.zerosLike(p);
      state.exp_inf = this.zerosLike(p);
    }
    const t = (state.step as number) + 1;
    state.step = t;
    const [b1, b2] = o.betas;
    const scalars = [b1, b2, o.eps, o.weightDecay, o.lr / (1 - b1 ** t), 1, o.maximize ? -1 : 1];
    this.fusedUpdate(ADAMAX, [p, state.exp_avg as Tensor, state.exp_inf as Tensor], g, scalars);
  }
}

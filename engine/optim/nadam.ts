/** NAdam, as torch.optim.NAdam computes it (Nesterov momentum with a decaying momentum schedule). */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { withDefaults } from './keys';
import { Optimizer, ux, type OptimizerParams, type ParamState } from './optimizer';

export interface NAdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  momentumDecay: number;
  decoupledWeightDecay: boolean;
  maximize: boolean;
}

// Values: 0 = param, 1 = exp_avg, 2 = exp_avg_sq, 3 = grad.
// Scalars: beta1, beta2, eps, L2 weight decay (0 when decoupled), the decoupled decay factor
// 1 - lr * weightDecay (1 when not), 1 - beta2^t, the gradient's coefficient lr * (1 - mu) /
// (1 - mu_product), the moment's coefficient lr * mu_next / (1 - mu_product * mu_next), 1, the sign.
const [B1, B2, EPS, WD, SHRINK, BC2, CG, CM, ONE, SIGN] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map(ux.scalar);
const P = ux.value(0);
const G = ux.add(ux.mul(SIGN, ux.value(3)), ux.mul(WD, P));
const M = ux.add(ux.mul(B1, ux.value(1)), ux.mul(ux.sub(ONE, B1), G));
const V = ux.add(ux.mul(B2, ux.value(2)), ux.mul(ux.mul(ux.sub(ONE, B2), G), G));
const DENOM = ux.add(ux.un('sqrt', ux.div(V, BC2)), EPS);
const NADAM = [ux.sub(ux.sub(ux.mul(P, SHRINK), ux.mul(CG, ux.div(G, DENOM))), ux.mul(CM, ux.div(M, DENOM))), M, V];

const DEFAULTS: NAdamOptions = { lr: 2e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, maximize: false };

/** NAdam, as torch.optim.NAdam: Adam with Nesterov momentum and a momentum schedule (momentumDecay); decoupled weight decay optional. */
export class NAdam extends Optimizer<NAdamOptions> {
  constructor(params: OptimizerParams<NAdamOptions>, opts: Partial<NAdamOptions> = {}) {
    super(params, withDefaults('NAdam', DEFAULTS, opts));
  }

  protected override checkGroup(g: NAdamOptions): void {
    super.checkGroup(g);
    if (!(typeof g.momentumDecay === 'number' && g.momentumDecay >= 0)) fail('NAdam', `invalid momentumDecay ${g.momentumDecay}: it must be >= 0`);
  }

  protected updateParameter(p: Tensor, g: Tensor, o: NAdamOptions, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.mu_product = 1;
      state.exp_avg = this.zerosLike(p);
      state.exp_avg_sq = this.zerosLike(p);
    }
    const t = (state.step as number) + 1;
    state.step = t;
    const [b1, b2] = o.betas;
    const mu = b1 * (1 - 0.5 * 0.96 ** (t * o.momentumDecay));
    const muNext = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * o.momentumDecay));
    const muProduct = (state.mu_product as number) * mu;
    state.mu_product = muProduct;
    const decoupled = o.decoupledWeightDecay;
    const scalars = [
      b1,
      b2,
      o.eps,
      decoupled ? 0 : o.weightDecay,
      decoupled ? 1 - o.lr * o.weightDecay : 1,
      1 - b2 ** t,
      (o.lr * (1 - mu)) / (1 - muProduct),
      (o.lr * muNext) / (1 - muProduct * muNext),
      1,
      o.maximize ? -1 : 1,
    ];
    this.fusedUpdate(NADAM, [p, state.exp_avg as Tensor, state.exp_avg_sq as Tensor], g, scalars);
  }
}

/** Adam and AdamW, as torch.optim computes them (bias-corrected moments, eps outside the sqrt, optional AMSGrad). */
import type { Tensor } from '../tensor';
import { withDefaults } from './keys';
import { Optimizer, ux, type OptimizerParams, type ParamState } from './optimizer';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
  /** AdamW's decay (p *= 1 - lr * weightDecay) instead of L2 added to the gradient; AdamW sets it. */
  decoupledWeightDecay: boolean;
}

// Values: 0 = param, 1 = first moment, 2 = second moment, (3 = max second moment with AMSGrad), then grad.
// Scalars: beta1, beta2, eps, weightDecay (L2 for Adam), stepSize = lr / (1 - beta1^t),
// sqrt(1 - beta2^t), the decoupled decay factor 1 - lr * weightDecay (AdamW; 1 for Adam), 1, and
// the gradient's sign (-1 with maximize).
const [B1, B2, EPS, WD, STEP, BC2SQRT, SHRINK, ONE, SIGN] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map(ux.scalar);

function adamExprs(decoupled: boolean, amsgrad: boolean) {
  const p = ux.value(0);
  const rawGrad = ux.mul(SIGN, ux.value(amsgrad ? 4 : 3));
  const g = decoupled ? rawGrad : ux.add(rawGrad, ux.mul(WD, p));
  const m = ux.add(ux.mul(B1, ux.value(1)), ux.mul(ux.sub(ONE, B1), g));
  const v = ux.add(ux.mul(B2, ux.value(2)), ux.mul(ux.mul(ux.sub(ONE, B2), g), g));
  const vmax = ux.bin('maximum', ux.value(3), v);
  const denom = ux.add(ux.div(ux.un('sqrt', amsgrad ? vmax : v), BC2SQRT), EPS);
  const start = decoupled ? ux.mul(p, SHRINK) : p;
  const out = [ux.sub(start, ux.mul(STEP, ux.div(m, denom))), m, v];
  return amsgrad ? [...out, vmax] : out;
}

const KERNELS = {
  adam: adamExprs(false, false),
  adamAms: adamExprs(false, true),
  adamw: adamExprs(true, false),
  adamwAms: adamExprs(true, true),
};

const DEFAULTS: AdamOptions = { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, decoupledWeightDecay: false };

/** Adam, as torch.optim.Adam: bias-corrected moments, with optional (L2) weight decay and AMSGrad. */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: OptimizerParams<AdamOptions>, opts: Partial<AdamOptions> = {}, defaultWeightDecay = 0, decoupledWeightDecay = false) {
    super(params, withDefaults(new.target.name, { ...DEFAULTS, weightDecay: defaultWeightDecay, decoupledWeightDecay }, opts));
  }

  protected updateParameter(p: Tensor, g: Tensor, o: AdamOptions, state: ParamState): void {
    if (state.step === undefined) {
      state.step = 0;
      state.exp_avg = this.zerosLike(p);
      state.exp_avg_sq = this.zerosLike(p);
    }
    if (o.amsgrad && state.max_exp_avg_sq === undefined) state.max_exp_avg_sq = this.zerosLike(p);
    const t = (state.step as number) + 1;
    state.step = t;
    const [b1, b2] = o.betas;
    const scalars = [b1, b2, o.eps, o.weightDecay, o.lr / (1 - b1 ** t), Math.sqrt(1 - b2 ** t), 1 - o.lr * o.weightDecay, 1, o.maximize ? -1 : 1];
    const exprs = o.decoupledWeightDecay ? (o.amsgrad ? KERNELS.adamwAms : KERNELS.adamw) : o.amsgrad ? KERNELS.adamAms : KERNELS.adam;
    const buffers = [p, state.exp_avg as Tensor, state.exp_avg_sq as Tensor];
    this.fusedUpdate(exprs, o.amsgrad ? [...buffers, state.max_exp_avg_sq as Tensor] : buffers, g, scalars);
  }
}

/** AdamW, as torch.optim.AdamW: Adam with decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  constructor(params: OptimizerParams<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, opts, 0.01, true);
  }
}

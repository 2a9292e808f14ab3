/** Adam and AdamW, as torch.optim computes them (bias-corrected moments, eps outside the sqrt). */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { Optimizer, ux } from './optimizer';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

// Values: 0 = param, 1 = first moment, 2 = second moment, 3 = grad.
// Scalars: beta1, beta2, eps, weightDecay (L2 for Adam), stepSize = lr / (1 - beta1^t),
// sqrt(1 - beta2^t), and the decoupled decay factor 1 - lr * weightDecay (AdamW; 1 for Adam).
const [B1, B2, EPS, WD, STEP, BC2SQRT, SHRINK] = [0, 1, 2, 3, 4, 5, 6].map(ux.scalar);
const ONE = ux.scalar(7);

function adamExprs(decoupled: boolean) {
  const p = ux.value(0);
  const g = decoupled ? ux.value(3) : ux.add(ux.value(3), ux.mul(WD, p));
  const m = ux.add(ux.mul(B1, ux.value(1)), ux.mul(ux.sub(ONE, B1), g));
  const v = ux.add(ux.mul(B2, ux.value(2)), ux.mul(ux.mul(ux.sub(ONE, B2), g), g));
  const denom = ux.add(ux.div(ux.un('sqrt', v), BC2SQRT), EPS);
  const start = decoupled ? ux.mul(p, SHRINK) : p;
  return [ux.sub(start, ux.mul(STEP, ux.div(m, denom))), m, v];
}

const ADAM = adamExprs(false);
const ADAMW = adamExprs(true);

/** Adam, as torch.optim.Adam: bias-corrected moments, with optional (L2) weight decay. */
export class Adam extends Optimizer<AdamOptions> {
  protected decoupled = false;

  constructor(params: Iterable<Tensor>, opts: Partial<AdamOptions> = {}, defaultWeightDecay = 0) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: defaultWeightDecay, ...opts });
    for (const g of this.paramGroups) {
      const { lr, betas, eps } = g.options;
      if (!(lr >= 0)) fail(this.constructor.name, `invalid learning rate ${lr}`);
      if (!(betas[0] >= 0 && betas[0] < 1 && betas[1] >= 0 && betas[1] < 1))
        fail(this.constructor.name, `invalid betas [${betas.join(', ')}]: each must be in [0, 1)`);
      if (!(eps >= 0)) fail(this.constructor.name, `invalid eps ${eps}`);
    }
  }

  protected updateParameter(p: Tensor, g: Tensor, o: AdamOptions, state: Record<string, Tensor | number>): void {
    if (state.step === undefined) {
      state.step = 0;
      state.m = this.zerosLike(p);
      state.v = this.zerosLike(p);
    }
    const t = (state.step as number) + 1;
    state.step = t;
    const [b1, b2] = o.betas;
    const scalars = [b1, b2, o.eps, o.weightDecay, o.lr / (1 - b1 ** t), Math.sqrt(1 - b2 ** t), 1 - o.lr * o.weightDecay, 1];
    this.fusedUpdate(this.decoupled ? ADAMW : ADAM, [p, state.m as Tensor, state.v as Tensor], g, scalars);
  }
}

/** AdamW, as torch.optim.AdamW: Adam with decoupled weight decay (default 0.01). */
export class AdamW extends Adam {
  constructor(params: Iterable<Tensor>, opts: Partial<AdamOptions> = {}) {
    super(params, opts, 0.01);
    this.decoupled = true;
  }
}

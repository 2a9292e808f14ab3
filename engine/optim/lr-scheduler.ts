/** Learning-rate schedules (torch.optim.lr_scheduler): call step() once per epoch (or per iteration), after optimizer.step(). */
import { checkNumber, LRScheduler, type SchedulableOptimizer } from './schedulers-base';

/** Multiplies the learning rate by `gamma` (default 0.1) every `stepSize` steps. */
export class StepLR extends LRScheduler {
  /** Steps between decays. */
  stepSize: number;
  /** The factor applied at each decay. */
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, opts: { stepSize: number; gamma?: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    this.stepSize = checkNumber('StepLR', 'stepSize', opts?.stepSize, 1, Infinity, true);
    this.gamma = checkNumber('StepLR', 'gamma', opts.gamma ?? 0.1);
    this.initialStep();
  }

  /** As PyTorch's get_lr(): the current rates, times gamma at multiples of stepSize. */
  getLr(): number[] {
    const decay = this.lastEpoch !== 0 && this.lastEpoch % this.stepSize === 0;
    return this.optimizer.paramGroups.map((g) => (decay ? g.lr * this.gamma : g.lr));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** Anneals the learning rate from its initial value to `etaMin` along a cosine over `tMax` steps (PyTorch's recursive form). */
export class CosineAnnealingLR extends LRScheduler {
  /** Steps in half a cosine period. */
  tMax: number;
  /** The lowest learning rate. */
  etaMin: number;

  constructor(optimizer: SchedulableOptimizer, opts: { tMax: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    this.tMax = checkNumber('CosineAnnealingLR', 'tMax', opts?.tMax, 1);
    this.etaMin = checkNumber('CosineAnnealingLR', 'etaMin', opts.etaMin ?? 0);
    this.initialStep();
  }

  /** As PyTorch's get_lr(): the next point of the cosine, computed from the current rates. */
  getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) return this.baseLrs.map((b) => etaMin + ((b - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    if ((e - 1 - T) % (2 * T) === 0) return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

export { LRScheduler } from './schedulers-base';
export { LambdaLR, MultiplicativeLR, MultiStepLR, ExponentialLR, LinearLR, ConstantLR, PolynomialLR } from './schedulers-simple';
export { OneCycleLR, CosineAnnealingWarmRestarts } from './schedulers-cyclic';
export { ReduceLROnPlateau, SequentialLR, ChainedScheduler } from './schedulers-plateau';

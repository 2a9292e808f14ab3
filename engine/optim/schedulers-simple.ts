/** Multiplicative schedules (torch.optim.lr_scheduler): LambdaLR, MultiplicativeLR, MultiStepLR, ExponentialLR, LinearLR, ConstantLR, PolynomialLR. */
import { fail } from '../core/errors';
import { checkNumber, LRScheduler, type SchedulableOptimizer } from './schedulers-base';

type LrLambda = (epoch: number) => number;

function lambdas(op: string, optimizer: SchedulableOptimizer, f: LrLambda | LrLambda[] | undefined): LrLambda[] {
  const n = optimizer?.paramGroups?.length ?? 0;
  const list = Array.isArray(f) ? f : Array.from({ length: n }, () => f);
  if (list.length !== n) fail(op, `expected ${n} lrLambda functions (one per parameter group), got ${list.length}`);
  if (!list.every((x) => typeof x === 'function')) fail(op, 'lrLambda must be a function of the epoch (or one per parameter group)');
  return list as LrLambda[];
}

/** Sets each group's learning rate to its initial one times `lrLambda(epoch)`. */
export class LambdaLR extends LRScheduler {
  private readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, opts: { lrLambda: LrLambda | LrLambda[]; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    this.lrLambdas = lambdas('LambdaLR', optimizer, opts.lrLambda);
    this.initialStep();
  }

  /** The initial learning rates times lrLambda(lastEpoch). */
  getLr(): number[] {
    return this.baseLrs.map((b, i) => b * this.lrLambdas[i](this.lastEpoch));
  }
}

/** Multiplies each group's learning rate by `lrLambda(epoch)` at every step after the first. */
export class MultiplicativeLR extends LRScheduler {
  private readonly lrLambdas: LrLambda[];

  constructor(optimizer: SchedulableOptimizer, opts: { lrLambda: LrLambda | LrLambda[]; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    this.lrLambdas = lambdas('MultiplicativeLR', optimizer, opts.lrLambda);
    this.initialStep();
  }

  /** The current learning rates times lrLambda(lastEpoch) (unchanged at epoch 0). */
  getLr(): number[] {
    return this.optimizer.paramGroups.map((g, i) => (this.lastEpoch > 0 ? g.lr * this.lrLambdas[i](this.lastEpoch) : g.lr));
  }
}

/** Multiplies the learning rate by `gamma` (default 0.1) at each epoch in `milestones`. */
export class MultiStepLR extends LRScheduler {
  /** The epochs at which the rate decays (sorted; a repeated one decays twice). */
  milestones: number[];
  /** The factor applied at each milestone. */
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, opts: { milestones: number[]; gamma?: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    if (!Array.isArray(opts.milestones) || !opts.milestones.every((m) => Number.isInteger(m) && m >= 0))
      fail('MultiStepLR', `milestones must be a list of epochs (integers >= 0), got ${String(opts.milestones)}`);
    this.milestones = [...opts.milestones].sort((a, b) => a - b);
    this.gamma = checkNumber('MultiStepLR', 'gamma', opts.gamma ?? 0.1);
    this.initialStep();
  }

  /** As PyTorch's get_lr(): the current rates, times gamma^k at a milestone listed k times. */
  getLr(): number[] {
    const k = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.optimizer.paramGroups.map((g) => (k === 0 ? g.lr : g.lr * this.gamma ** k));
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((b) => b * this.gamma ** passed);
  }
}

/** Multiplies the learning rate by `gamma` every step. */
export class ExponentialLR extends LRScheduler {
  /** The factor applied each step. */
  gamma: number;

  constructor(optimizer: SchedulableOptimizer, opts: { gamma: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    this.gamma = checkNumber('ExponentialLR', 'gamma', opts?.gamma);
    this.initialStep();
  }

  /** The current rates times gamma (unchanged at epoch 0). */
  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr * this.gamma));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * this.gamma ** this.lastEpoch);
  }
}

/** Scales the learning rate linearly from `startFactor` (default 1/3) to `endFactor` (default 1) over `totalIters` (default 5) steps. */
export class LinearLR extends LRScheduler {
  /** The factor at epoch 0. */
  startFactor: number;
  /** The factor from `totalIters` on. */
  endFactor: number;
  /** Steps the ramp takes. */
  totalIters: number;

  constructor(optimizer: SchedulableOptimizer, opts: { startFactor?: number; endFactor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, opts.lastEpoch);
    this.startFactor = checkNumber('LinearLR', 'startFactor', opts.startFactor ?? 1 / 3, Number.MIN_VALUE, 1);
    this.endFactor = checkNumber('LinearLR', 'endFactor', opts.endFactor ?? 1, 0, 1);
    this.totalIters = checkNumber('LinearLR', 'totalIters', opts.totalIters ?? 5, 1, Infinity, true);
    this.initialStep();
  }

  /** As PyTorch's get_lr(): the current rates times the ratio of this step's factor to the last one's. */
  getLr(): number[] {
    const { lastEpoch: e, startFactor: s, endFactor: f, totalIters: n } = this;
    return this.optimizer.paramGroups.map((g) => {
      if (e === 0) return g.lr * s;
      if (e > n) return g.lr;
      return g.lr * (1 + (f - s) / (n * s + (e - 1) * (f - s)));
    });
  }

  protected override closedFormLr(): number[] {
    const { startFactor: s, endFactor: f, totalIters: n } = this;
    return this.baseLrs.map((b) => b * (s + ((f - s) * Math.min(n, this.lastEpoch)) / n));
  }
}

/** Multiplies the learning rate by `factor` (default 1/3) until `totalIters` (default 5) steps have passed. */
export class ConstantLR extends LRScheduler {
  /** The factor applied before `totalIters`. */
  factor: number;
  /** Steps the factor applies for. */
  totalIters: number;

  constructor(optimizer: SchedulableOptimizer, opts: { factor?: number; totalIters?: number; lastEpoch?: number } = {}) {
    super(optimizer, opts.lastEpoch);
    this.factor = checkNumber('ConstantLR', 'factor', opts.factor ?? 1 / 3, 0, 1);
    this.totalIters = checkNumber('ConstantLR', 'totalIters', opts.totalIters ?? 5, 0, Infinity, true);
    this.initialStep();
  }

  /** As PyTorch's get_lr(): times factor at epoch 0, divided by it at totalIters. */
  getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => {
      if (this.lastEpoch === 0) return g.lr * this.factor;
      return this.lastEpoch === this.totalIters ? g.lr / this.factor : g.lr;
    });
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (this.lastEpoch >= this.totalIters ? 1 : this.factor));
  }
}

/** Decays the learning rate polynomially to 0 over `totalIters` (default 5) steps, with `power` (default 1). */
export class PolynomialLR extends LRScheduler {
  /** Steps the decay takes. */
  totalIters: number;
  /** The polynomial's power. */
  power: number;

  constructor(optimizer: SchedulableOptimizer, opts: { totalIters?: number; power?: number; lastEpoch?: number } = {}) {
    super(optimizer, opts.lastEpoch);
    this.totalIters = checkNumber('PolynomialLR', 'totalIters', opts.totalIters ?? 5, 1, Infinity, true);
    this.power = checkNumber('PolynomialLR', 'power', opts.power ?? 1);
    this.initialStep();
  }

  /** As PyTorch's get_lr(): the current rates times the ratio of this step's decay to the last one's. */
  getLr(): number[] {
    const { lastEpoch: e, totalIters: n } = this;
    if (e === 0 || e > n) return this.optimizer.paramGroups.map((g) => g.lr);
    const factor = ((1 - e / n) / (1 - (e - 1) / n)) ** this.power;
    return this.optimizer.paramGroups.map((g) => g.lr * factor);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((b) => b * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

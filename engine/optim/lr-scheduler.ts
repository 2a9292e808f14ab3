/** Learning-rate schedules: call step() once per epoch (or per iteration), after optimizer.step(). */
import type { Optimizer } from './optimizer';

abstract class LRScheduler {
  protected readonly baseLrs: number[];
  /** How many times `step()` has been called. */
  lastEpoch = 0;

  constructor(protected readonly optimizer: Optimizer<{ lr: number }>) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.options.lr);
  }

  protected abstract lrAt(base: number, epoch: number): number;

  /** Advances the schedule one step and sets each group's learning rate. */
  step(): void {
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => (g.options.lr = this.lrAt(this.baseLrs[i], this.lastEpoch)));
  }

  /** The learning rate of each parameter group, as last set. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }
}

/** Multiplies the learning rate by `gamma` (default 0.1) every `stepSize` steps. */
export class StepLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    private readonly opts: { stepSize: number; gamma?: number },
  ) {
    super(optimizer);
  }
  protected lrAt(base: number, epoch: number): number {
    return base * (this.opts.gamma ?? 0.1) ** Math.floor(epoch / this.opts.stepSize);
  }
}

/** Anneals the learning rate from its initial value to `etaMin` along a cosine over `tMax` steps. */
export class CosineAnnealingLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<{ lr: number }>,
    private readonly opts: { tMax: number; etaMin?: number },
  ) {
    super(optimizer);
  }
  protected lrAt(base: number, epoch: number): number {
    const etaMin = this.opts.etaMin ?? 0;
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * epoch) / this.opts.tMax))) / 2;
  }
}

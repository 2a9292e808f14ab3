/** Learning-rate schedules: call step() once per epoch (or per iteration), after optimizer.step(). */
import type { Optimizer } from './optimizer';

abstract class LRScheduler {
  protected readonly baseLrs: number[];
  lastEpoch = 0;

  constructor(protected readonly optimizer: Optimizer<{ lr: number }>) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.options.lr);
  }

  protected abstract lrAt(base: number, epoch: number): number;

  step(): void {
    this.lastEpoch++;
    this.optimizer.paramGroups.forEach((g, i) => (g.options.lr = this.lrAt(this.baseLrs[i], this.lastEpoch)));
  }

  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.options.lr);
  }
}

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

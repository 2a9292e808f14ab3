/** Schedules driven by a metric or by other schedulers (torch.optim.lr_scheduler): ReduceLROnPlateau, SequentialLR and ChainedScheduler. */
import { fail } from '../core/errors';
import { camelKey, snakeKey } from './keys';
import { checkNumber, checkOptimizer, LRScheduler, type SchedulableOptimizer } from './schedulers-base';

/** ReduceLROnPlateau's options, as PyTorch's keyword arguments in camelCase. */
export interface PlateauOptions {
  mode?: 'min' | 'max';
  factor?: number;
  patience?: number;
  threshold?: number;
  thresholdMode?: 'rel' | 'abs';
  cooldown?: number;
  minLr?: number | number[];
  eps?: number;
}

/** Divides the learning rate by 1/`factor` once a metric (passed to `step(metric)`) has stopped improving for `patience` steps. */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: SchedulableOptimizer;
  /** 'min': lower metrics are better; 'max': higher. */
  mode: 'min' | 'max';
  /** The factor a reduction multiplies the rate by. */
  factor: number;
  /** Steps without improvement tolerated before a reduction. */
  patience: number;
  /** How much better a metric must be to count as an improvement. */
  threshold: number;
  /** 'rel': threshold is relative to the best; 'abs': absolute. */
  thresholdMode: 'rel' | 'abs';
  /** Steps to wait after a reduction before counting again. */
  cooldown: number;
  /** Each group's lowest learning rate. */
  minLrs: number[];
  /** Reductions smaller than this are skipped. */
  eps: number;
  /** The best metric so far. */
  best: number;
  /** Steps since the last improvement. */
  numBadEpochs = 0;
  /** Steps of cooldown left. */
  cooldownCounter = 0;
  /** How many times `step()` has been called. */
  lastEpoch = 0;
  private _lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, opts: PlateauOptions = {}) {
    const op = 'ReduceLROnPlateau';
    checkOptimizer(op, optimizer);
    this.optimizer = optimizer;
    this.factor = checkNumber(op, 'factor', opts.factor ?? 0.1, 0);
    if (this.factor >= 1) fail(op, `factor must be < 1, got ${this.factor}`);
    const n = optimizer.paramGroups.length;
    const minLr = opts.minLr ?? 0;
    this.minLrs = Array.isArray(minLr) ? [...minLr] : Array.from({ length: n }, () => minLr);
    if (this.minLrs.length !== n) fail(op, `expected ${n} values of minLr (one per parameter group), got ${this.minLrs.length}`);
    this.minLrs.forEach((m) => checkNumber(op, 'minLr', m, 0));
    this.patience = checkNumber(op, 'patience', opts.patience ?? 10, 0, Infinity, true);
    this.cooldown = checkNumber(op, 'cooldown', opts.cooldown ?? 0, 0, Infinity, true);
    this.threshold = checkNumber(op, 'threshold', opts.threshold ?? 1e-4);
    this.eps = checkNumber(op, 'eps', opts.eps ?? 1e-8, 0);
    this.mode = opts.mode ?? 'min';
    this.thresholdMode = opts.thresholdMode ?? 'rel';
    if (this.mode !== 'min' && this.mode !== 'max') fail(op, `mode must be 'min' or 'max', got '${String(this.mode)}'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') fail(op, `thresholdMode must be 'rel' or 'abs', got '${String(this.thresholdMode)}'`);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number): boolean {
    const { best, threshold: t } = this;
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - t) : a < best - t;
    return this.thresholdMode === 'rel' ? a > best * (1 + t) : a > best + t;
  }

  /** Records this step's metric (a loss, an accuracy) and reduces the learning rate after `patience` steps without improvement. */
  step(metric: number): void {
    if (typeof metric !== 'number' || Number.isNaN(metric))
      fail('ReduceLROnPlateau.step', `pass this step's metric as a number (await loss.item()), got ${String(metric)}`);
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else this.numBadEpochs++;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const next = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - next > this.eps) g.lr = next;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each parameter group, as last set. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The scheduler's state under PyTorch's keys (`best`, `num_bad_epochs`, ...), without the optimizer. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[snakeKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
    return out;
  }

  /** Restores a state from stateDict(). */
  loadStateDict(sd: Record<string, unknown>): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd ?? {}))
      if (camelKey(k) in this && k !== 'optimizer') self[camelKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
  }
}

/** Runs `schedulers` one after another, switching at each epoch in `milestones` (the next one starts from its epoch 0). */
export class SequentialLR {
  /** The optimizer the schedulers drive. */
  readonly optimizer: SchedulableOptimizer;
  /** The epochs at which the next scheduler takes over. */
  readonly milestones: number[];
  /** How many times `step()` has been called. */
  lastEpoch: number;
  private readonly schedulers: LRScheduler[];
  private _lastLr: number[];

  constructor(optimizer: SchedulableOptimizer, opts: { schedulers: LRScheduler[]; milestones: number[]; lastEpoch?: number }) {
    const op = 'SequentialLR';
    checkOptimizer(op, optimizer);
    const { schedulers, milestones } = opts ?? {};
    if (!Array.isArray(schedulers) || schedulers.length < 1 || !schedulers.every((s) => s instanceof LRScheduler))
      fail(op, 'schedulers must be a non-empty list of schedulers (ReduceLROnPlateau cannot be chained)');
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) fail(op, `scheduler ${i} drives a different optimizer than the one given`);
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1)
      fail(op, `expected ${schedulers.length - 1} milestones (one fewer than the schedulers), got ${String(milestones)}`);
    this.optimizer = optimizer;
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = (opts.lastEpoch ?? -1) + 1;
    for (const g of optimizer.paramGroups) g.lr = g.initialLr ?? g.lr;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].initialStep();
    this._lastLr = schedulers[0].getLastLr();
  }

  /** Advances the active scheduler (starting the next one from its epoch 0 at a milestone). */
  step(): void {
    this.lastEpoch++;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const s = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) s.step(0);
    else s.step();
    this._lastLr = s.getLastLr();
  }

  /** The learning rate of each parameter group, as last set. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The state: `last_epoch`, `_milestones`, and each scheduler's state dict under `_schedulers`. */
  stateDict(): Record<string, unknown> {
    return {
      last_epoch: this.lastEpoch,
      _milestones: [...this.milestones],
      _last_lr: [...this._lastLr],
      _schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** Restores a state from stateDict(). */
  loadStateDict(sd: { last_epoch: number; _last_lr?: number[]; _schedulers: Record<string, unknown>[] }): void {
    if (!sd || !Array.isArray(sd._schedulers) || sd._schedulers.length !== this.schedulers.length)
      fail('SequentialLR.loadStateDict', `expected a state dict with ${this.schedulers.length} scheduler states`);
    this.lastEpoch = sd.last_epoch;
    if (sd._last_lr) this._lastLr = [...sd._last_lr];
    sd._schedulers.forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}

/** Steps every scheduler in `schedulers` at each step, so their factors multiply (PyTorch's ChainedScheduler). */
export class ChainedScheduler {
  /** The optimizer the schedulers drive. */
  readonly optimizer: SchedulableOptimizer;
  private readonly schedulers: LRScheduler[];
  private _lastLr: number[];

  constructor(schedulers: LRScheduler[]) {
    if (!Array.isArray(schedulers) || schedulers.length < 1 || !schedulers.every((s) => s instanceof LRScheduler))
      fail('ChainedScheduler', 'schedulers must be a non-empty list of schedulers (ReduceLROnPlateau cannot be chained)');
    this.optimizer = schedulers[0].optimizer;
    schedulers.forEach((s, i) => {
      if (s.optimizer !== this.optimizer) fail('ChainedScheduler', `scheduler ${i} drives a different optimizer than scheduler 0`);
    });
    this.schedulers = schedulers;
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Steps each scheduler in turn. */
  step(): void {
    for (const s of this.schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each parameter group, as last set. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The state: each scheduler's state dict under `_schedulers`. */
  stateDict(): Record<string, unknown> {
    return { _last_lr: [...this._lastLr], _schedulers: this.schedulers.map((s) => s.stateDict()) };
  }

  /** Restores a state from stateDict(). */
  loadStateDict(sd: { _last_lr?: number[]; _schedulers: Record<string, unknown>[] }): void {
    if (!sd || !Array.isArray(sd._schedulers) || sd._schedulers.length !== this.schedulers.length)
      fail('ChainedScheduler.loadStateDict', `expected a state dict with ${this.schedulers.length} scheduler states`);
    if (sd._last_lr) this._lastLr = [...sd._last_lr];
    sd._schedulers.forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}

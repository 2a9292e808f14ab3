/** Cyclic schedules (torch.optim.lr_scheduler): OneCycleLR and CosineAnnealingWarmRestarts. */
import { fail } from '../core/errors';
import { checkNumber, groupRecord, LRScheduler, type SchedulableOptimizer } from './schedulers-base';

/** OneCycleLR's options, as PyTorch's keyword arguments in camelCase. */
export interface OneCycleOptions {
  maxLr: number | number[];
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  cycleMomentum?: boolean;
  baseMomentum?: number | number[];
  maxMomentum?: number | number[];
  divFactor?: number;
  finalDivFactor?: number;
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

function perGroup(op: string, name: string, v: number | number[], n: number): number[] {
  const list = Array.isArray(v) ? v : Array.from({ length: n }, () => v);
  if (list.length !== n) fail(op, `expected ${n} values of ${name} (one per parameter group), got ${list.length}`);
  return list.map((x) => checkNumber(op, name, x));
}

/** The 1cycle policy: warm up from maxLr/divFactor to maxLr, then anneal to maxLr/(divFactor*finalDivFactor), cycling momentum inversely. */
export class OneCycleLR extends LRScheduler {
  /** The number of steps in the cycle. */
  totalSteps: number;
  /** 'cos' or 'linear' annealing. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum (SGD) or beta1 (Adam-style) cycles between maxMomentum and baseMomentum. */
  cycleMomentum: boolean;
  private readonly useBeta1: boolean;
  private readonly phases: Phase[];

  constructor(optimizer: SchedulableOptimizer, opts: OneCycleOptions) {
    super(optimizer, opts?.lastEpoch);
    const op = 'OneCycleLR';
    if (opts.totalSteps !== undefined) this.totalSteps = checkNumber(op, 'totalSteps', opts.totalSteps, 1, Infinity, true);
    else if (opts.epochs !== undefined && opts.stepsPerEpoch !== undefined)
      this.totalSteps = checkNumber(op, 'epochs', opts.epochs, 1, Infinity, true) * checkNumber(op, 'stepsPerEpoch', opts.stepsPerEpoch, 1, Infinity, true);
    else fail(op, 'you must give totalSteps, or epochs and stepsPerEpoch');
    const pct = checkNumber(op, 'pctStart', opts.pctStart ?? 0.3, 0, 1);
    const T = this.totalSteps;
    this.phases = opts.threePhase
      ? [
          { endStep: pct * T - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: 2 * pct * T - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
          { endStep: T - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
        ]
      : [
          { endStep: pct * T - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
          { endStep: T - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        ];
    const strategy = opts.annealStrategy ?? 'cos';
    if (strategy !== 'cos' && strategy !== 'linear') fail(op, `annealStrategy must be 'cos' or 'linear', got '${String(strategy)}'`);
    this.annealStrategy = strategy;
    const groups = optimizer.paramGroups;
    const n = groups.length;
    const divFactor = checkNumber(op, 'divFactor', opts.divFactor ?? 25, Number.MIN_VALUE);
    const finalDivFactor = checkNumber(op, 'finalDivFactor', opts.finalDivFactor ?? 1e4, Number.MIN_VALUE);
    if (this.lastEpoch === -1) {
      perGroup(op, 'maxLr', opts.maxLr, n).forEach((maxLr, i) => {
        const g = groupRecord(groups[i]);
        g.initialLr = maxLr / divFactor;
        g.maxLr = maxLr;
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
      this.baseLrs = groups.map((g) => g.initialLr!);
    }
    this.cycleMomentum = opts.cycleMomentum ?? true;
    const defaults = optimizer.defaults as Record<string, unknown>;
    this.useBeta1 = 'betas' in defaults;
    if (this.cycleMomentum) {
      if (!('momentum' in defaults) && !this.useBeta1) fail(op, 'the optimizer has no momentum or betas to cycle; pass cycleMomentum: false');
      if (this.lastEpoch === -1) {
        const maxM = perGroup(op, 'maxMomentum', opts.maxMomentum ?? 0.95, n);
        const baseM = perGroup(op, 'baseMomentum', opts.baseMomentum ?? 0.85, n);
        groups.forEach((group, i) => {
          const g = groupRecord(group);
          if (this.useBeta1) g.betas = [maxM[i], ...(g.betas as number[]).slice(1)];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** The learning rates at step lastEpoch of the cycle (and the cycled momentum, set on the groups). */
  getLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) fail('OneCycleLR.step', `tried to step ${step} times; the cycle has totalSteps ${this.totalSteps}`);
    return this.optimizer.paramGroups.map((group) => {
      const g = groupRecord(group) as Record<string, number> & { betas?: number[] };
      let start = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i];
        if (step <= phase.endStep || i === this.phases.length - 1) {
          const pct = (step - start) / (phase.endStep - start);
          if (this.cycleMomentum) {
            const m = this.anneal(g[phase.startMomentum], g[phase.endMomentum], pct);
            if (this.useBeta1) g.betas = [m, ...g.betas!.slice(1)];
            else g.momentum = m;
          }
          return this.anneal(g[phase.startLr], g[phase.endLr], pct);
        }
        start = phase.endStep;
      }
      return group.lr;
    });
  }
}

/** Cosine annealing with warm restarts (SGDR): restarts every `t0` steps, each period `tMult` times longer. */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  /** Steps in the first period. */
  t0: number;
  /** Steps in the current period. */
  tI: number;
  /** The factor periods grow by after each restart. */
  tMult: number;
  /** The lowest learning rate. */
  etaMin: number;
  /** Steps since the last restart. */
  tCur: number;

  constructor(optimizer: SchedulableOptimizer, opts: { t0: number; tMult?: number; etaMin?: number; lastEpoch?: number }) {
    super(optimizer, opts?.lastEpoch);
    const op = 'CosineAnnealingWarmRestarts';
    this.t0 = checkNumber(op, 't0', opts?.t0, 1, Infinity, true);
    this.tMult = checkNumber(op, 'tMult', opts.tMult ?? 1, 1, Infinity, true);
    this.etaMin = checkNumber(op, 'etaMin', opts.etaMin ?? 0);
    this.tI = this.t0;
    this.tCur = this.lastEpoch;
    this.initialStep();
  }

  /** The learning rates at tCur steps into the current period. */
  getLr(): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** Advances one step (restarting at the end of a period), or jumps to `epoch` (fractional epochs allowed). */
  override step(epoch?: number): void {
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur++;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      checkNumber('CosineAnnealingWarmRestarts.step', 'epoch', epoch, 0);
      if (epoch >= this.t0) {
        if (this.tMult === 1) this.tCur = epoch % this.t0;
        else {
          const k = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** k - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** k;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    this._stepCount++;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }
}

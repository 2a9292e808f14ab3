/**
 * The learning-rate scheduler base, as PyTorch's LRScheduler: the constructor records each group's
 * `initialLr` and takes the first step (epoch 0); each `step()` then computes the next learning
 * rates from the current ones (PyTorch's chainable get_lr), or from a closed form when an epoch is given.
 */
import { fail } from '../core/errors';
import { camelKey, snakeKey } from './keys';
import { Optimizer, type ParamGroup } from './optimizer';

/** An optimizer a scheduler can drive: any optimizer (each group has an `lr`). */
export type SchedulableOptimizer = Optimizer<{ lr: number }>;

/** A group's options by name (schedulers read and write `maxLr`, `momentum`, `betas`, ...). */
export function groupRecord(g: ParamGroup<{ lr: number }>): Record<string, unknown> {
  return g as unknown as Record<string, unknown>;
}

/** Checks a scheduler's optimizer argument. */
export function checkOptimizer(op: string, optimizer: unknown): asserts optimizer is SchedulableOptimizer {
  if (!(optimizer instanceof Optimizer)) fail(op, `the first argument must be an optimizer (new optim.SGD(...)), got ${String(optimizer)}`);
}

/** Checks an option is a finite number within [min, max] (or an integer, with `integer`). */
export function checkNumber(op: string, name: string, value: unknown, min = -Infinity, max = Infinity, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
    fail(op, `invalid ${name} ${String(value)}: expected ${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`);
  return value;
}

/** The base class of learning-rate schedulers: `step()` after `optimizer.step()`, `getLastLr()`, `stateDict()`. */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets. */
  readonly optimizer: SchedulableOptimizer;
  /** Each group's initial learning rate. */
  baseLrs: number[];
  /** The epoch (step) count: 0 after the constructor, +1 per `step()`. */
  lastEpoch: number;
  protected _stepCount = 0;
  protected _lastLr: number[] = [];

  constructor(optimizer: SchedulableOptimizer, lastEpoch = -1) {
    const op = new.target.name;
    checkOptimizer(op, optimizer);
    this.optimizer = optimizer;
    for (const g of optimizer.paramGroups) {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) fail(op, `resuming at lastEpoch ${lastEpoch} needs each group's initialLr`);
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates for the current `lastEpoch`, from the groups' current ones (PyTorch's get_lr()). */
  abstract getLr(): number[];

  /** The learning rates at `lastEpoch` computed directly, where the schedule has a closed form (used by `step(epoch)`). */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** The step the constructor takes (epoch 0); SequentialLR reruns it for its first scheduler. */
  initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /** Advances the schedule one step (or to `epoch`) and sets each group's learning rate. */
  step(epoch?: number): void {
    this._stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = checkNumber(`${this.constructor.name}.step`, 'epoch', epoch, 0);
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of each parameter group, as last set by this scheduler. */
  getLastLr(): number[] {
    return [...this._lastLr];
  }

  /** The scheduler's state, under PyTorch's keys (`last_epoch`, `base_lrs`, `_step_count`, ...), without the optimizer or functions. */
  stateDict(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || typeof v === 'function' || v instanceof LRScheduler) continue;
      if (Array.isArray(v) && v.some((x) => typeof x === 'function' || x instanceof LRScheduler)) continue;
      out[snakeKey(k)] = Array.isArray(v) ? [...(v as unknown[])] : v;
    }
    return out;
  }

  /** Restores a state from stateDict(). */
  loadStateDict(sd: Record<string, unknown>): void {
    if (!sd || typeof sd !== 'object') fail(`${this.constructor.name}.loadStateDict`, 'expected an object from stateDict()');
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(sd)) {
      const key = camelKey(k);
      if (key in this && key !== 'optimizer' && typeof self[key] !== 'function') self[key] = Array.isArray(v) ? [...(v as unknown[])] : v;
    }
  }
}

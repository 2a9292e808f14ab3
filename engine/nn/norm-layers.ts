/** Normalization layers: BatchNorm1d, BatchNorm2d (with running statistics), GroupNorm and RMSNorm. */
import { fail, fmtShape } from '../core/errors';
import { withGradMode } from '../core/runtime';
import * as create from '../ops/creation';
import type { Tensor } from '../tensor';
import { batchNorm, groupNorm, rmsNorm } from '../functional/norms';
import { Module, Parameter } from './module';
import { pyBool, pyFloat, pyTuple } from './repr';

export interface BatchNormOptions {
  /** Added to the variance for numerical stability (1e-5). */
  eps?: number;
  /** The weight of each batch in the running statistics (0.1); null for a cumulative average. */
  momentum?: number | null;
  /** Whether to learn a per-channel scale and shift (true). */
  affine?: boolean;
  /** Whether to keep running statistics for eval() (true); without them eval() uses the batch's. */
  trackRunningStats?: boolean;
}

/** Batch normalization over the channels (dim 1); the base of BatchNorm1d and BatchNorm2d. */
abstract class BatchNormBase extends Module {
  /** The learned per-channel scale (null without `affine`). */
  weight: Tensor | null;
  /** The learned per-channel shift (null without `affine`). */
  bias: Tensor | null;
  /** The running mean per channel (a buffer; null without `trackRunningStats`). */
  running_mean: Tensor | null;
  /** The running (unbiased) variance per channel (a buffer; null without `trackRunningStats`). */
  running_var: Tensor | null;
  /** How many training batches updated the running statistics (an int32 scalar buffer). */
  num_batches_tracked: Tensor | null;
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** The weight of each batch in the running statistics; null for a cumulative average. */
  readonly momentum: number | null;
  /** Whether the layer learns a per-channel scale and shift. */
  readonly affine: boolean;
  /** Whether the layer keeps running statistics. */
  readonly trackRunningStats: boolean;

  constructor(
    /** The number of channels C of the `[N, C, ...]` input. */
    readonly numFeatures: number,
    opts: BatchNormOptions = {},
  ) {
    super();
    const name = new.target.name;
    if (!Number.isInteger(numFeatures) || numFeatures <= 0) fail(name, `numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum === undefined ? 0.1 : opts.momentum;
    if (this.momentum !== null && (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum <= 1)))
      fail(name, `momentum must be a number between 0 and 1 or null, got ${String(opts.momentum)}`);
    this.affine = opts.affine ?? true;
    this.trackRunningStats = opts.trackRunningStats ?? true;
    this.weight = this.affine ? Parameter(create.full([numFeatures], 1)) : null;
    this.bias = this.affine ? Parameter(create.full([numFeatures], 0)) : null;
    this.running_mean = this.trackRunningStats ? create.full([numFeatures], 0) : null;
    this.running_var = this.trackRunningStats ? create.full([numFeatures], 1) : null;
    this.num_batches_tracked = this.trackRunningStats ? create.full([], 0, { dtype: 'int32' }) : null;
  }

  /** Throws unless `x` has a shape this layer takes. */
  protected abstract checkInput(x: Tensor): void;

  /** Resets the running statistics to mean 0, variance 1 and no batches. */
  resetRunningStats(): void {
    withGradMode(false, () => {
      this.running_mean?.fill_(0);
      this.running_var?.fill_(1);
      this.num_batches_tracked?.fill_(0);
    });
  }

  override forward(x: Tensor): Tensor {
    const name = this.constructor.name;
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) fail(name, `expected ${this.numFeatures} channels (dim 1) but got input of shape ${fmtShape(x.shape)}`);
    const useBatchStats = this.training || !this.running_mean || !this.running_var;
    let factor: number | Tensor = this.momentum ?? 0;
    const update = this.training && this.trackRunningStats && this.num_batches_tracked !== null;
    if (update) {
      const nbt = this.num_batches_tracked!;
      withGradMode(false, () => nbt.add_(1));
      // momentum null: a cumulative average, the batch weighted by 1 / num_batches_tracked.
      if (this.momentum === null) factor = withGradMode(false, () => nbt.float().reciprocal());
    }
    return batchNorm(x, useBatchStats && !update ? null : this.running_mean, useBatchStats && !update ? null : this.running_var, this.weight, this.bias, {
      training: useBatchStats,
      momentum: factor,
      eps: this.eps,
    });
  }

  override extraRepr(): string {
    const momentum = this.momentum === null ? 'None' : pyFloat(this.momentum);
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${momentum}, affine=${pyBool(this.affine)}, track_running_stats=${pyBool(this.trackRunningStats)}`;
  }
}

/** Batch normalization of `[N, C]` or `[N, C, L]` inputs per channel C, with running statistics for eval(). */
export class BatchNorm1d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) fail('BatchNorm1d', `expected a 2-D [N, C] or 3-D [N, C, L] input, got shape ${fmtShape(x.shape)}`);
  }
}

/** Batch normalization of `[N, C, H, W]` inputs per channel C, with running statistics for eval(). */
export class BatchNorm2d extends BatchNormBase {
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) fail('BatchNorm2d', `expected a 4-D [N, C, H, W] input, got shape ${fmtShape(x.shape)}`);
  }
}

/** Group normalization: the channels of `[N, C, ...]` inputs in `numGroups` groups, each normalized, with a per-channel scale and shift. */
export class GroupNorm extends Module {
  /** The learned per-channel scale (null without `affine`). */
  weight: Tensor | null;
  /** The learned per-channel shift (null without `affine`). */
  bias: Tensor | null;
  /** Added to the variance for numerical stability. */
  readonly eps: number;
  /** Whether the layer learns a per-channel scale and shift. */
  readonly affine: boolean;
  constructor(
    /** The number of groups the channels are split into. */
    readonly numGroups: number,
    /** The number of channels C (divisible by numGroups). */
    readonly numChannels: number,
    opts: { eps?: number; affine?: boolean } = {},
  ) {
    super();
    if (!Number.isInteger(numGroups) || numGroups <= 0 || !Number.isInteger(numChannels) || numChannels <= 0)
      fail('GroupNorm', `numGroups and numChannels must be positive integers, got ${numGroups} and ${numChannels}`);
    if (numChannels % numGroups !== 0) fail('GroupNorm', `numChannels ${numChannels} must be divisible by numGroups ${numGroups}`);
    this.eps = opts.eps ?? 1e-5;
    this.affine = opts.affine ?? true;
    this.weight = this.affine ? Parameter(create.full([numChannels], 1)) : null;
    this.bias = this.affine ? Parameter(create.full([numChannels], 0)) : null;
  }
  override forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels)
      fail('GroupNorm', `expected an input [N, ${this.numChannels}, ...] (${this.numChannels} channels), got shape ${fmtShape(x.shape)}`);
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${pyBool(this.affine)}`;
  }
}

/** Root-mean-square normalization over the trailing `normalizedShape` dims, with a learned scale. */
export class RMSNorm extends Module {
  /** The learned scale (null without `elementwiseAffine`). */
  weight: Tensor | null;
  /** The trailing dimensions normalized over. */
  readonly normalizedShape: number[];
  /** Added to the mean square (null: the float32 machine epsilon, as PyTorch's None). */
  readonly eps: number | null;
  constructor(normalizedShape: number | number[], opts: { eps?: number | null; elementwiseAffine?: boolean } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.some((s) => !Number.isInteger(s) || s <= 0))
      fail('RMSNorm', `normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    this.eps = opts.eps ?? null;
    this.weight = opts.elementwiseAffine === false ? null : Parameter(create.full(this.normalizedShape, 1));
  }
  override forward(x: Tensor): Tensor {
    return rmsNorm(x, this.normalizedShape, this.weight, this.eps);
  }
  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${this.eps === null ? 'None' : pyFloat(this.eps)}, elementwise_affine=${pyBool(this.weight !== null)}`;
  }
}

/** Spatial layers: Upsample and AdaptiveAvgPool2d (module forms of F.interpolate and F.adaptiveAvgPool2d). */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import { adaptiveAvgPool2d, interpolate, type InterpolateOptions } from '../functional/spatial';
import { Module } from './module';
import { pyFloat } from './repr';

function pySize(v: number | readonly (number | null)[]): string {
  if (typeof v === 'number') return String(v);
  const items = v.map((s) => (s === null ? 'None' : String(s)));
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** Resizes `[N, C, ...]` inputs to `size` or by `scaleFactor` (mode 'nearest', 'linear' or 'bilinear'), as F.interpolate. */
export class Upsample extends Module {
  constructor(
    /** size or scaleFactor, mode and alignCorners, as F.interpolate takes them. */
    readonly opts: InterpolateOptions = {},
  ) {
    super();
    if ((opts.size === undefined) === (opts.scaleFactor === undefined)) fail('Upsample', 'give exactly one of size and scaleFactor');
  }
  override forward(x: Tensor): Tensor {
    return interpolate(x, this.opts);
  }
  override extraRepr(): string {
    const { size, scaleFactor, mode = 'nearest' } = this.opts;
    const info =
      scaleFactor !== undefined
        ? `scale_factor=${typeof scaleFactor === 'number' ? pyFloat(scaleFactor) : `(${scaleFactor.map(pyFloat).join(', ')})`}`
        : `size=${pySize(size!)}`;
    return `${info}, mode='${mode}'`;
  }
}

/** Average pooling of `[N, C, H, W]` inputs to a fixed `outputSize`, whatever the input's size. */
export class AdaptiveAvgPool2d extends Module {
  constructor(
    /** The output's height and width (a number for both; null keeps the input's). */
    readonly outputSize: number | (number | null)[],
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `output_size=${pySize(this.outputSize)}`;
  }
}

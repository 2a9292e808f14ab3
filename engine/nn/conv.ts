/** Convolution and pooling layers, initialised and printed as PyTorch's. */
import { fail } from '../core/errors';
import * as create from '../ops/creation';
import type { Tensor } from '../tensor';
import * as F from '../functional/conv';
import { Module, Parameter } from './module';
import { pyBool, pyTuple } from './repr';

type Ints = number | readonly number[];

/** U(-bound, bound) as a parameter. */
function uniform(shape: number[], bound: number): Tensor {
  return Parameter(
    create
      .rand(shape)
      .mul(2 * bound)
      .sub(bound),
  );
}

/** `v` as a tuple of `n` integers >= min (a number is repeated). */
function tupleOf(op: string, name: string, v: Ints | undefined, n: number, fallback: number, min: number): number[] {
  const t = v === undefined ? Array<number>(n).fill(fallback) : typeof v === 'number' ? Array<number>(n).fill(v) : [...v];
  if (t.length !== n || t.some((x) => !Number.isInteger(x) || x < min))
    fail(op, `${name} must be an integer >= ${min} or a ${n}-tuple of them, got ${JSON.stringify(v)}`);
  return t;
}

/** Options of the conv modules: PyTorch's keyword arguments in camelCase. */
export interface ConvModuleOptions {
  stride?: Ints;
  padding?: Ints | 'same' | 'valid';
  dilation?: Ints;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros';
}

/** Options of the transposed conv modules. */
export interface ConvTransposeModuleOptions {
  stride?: Ints;
  padding?: Ints;
  outputPadding?: Ints;
  groups?: number;
  bias?: boolean;
  dilation?: Ints;
  paddingMode?: 'zeros';
}

/** What Conv1d, Conv2d and ConvTranspose2d share: their geometry, weight and bias, and their print. */
abstract class ConvNd extends Module {
  /** The learned weight (a parameter): [out, in / groups, ...kernel], or [in, out / groups, ...kernel] when transposed. */
  weight: Tensor;
  /** The learned bias (null when made without one). */
  bias: Tensor | null;
  /** The kernel's size along each spatial dim. */
  readonly kernelSize: number[];
  /** The step between windows along each spatial dim. */
  readonly stride: number[];
  /** Zeros added on each side along each spatial dim (or 'same' / 'valid'). */
  readonly padding: number[] | 'same' | 'valid';
  /** The spacing between kernel taps along each spatial dim. */
  readonly dilation: number[];
  /** Extra size on one side of a transposed convolution's output (zeros for a convolution). */
  readonly outputPadding: number[];
  /** The number of channel groups (each output channel sees in / groups input channels). */
  readonly groups: number;
  /** How padding is filled: only 'zeros'. */
  readonly paddingMode: string;
  constructor(
    name: string,
    /** The number of input channels. */
    readonly inChannels: number,
    /** The number of output channels. */
    readonly outChannels: number,
    kernelSize: Ints,
    dims: number,
    transposed: boolean,
    opts: ConvModuleOptions & { outputPadding?: Ints },
  ) {
    super();
    this.kernelSize = tupleOf(name, 'kernelSize', kernelSize, dims, 1, 1);
    this.stride = tupleOf(name, 'stride', opts.stride, dims, 1, 1);
    this.padding = typeof opts.padding === 'string' ? opts.padding : tupleOf(name, 'padding', opts.padding, dims, 0, 0);
    this.dilation = tupleOf(name, 'dilation', opts.dilation, dims, 1, 1);
    this.outputPadding = tupleOf(name, 'outputPadding', opts.outputPadding, dims, 0, 0);
    this.groups = opts.groups ?? 1;
    this.paddingMode = opts.paddingMode ?? 'zeros';
    if (!Number.isInteger(this.groups) || this.groups < 1) fail(name, `groups must be a positive integer, got ${this.groups}`);
    if (inChannels % this.groups !== 0) fail(name, `in_channels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) fail(name, `out_channels (${outChannels}) must be divisible by groups (${this.groups})`);
    if (this.paddingMode !== 'zeros') fail(name, `paddingMode '${this.paddingMode}' is not supported (only 'zeros')`);
    if (typeof this.padding === 'string' && !['same', 'valid'].includes(this.padding))
      fail(name, `padding must be numbers, 'same' or 'valid', got '${this.padding}'`);
    const shape = transposed ? [inChannels, outChannels / this.groups, ...this.kernelSize] : [outChannels, inChannels / this.groups, ...this.kernelSize];
    // kaiming_uniform_(a=sqrt(5)) and PyTorch's bias init both give bound 1/sqrt(fan_in), fan_in = weight.shape[1] * kernel size.
    const bound = 1 / Math.sqrt(shape[1] * this.kernelSize.reduce((a, b) => a * b, 1));
    this.weight = uniform(shape, bound);
    this.bias = opts.bias === false ? null : uniform([outChannels], bound);
  }
  override extraRepr(): string {
    const zeros = (t: number[], v: number) => t.every((x) => x === v);
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (!zeros(this.padding, 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (!zeros(this.dilation, 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (!zeros(this.outputPadding, 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += `, bias=${pyBool(false)}`;
    return s;
  }
}

/** A 1-d convolution over `[N, C, L]` inputs (stride, padding, dilation, groups in `opts`). */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Ints, opts: ConvModuleOptions = {}) {
    super('Conv1d', inChannels, outChannels, kernelSize, 1, false, opts);
  }
  override forward(x: Tensor): Tensor {
    return F.conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** A 2-d convolution over `[N, C, H, W]` inputs (stride, padding, dilation, groups in `opts`). */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Ints, opts: ConvModuleOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, 2, false, opts);
  }
  override forward(x: Tensor): Tensor {
    return F.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** A transposed 1-d convolution over `[N, C, L]` inputs (weight [in, out / groups, k]). */
export class ConvTranspose1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Ints, opts: ConvTransposeModuleOptions = {}) {
    super('ConvTranspose1d', inChannels, outChannels, kernelSize, 1, true, opts);
  }
  override forward(x: Tensor): Tensor {
    const { stride, dilation, outputPadding, groups } = this;
    return F.convTranspose1d(x, this.weight, this.bias, { stride, padding: this.padding as number[], outputPadding, dilation, groups });
  }
}

/** A transposed 2-d convolution over `[N, C, H, W]` inputs (weight [in, out / groups, kh, kw]). */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Ints, opts: ConvTransposeModuleOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, 2, true, opts);
  }
  override forward(x: Tensor): Tensor {
    const { stride, dilation, outputPadding, groups } = this;
    return F.convTranspose2d(x, this.weight, this.bias, { stride, padding: this.padding as number[], outputPadding, dilation, groups });
  }
}

/** Python's print of an int or tuple option. */
const py = (v: Ints): string => (typeof v === 'number' ? String(v) : pyTuple(v));

/** Max pooling options of the modules. */
export interface MaxPoolModuleOptions {
  stride?: Ints;
  padding?: Ints;
  dilation?: Ints;
  ceilMode?: boolean;
}

/** Average pooling options of the modules. */
export interface AvgPoolModuleOptions {
  stride?: Ints;
  padding?: Ints;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number;
}

/** 1-d max pooling over `[N, C, L]` inputs (stride defaults to the kernel size). */
export class MaxPool1d extends Module {
  constructor(
    /** The window's size. */
    readonly kernelSize: Ints,
    /** Stride (defaults to the kernel size), padding, dilation, ceil mode. */
    readonly opts: MaxPoolModuleOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.maxPool1d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${py(this.kernelSize)}, stride=${py(o.stride ?? this.kernelSize)}, padding=${py(o.padding ?? 0)}, dilation=${py(o.dilation ?? 1)}, ceil_mode=${pyBool(!!o.ceilMode)}`;
  }
}

/** 2-d max pooling over `[N, C, H, W]` inputs (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  constructor(
    /** The window's size. */
    readonly kernelSize: Ints,
    /** Stride (defaults to the kernel size), padding, dilation, ceil mode. */
    readonly opts: MaxPoolModuleOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.maxPool2d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    const o = this.opts;
    return `kernel_size=${py(this.kernelSize)}, stride=${py(o.stride ?? this.kernelSize)}, padding=${py(o.padding ?? 0)}, dilation=${py(o.dilation ?? 1)}, ceil_mode=${pyBool(!!o.ceilMode)}`;
  }
}

/** 1-d average pooling over `[N, C, L]` inputs (stride defaults to the kernel size). */
export class AvgPool1d extends Module {
  constructor(
    /** The window's size. */
    readonly kernelSize: Ints,
    /** Stride (defaults to the kernel size), padding, ceil mode, countIncludePad. */
    readonly opts: AvgPoolModuleOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.avgPool1d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    // PyTorch's AvgPool1d keeps its sizes as 1-tuples.
    const one = (v: Ints) => pyTuple(typeof v === 'number' ? [v] : v);
    return `kernel_size=${one(this.kernelSize)}, stride=${one(this.opts.stride ?? this.kernelSize)}, padding=${one(this.opts.padding ?? 0)}`;
  }
}

/** 2-d average pooling over `[N, C, H, W]` inputs (stride defaults to the kernel size). */
export class AvgPool2d extends Module {
  constructor(
    /** The window's size. */
    readonly kernelSize: Ints,
    /** Stride (defaults to the kernel size), padding, ceil mode, countIncludePad, divisorOverride. */
    readonly opts: AvgPoolModuleOptions = {},
  ) {
    super();
  }
  override forward(x: Tensor): Tensor {
    return F.avgPool2d(x, this.kernelSize, this.opts);
  }
  override extraRepr(): string {
    return `kernel_size=${py(this.kernelSize)}, stride=${py(this.opts.stride ?? this.kernelSize)}, padding=${py(this.opts.padding ?? 0)}`;
  }
}

/**
 * nn.init: PyTorch's initializers. Each fills its tensor in place without recording autograd
 * and returns it; random ones take `{ generator }`.
 */
import { fail, fmtShape } from '../core/errors';
import { isFloating } from '../core/dtype';
import { withGradMode } from '../core/runtime';
import type { Generator } from '../core/generator';
import * as create from '../ops/creation';
import { where } from '../ops/elementwise';
import { Tensor } from '../tensor';

/** The nonlinearities `calculateGain` knows (PyTorch's names; camelCase `leakyRelu` too). */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'leakyRelu'
  | 'selu';

/** Which fan a Kaiming initializer keeps the variance of. */
export type FanMode = 'fan_in' | 'fan_out' | 'fanIn' | 'fanOut';

/** Options of the Kaiming initializers (PyTorch's keywords). */
export interface KaimingOptions {
  /** The negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** 'fan_in' (default) keeps the forward pass's variance, 'fan_out' the backward pass's. */
  mode?: FanMode;
  /** The nonlinearity that follows (default 'leaky_relu'), for `calculateGain`. */
  nonlinearity?: Nonlinearity;
  /** The random generator to draw from (default: the global one). */
  generator?: Generator;
}

interface GenOpts {
  generator?: Generator;
}

function target(op: string, t: Tensor): Tensor {
  if (!(t instanceof Tensor)) fail(op, `expected a tensor, got ${t === null ? 'null' : typeof t}`);
  return t;
}

function floatTarget(op: string, t: Tensor): Tensor {
  target(op, t);
  if (!isFloating(t.dtype)) fail(op, `expected a floating tensor, got ${t.dtype} of shape ${fmtShape(t.shape)}`);
  return t;
}

function num(op: string, name: string, v: number): number {
  if (typeof v !== 'number' || Number.isNaN(v)) fail(op, `${name} must be a number, got ${String(v)}`);
  return v;
}

const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);

/** The recommended gain for a nonlinearity (`param`: leaky ReLU's negative slope, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  const op = 'calculateGain';
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu':
    case 'leakyRelu': {
      const slope = param === undefined || param === null ? 0.01 : num(op, 'negative slope', param);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      return fail(op, `unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

/** [fanIn, fanOut] of a weight of shape [out, in, ...kernel] (at least 2-d). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) fail('init', `fan in and fan out can not be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(t.shape)})`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Fills `t` with values uniform in [a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, opts: GenOpts = {}): Tensor {
  floatTarget('uniform_', t);
  if (num('uniform_', 'a', a) > num('uniform_', 'b', b)) fail('uniform_', `a (${a}) must not be greater than b (${b})`);
  return noGrad(() => t.uniform_(a, b, opts));
}

/** Fills `t` with values from N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, opts: GenOpts = {}): Tensor {
  floatTarget('normal_', t);
  if (num('normal_', 'std', std) < 0) fail('normal_', `std must be >= 0, got ${std}`);
  num('normal_', 'mean', mean);
  return noGrad(() => t.normal_(mean, std, opts));
}

/** Fills `t` with `val`. */
export function constant_(t: Tensor, val: number): Tensor {
  target('constant_', t);
  num('constant_', 'val', val);
  return noGrad(() => t.fill_(val));
}

/** Fills `t` with ones. */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Fills `t` with zeros. */
export function zeros_(t: Tensor): Tensor {
  target('zeros_', t);
  return noGrad(() => t.zero_());
}

/** Fills the 2-d `t` with the identity matrix (ones on the diagonal). */
export function eye_(t: Tensor): Tensor {
  target('eye_', t);
  if (t.ndim !== 2) fail('eye_', `only 2-d tensors are supported, got shape ${fmtShape(t.shape)}`);
  return noGrad(() => t.copy_(create.eye(t.shape[0], t.shape[1], { device: t.device, dtype: t.dtype })));
}

/** Glorot uniform: U(-a, a) with `a = gain * sqrt(6 / (fanIn + fanOut))`. */
export function xavierUniform_(t: Tensor, gain = 1, opts: GenOpts = {}): Tensor {
  floatTarget('xavierUniform_', t);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * num('xavierUniform_', 'gain', gain) * Math.sqrt(2 / (fanIn + fanOut));
  return noGrad(() => t.uniform_(-a, a, opts));
}

/** Glorot normal: N(0, std²) with `std = gain * sqrt(2 / (fanIn + fanOut))`. */
export function xavierNormal_(t: Tensor, gain = 1, opts: GenOpts = {}): Tensor {
  floatTarget('xavierNormal_', t);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = num('xavierNormal_', 'gain', gain) * Math.sqrt(2 / (fanIn + fanOut));
  return noGrad(() => t.normal_(0, std, opts));
}

/** The std of the Kaiming initializers: `gain(nonlinearity, a) / sqrt(fan)`. */
function kaimingStd(op: string, t: Tensor, a: number | KaimingOptions | undefined, mode?: FanMode, nonlinearity?: Nonlinearity): { std: number; gen: GenOpts } {
  floatTarget(op, t);
  const o: KaimingOptions = typeof a === 'object' && a !== null ? a : { a, mode, nonlinearity };
  const m = o.mode ?? 'fan_in';
  if (!['fan_in', 'fan_out', 'fanIn', 'fanOut'].includes(m)) fail(op, `mode must be 'fan_in' or 'fan_out', got '${String(m)}'`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = m === 'fan_in' || m === 'fanIn' ? fanIn : fanOut;
  if (fan === 0) fail(op, `cannot initialize an empty tensor of shape ${fmtShape(t.shape)}`);
  const gain = calculateGain(o.nonlinearity ?? 'leaky_relu', o.a ?? 0);
  return { std: gain / Math.sqrt(fan), gen: { generator: o.generator } };
}

/** He uniform: U(-b, b) with `b = gain * sqrt(3 / fan)`; `(t, a?, mode?, nonlinearity?)` or `(t, { a, mode, nonlinearity, generator })`. */
export function kaimingUniform_(t: Tensor, a?: number | KaimingOptions, mode?: FanMode, nonlinearity?: Nonlinearity): Tensor {
  const { std, gen } = kaimingStd('kaimingUniform_', t, a, mode, nonlinearity);
  const bound = Math.sqrt(3) * std;
  return noGrad(() => t.uniform_(-bound, bound, gen));
}

/** He normal: N(0, std²) with `std = gain / sqrt(fan)`; arguments as `kaimingUniform_`. */
export function kaimingNormal_(t: Tensor, a?: number | KaimingOptions, mode?: FanMode, nonlinearity?: Nonlinearity): Tensor {
  const { std, gen } = kaimingStd('kaimingNormal_', t, a, mode, nonlinearity);
  return noGrad(() => t.normal_(0, std, gen));
}

/** erfinv(x) for x in (-1, 1), Giles' single-precision approximation, elementwise. */
function erfinv(x: Tensor): Tensor {
  const poly = (w: Tensor, cs: number[]) => cs.slice(2).reduce((p, c) => p.mul(w).add(c), w.mul(cs[0]).add(cs[1]));
  const w = x.square().neg().add(1).log().neg();
  const small = poly(
    w.sub(2.5),
    [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941],
  );
  const big = poly(
    w.sqrt().sub(3),
    [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682],
  );
  return where(w.lt(5), small, big).mul(x);
}

/** Fills `t` from N(mean, std²) truncated to [a, b] (by the inverse CDF, as PyTorch). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, opts: GenOpts = {}): Tensor {
  const op = 'truncNormal_';
  floatTarget(op, t);
  for (const [n, v] of Object.entries({ mean, std, a, b })) num(op, n, v);
  if (a > b) fail(op, `a (${a}) must not be greater than b (${b})`);
  if (std < 0) fail(op, `std must be >= 0, got ${std}`);
  const cdf = (x: number) => (1 + erf((x - mean) / std / Math.SQRT2)) / 2;
  const l = cdf(a);
  const u = cdf(b);
  return noGrad(() => {
    const p = create.full(t.shape, 0, { device: t.device }).uniform_(2 * l - 1, 2 * u - 1, opts);
    const v = erfinv(p.clamp(-1 + 1e-7, 1 - 1e-7))
      .mul(std * Math.SQRT2)
      .add(mean)
      .clamp(a, b);
    return t.copy_(v);
  });
}

/** erf on the host (Abramowitz and Stegun 7.1.26, error under 1.5e-7). */
function erf(x: number): number {
  const s = Math.sign(x);
  const z = Math.abs(x);
  const k = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-z * z);
  return s * y;
}

/** Fills `t` (at least 2-d, viewed as [rows, rest]) with a (semi-)orthogonal matrix times `gain`. */
export function orthogonal_(t: Tensor, gain = 1, opts: GenOpts = {}): Tensor {
  const op = 'orthogonal_';
  floatTarget(op, t);
  if (t.ndim < 2) fail(op, `only tensors with 2 or more dimensions are supported, got shape ${fmtShape(t.shape)}`);
  num(op, 'gain', gain);
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  if (t.numel() === 0) return t;
  // QR of a normal [max, min] matrix by modified Gram-Schmidt, on the host in float64: R's diagonal
  // comes out positive, which is PyTorch's sign correction `q *= sign(diag(r))`.
  const [m, n] = rows < cols ? [cols, rows] : [rows, cols];
  const g = Array.from(create.randn([m * n], { device: 'cpu', generator: opts.generator }).cpuValues());
  const q = Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => g[i * n + j]));
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[k][i] * q[j][i];
      for (let i = 0; i < m; i++) q[j][i] -= dot * q[k][i];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[j][i] * q[j][i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[j][i] /= norm || 1;
  }
  // q[j] is column j of the [m, n] factor; [rows, cols] is it, or its transpose when rows < cols.
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[r * cols + c] = gain * (rows < cols ? q[r][c] : q[c][r]);
  return noGrad(() => t.copy_(create.tensor(out, { device: t.device, dtype: t.dtype }).reshape(t.shape)));
}

/** WGSL building blocks shared by every generated kernel: types, loads, stores, constants. */
import type { DType } from '../../core/dtype';
import { WORKGROUP } from './tuning';

/** The WGSL element type of a storage buffer holding `dtype` (bool is stored as u32). */
export function storageType(dtype: DType): string {
  switch (dtype) {
    case 'float32':
    case 'float16':
      return 'f32';
    case 'int32':
      return 'i32';
    case 'bool':
      return 'u32';
  }
}

/** The WGSL type a value of `dtype` has inside a kernel. */
export function valueType(dtype: DType): string {
  return dtype === 'bool' ? 'bool' : storageType(dtype);
}

export function load(buffer: string, index: string, dtype: DType): string {
  return dtype === 'bool' ? `(${buffer}[${index}] != 0u)` : `${buffer}[${index}]`;
}

export function storeValue(value: string, dtype: DType): string {
  return dtype === 'bool' ? `select(0u, 1u, ${value})` : value;
}

/** A literal of `dtype`; non-finite floats come from runtime bit patterns (WGSL forbids them in constants). */
export function literal(value: number, dtype: DType): string {
  switch (dtype) {
    case 'bool':
      return value ? 'true' : 'false';
    case 'int32': {
      const v = Math.trunc(value) | 0;
      return v === -2147483648 ? 'i32(-2147483647 - 1)' : `i32(${v})`;
    }
    case 'float32':
    case 'float16': {
      if (Number.isNaN(value)) return 'wick_nan()';
      if (value === Infinity) return 'wick_inf()';
      if (value === -Infinity) return '(-wick_inf())';
      const text = String(Math.fround(value));
      return `f32(${/[.e]/.test(text) ? text : text + '.0'})`;
    }
  }
}

/** Convert a value expression between dtypes with PyTorch's cast semantics. */
export function convert(value: string, from: DType, to: DType): string {
  if (from === to || valueType(from) === valueType(to)) return value;
  // NaN is true, as in PyTorch (tested by its bits: a compiler may take float compares as ordered).
  if (to === 'bool') return valueType(from) === 'f32' ? `wick_truthy(${value})` : `(${value} != ${literal(0, from)})`;
  if (from === 'bool') return `select(${literal(0, to)}, ${literal(1, to)}, ${value})`;
  return `${valueType(to)}(${value})`;
}

/**
 * Where a kernel's source wants the helpers below: `withHelpers` replaces this mark with just the
 * helpers the kernel calls (so the WGSL a learner reads is only what runs).
 */
export const PRELUDE = '/*wick:helpers*/';

/** Helpers kernels may call (`wick_*`), each included only where used. */
const HELPERS = /* wgsl */ `
var<private> wick_nan_bits: u32 = 0x7fc00000u;
var<private> wick_inf_bits: u32 = 0x7f800000u;
fn wick_nan() -> f32 { return bitcast<f32>(wick_nan_bits); }
fn wick_inf() -> f32 { return bitcast<f32>(wick_inf_bits); }
// NaN tests read the bits: WGSL lets a compiler take x != x as false (SwiftShader does).
fn wick_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > wick_inf_bits; }
fn wick_truthy(x: f32) -> bool { return x != 0.0 || wick_isnan(x); }
fn wick_exp(x: f32) -> f32 { return select(exp(x), x, wick_isnan(x)); }
// Near 0 a Taylor polynomial (A&S 7.1.26 has an absolute error, too coarse for tiny x).
fn wick_erf(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.125) { let z = x * x; return x * (1.1283791671 + z * (-0.37612638903 + z * (0.11283791671 + z * -0.02686617064))); }
  let t = 1.0 / (1.0 + 0.3275911 * a);
  let y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return select(select(y, -y, x < 0.0), x, wick_isnan(x));
}
fn wick_log(x: f32) -> f32 {
  if (x < 0.0 || wick_isnan(x)) { return wick_nan(); }
  if (x == 0.0) { return -wick_inf(); }
  return log(x);
}
fn wick_sqrt(x: f32) -> f32 { return select(sqrt(x), wick_nan(), x < 0.0); }
// Near 0, 2 atanh(x / (2 + x)) as a series: the builtin log may be accurate only in absolute terms near 1.
fn wick_log1p(x: f32) -> f32 {
  if (abs(x) < 0.25) {
    let s = x / (2.0 + x);
    let z = s * s;
    return 2.0 * s * (1.0 + z * (0.33333333333 + z * (0.2 + z * (0.14285714286 + z * 0.11111111111))));
  }
  return wick_log(1.0 + x);
}
// Near 0 a Taylor polynomial: exp(x) - 1 cancels there.
fn wick_expm1(x: f32) -> f32 {
  if (abs(x) < 0.25) { return x * (1.0 + x * (0.5 + x * (0.16666666667 + x * (0.041666666667 + x * (0.0083333333333 + x * (0.0013888888889 + x * 0.00019841269841)))))); }
  return wick_exp(x) - 1.0;
}
// sin and cos with Cody–Waite range reduction and Cephes polynomials (builtins may be coarse).
fn wick_sincos(x: f32, cosine: bool) -> f32 {
  let j = round(x * 0.63661977236758134);
  let y = ((x - j * 1.5703125) - j * 4.837512969970703125e-4) - j * 7.54978995489188216e-8;
  let z = y * y;
  let s = y + y * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let c = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let q = (i32(j) + select(0, 1, cosine)) & 3;
  if (q == 0) { return s; }
  if (q == 1) { return c; }
  if (q == 2) { return -s; }
  return -c;
}
// Near 0 a Taylor polynomial (a builtin built on exp loses relative accuracy there).
fn wick_tanh(x: f32) -> f32 {
  if (abs(x) < 0.125) { let z = x * x; return x * (1.0 + z * (-0.33333333333 + z * (0.13333333333 + z * -0.053968253968))); }
  return select(tanh(clamp(x, -15.0, 15.0)), x, wick_isnan(x));
}
fn wick_sigmoid(x: f32) -> f32 { return 1.0 / (1.0 + wick_exp(-x)); }
// As C's pow (and PyTorch): x^0 = 1^y = (-1)^inf = 1, else NaN in, NaN out; a negative base (-0
// included) takes the sign of an odd integer exponent; an infinite or huge exponent is even.
fn wick_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (wick_isnan(a) || wick_isnan(b)) { return wick_nan(); }
  if (a == -1.0 && abs(b) == wick_inf()) { return 1.0; }
  let integer = floor(b) == b;
  let odd = integer && abs(b) < 16777216.0 && fract(b * 0.5) != 0.0;
  var m = exp2(b * log2(abs(a)));
  if (a == 0.0) { m = select(0.0, wick_inf(), b < 0.0); }
  if ((bitcast<u32>(a) >> 31u) == 0u) { return m; }
  if (!integer) { return select(wick_nan(), m, a == 0.0 || abs(a) == wick_inf()); }
  return select(m, -m, odd);
}
// atan2 from atan on [0, 1] and the quadrant, signed zeros read from the bits (SwiftShader's
// atan2 gets them wrong): atan2(±0, -0) = ±pi, atan2(±inf, ±inf) = ±pi/4 or ±3pi/4, as C's.
fn wick_atan2(y: f32, x: f32) -> f32 {
  if (wick_isnan(y) || wick_isnan(x)) { return wick_nan(); }
  let ax = abs(x);
  let ay = abs(y);
  let hi = max(ax, ay);
  var t = select(atan(min(ax, ay) / hi), 0.0, hi == 0.0);
  if (ax == ay && hi == wick_inf()) { t = 0.78539816; }
  t = select(t, 1.57079633 - t, ay > ax);
  t = select(t, 3.14159265 - t, (bitcast<u32>(x) >> 31u) == 1u);
  return select(t, -t, (bitcast<u32>(y) >> 31u) == 1u);
}
fn wick_ipow(a: i32, b: i32) -> i32 {
  if (b < 0) { return select(select(0, 1, a == 1), select(1, -1, (b & 1) == 1), a == -1); }
  var r = 1;
  var base = a;
  var e = b;
  loop {
    if (e == 0) { break; }
    if ((e & 1) == 1) { r = r * base; }
    base = base * base;
    e = e >> 1;
  }
  return r;
}
`;

/** The helpers as separate declarations, each with the `wick_*` names it defines and uses. */
const HELPER_DECLS = (() => {
  const decls: { text: string; defines: string; uses: string[] }[] = [];
  let pending: string[] = [];
  for (const line of HELPERS.split('\n')) {
    const start = /^(?:fn|var<private>) (wick_\w+)/.exec(line);
    if (start) decls.push({ text: '', defines: start[1], uses: [] });
    if (line.startsWith('//') || (!start && decls.length === 0)) {
      pending.push(line);
      continue;
    }
    const decl = decls[decls.length - 1];
    if (start && pending.length) {
      decl.text += `${pending.join('\n')}\n`;
      pending = [];
    }
    decl.text += `${line}\n`;
  }
  for (const d of decls) d.uses = [...new Set(d.text.match(/\bwick_\w+/g) ?? [])].filter((n) => n !== d.defines);
  return decls;
})();

/** `code` with the helpers mark replaced by the helpers it calls, in their declared order. */
export function withHelpers(code: string): string {
  if (!code.includes(PRELUDE)) return code;
  const needed = new Set<string>();
  const visit = (name: string) => {
    if (needed.has(name)) return;
    const decl = HELPER_DECLS.find((d) => d.defines === name);
    if (!decl) return;
    needed.add(name);
    decl.uses.forEach(visit);
  };
  for (const name of code.replace(PRELUDE, '').match(/\bwick_\w+/g) ?? []) visit(name);
  const helpers = HELPER_DECLS.filter((d) => needed.has(d.defines))
    .map((d) => d.text)
    .join('');
  return code.replace(PRELUDE, helpers.trimEnd());
}

/** Metadata words come in a uniform array of vec4<u32>; `md(i)` reads word i. */
export function metaDecl(words: number): string {
  const vecs = Math.max(1, Math.ceil(words / 4));
  return `@group(0) @binding(0) var<uniform> params: array<vec4<u32>, ${vecs}>;
fn md(i: u32) -> u32 { return params[i >> 2u][i & 3u]; }
fn mdi(i: u32) -> i32 { return bitcast<i32>(params[i >> 2u][i & 3u]); }`;
}

/** The linear invocation index of a 1-D launch spread over a 2-D grid of workgroups. */
export const LINEAR_ID = `(wid.y * nwg.x + wid.x) * ${WORKGROUP}u + lid.x`;
export const ENTRY_ARGS = `@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>`;

/**
 * WGSL that walks the flat `index` over `dims` dims (sizes at metadata word `shapeAt`, innermost
 * last), adding each coordinate times a stride (at `stridesAt`) to every named offset variable.
 */
export function decompose(index: string, dims: number, shapeAt: number, offsets: readonly { name: string; stridesAt: number }[], rem = 'rem'): string {
  return `  var ${rem} = ${index};
  for (var d = ${dims - 1}; d >= 0; d--) {
    let size = md(${shapeAt}u + u32(d));
    let c = i32(${rem} % size);
    ${rem} = ${rem} / size;
${offsets.map((o) => `    ${o.name} += c * mdi(${o.stridesAt}u + u32(d));`).join('\n')}
  }`;
}

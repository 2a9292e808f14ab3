/**
 * PyTorch's free-function forms of tensor methods: `torch.sum(x, dim)` is `x.sum(dim)`, with the
 * method's own parameter types (so the editor shows them).
 */
import { fail } from '../core/errors';
import type { Tensor } from '../tensor';
import type { UniqueOptions } from './sort';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => unknown;
type MethodName = { [K in keyof Tensor]: Tensor[K] extends AnyFn ? K : never }[keyof Tensor];
type Method<K extends MethodName> = Tensor[K] extends AnyFn ? Tensor[K] : never;

/** `torch.<name>(x, ...args)`: calls `x.<name>(...args)`; a first argument that is not a tensor is an error naming it. */
function method<K extends MethodName>(name: K): (x: Tensor, ...args: Parameters<Method<K>>) => ReturnType<Method<K>> {
  return (x, ...args) => {
    const fn = (x as unknown as Record<string, unknown> | null | undefined)?.[name];
    if (typeof x !== 'object' || x === null || typeof fn !== 'function')
      fail(`torch.${name}`, `expected a tensor as the first argument, got ${x === null ? 'null' : typeof x}`);
    return (fn as (...a: unknown[]) => ReturnType<Method<K>>).apply(x, args);
  };
}

/** torch.max(x), torch.max(x, dim, keepdim) ({ values, indices }), torch.max(x, other) (elementwise); torch.min alike. */
function extremum(name: 'max' | 'min') {
  function f(x: Tensor): Tensor;
  function f(x: Tensor, dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  function f(x: Tensor, other: Tensor): Tensor;
  function f(x: Tensor, arg?: number | Tensor, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (typeof x !== 'object' || x === null || typeof x.max !== 'function')
      fail(`torch.${name}`, `expected a tensor as the first argument, got ${x === null ? 'null' : typeof x}`);
    if (arg === undefined) return x[name]();
    if (typeof arg === 'number') return x[name](arg, keepdim);
    return name === 'max' ? x.maximum(arg) : x.minimum(arg);
  }
  return f;
}

/** torch.unique(x, opts): as x.unique(opts), a tensor, or `[values, inverse?, counts?]` with returnInverse/returnCounts. */
function uniqueFn(x: Tensor, opts?: UniqueOptions & { returnInverse?: false; returnCounts?: false }): Tensor;
function uniqueFn(x: Tensor, opts: UniqueOptions): Tensor[];
function uniqueFn(x: Tensor, opts?: UniqueOptions): Tensor | Tensor[] {
  return method('unique')(x, opts as UniqueOptions);
}

// prettier-ignore
export const freeFunctions = {
  max: extremum('max'), min: extremum('min'),
  // elementwise
  add: method('add'), sub: method('sub'), mul: method('mul'), div: method('div'), pow: method('pow'),
  eq: method('eq'), ne: method('ne'), lt: method('lt'), le: method('le'), gt: method('gt'), ge: method('ge'),
  logicalAnd: method('logicalAnd'), logicalOr: method('logicalOr'), logicalNot: method('logicalNot'),
  neg: method('neg'), abs: method('abs'), exp: method('exp'), log: method('log'), sqrt: method('sqrt'),
  rsqrt: method('rsqrt'), sin: method('sin'), cos: method('cos'), tanh: method('tanh'), sigmoid: method('sigmoid'),
  relu: method('relu'), square: method('square'), reciprocal: method('reciprocal'), erf: method('erf'),
  sign: method('sign'), floor: method('floor'), ceil: method('ceil'), round: method('round'), trunc: method('trunc'),
  expm1: method('expm1'), log1p: method('log1p'), clamp: method('clamp'), maskedFill: method('maskedFill'),
  fmod: method('fmod'), remainder: method('remainder'), atan2: method('atan2'), hypot: method('hypot'),
  lerp: method('lerp'), isnan: method('isnan'), isinf: method('isinf'), isfinite: method('isfinite'),
  nanToNum: method('nanToNum'), isclose: method('isclose'),
  // reductions
  sum: method('sum'), prod: method('prod'), mean: method('mean'), var: method('var'), std: method('std'),
  argmax: method('argmax'), argmin: method('argmin'), logsumexp: method('logsumexp'), softmax: method('softmax'),
  logSoftmax: method('logSoftmax'), cumsum: method('cumsum'), any: method('any'), all: method('all'),
  amax: method('amax'), amin: method('amin'), norm: method('norm'), trace: method('trace'),
  // shapes and matrices
  reshape: method('reshape'), permute: method('permute'), transpose: method('transpose'), t: method('t'),
  unsqueeze: method('unsqueeze'), squeeze: method('squeeze'), flatten: method('flatten'), narrow: method('narrow'),
  select: method('select'), chunk: method('chunk'), split: method('split'), flip: method('flip'),
  gather: method('gather'), indexSelect: method('indexSelect'), tril: method('tril'), triu: method('triu'),
  outer: method('outer'), diag: method('diag'), roll: method('roll'), mm: method('mm'), bmm: method('bmm'),
  // ---- sort and scan ----
  sort: method('sort'), argsort: method('argsort'), topk: method('topk'), unique: uniqueFn, bincount: method('bincount'),
  cumprod: method('cumprod'), cummax: method('cummax'), cummin: method('cummin'),
};

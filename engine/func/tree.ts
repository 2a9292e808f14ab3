/** Trees of tensors (arrays and plain objects holding tensors), as torch.func's pytrees. */
import { Tensor } from '../tensor';

export type Tree = Tensor | readonly Tree[] | { readonly [k: string]: Tree } | unknown;

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !(v instanceof Tensor) && Object.getPrototypeOf(v) === Object.prototype;

/** The tensors of a tree in order (arrays by index, objects by key order). */
export function leaves(tree: unknown, out: Tensor[] = []): Tensor[] {
  if (tree instanceof Tensor) out.push(tree);
  else if (Array.isArray(tree)) for (const v of tree) leaves(v, out);
  else if (isPlainObject(tree)) for (const v of Object.values(tree)) leaves(v, out);
  return out;
}

/** The tree with each tensor replaced by `f(tensor)` (other leaves kept). */
export function mapTensors(tree: unknown, f: (t: Tensor) => unknown): unknown {
  if (tree instanceof Tensor) return f(tree);
  if (Array.isArray(tree)) return tree.map((v) => mapTensors(v, f));
  if (isPlainObject(tree)) return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, mapTensors(v, f)]));
  return tree;
}

/**
 * Expressions made once per shape of an op. An eager op's kernel expression depends only on the
 * op, its operands' dtypes (or being scalars) and the dtype it computes in, so `binary` and `unary`
 * take one shared, never mutated, expression per such combination; the backends then work out its
 * key, op list and kernel name once per expression object (exprFacts in profile/kernel-cost.ts):
 * before, a loop of tiny ops allocated kilobytes per op, most of it these strings and trees, and
 * the garbage collector's time grew with it.
 */

type Tree = Map<string, unknown>;

function child(node: Tree, key: string): Tree {
  let next = node.get(key) as Tree | undefined;
  if (!next) node.set(key, (next = new Map()));
  return next;
}

/** The value at keys k1..k4 of a tree of maps, made by `make` the first time (no key string built per call). */
export function cached<T>(root: Tree, k1: string, k2: string, k3: string, k4: string, make: () => T): T {
  const node = child(child(child(root, k1), k2), k3);
  let value = node.get(k4) as T | undefined;
  if (value === undefined) node.set(k4, (value = make()));
  return value;
}

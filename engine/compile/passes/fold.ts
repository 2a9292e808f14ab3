/**
 * Constant folding: the numbers a traced function used are fixed for this graph, so scalar leaves
 * become constants, and arithmetic on constants (and identities such as x * 1, x + 0) folds away.
 */
import { CPU_BINARY, CPU_UNARY } from '../../backends/cpu/cpu-scalar-ops';
import type { Expr } from '../../ops/op-types';
import type { Graph } from '../ir';
import { assertNever } from '../../core/assert-never';

const constant = (value: number, dtype: Expr['dtype']): Expr => ({ kind: 'const', value: dtype === 'float32' ? Math.fround(value) : value, dtype });
const isConst = (e: Expr, v?: number): e is Extract<Expr, { kind: 'const' }> => e.kind === 'const' && (v === undefined || e.value === v);

/** Folds an expression bottom-up, reading scalar leaves from `scalars`. */
export function foldExpr(e: Expr, scalars: readonly number[]): Expr {
  const sub = (x: Expr) => foldExpr(x, scalars);
  switch (e.kind) {
    case 'input':
    case 'const':
      return e;
    case 'scalar':
      return constant(scalars[e.index], e.dtype);
    case 'cast': {
      const x = sub(e.x);
      return isConst(x) ? constant(e.dtype === 'int32' ? Math.trunc(x.value) : e.dtype === 'bool' ? +(x.value !== 0) : x.value, e.dtype) : { ...e, x };
    }
    case 'unary': {
      const x = sub(e.x);
      return isConst(x) ? constant(CPU_UNARY[e.op](x.value), e.dtype) : { ...e, x };
    }
    case 'binary': {
      const a = sub(e.a);
      const b = sub(e.b);
      if (isConst(a) && isConst(b)) return constant(CPU_BINARY[e.op](a.value, b.value), e.dtype);
      const same = a.dtype === e.dtype;
      if (same && ((e.op === 'mul' && isConst(b, 1)) || ((e.op === 'add' || e.op === 'sub') && isConst(b, 0)) || (e.op === 'div' && isConst(b, 1)))) return a;
      if (same && b.dtype === e.dtype && ((e.op === 'mul' && isConst(a, 1)) || (e.op === 'add' && isConst(a, 0)))) return b;
      return { ...e, a, b };
    }
    case 'where': {
      const cond = sub(e.cond);
      const a = sub(e.a);
      const b = sub(e.b);
      if (isConst(cond)) return cond.value ? a : b;
      return { ...e, cond, a, b };
    }
  }
}

export function foldConstants(graph: Graph): void {
  graph.nodes = graph.nodes.map((node) => {
    switch (node.kind) {
      case 'elementwise':
        return { ...node, expr: foldExpr(node.expr, node.scalars), scalars: [] };
      case 'reduce':
        return {
          ...node,
          expr: foldExpr(node.expr, node.scalars),
          scalars: [],
          epilogue: node.epilogue && { ...node.epilogue, expr: foldExpr(node.epilogue.expr, node.epilogue.scalars), scalars: [] },
          post: node.post && { ...node.post, expr: foldExpr(node.post.expr, node.post.scalars), scalars: [] },
        };
      case 'matmul':
        return node.epilogue ? { ...node, epilogue: { ...node.epilogue, expr: foldExpr(node.epilogue.expr, node.epilogue.scalars), scalars: [] } } : node;
      case 'zeros':
      case 'upload':
      case 'argReduce':
      case 'cumsum':
      case 'gather':
      case 'scatterAdd':
      case 'scatter':
      case 'searchSorted':
      case 'sort':
      case 'scan':
        return node;
      default:
        return assertNever(node);
    }
  });
}

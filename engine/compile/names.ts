/** Kernel names as Inductor names them: the ops a fused kernel runs, in order (`fused_mul_add_relu`). */
import type { Expr } from '../ops/op-types';
import type { Node } from './ir';

/** Op names of an expression in evaluation order, without repeats. */
export function exprOps(e: Expr, out: string[] = []): string[] {
  switch (e.kind) {
    case 'input':
    case 'const':
    case 'scalar':
      break;
    case 'unary':
      exprOps(e.x, out);
      out.push(e.op);
      break;
    case 'cast':
      exprOps(e.x, out);
      out.push(`to_${e.dtype}`);
      break;
    case 'binary':
      exprOps(e.a, out);
      exprOps(e.b, out);
      out.push(e.op);
      break;
    case 'where':
      exprOps(e.cond, out);
      exprOps(e.a, out);
      exprOps(e.b, out);
      out.push('where');
      break;
  }
  return out;
}

function join(ops: string[]): string {
  const unique = ops.filter((op, i) => ops.indexOf(op) === i);
  if (unique.length === 0) return 'copy';
  const shown = unique.slice(0, 6).join('_');
  return unique.length > 1 ? `fused_${shown}` : shown;
}

export function kernelName(node: Node): string {
  switch (node.kind) {
    case 'elementwise':
      return join(exprOps(node.expr));
    case 'reduce':
      return join([...exprOps(node.expr), node.op, ...(node.epilogue ? exprOps(node.epilogue.expr) : [])]);
    case 'matmul':
      return join(['mm', ...(node.epilogue ? exprOps(node.epilogue.expr) : [])]);
    case 'argReduce':
      return node.op;
    default:
      return node.kind;
  }
}

/** The kernel name of a compiled graph node. */
import { exprOps } from '../ops/op-types';
import { joinOps } from '../profile/kernel-names';
import type { Node } from './ir';

export function kernelName(node: Node): string {
  switch (node.kind) {
    case 'elementwise':
      return joinOps(exprOps(node.expr));
    case 'reduce':
      return joinOps([...exprOps(node.expr), node.op, ...(node.epilogue ? exprOps(node.epilogue.expr) : []), ...(node.post ? exprOps(node.post.expr) : [])]);
    case 'matmul':
      return joinOps(['mm', ...(node.epilogue ? exprOps(node.epilogue.expr) : [])]);
    case 'argReduce':
      return node.op;
    default:
      return node.kind;
  }
}

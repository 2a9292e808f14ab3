/** The kernel name of a compiled graph node, and the traced ops fused into it. */
import { exprOps } from '../ops/op-types';
import { joinOps } from '../profile/kernel-names';
import type { Node } from './ir';
import { assertNever } from '../core/assert-never';

export function kernelOps(node: Node): string[] {
  switch (node.kind) {
    case 'elementwise':
      return exprOps(node.expr);
    case 'reduce':
      return [...exprOps(node.expr), node.op, ...(node.epilogue ? exprOps(node.epilogue.expr) : []), ...(node.post ? exprOps(node.post.expr) : [])];
    case 'matmul':
      return ['mm', ...(node.epilogue ? exprOps(node.epilogue.expr) : [])];
    case 'argReduce':
      return [node.op];
    case 'zeros':
    case 'upload':
    case 'cumsum':
    case 'gather':
    case 'scatterAdd':
      return [node.kind];
    default:
      return assertNever(node);
  }
}

export function kernelName(node: Node): string {
  return node.kind === 'argReduce' ? node.op : node.kind === 'elementwise' || node.kind === 'reduce' || node.kind === 'matmul' ? joinOps(kernelOps(node)) : node.kind;
}

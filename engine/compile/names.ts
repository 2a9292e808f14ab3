/** The kernel name of a compiled graph node, and the traced ops fused into it (named as the backends name them: profile/kernel-cost.ts). */
import { exprOps } from '../ops/op-types';
import { FIXED_KERNEL_NAMES, joinOps, matmulOps, reduceOps } from '../profile/kernel-cost';
import type { Node } from './ir';
import { assertNever } from '../core/assert-never';

export function kernelOps(node: Node): string[] {
  switch (node.kind) {
    case 'elementwise':
      return exprOps(node.expr);
    case 'reduce':
      return reduceOps(node.op, node.expr, node.epilogue?.expr, node.post?.expr);
    case 'matmul':
      return matmulOps(node.epilogue?.expr);
    case 'argReduce':
      return [node.op];
    case 'sort':
      return ['sort'];
    case 'scan':
      return [`cum${node.op}`];
    case 'cumsum':
    case 'gather':
    case 'scatterAdd':
    case 'scatter':
    case 'searchSorted':
      return [FIXED_KERNEL_NAMES[node.kind]];
    case 'zeros':
    case 'upload':
      return [node.kind];
    default:
      return assertNever(node);
  }
}

export function kernelName(node: Node): string {
  return node.kind === 'zeros' || node.kind === 'upload' ? node.kind : joinOps(kernelOps(node));
}

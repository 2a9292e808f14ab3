/** The WGSL each compiled node runs as, for reading (the same generators the WebGPU backend uses). */
import type { View } from '../backends/backend';
import { elementwiseSource, planElementwise } from '../backends/webgpu/kernels/elementwise';
import { chooseMatmul, matmulSource } from '../backends/webgpu/kernels/matmul';
import { reduceSource, rowSteps, rowStepsNeeded, SHORT_ROW } from '../backends/webgpu/kernels/reduce';
import { exprKey } from '../ops/op-types';
import type { Node, ValueView } from './ir';
import { withHelpers } from '../backends/webgpu/wgsl-common';
import { assertNever } from '../core/assert-never';

const asView = (v: ValueView): View => ({ storage: { device: 'webgpu', length: v.value.length, dtype: v.value.dtype, bytes: 0 }, shape: v.shape, strides: v.strides, offset: v.offset, dtype: v.dtype });

export function wgslOf(node: Node): string | null {
  const code = generatedWgsl(node);
  return code === null ? null : withHelpers(code);
}

function generatedWgsl(node: Node): string | null {
  switch (node.kind) {
    case 'elementwise': {
      const plan = planElementwise(exprKey(node.expr), node.inputs.map(asView), asView(node.out), node.scalars);
      return elementwiseSource(node.expr, plan, node.inputs.map((v) => v.dtype), node.out.dtype, node.out.shape.length);
    }
    case 'reduce': {
      const inner = node.shape.slice(node.keptDims).reduce((a, b) => a * b, 1);
      return reduceSource({
        op: node.op, rank: node.shape.length, kept: node.keptDims, outDtype: node.out.dtype, longRows: inner > SHORT_ROW,
        source: { expr: node.expr, dtypes: node.leaves.map((v) => v.dtype), scalars: node.scalars.length },
        epilogue: node.epilogue ? { expr: node.epilogue.expr, dtypes: node.epilogue.leaves.map((v) => v.dtype), scalars: node.epilogue.scalars.length } : null,
        post: node.post ? { expr: node.post.expr, dtypes: node.post.leaves.map((v) => v.dtype), scalars: node.post.scalars.length, outDtype: node.post.out.dtype } : null,
        rowSteps: rowStepsNeeded(rowSteps([...node.leaves, ...(node.post?.leaves ?? [])], node.shape, node.keptDims), node.shape, node.keptDims),
      });
    }
    case 'matmul': {
      const e = node.epilogue;
      return matmulSource(chooseMatmul(asView(node.a), asView(node.b), asView(node.out)), node.out.shape.length - 2, e ? { expr: e.expr, dtypes: e.leaves.map((v) => v.dtype), scalars: e.scalars.length } : null);
    }
    case 'zeros':
    case 'upload':
    case 'argReduce':
    case 'cumsum':
    case 'gather':
    case 'scatterAdd':
      return null;
    default:
      return assertNever(node);
  }
}

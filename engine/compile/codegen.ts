/** The WGSL each compiled node runs as, for reading (the same generators the WebGPU backend uses). */
import type { View } from '../backends/backend';
import { elementwiseSource, planElementwise } from '../backends/webgpu/kernels/elementwise';
import { chooseMatmul, matmulSource } from '../backends/webgpu/kernels/matmul';
import { reduceSource } from '../backends/webgpu/kernels/reduce';
import { planReduce } from '../backends/webgpu/kernels/reduce-plan';
import { exprKey } from '../ops/op-types';
import type { Node, ValueView } from './ir';
import { withHelpers } from '../backends/webgpu/wgsl-common';
import { assertNever } from '../core/assert-never';

const asView = (v: ValueView): View => ({
  storage: { device: 'webgpu', length: v.value.length, dtype: v.value.dtype, bytes: 0 },
  shape: v.shape,
  strides: v.strides,
  offset: v.offset,
  dtype: v.dtype,
});

export function wgslOf(node: Node): string | null {
  const code = generatedWgsl(node);
  return code === null ? null : withHelpers(code);
}

function generatedWgsl(node: Node): string | null {
  switch (node.kind) {
    case 'elementwise': {
      const plan = planElementwise(exprKey(node.expr), node.inputs.map(asView), asView(node.out), node.scalars);
      return elementwiseSource(
        node.expr,
        plan,
        node.inputs.map((v) => v.dtype),
        node.out.dtype,
        node.out.shape.length,
      );
    }
    case 'reduce':
      return reduceSource(
        planReduce(
          node.op,
          node.shape,
          node.keptDims,
          node.out.dtype,
          { expr: node.expr, leaves: node.leaves, scalars: node.scalars },
          node.epilogue,
          node.post,
        ).plan,
      );
    case 'matmul': {
      const e = node.epilogue;
      return matmulSource(
        chooseMatmul(asView(node.a), asView(node.b), asView(node.out)),
        node.out.shape.length - 2,
        e ? { expr: e.expr, dtypes: e.leaves.map((v) => v.dtype), scalars: e.scalars.length } : null,
      );
    }
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
      return null;
    default:
      return assertNever(node);
  }
}

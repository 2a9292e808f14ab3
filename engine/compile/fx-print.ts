/** `String(graph)` as torch.fx prints a graph: one line per node, named values, ops and shapes. */
import type { Graph, Node, Value, ValueView } from './ir';
import { writes } from './ir';
import { kernelName } from './names';
import { assertNever } from '../core/assert-never';

function args(node: Node): ValueView[] {
  switch (node.kind) {
    case 'zeros':
    case 'upload':
      return [];
    case 'elementwise':
      return node.inputs;
    case 'reduce':
      return [...node.leaves, ...(node.epilogue?.leaves ?? []), ...(node.post?.leaves ?? [])];
    case 'argReduce':
    case 'cumsum':
    case 'sort':
    case 'scan':
      return [node.input];
    case 'matmul':
      return [node.a, node.b, ...(node.epilogue?.leaves ?? [])];
    case 'gather':
      return [node.input, node.index];
    case 'scatterAdd':
    case 'scatter':
      return [node.src, node.index, node.out];
    case 'searchSorted':
      return [node.sorted, node.values];
    default:
      return assertNever(node);
  }
}

function outShape(node: Node): readonly number[] {
  if (node.kind === 'zeros' || node.kind === 'upload') return [node.out.length];
  if (node.kind === 'argReduce' || node.kind === 'sort') return node.values.shape;
  return node.out.shape;
}

export function printGraph(graph: Graph, title = 'graph'): string {
  const names = new Map<Value, string>();
  graph.inputs.forEach((v, i) => names.set(v, `arg${i}`));
  [...graph.captured.keys()].forEach((v, i) => names.set(v, `param${i}`));
  const name = (v: Value) => names.get(v) ?? `v${v.id}`;
  const lines = [`${title}():`];
  for (const v of graph.inputs) lines.push(`    %${name(v)} : [num_users=?] = placeholder[target=${name(v)}]`);
  for (const v of graph.captured.keys()) lines.push(`    %${name(v)} : = get_attr[target=${name(v)}]`);
  graph.nodes.forEach((node, i) => {
    const out = writes(node)[0];
    if (!names.has(out)) names.set(out, `${kernelName(node)}_${i}`);
    const a = args(node)
      .map((v) => `%${name(v.value)}`)
      .join(', ');
    lines.push(`    %${name(out)} : [${outShape(node).join(', ')}] ${out.dtype} = call_kernel[target=${kernelName(node)}](args = (${a}))`);
  });
  lines.push(`    return (${graph.outputs.map((v) => `%${name(v)}`).join(', ')})`);
  return lines.join('\n');
}

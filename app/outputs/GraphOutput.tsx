// A torch.compile'd function's graphs as an SVG: one box per node (inputs, parameters, kernels,
// fused kernels highlighted), laid out in layers from the inputs down; before and after the passes.
import { useMemo, useState } from 'react';
import type { OutputBundle } from '../../workers/protocol';

type GraphBundle = Extract<OutputBundle, { type: 'graph' }>;
type GraphData = GraphBundle['graphs'][number]['after'];

const NODE_W = 148;
const NODE_H = 38;
const GAP_X = 18;
const GAP_Y = 34;

function layout(graph: GraphData) {
  const layerOf = new Map<string, number>();
  const incoming = new Map<string, string[]>();
  for (const e of graph.edges) incoming.set(e.to, [...(incoming.get(e.to) ?? []), e.from]);
  // Nodes come in topological order: a node's layer is one below its deepest input.
  for (const node of graph.nodes) {
    const inputs = incoming.get(node.id) ?? [];
    layerOf.set(node.id, inputs.length ? Math.max(...inputs.map((i) => layerOf.get(i) ?? 0)) + 1 : 0);
  }
  const layers: string[][] = [];
  for (const node of graph.nodes) (layers[layerOf.get(node.id)!] ??= []).push(node.id);
  const widest = Math.max(1, ...layers.map((l) => l.length));
  const width = widest * (NODE_W + GAP_X) + GAP_X;
  const position = new Map<string, { x: number; y: number }>();
  layers.forEach((ids, depth) => {
    const offset = (width - ids.length * (NODE_W + GAP_X) - GAP_X) / 2;
    ids.forEach((id, i) => position.set(id, { x: offset + GAP_X + i * (NODE_W + GAP_X), y: GAP_Y / 2 + depth * (NODE_H + GAP_Y) }));
  });
  return { width, height: layers.length * (NODE_H + GAP_Y), position };
}

function GraphSvg({ graph, title }: { graph: GraphData; title: string }) {
  const { width, height, position } = useMemo(() => layout(graph), [graph]);
  return (
    <svg className="graph-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: ${graph.nodes.length} nodes`}>
      <defs>
        <marker id="graph-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="graph-arrowhead" />
        </marker>
      </defs>
      {graph.edges.map((e, i) => {
        const from = position.get(e.from);
        const to = position.get(e.to);
        if (!from || !to) return null;
        const [x1, y1, x2, y2] = [from.x + NODE_W / 2, from.y + NODE_H, to.x + NODE_W / 2, to.y];
        return <path key={i} className="graph-edge" d={`M ${x1} ${y1} C ${x1} ${y1 + GAP_Y / 2}, ${x2} ${y2 - GAP_Y / 2}, ${x2} ${y2}`} markerEnd="url(#graph-arrow)" />;
      })}
      {graph.nodes.map((node) => {
        const at = position.get(node.id)!;
        return (
          <g key={node.id} data-testid="graph-node" className={`graph-node ${node.kind}${node.fused ? ' fused' : ''}`} transform={`translate(${at.x}, ${at.y})`}>
            <title>{`${node.label} [${node.shape.join(', ')}] ${node.dtype}`}</title>
            <rect width={NODE_W} height={NODE_H} rx={6} />
            <text x={NODE_W / 2} y={15} textAnchor="middle" className="graph-label">
              {node.label.length > 22 ? `${node.label.slice(0, 21)}…` : node.label}
            </text>
            <text x={NODE_W / 2} y={30} textAnchor="middle" className="graph-shape">
              [{node.shape.join(', ')}] {node.dtype}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

type Stage = 'after' | 'before' | 'backward';

export function GraphOutput({ output }: { output: GraphBundle }) {
  const [which, setWhich] = useState(0);
  const [stage, setStage] = useState<Stage>('after');
  const view = output.graphs[Math.min(which, output.graphs.length - 1)];
  if (!view) return <div className="output graph-output" data-testid="graph-output">{output.name}: not traced yet (call it once).</div>;
  const graph = stage === 'backward' ? view.backward : view[stage];
  return (
    <div className="output graph-output" data-testid="graph-output">
      <div className="output-tabs">
        <strong>{output.name}</strong>
        {output.graphs.length > 1 && (
          <select aria-label="Graph" value={which} onChange={(e) => setWhich(Number(e.target.value))}>
            {output.graphs.map((g, i) => (
              <option key={i} value={i}>
                {g.guard}
              </option>
            ))}
          </select>
        )}
        {(['after', 'before', 'backward'] as const).map((s) =>
          s === 'backward' && !view.backward ? null : (
            <button key={s} type="button" aria-pressed={stage === s} onClick={() => setStage(s)}>
              {s === 'after' ? 'After passes' : s === 'before' ? 'As traced' : 'Backward'}
            </button>
          ),
        )}
      </div>
      <div className="graph-scroll">{graph && <GraphSvg graph={graph} title={`${output.name} (${stage})`} />}</div>
      {view.passes.length > 0 && (
        <p className="muted">
          {view.passes.map((p) => `${p.pass} (${p.graph}): ${p.nodesBefore}→${p.nodesAfter}`).join(' · ')}
        </p>
      )}
      <details>
        <summary>Graph text and kernels ({view.kernels.length})</summary>
        <pre>{graph?.text}</pre>
        {view.kernels.map((k) => (
          <details key={k.name}>
            <summary>
              <code>{k.name}</code>
            </summary>
            <pre>{k.wgsl ?? '(no WGSL: runs on the CPU)'}</pre>
          </details>
        ))}
      </details>
    </div>
  );
}

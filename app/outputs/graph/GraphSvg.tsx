// A graph as an SVG laid out by dagre: one box per node with its op, shape and dtype; fused
// kernels in a colour of their own. Kernel nodes are buttons: choosing one shows its WGSL.
import { useId, useMemo } from 'react';
import type { GraphData } from '../../../engine';
import { edgePath, fusedHue, layoutGraph, NODE_H, NODE_W } from './graph-layout';

type GraphNode = GraphData['nodes'][number];

function shortLabel(label: string): string {
  return label.length > 22 ? `${label.slice(0, 21)}…` : label;
}

function describe(node: GraphNode): string {
  return `${node.label} [${node.shape.join(', ')}] ${node.dtype}`;
}

export function GraphSvg(props: { graph: GraphData; title: string; selected: string | null; onSelect?: (node: GraphNode) => void }) {
  const { graph, title, selected, onSelect } = props;
  const { width, height, position, routes } = useMemo(() => layoutGraph(graph), [graph]);
  const arrow = `graph-arrow-${useId().replace(/:/g, '')}`;
  return (
    <svg
      className="graph-svg"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="group"
      aria-label={`${title}: ${graph.nodes.length} nodes`}
    >
      <defs>
        <marker id={arrow} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" className="graph-arrowhead" />
        </marker>
      </defs>
      {routes.map((r, i) => (
        <path key={i} className="graph-edge" d={edgePath(r.points)} markerEnd={`url(#${arrow})`} />
      ))}
      {graph.nodes.map((node) => {
        const at = position.get(node.id);
        if (!at) return null;
        const clickable = node.kind === 'kernel' && onSelect !== undefined;
        const hue = node.fused ? fusedHue(node.label) : null;
        const choose = () => onSelect?.(node);
        return (
          <g
            key={node.id}
            data-testid="graph-node"
            className={`graph-node ${node.kind}${node.fused ? ' fused' : ''}${clickable ? ' clickable' : ''}${selected === node.id ? ' selected' : ''}`}
            transform={`translate(${at.x}, ${at.y})`}
            {...(clickable
              ? {
                  role: 'button',
                  tabIndex: 0,
                  'aria-label': describe(node),
                  'aria-pressed': selected === node.id,
                  onClick: choose,
                  onKeyDown: (e: React.KeyboardEvent) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault();
                      choose();
                    }
                  },
                }
              : {})}
          >
            <title>{describe(node)}</title>
            <rect
              width={NODE_W}
              height={NODE_H}
              rx={6}
              style={hue === null ? undefined : { fill: `hsl(${hue} 85% 50% / 0.18)`, stroke: `hsl(${hue} 70% 45%)` }}
            />
            <text x={NODE_W / 2} y={16} textAnchor="middle" className="graph-label">
              {shortLabel(node.label)}
            </text>
            <text x={NODE_W / 2} y={31} textAnchor="middle" className="graph-shape">
              [{node.shape.join(', ')}] {node.dtype}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

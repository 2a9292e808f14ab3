// Lays a graph out top to bottom with dagre (a layered DAG layout: fewer crossings than a
// hand-made layering, edges routed around nodes).
import { Graph, layout } from '@dagrejs/dagre';
import type { GraphData } from '../../../engine';

export const NODE_W = 156;
export const NODE_H = 40;

export interface GraphLayout {
  width: number;
  height: number;
  position: Map<string, { x: number; y: number }>;
  /** Each edge's route, as points from the source's box to the target's. */
  routes: { from: string; to: string; points: { x: number; y: number }[] }[];
}

export function layoutGraph(graph: GraphData): GraphLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 18, ranksep: 32, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_W, height: NODE_H });
  for (const e of graph.edges) if (g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to);
  layout(g);
  const position = new Map<string, { x: number; y: number }>();
  for (const id of g.nodes()) {
    const n = g.node(id);
    // dagre gives centres; the view draws boxes from their top-left corners.
    position.set(id, { x: n.x - NODE_W / 2, y: n.y - NODE_H / 2 });
  }
  const routes = g.edges().map((e) => ({ from: e.v, to: e.w, points: (g.edge(e).points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) }));
  const label = g.graph();
  return { width: Math.max(NODE_W, label.width ?? 0), height: Math.max(NODE_H, label.height ?? 0), position, routes };
}

/** A smooth path through dagre's edge points. */
export function edgePath(points: { x: number; y: number }[]): string {
  if (points.length === 0) return '';
  const [first, ...rest] = points;
  if (rest.length === 1) return `M ${first.x} ${first.y} L ${rest[0].x} ${rest[0].y}`;
  let d = `M ${first.x} ${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const mid = { x: (rest[i].x + rest[i + 1].x) / 2, y: (rest[i].y + rest[i + 1].y) / 2 };
    d += ` Q ${rest[i].x} ${rest[i].y} ${i === rest.length - 2 ? rest[i + 1].x : mid.x} ${i === rest.length - 2 ? rest[i + 1].y : mid.y}`;
  }
  return d;
}

/** A colour per fused kernel, so the groups tell apart (hue from the name: stable across tabs). */
export function fusedHue(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return h % 360;
}

/** torch.explain(fn, ...args), as torch._dynamo.explain: graphs, graph breaks, their reasons and lines. */
import type { Tensor } from '../tensor';
import { compile, compiledInfo } from './compile';
import type { Graph } from './ir';
import { kernelName } from './names';

export interface BreakReason {
  reason: string;
  /** The user's line where the graph broke, e.g. "line 4" of a cell; null when unknown. */
  location: string | null;
}

export interface Explanation {
  graphCount: number;
  graphBreakCount: number;
  breakReasons: BreakReason[];
  /** Kernels per graph after the passes, by name. */
  kernels: string[][];
  /** Ops traced (before fusion) and kernels left (after), over all graphs. */
  opCount: number;
  kernelCount: number;
  toString(): string;
}

const kernelsOf = (g: Graph) => g.nodes.filter((n) => n.kind !== 'zeros' && n.kind !== 'upload').map(kernelName);

export async function explain(fn: (...args: Tensor[]) => unknown, ...args: unknown[]): Promise<Explanation> {
  const compiled = compile(fn);
  await (compiled as (...a: unknown[]) => unknown)(...args);
  const info = compiledInfo(compiled)!;
  const call = info.lastCall;
  const graphs = call
    ? call.graphs.map((s) => ({ before: s.before, after: s.after }))
    : [...info.cache.values()].map((e) => ({ before: e.before.forward, after: e.traced.forward }));
  const breakReasons: BreakReason[] = call ? call.breaks : [];
  const kernels = graphs.map((g) => kernelsOf(g.after));
  const opCount = graphs.reduce((n, g) => n + kernelsOf(g.before).length, 0);
  const kernelCount = kernels.reduce((n, k) => n + k.length, 0);
  return {
    graphCount: graphs.length,
    graphBreakCount: breakReasons.length,
    breakReasons,
    kernels,
    opCount,
    kernelCount,
    toString() {
      const lines = [`Graph Count: ${graphs.length}`, `Graph Break Count: ${breakReasons.length}`, `Op Count: ${opCount}`, `Kernel Count: ${kernelCount}`];
      if (info.splitReason) lines.push(`Split: ${info.splitReason}`);
      if (breakReasons.length) {
        lines.push('Break Reasons:');
        breakReasons.forEach((b, i) => lines.push(`  Break Reason ${i + 1}: ${b.reason}${b.location ? ` (at ${b.location})` : ''}`));
      }
      kernels.forEach((k, i) => lines.push(`Graph ${i + 1} kernels: ${k.join(', ') || '(none)'}`));
      return lines.join('\n');
    },
  };
}

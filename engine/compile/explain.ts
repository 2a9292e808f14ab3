/** torch.explain(fn, ...args), as torch._dynamo.explain: graphs, graph breaks and their reasons. */
import type { Tensor } from '../tensor';
import { compile, compiledInfo } from './compile';
import { kernelName } from './names';

export interface Explanation {
  graphCount: number;
  graphBreakCount: number;
  breakReasons: { reason: string }[];
  /** Kernels per graph after the passes, by name. */
  kernels: string[][];
  /** Ops traced (before fusion) and kernels left (after), per graph. */
  opCount: number;
  kernelCount: number;
  toString(): string;
}

export function explain(fn: (...args: Tensor[]) => unknown, ...args: unknown[]): Explanation {
  const compiled = compile(fn);
  (compiled as (...a: unknown[]) => unknown)(...args);
  const info = compiledInfo(compiled)!;
  const entries = [...info.cache.values()];
  const kernels = entries.map((e) => e.traced.forward.nodes.filter((n) => n.kind !== 'zeros' && n.kind !== 'upload').map(kernelName));
  const opCount = entries.reduce((n, e) => n + e.before.forward.nodes.length, 0);
  const kernelCount = kernels.reduce((n, k) => n + k.length, 0);
  const graphBreakCount = info.breaks.length;
  return {
    graphCount: entries.length,
    graphBreakCount,
    breakReasons: info.breaks,
    kernels,
    opCount,
    kernelCount,
    toString() {
      const lines = [`Graph Count: ${entries.length}`, `Graph Break Count: ${graphBreakCount}`, `Op Count: ${opCount}`, `Kernel Count: ${kernelCount}`];
      if (graphBreakCount) lines.push('Break Reasons:', ...info.breaks.map((b, i) => `  Break Reason ${i + 1}: ${b.reason}`));
      kernels.forEach((k, i) => lines.push(`Graph ${i + 1} kernels: ${k.join(', ')}`));
      return lines.join('\n');
    },
  };
}

/** The performance issue's targets, checked against one run's table: met or missed, and by how much. */
import type { Sides } from './report';

interface Target {
  what: string;
  /** The measured ratio (higher is better) and the ratio the target asks for; null when a side is missing. */
  measure: (ms: (side: keyof Sides, id: string) => number | undefined) => { ratio: number; detail: string } | null;
  needs: number;
}

const ratioOf = (num: number | undefined, den: number | undefined) => (num !== undefined && den !== undefined && den > 0 ? num / den : undefined);

/** The faster peer's time for a case, with its name. */
function bestPeer(ms: (side: keyof Sides, id: string) => number | undefined, id: string): { name: string; ms: number } | null {
  const peers = (['tfjs', 'jax'] as const)
    .map((p) => ({ name: p === 'tfjs' ? 'TF.js' : 'jax-js', ms: ms(p, id) }))
    .filter((p): p is { name: string; ms: number } => p.ms !== undefined);
  return peers.length ? peers.reduce((a, b) => (a.ms <= b.ms ? a : b)) : null;
}

function versusPeer(id: string): Target['measure'] {
  return (ms) => {
    const wick = ms('wick', id);
    const peer = bestPeer(ms, id);
    const r = peer ? ratioOf(peer.ms, wick) : undefined;
    return r === undefined ? null : { ratio: r, detail: `${r.toFixed(2)}x the faster peer (${peer!.name})` };
  };
}

const TARGETS: Target[] = [
  {
    what: 'matmul fp32 4096^3: at least 70% of PyTorch (TF32 off)',
    measure: (ms) => {
      const r = ratioOf(ms('pytorch', 'mm-4096x4096x4096'), ms('wick', 'mm-4096x4096x4096'));
      return r === undefined ? null : { ratio: r, detail: `${(100 * r).toFixed(1)}% of PyTorch` };
    },
    needs: 0.7,
  },
  { what: 'matmul fp32 4096^3: at least 1.5x the faster peer', measure: versusPeer('mm-4096x4096x4096'), needs: 1.5 },
  {
    what: "compiled elementwise chain on 64M floats: at least 85% of PyTorch's device copy bandwidth",
    measure: (ms) => {
      // Both cases move the same bytes (64M floats read, 64M written), so the bandwidth ratio is the time ratio.
      const r = ratioOf(ms('pytorch', 'copy'), ms('wick', 'chain-compiled'));
      return r === undefined ? null : { ratio: r, detail: `${(100 * r).toFixed(1)}% of PyTorch's copy` };
    },
    needs: 0.85,
  },
  { what: 'matmul fp32 1024^3: at least 2x the faster peer', measure: versusPeer('mm-1024x1024x1024'), needs: 2 },
  { what: 'MLP 784-1024-1024-10 training step, batch 512: at least 1.5x the faster peer', measure: versusPeer('mlp-step'), needs: 1.5 },
  {
    what: 'a tiny op: under 15 µs of CPU time to dispatch',
    measure: (ms) => {
      const t = ms('wick', 'dispatch-cpu');
      return t === undefined ? null : { ratio: 0.015 / t, detail: `${(t * 1000).toFixed(1)} µs` };
    },
    needs: 1,
  },
  // ---- per-sample gradients (#24) ----
  {
    what: 'per-sample grads (3-layer MLP, batch 256): vmap(grad) at least 20x a loop of per-sample backward passes',
    measure: (ms) => {
      const r = ratioOf(ms('wick', 'psg-loop'), ms('wick', 'psg-vmap'));
      return r === undefined
        ? null
        : { ratio: r, detail: `${r.toFixed(1)}x (loop ${ms('wick', 'psg-loop')!.toFixed(2)} ms, vmap ${ms('wick', 'psg-vmap')!.toFixed(2)} ms)` };
    },
    needs: 20,
  },
  {
    what: 'per-sample grads: torch.compile of vmap(grad) at least 2x vmap(grad)',
    measure: (ms) => {
      const r = ratioOf(ms('wick', 'psg-vmap'), ms('wick', 'psg-compiled'));
      return r === undefined ? null : { ratio: r, detail: `${r.toFixed(2)}x (compiled ${ms('wick', 'psg-compiled')!.toFixed(2)} ms)` };
    },
    needs: 2,
  },
];

/** One line per target: met or missed in this run, with the measured figure. */
export function targetLines(sides: Sides): string[] {
  const ms = (side: keyof Sides, id: string) => sides[side].result?.ms[id];
  return TARGETS.map((t) => {
    const m = t.measure(ms);
    if (!m) return `- not measured: ${t.what}`;
    return `- ${m.ratio >= t.needs ? 'met' : `missed (by ${(100 * (1 - m.ratio / t.needs)).toFixed(1)}%)`}: ${t.what}: ${m.detail}`;
  });
}

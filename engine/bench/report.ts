/** The side-by-side table of the shared cases, the checksum comparison and RESULTS.md's text. */
import { targetLines } from './targets';
import type { Case, SideResult } from './cases';
import { markdownTable, type Row, WARMUP_MS } from './harness';

export interface Side {
  name: string;
  info: string;
  result: SideResult | null;
  /** Why the whole side is missing (not installed, failed to start, not asked for). */
  missing?: string;
}

export type Sides = { wick: Side; tfjs: Side; jax: Side; pytorch: Side };

function format(c: Case, ms: number | undefined, note?: string): string {
  if (ms === undefined) return note ? `— (${note})` : '—';
  if (c.unit === 'µs/op') return `${(ms * 1000).toFixed(1)} µs`;
  if (c.unit === 'ms/step') return `${ms.toFixed(2)} ms`;
  const rate = c.work / (ms * 1e6);
  return `${rate >= 100 ? rate.toFixed(0) : rate.toFixed(1)} ${c.unit} (${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms)`;
}

/** How many times faster Wick is than `other` (over 1: Wick faster). */
const ratio = (wick: number | undefined, other: number | undefined) => (wick && other ? `${(other / wick).toFixed(2)}x` : '—');

export function peerTable(cases: Case[], sides: Sides): string {
  const lines = ['| case | Wick | TF.js | jax-js | PyTorch | Wick/best peer | Wick/PyTorch |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const cell = (side: Side, c: Case) =>
    !c.sides.includes(side === sides.wick ? 'wick' : side === sides.tfjs ? 'tfjs' : side === sides.jax ? 'jax' : 'pytorch')
      ? 'n/a'
      : format(c, side.result?.ms[c.id], side.result?.notes[c.id] ?? side.missing);
  for (const c of cases) {
    const wick = sides.wick.result?.ms[c.id];
    const peers = [sides.tfjs, sides.jax].map((p) => ({ name: p.name, ms: p.result?.ms[c.id] })).filter((p) => p.ms !== undefined);
    const best = peers.sort((a, b) => a.ms! - b.ms!)[0];
    lines.push(
      `| ${c.label} | ${cell(sides.wick, c)} | ${cell(sides.tfjs, c)} | ${cell(sides.jax, c)} | ${cell(sides.pytorch, c)} | ${best ? `${ratio(wick, best.ms)} (${best.name})` : '—'} | ${ratio(wick, sides.pytorch.result?.ms[c.id])} |`,
    );
  }
  return lines.join('\n');
}

/** Compares the sides' checksums of the small deterministic cases (relative to Wick's). */
export function checkRows(sides: Sides): { text: string; ok: boolean } {
  const wick = sides.wick.result?.checks ?? {};
  let ok = true;
  const parts = Object.entries(wick).map(([id, w]) => {
    const others = [sides.tfjs, sides.jax].map((s) => {
      const v = s.result?.checks[id];
      if (v === undefined) return `${s.name} —`;
      const rel = Math.abs(v - w) / Math.max(1e-6, Math.abs(w));
      if (!(rel < 1e-3)) ok = false;
      return `${s.name} ${rel < 1e-3 ? 'agrees' : `DIFFERS (${v.toPrecision(6)})`}`;
    });
    return `${id} ${w.toPrecision(6)}: ${others.join(', ')}`;
  });
  return { text: parts.join('; '), ok };
}

/** What the numbers say, counted from the table (no hand-written figures). */
function standing(cases: Case[], sides: Sides): string[] {
  const out: string[] = [];
  for (const peer of [sides.tfjs, sides.jax, sides.pytorch]) {
    const both = cases.filter((c) => sides.wick.result?.ms[c.id] !== undefined && peer.result?.ms[c.id] !== undefined);
    if (!both.length) continue;
    const r = both.map((c) => peer.result!.ms[c.id] / sides.wick.result!.ms[c.id]).sort((a, b) => a - b);
    const faster = both.filter((c) => peer.result!.ms[c.id] > sides.wick.result!.ms[c.id]);
    out.push(
      `- Against ${peer.name}: Wick is faster on ${faster.length} of ${both.length} cases (median speed ratio ${r[Math.floor(r.length / 2)].toFixed(2)}x, from ${r[0].toFixed(2)}x to ${r[r.length - 1].toFixed(2)}x)` +
        (faster.length ? `; faster on: ${faster.map((c) => c.id).join(', ')}.` : '.'),
    );
  }
  return out;
}

export interface Doc {
  date: string;
  device: string;
  command: string;
  quick: boolean;
  /** Runs per wait in the op cases (Sizes.runsPerWait). */
  runsPerWait: number;
  cases: Case[];
  sides: Sides;
  wickRows: Row[];
}

export function renderDoc(d: Doc): string {
  const checks = checkRows(d.sides);
  const sideLines = Object.values(d.sides).map((s) => `- ${s.name}: ${s.result ? s.info : `not measured (${s.missing ?? 'unknown'})`}`);
  return `# Benchmark results

- date: ${d.date}
- device: ${d.device}
- command: \`${d.command}\`${d.quick ? '\n- quick sizes (a smoke run: these numbers say nothing about speed)' : ''}

## Wick and its peers, same adapter, same run

${sideLines.join('\n')}

${peerTable(d.cases, d.sides)}

Ratios are speed ratios, the other side's time over Wick's: above 1, Wick is faster. Every side
runs in this one Node process, one after another, on the same \`GPU\` object and adapter (Dawn,
the \`webgpu\` package), each with a device of its own; PyTorch runs just before, in its own
process on the same machine. Each op case (matmul, copy, chains, softmax, sum, conv2d) is the
median of ${d.quick ? 'a few' : '10 (5 for the heaviest)'} samples after warm-up (at least ${WARMUP_MS} ms of runs, so the GPU's clock is up), each sample ${d.runsPerWait} runs issued back to back and then
one wait for the GPU, divided by ${d.runsPerWait}; training steps wait after each step. The wait (Wick: \`torch.synchronize()\`; TF.js: submit its queue and
\`onSubmittedWorkDone\`; jax-js: \`blockUntilReady\` of every result; PyTorch: \`torch.cuda.synchronize()\`), so a
time is wall clock from issue to completion, CPU included. GB/s rows count the input read once
and the output written once (for the chain, the fused minimum: eager versions move six times
that). TF.js has no fusion, so its chain is eager only; jax-js arrays are lazy and its training
steps are jitted (as its examples train), Wick's and TF.js's are eager; PyTorch's compiled chain is
\`torch.compile\`. TF.js convolutions run in its native NHWC layout; jax-js pools 2x2 windows as a
reshape and a max. PyTorch matmuls and convolutions are fp32 with TF32 off.

Checksums of small deterministic cases, so no side times a no-op: ${checks.text || 'not run'}.

${standing(d.cases, d.sides).join('\n') || '- No peer measured in this run.'}

## The performance issue's targets in this run

${targetLines(d.sides).join('\n')}

## Wick's own rows

${markdownTable(d.wickRows)}

## Reading these numbers

The GPU machine's CPU and GPU timings are noisy from run to run (earlier runs read 37 to
113 µs/op for the same tiny op, and 4.5 to 15.2 TFLOP/s for the same 4096^3 matmul): compare rows
of one run only. The profiler rows alternate plain and profiled runs for that reason. The soak
runs an ordinary training loop with no manual frees: flat live bytes mean nothing leaks, and
pooled bytes show what the allocator keeps for reuse (idle buffers and free slab bytes: 12 MiB plus 3x what the loop holds, by what the collector leaves live; the soak checks 4x its peak live bytes plus 16 MiB). Numbers from a
software adapter (SwiftShader) say nothing about speed.
`;
}

/** Where RESULTS.md's hand-written part starts; a run regenerates everything before it. */
export const HAND_WRITTEN_HEADING = '## The targets across runs';

/** The hand-written sections of an earlier RESULTS.md (with a blank line before), or ''. */
export function handWrittenPart(previous: string): string {
  const at = previous.indexOf(`\n${HAND_WRITTEN_HEADING}`);
  return at < 0 ? '' : `\n${previous.slice(at + 1).trimEnd()}\n`;
}

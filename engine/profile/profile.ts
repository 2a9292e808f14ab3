/**
 * torch.profile(async () => ...): every kernel launched inside, in order, with its GPU time from
 * timestamp queries (written at pass boundaries, read back in batches: no wait per kernel),
 * FLOPs and bytes; `table()` groups by name as torch.profiler's key_averages().table() does.
 */
import { pipelinesSettled } from '../compile/prepare';
import { availableDevices, getBackend } from '../core/runtime';
import { collect, type KernelRecord } from './recorder';
import { siteOf } from '../core/source-location';

/** One kernel of a profile. Where it came from is read from its stack only when asked. */
export class ProfileKernel {
  readonly name: string;
  readonly device: KernelRecord['device'];
  readonly flops: number;
  readonly bytes: number;
  readonly gpuMs: number | null;
  readonly cpuMs: number | null;
  /** Start relative to the profile's first kernel on the GPU timeline (ms), when timestamps exist. */
  readonly startMs: number | null;
  /** GFLOP/s and GB/s over the kernel's GPU time (or CPU time on the CPU). */
  readonly gflops: number | null;
  readonly gbps: number | null;
  readonly #group: string | null;
  readonly #site: Error | null;
  #where: { location: string | null; call: string | null } | null = null;

  constructor(r: KernelRecord, t0: number) {
    this.name = r.name;
    this.device = r.device;
    this.flops = r.flops;
    this.bytes = r.bytes;
    this.gpuMs = r.gpuMs;
    this.cpuMs = r.cpuMs;
    this.startMs = r.startMs === null ? null : r.startMs - t0;
    const ms = r.gpuMs ?? r.cpuMs;
    const rate = (v: number) => (ms && ms > 0 ? v / (ms * 1e6) : null);
    this.gflops = rate(r.flops);
    this.gbps = rate(r.bytes);
    this.#group = r.group;
    this.#site = r.site;
  }

  private get where(): { location: string | null; call: string | null } {
    return (this.#where ??= this.#site ? siteOf(this.#site.stack ?? '') : { location: null, call: null });
  }

  /** The op it ran: a compiled kernel's fused group (`mul+add+relu`), else the engine call the user made (`softmax`). */
  get op(): string {
    return this.#group ?? this.where.call ?? this.name;
  }

  /** The user's line that launched it ("line 4" in a cell); null unless profiled `withStack`. */
  get line(): string | null {
    return this.where.location;
  }
}

export interface KernelSummary {
  name: string;
  calls: number;
  totalMs: number;
  avgMs: number;
  percent: number;
  flops: number;
  bytes: number;
}

export class Profile {
  readonly kernels: ProfileKernel[];
  /** What timing a kernel costs the GPU (ms), included in each kernel's GPU time; null where unmeasured or negligible. */
  readonly timestampCostMs: number | null;
  /** Shader pipelines compiled during the run (kernels run for the first time), and the ms spent compiling them: in no kernel's time. */
  readonly shadersCompiled: number;
  readonly compileMs: number;

  /**
   * @param timestampQuantumMs the step GPU timestamps came in where the browser rounds them (null
   * where they are exact or absent): kernels shorter than a step read as 0 or as one step.
   * @param timestampCostMs what writing one timestamp costs the GPU, measured where timestamps are
   * exact: each kernel's GPU time includes it (null elsewhere, and where it is under half a µs).
   * @param compiled shaders compiled during the run and the time that took (wall time, not kernel time).
   */
  constructor(
    records: KernelRecord[],
    readonly wallMs: number,
    readonly hasTimestamps: boolean,
    readonly timestampQuantumMs: number | null = null,
    costMs: number | null = null,
    compiled: { shaders: number; ms: number } = { shaders: 0, ms: 0 },
  ) {
    this.timestampCostMs = costMs !== null && costMs >= NOTED_TIMESTAMP_COST_MS ? costMs : null;
    this.shadersCompiled = compiled.shaders;
    this.compileMs = compiled.ms;
    const t0 = Math.min(...records.map((r) => r.startMs ?? Infinity));
    this.kernels = records.map((r) => new ProfileKernel(r, t0));
  }

  /** Total kernel time: GPU time where timestamps exist, else CPU kernel time. */
  get totalMs(): number {
    return this.kernels.reduce((n, k) => n + (k.gpuMs ?? k.cpuMs ?? 0), 0);
  }

  summary(): KernelSummary[] {
    const groups = new Map<string, KernelSummary>();
    const total = this.totalMs || 1;
    for (const k of this.kernels) {
      const ms = k.gpuMs ?? k.cpuMs ?? 0;
      const g = groups.get(k.name) ?? { name: k.name, calls: 0, totalMs: 0, avgMs: 0, percent: 0, flops: 0, bytes: 0 };
      g.calls++;
      g.totalMs += ms;
      g.flops += k.flops;
      g.bytes += k.bytes;
      groups.set(k.name, g);
    }
    return [...groups.values()].map((g) => ({ ...g, avgMs: g.totalMs / g.calls, percent: (100 * g.totalMs) / total })).sort((a, b) => b.totalMs - a.totalMs);
  }

  table(): string {
    const timeLabel = this.hasTimestamps ? 'GPU' : 'CPU/wall';
    const head = ['Name', 'Calls', `${timeLabel} total`, `${timeLabel} avg`, '%', 'GFLOP/s', 'GB/s'];
    const rows = this.summary().map((s) => [
      s.name,
      String(s.calls),
      `${s.totalMs.toFixed(3)}ms`,
      `${s.avgMs.toFixed(3)}ms`,
      `${s.percent.toFixed(1)}%`,
      s.totalMs > 0 ? (s.flops / (s.totalMs * 1e6)).toFixed(1) : '-',
      s.totalMs > 0 ? (s.bytes / (s.totalMs * 1e6)).toFixed(1) : '-',
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = widths.map((w) => '-'.repeat(w)).join('  ');
    const fmt = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    const notes = [`Kernels: ${this.kernels.length}  ${timeLabel} total: ${this.totalMs.toFixed(3)}ms  Wall: ${this.wallMs.toFixed(3)}ms`];
    if (this.shadersCompiled > 0) notes.push(compileNote(this.shadersCompiled, this.compileMs));
    if (this.hasTimestamps && this.timestampQuantumMs !== null) notes.push(quantizationNote(this.timestampQuantumMs));
    if (this.hasTimestamps && this.timestampCostMs !== null) notes.push(timestampCostNote(this.timestampCostMs));
    if (!this.hasTimestamps) {
      const onGpu = this.kernels.some((k) => k.device === 'webgpu');
      notes.push(
        onGpu
          ? 'This GPU adapter has no timestamp queries: times are wall-clock estimates, not GPU times.'
          : 'Kernels ran on the CPU device: times are CPU kernel times.',
      );
    }
    return [line, fmt(head), line, ...rows.map(fmt), line, ...notes].join('\n');
  }

  /** The run as a Chrome trace (chrome://tracing, Perfetto). */
  chromeTrace(): { traceEvents: object[]; displayTimeUnit: 'ms' } {
    let cursor = 0;
    const traceEvents = this.kernels.map((k, i) => {
      const dur = (k.gpuMs ?? k.cpuMs ?? 0) * 1000;
      const ts = k.startMs !== null ? k.startMs * 1000 : cursor;
      cursor = ts + dur;
      return {
        name: k.name,
        cat: 'kernel',
        ph: 'X',
        ts,
        dur,
        pid: 1,
        tid: k.device === 'webgpu' ? 1 : 2,
        args: { index: i, op: k.op, line: k.line, flops: k.flops, bytes: k.bytes },
      };
    });
    return { traceEvents, displayTimeUnit: 'ms' };
  }
}

/** Runs `fn`, waits for the GPU to finish its work, and returns the profile. */
export interface ProfileOptions {
  /**
   * Record where each kernel was launched (the engine call and the cell line), as
   * torch.profiler's with_stack. Off by default, as there: a stack capture per kernel costs
   * several µs of CPU (a third more time on a loop of tiny ops, see engine/bench/RESULTS.md).
   */
  withStack?: boolean;
}

export async function profile(fn: () => unknown, options: ProfileOptions = {}): Promise<Profile> {
  // Compiled graphs whose kernels are still being compiled would run eagerly: wait for them.
  await pipelinesSettled();
  const webgpu = availableDevices().includes('webgpu') ? getBackend('webgpu') : null;
  const compiledBefore = { shaders: webgpu?.pipelinesCreated ?? 0, ms: webgpu?.compileMs ?? 0 };
  const { kernels, wallMs } = await collect(async () => {
    await fn();
    await webgpu?.finish?.();
  }, options.withStack ?? false);
  const compiled = { shaders: (webgpu?.pipelinesCreated ?? 0) - compiledBefore.shaders, ms: (webgpu?.compileMs ?? 0) - compiledBefore.ms };
  const stamped = !!webgpu?.hasTimestamps && kernels.some((k) => k.gpuMs !== null);
  // Rounding to a microsecond or more is the browser's (exact timestamps step by 1 ns).
  const quantum = stamped ? (webgpu?.timestampQuantumMs ?? null) : null;
  const rounded = quantum !== null && quantum >= 0.001;
  // Measured once per device, after the run (outside its wall time); meaningless where timestamps are rounded.
  const cost = stamped && !rounded ? ((await webgpu?.timestampCostMs?.()) ?? null) : null;
  return new Profile(kernels, wallMs, stamped, rounded ? quantum : null, cost, compiled);
}

/** What a profile says where shaders were compiled during the run: their time is in the wall time, in no kernel's. */
export function compileNote(shaders: number, ms: number): string {
  return `Shaders compiled: ${shaders} in ${ms.toFixed(1)}ms (kernels run for the first time; in the wall time, not in kernel times; a second run reuses them).`;
}

/** Timestamps cost less than this (ms) go unmentioned. */
const NOTED_TIMESTAMP_COST_MS = 0.0005;

/** What a profile says where timing a kernel costs the GPU a noticeable time. */
export function timestampCostNote(costMs: number): string {
  return `Timing a kernel costs this GPU about ${(costMs * 1000).toFixed(1)} µs (measured on tiny kernels, each timed against all in one pass), included in each kernel's GPU time: kernels that short are mostly measurement.`;
}

/** What a profile says where the browser rounds GPU timestamps. */
export function quantizationNote(quantumMs: number): string {
  return `GPU timestamps here are rounded to ${(quantumMs * 1000).toFixed(1)} µs by the WebGPU implementation, against timing attacks (in Chrome, chrome://flags/#enable-webgpu-developer-features gives exact ones): kernels shorter than that read as 0 or one step, and only sums over many kernels are accurate.`;
}

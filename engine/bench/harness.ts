/** Timing helpers for benchmarks (never for tests): warm up, then median of repeated runs. */
export interface Timing {
  medianMs: number;
  runs: number;
}

/** The median of `values` (the upper one of an even count). */
export const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1];

/**
 * Warm-up runs go on for at least this long. GPUs lower their clocks soon after they go idle and
 * raise them only under sustained load: on the GPU machine's H100 the clock fell from 1980 to 345
 * MHz within a second of idling, and a case timed after the bench's CPU-side setup, with two or
 * three warm-up runs, ran at a third of the clock (conv2d 2.36 ms against 0.66 warm). PyTorch's
 * side (pytorch_reference.py) warms up the same way.
 */
export const WARMUP_MS = 500;

/** Times `run` (which must wait for its GPU work) after `warmup` calls and WARMUP_MS; median of `repeats`. */
export async function time(run: () => Promise<unknown>, repeats = 10, warmup = 3): Promise<Timing> {
  const warming = performance.now();
  for (let i = 0; i < warmup || performance.now() - warming < WARMUP_MS; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return { medianMs: median(samples), runs: repeats };
}

export interface Row {
  group: string;
  name: string;
  value: string;
  note?: string;
}

/** `256x256,64x64` -> [[256, 256], [64, 64]]. */
export function parseShapes(text: string): number[][] {
  return text.split(',').map((s) => s.split('x').map(Number));
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| group | benchmark | result | note |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.group} | ${r.name} | ${r.value} | ${r.note ?? ''} |`);
  return lines.join('\n');
}

/**
 * Median ms per run of `op` (which issues GPU work): each sample issues `perWait` runs back to
 * back, then `wait`s once for all of them (it returns once that work has finished) and frees the
 * results. The same helper times every JavaScript side of the bench (pytorch_reference.py does
 * the same).
 */
export async function timeOp<T>(
  op: () => T,
  wait: (results: T[]) => Promise<unknown>,
  free: (r: T) => void,
  repeats: number,
  warmup: number,
  perWait = 1,
): Promise<number> {
  const t = await time(
    async () => {
      const results: T[] = [];
      for (let i = 0; i < perWait; i++) results.push(op());
      await wait(results);
      for (const r of results) free(r);
    },
    repeats,
    warmup,
  );
  return t.medianMs / perWait;
}

// ---- per-sample gradients (#24): a filter over the shared cases ----
/** Whether the shared case `id` is to run: WICK_BENCH_CASES (comma-separated id prefixes, e.g. `psg-,mlp-step`) unset, or a prefix of it. */
export function caseWanted(id: string): boolean {
  const only = typeof process === 'undefined' ? undefined : process.env.WICK_BENCH_CASES;
  return !only || only.split(',').some((prefix) => prefix !== '' && id.startsWith(prefix));
}

/** Runs one case of one side (unless WICK_BENCH_CASES leaves it out); a failure is kept as that case's note instead of ending the bench. */
export async function attempt(into: { ms: Record<string, number>; notes: Record<string, string> }, id: string, run: () => Promise<number>): Promise<void> {
  if (!caseWanted(id)) return;
  try {
    into.ms[id] = await run();
  } catch (e) {
    into.notes[id] = `failed: ${String((e as Error)?.message ?? e)
      .split('\n')[0]
      .slice(0, 120)}`;
    console.warn(`${id}: ${into.notes[id]}`);
  }
}

/**
 * CPU ms per op to issue `ops` tiny ops, and ms per op until the GPU has finished them: the
 * median of `repeats` runs after one warm run (a single run reads the garbage collector's and the
 * machine's hiccups as the op's cost).
 */
export async function tinyOpCost(
  ops: number,
  issue: () => unknown,
  wait: (last: unknown) => Promise<unknown>,
  repeats = 9,
): Promise<{ cpuMs: number; totalMs: number }> {
  await wait(issue()); // warm: pipelines made, buffers pooled
  const cpu: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    const last = issue();
    const issued = performance.now();
    await wait(last);
    const done = performance.now();
    cpu.push((issued - started) / ops);
    total.push((done - started) / ops);
  }
  return { cpuMs: median(cpu), totalMs: median(total) };
}

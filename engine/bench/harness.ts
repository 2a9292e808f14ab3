/** Timing helpers for benchmarks (never for tests): warm up, then median of repeated runs. */
export interface Timing {
  medianMs: number;
  runs: number;
}

/** Times `run` (which must wait for its GPU work) after `warmup` calls; median of `repeats`. */
export async function time(run: () => Promise<unknown>, repeats = 10, warmup = 3): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return { medianMs: samples[Math.floor(samples.length / 2)], runs: repeats };
}

export interface Row {
  group: string;
  name: string;
  value: string;
  note?: string;
}

export function markdownTable(rows: readonly Row[]): string {
  const lines = ['| group | benchmark | result | note |', '| --- | --- | --- | --- |'];
  for (const r of rows) lines.push(`| ${r.group} | ${r.name} | ${r.value} | ${r.note ?? ''} |`);
  return lines.join('\n');
}

/**
 * Which parity checks must keep passing. Regenerate with `npm run parity -- --update-baseline`
 * after making more cases pass; CI fails when a listed check stops passing.
 */
import type { CaseResult } from './runner';

export interface Baseline {
  [device: string]: { forward: string[]; grads: string[] };
}

export function baselineFrom(results: readonly CaseResult[]): Baseline {
  const out: Baseline = {};
  for (const r of results) {
    const entry = (out[r.device] ??= { forward: [], grads: [] });
    if (r.forward) entry.forward.push(r.id);
    if (r.grads) entry.grads.push(r.id);
  }
  return out;
}

/** The checks listed in `baseline` that `results` no longer pass. */
export function regressions(baseline: Baseline, results: readonly CaseResult[]): string[] {
  const lost: string[] = [];
  for (const [device, expected] of Object.entries(baseline)) {
    const got = results.filter((r) => r.device === device);
    if (got.length === 0) continue;
    const byId = new Map(got.map((r) => [r.id, r]));
    for (const id of expected.forward) if (!byId.get(id)?.forward) lost.push(`${device} forward ${id}: ${byId.get(id)?.error ?? 'missing'}`);
    for (const id of expected.grads) if (!byId.get(id)?.grads) lost.push(`${device} grads ${id}: ${byId.get(id)?.error ?? 'missing'}`);
  }
  return lost;
}

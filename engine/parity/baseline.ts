/**
 * Which parity checks must keep passing, per golden set and device. Regenerate with
 * `npm run parity -- --update-baseline` after making more cases pass; CI fails when a listed check
 * stops passing. Cases not listed (set 2's not yet implemented surface) may fail freely.
 */
import type { GoldenSet } from './golden';
import type { CaseResult } from './runner';

export interface DeviceBaseline {
  forward: string[];
  grads: string[];
}

export type Baseline = Partial<Record<GoldenSet, Record<string, DeviceBaseline>>>;

/** Reads baseline.json; the first format ({ device: { forward, grads } }) was set 1's alone. */
export function readBaseline(json: unknown): Baseline {
  const obj = json as Record<string, unknown>;
  const old = Object.values(obj).some((v) => Array.isArray((v as Partial<DeviceBaseline> | null)?.forward));
  return old ? { parity: obj as Record<string, DeviceBaseline> } : (obj as Baseline);
}

export function baselineFrom(results: readonly CaseResult[]): Baseline {
  const out: Baseline = {};
  for (const r of results) {
    const entry = ((out[r.set] ??= {})[r.device] ??= { forward: [], grads: [] });
    if (r.forward) entry.forward.push(r.id);
    if (r.grads) entry.grads.push(r.id);
  }
  return out;
}

/** The checks listed in `baseline` that `results` no longer pass (sets and devices without results are skipped). */
export function regressions(baseline: Baseline, results: readonly CaseResult[]): string[] {
  const lost: string[] = [];
  for (const [set, devices] of Object.entries(baseline)) {
    for (const [device, expected] of Object.entries(devices ?? {})) {
      const got = results.filter((r) => r.device === device && r.set === set);
      if (got.length === 0) continue;
      const byId = new Map(got.map((r) => [r.id, r]));
      const where = set === 'parity' ? device : `${set} ${device}`;
      for (const id of expected.forward) if (!byId.get(id)?.forward) lost.push(`${where} forward ${id}: ${byId.get(id)?.error ?? 'missing'}`);
      for (const id of expected.grads) if (!byId.get(id)?.grads) lost.push(`${where} grads ${id}: ${byId.get(id)?.error ?? 'missing'}`);
    }
  }
  return lost;
}

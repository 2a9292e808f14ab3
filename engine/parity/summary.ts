/** Pass counts of parity results: per set and device, by group (the id's prefix before '/'). */
import type { Device } from '../core/dtype';
import type { GoldenSet } from './golden';
import type { CaseResult } from './runner';

function counts(rs: readonly CaseResult[]): { fwd: string; grads: string } {
  const withGrads = rs.filter((r) => r.grads !== null);
  return { fwd: `${rs.filter((r) => r.forward).length}/${rs.length}`, grads: `${withGrads.filter((r) => r.grads).length}/${withGrads.length}` };
}

function byKey<K, T>(items: readonly T[], key: (t: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}

/**
 * Per device, set 1 ('parity') as two lines: the totals, then forward passes per group; then set 2
 * ('parity-2', when run) the same way, with gradient passes per group too.
 */
export function summarize(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  for (const [device, rs] of byKey<Device, CaseResult>(results, (r) => r.device)) {
    for (const [set, ss] of byKey<GoldenSet, CaseResult>(rs, (r) => r.set)) {
      const total = counts(ss);
      lines.push(`${set} ${device}: forward ${total.fwd} passed, gradients ${total.grads} passed`);
      const groups = [...byKey(ss, (r) => r.id.split('/')[0])].map(([g, gr]) => {
        const c = counts(gr);
        return set === 'parity' ? `${g} ${c.fwd}` : `${g} ${c.fwd} (grads ${c.grads})`;
      });
      lines.push('  ' + groups.join(', '));
    }
  }
  return lines.join('\n');
}

/** The failures, one line each, under a heading per set and device. */
export function failures(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  for (const [key, rs] of byKey(results, (r) => `${r.set} ${r.device}`)) {
    const failed = rs.filter((r) => r.error);
    if (failed.length === 0) continue;
    lines.push(`${key}: ${failed.length} failing`);
    for (const r of failed) lines.push(`  FAIL ${r.id}: ${r.error}`);
  }
  return lines.join('\n');
}

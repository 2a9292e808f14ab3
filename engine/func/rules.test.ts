/**
 * torch.func's rule tables, op by op, on every device: each tape op (besides the unary, binary
 * and reduce ops, which ops/op-table.test.ts checks from their domains) has cases here; each case
 * checks vmap against a loop over the samples stacked and jvp against finite differences, and
 * that the op's batching and tangent rules really ran. Fused kernels without a batching rule must
 * be refused by name. A new tape op without a case fails the coverage test.
 */
import { describe, expect, it } from 'vitest';
import type { Device } from '../core/dtype';
import { torch } from '../index';
import { testDevices } from '../testing/devices';
import { expectJvpMatchesFd, expectVmapMatchesLoop, firstSamples } from '../testing/func-check';
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS } from '../ops/op-types';
import { BATCH_RULES } from './batching';
import { TANGENT_RULES } from './tangents';
import { ORDINARY_CASES, ran, type Case, type Covered } from '../testing/func-rules-cases';
import { FUSED_CASES } from '../testing/func-fused-cases';

const devices = await testDevices();

const rules = [
  ['b', BATCH_RULES],
  ['t', TANGENT_RULES],
] as const;
for (const [tag, table] of rules) {
  const t = table as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const op of Object.keys(t)) {
    const rule = t[op];
    t[op] = (...a: unknown[]) => {
      ran.add(`${tag}:${op}`);
      return rule(...a);
    };
  }
}

const CASES: { [P in Covered]: Case[] } = { ...ORDINARY_CASES, ...FUSED_CASES };

const NAMED_IN_OP_TABLE = new Set<string>([...UNARY_OPS, ...BINARY_OPS, ...REDUCE_OPS]);

describe('torch.func rule tables', () => {
  it('every tape op with a batching or tangent rule has a case here or in the op-table test', () => {
    const keys = new Set([...Object.keys(BATCH_RULES), ...Object.keys(TANGENT_RULES)]);
    const missing = [...keys].filter((op) => !NAMED_IN_OP_TABLE.has(op) && !(CASES as Record<string, Case[]>)[op]?.length);
    expect(missing).toEqual([]);
  });
});

describe.each(devices)('torch.func rules on %s', (d) => {
  const entries = Object.entries(CASES).flatMap(([op, cases]) => (cases as Case[]).filter((c) => !c.only || c.only === d).map((c) => [op, c] as const));
  it.each(entries.map(([op, c]) => [`${op}: ${c.name}`, op, c] as const))('%s', async (_name, op, c) => {
    if (c.custom) await c.custom(d);
    if (c.fn && c.args) await checkCase(d, op, c);
  });
});

/** vmap against the loop (or its refusal by name), then jvp against finite differences, each with its rule seen running. */
async function checkCase(d: Device, op: string, c: Case): Promise<void> {
  {
    const args = c.args!(d);
    ran.clear();
    if (c.vmapError) expect(() => torch.func.vmap(c.fn!, { inDims: c.inDims ? [...c.inDims] : 0 })(...args)).toThrow(c.vmapError);
    else {
      await expectVmapMatchesLoop(c.fn!, args, c.inDims, c.tol, `vmap ${op}`);
      expect(ran.has(`b:${op}`), `the batching rule of ${op} ran`).toBe(true);
    }
    if (c.jvp === false) return;
    ran.clear();
    await expectJvpMatchesFd(c.fn!, firstSamples(args, c.inDims), `jvp ${op}`);
    expect(ran.has(`t:${c.jvpOp ?? op}`), `the tangent rule of ${c.jvpOp ?? op} ran`).toBe(true);
  }
}

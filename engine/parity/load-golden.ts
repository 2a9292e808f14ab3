/**
 * Reads the golden files from shared/ beside the checkout (or $WICK_SHARED). Node only.
 * pytorch-parity.json must exist; pytorch-parity-2.json is read when present.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GOLDEN_SETS, type GoldenCase, type GoldenFile, type GoldenSet } from './golden';

export function goldenPath(file = GOLDEN_SETS.parity): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const shared = process.env.WICK_SHARED ?? resolve(root, '../shared');
  return resolve(shared, 'golden', file);
}

/** Every case of every golden file present, each tagged with its set. */
export function loadGolden(): { cases: GoldenCase[] } {
  const cases: GoldenCase[] = [];
  for (const [set, file] of Object.entries(GOLDEN_SETS) as [GoldenSet, string][]) {
    const path = goldenPath(file);
    if (set !== 'parity' && !existsSync(path)) continue;
    const golden = JSON.parse(readFileSync(path, 'utf8')) as GoldenFile;
    for (const c of golden.cases) cases.push({ ...c, set });
  }
  return { cases };
}

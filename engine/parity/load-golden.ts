/** Reads the golden file from shared/ beside the checkout (or $WICK_SHARED). Node only. */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GoldenFile } from './golden';

export function goldenPath(): string {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
  const shared = process.env.WICK_SHARED ?? resolve(root, '../shared');
  return resolve(shared, 'golden/pytorch-parity.json');
}

export function loadGolden(): GoldenFile {
  return JSON.parse(readFileSync(goldenPath(), 'utf8')) as GoldenFile;
}

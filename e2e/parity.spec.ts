/** The PyTorch parity cases of both golden sets in headless Chromium on its WebGPU adapter, held to the baseline. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { readBaseline, regressions } from '../engine/parity/baseline';
import { loadGolden } from '../engine/parity/load-golden';
import type { CaseResult } from '../engine/parity/runner';
import { summarize } from '../engine/parity/summary';

test('golden parity cases pass on webgpu in the browser', async ({ page }) => {
  test.setTimeout(300_000);
  const golden = loadGolden();
  const baseline = readBaseline(JSON.parse(readFileSync(new URL('../engine/parity/baseline.json', import.meta.url), 'utf8')));
  await page.goto('/parity.html');
  await expect(page.getByTestId('parity-status')).toHaveText('ready on webgpu');
  const results: CaseResult[] = await page.evaluate((cases) => window.wickParity(cases), golden.cases);
  console.log(summarize(results).replace(/^(parity(?:-2)?) webgpu/gm, '$1 webgpu (chromium)'));
  expect(regressions(baseline, results)).toEqual([]);
});

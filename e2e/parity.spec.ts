/** The PyTorch parity cases in headless Chromium on its WebGPU adapter, held to the baseline. */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { regressions, type Baseline } from '../engine/parity/baseline';
import { loadGolden } from '../engine/parity/load-golden';
import { summarize, type CaseResult } from '../engine/parity/runner';

test('golden parity cases pass on webgpu in the browser', async ({ page }) => {
  test.setTimeout(300_000);
  const golden = loadGolden();
  const baseline = JSON.parse(readFileSync(new URL('../engine/parity/baseline.json', import.meta.url), 'utf8')) as Baseline;
  await page.goto('/parity.html');
  await expect(page.getByTestId('parity-status')).toHaveText('ready on webgpu');
  const results: CaseResult[] = await page.evaluate((cases) => window.wickParity(cases), golden.cases);
  console.log(summarize(results).replace(/^parity webgpu/, 'parity webgpu (chromium)'));
  expect(regressions(baseline, results)).toEqual([]);
});

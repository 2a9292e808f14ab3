/**
 * The page behind /parity.html: runs golden parity cases in this browser (webgpu when the browser
 * has an adapter) and exposes `wickParity(cases)` to tests.
 */
import { torch } from '../../engine/index';
import type { GoldenCase } from '../../engine/parity/golden';
import { runCases, type CaseResult } from '../../engine/parity/runner';
import { summarize } from '../../engine/parity/summary';

declare global {
  interface Window {
    wickParity: (cases: GoldenCase[]) => Promise<CaseResult[]>;
  }
}

const status = document.querySelector('[data-testid="parity-status"]')!;
const summary = document.querySelector('[data-testid="parity-summary"]')!;
const ready = torch.init();

window.wickParity = async (cases) => {
  const device = await ready;
  status.textContent = `running ${cases.length} cases on ${device}…`;
  const results = await runCases(cases, device);
  summary.textContent = summarize(results);
  status.textContent = `done on ${device}`;
  return results;
};

void ready.then((device) => {
  status.textContent = `ready on ${device}`;
});

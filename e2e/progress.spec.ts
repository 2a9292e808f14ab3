// The progress bar counts steps whose GPU work has finished, not steps the loop has queued.
// The cell counts finished steps itself, independently of the bar: after each step it asks for a
// marker of its own (torch.workDone(), resolved by the GPU's onSubmittedWorkDone) and logs
// "gpu N" when step N's work is done. Outputs reach the page in the order the Worker made them,
// and a step's own marker is asked for before the bar's, so at every moment the page shows, the
// bar's count must be at most the last "gpu N" logged.
import { expect, test } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

const STEPS = 200;

interface Sample {
  shownDone: number;
  shownText: string;
  issued: number;
  state: string;
  gpuFinished: number;
  t: number;
}

test('The progress bar never shows more steps than the GPU has finished, and tells queued steps apart', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  await expect(notebook.kernelStatus).toContainText('webgpu');
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource(
    [
      `const x = torch.randn([96, 96]).mul(0.05);`,
      `let w = torch.zeros([96, 96]);`,
      `for (const i of progress(${STEPS}, { label: 'steps' })) {`,
      `  w = w.mul(0.99).add(x.matmul(x).tanh().mul(0.01));`,
      `  torch.workDone()?.then(() => console.log(\`gpu \${i + 1}\`));`,
      // A loop that lets the Worker breathe now and then, as one with an await in it does.
      `  if (i % 10 === 9) await new Promise((r) => setTimeout(r, 0));`,
      `}`,
    ].join('\n'),
  );
  await cell.runWithKeyboard();
  await expect(cell.progressOutput).toBeVisible();

  const samples: Sample[] = [];
  const root = await cell.root.elementHandle();
  const t0 = Date.now();
  for (let tries = 0; tries < 1200; tries++) {
    // One evaluate reads the bar and the log together: one rendered state of the page.
    const sample = await page.evaluate((cellRoot) => {
      const bar = cellRoot!.querySelector('[data-testid="progress-output"]') as HTMLElement | null;
      const output = cellRoot!.querySelector('[data-testid="cell-output"]') as HTMLElement;
      const logged = [...output.innerText.matchAll(/gpu (\d+)/g)].map((m) => Number(m[1]));
      const text = bar?.querySelector('.progress-numbers')?.textContent ?? '';
      return {
        shownDone: Number(/(\d+)\/\d+ done/.exec(text)?.[1] ?? NaN),
        shownText: text,
        issued: Number(bar?.dataset.issued ?? NaN),
        state: bar?.dataset.state ?? '',
        gpuFinished: logged.length ? Math.max(...logged) : 0,
      };
    }, root);
    samples.push({ ...sample, t: Date.now() - t0 });
    if (sample.state === 'done') break;
    if (sample.issued > sample.shownDone && sample.shownDone > 0 && !samples.slice(0, -1).some((s) => s.shownDone > 0)) {
      await cell.root.screenshot({ path: 'test-results/progress-draining.png' });
    }
    await page.waitForTimeout(100);
  }
  await cell.expectStatus('done');
  await page.screenshot({ path: 'test-results/progress-done.png' });

  expect(samples.length).toBeGreaterThan(2);
  for (const s of samples) {
    expect(Number.isInteger(s.shownDone), s.shownText).toBe(true);
    expect(s.shownDone, `bar "${s.shownText}" with the GPU done with ${s.gpuFinished} steps`).toBeLessThanOrEqual(s.gpuFinished);
    expect(s.shownDone).toBeLessThanOrEqual(s.issued);
  }
  // The bar told queued steps apart at some point: the loop ran ahead of the GPU.
  const ahead = samples.find((s) => s.issued > s.shownDone);
  expect(ahead, 'no sample showed steps queued on the GPU').toBeDefined();
  expect(ahead!.shownText).toMatch(/\d+ queued/);
  // Done only with every step's GPU work finished.
  const last = samples[samples.length - 1];
  expect(last).toMatchObject({ state: 'done', shownDone: STEPS, issued: STEPS, gpuFinished: STEPS });
  await expect(cell.progressOutput).toContainText(`${STEPS}/${STEPS} done`);
  await expect(cell.progressOutput).not.toContainText('queued');
  // Its first run compiled the kernels' shaders: the stats say so apart from the GPU time.
  await expect(cell.stats).toContainText(/\d+ shaders? compiled/);
  await cell.stats.screenshot({ path: 'test-results/progress-stats.png' });
});

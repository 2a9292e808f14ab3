// Interrupting a GPU-bound training loop keeps the kernel: the loop (no await in it) stays a few
// submits ahead of the GPU, so Interrupt finds it running, and every wait on the GPU gives way.
// The cell stops within a second, no restart, and the model and optimizer train on in the next cell.
import { expect, test, type Locator } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

const STEPS = 2000;
// Sizes that make a step milliseconds of SwiftShader's time (tens on a loaded machine), so 2,000
// take far longer than the wait before Interrupt, while the test stays within about a minute.
/** Interrupt once this many steps have finished on the GPU (the bar counts them), and at least 2 s in. */
const BEFORE_INTERRUPT = 20;

test('Interrupt stops a 2,000-step GPU training loop within a second, and the model and optimizer train on', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  await expect(notebook.kernelStatus).toContainText('webgpu');

  const define = await notebook.addCodeCellAtEnd();
  await define.setSource(
    [
      'torch.manualSeed(0);',
      'const net = new nn.Sequential(new nn.Linear(16, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 1));',
      'const opt = new optim.Adam(net.parameters(), { lr: 0.001 });',
      'const X = torch.randn([64, 16]);',
      'const Y = torch.randn([64, 1]);',
      'let steps = 0;',
      'const lossNow = async () => (await F.mseLoss(net(X), Y).item()) as number;',
      'await lossNow()',
    ].join('\n'),
  );
  await define.runWithKeyboard();
  await define.expectStatus('done');

  const train = await notebook.addCodeCellAtEnd();
  await train.setSource(
    [
      `for (const i of progress(${STEPS})) {`,
      '  opt.zeroGrad();',
      '  const loss = F.mseLoss(net(X), Y);',
      '  loss.backward();',
      '  opt.step();',
      '  steps++;',
      '}',
      'await lossNow()',
    ].join(' '), // one line: the editor closes a brace as it is typed, and overtypes it only on the same line
  );
  await train.runWithKeyboard();
  await train.expectStatus('running');
  await expect(notebook.kernelStatus).toContainText('busy');
  await page.waitForTimeout(2000);
  await expect.poll(() => finishedSteps(train.progressOutput), { timeout: 60_000 }).toBeGreaterThanOrEqual(BEFORE_INTERRUPT);
  await train.expectStatus('running');

  // Timed in the page, from the click event to the cell's status changing (not by polling it).
  const interrupt = notebook.button('Interrupt');
  await startStopwatch(interrupt, train.root);
  await interrupt.click();
  await train.expectStatus('error');
  const stoppedAfter = await page.evaluate(() => (globalThis as Clock).stoppedAfter!);
  expect(stoppedAfter).toBeLessThan(1000);
  await expect(train.errorOutput).toContainText('InterruptError');
  await expect(train.errorOutput).toContainText('What earlier cells defined is kept');
  await expect(train.progressOutput).toHaveAttribute('data-state', 'stopped');
  await page.screenshot({ path: 'test-results/interrupt-gpu-stopped.png' });
  // The kernel was not restarted: no notice that state was lost, and the status comes back to idle
  // once the GPU has finished the steps it was given.
  await expect(notebook.notice).toHaveCount(0);
  await expect(notebook.kernelStatus).toContainText('idle', { timeout: 10_000 });

  // The same model and optimizer: 30 more steps run, and the loss goes down.
  const more = await notebook.addCodeCellAtEnd();
  await more.setSource(
    [
      'const stepsBefore = steps, lossBefore = await lossNow();',
      'for (let i = 0; i < 30; i++) { opt.zeroGrad(); F.mseLoss(net(X), Y).backward(); opt.step(); steps++; }',
      '[stepsBefore, steps - stepsBefore, lossBefore, await lossNow()]',
    ].join(' '),
  );
  await more.runWithKeyboard();
  await more.expectStatus('done');
  const text = await more.output.innerText();
  const [stepsBefore, moreSteps, lossBefore, lossAfter] = (text.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number);
  console.log(
    `Stopped ${Math.round(stoppedAfter)} ms after Interrupt, at step ${stepsBefore} of ${STEPS}; then ${moreSteps} more steps, loss ${lossBefore} to ${lossAfter}`,
  );
  expect(stepsBefore).toBeGreaterThan(0);
  expect(stepsBefore).toBeLessThan(STEPS);
  expect(moreSteps).toBe(30);
  expect(lossAfter).toBeLessThan(lossBefore);
  await expect(notebook.notice).toHaveCount(0);
});

/** The steps the bar says the GPU finished. */
async function finishedSteps(bar: Locator): Promise<number> {
  return Number((await bar.getAttribute('data-done')) ?? 0);
}

type Clock = { pressedAt?: number; stoppedAfter?: Promise<number> };

/** Starts a stopwatch in the page: from the next click on `button` to `cell`'s status turning to error. */
async function startStopwatch(button: Locator, cell: Locator): Promise<void> {
  await button.evaluate((b) => b.addEventListener('click', () => ((globalThis as Clock).pressedAt = performance.now()), { capture: true, once: true }));
  await cell.evaluate((root) => {
    (globalThis as Clock).stoppedAfter = new Promise<number>((resolve) => {
      const observer = new MutationObserver(() => {
        const { pressedAt } = globalThis as Clock;
        if (root.dataset.cellStatus !== 'error' || pressedAt === undefined) return;
        observer.disconnect();
        resolve(performance.now() - pressedAt);
      });
      observer.observe(root, { attributes: true, attributeFilter: ['data-cell-status'] });
    });
  });
}

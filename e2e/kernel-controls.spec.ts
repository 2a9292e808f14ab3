import { expect, test } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

test('Run all runs the cells in order and later cells see earlier names', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  await notebook.button('Run all').click();

  const [intro, define, use] = [notebook.cell(0), notebook.cell(1), notebook.cell(2)];
  await use.expectStatus('done');
  await define.expectStatus('done');
  await intro.expectStatus('idle');
  await expect(define.output).toContainText('x has shape [2, 2]');
  expect(await use.tensorValues()).toEqual([3.5, 7]);
});

test('Interrupt stops a running loop in under a second and keeps what earlier cells defined', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  const define = await notebook.addCodeCellAtEnd();
  await define.setSource('let n = 41;');
  await define.runWithKeyboard();
  await define.expectStatus('done');

  const loop = await notebook.addCodeCellAtEnd();
  await loop.setSource('while (true) { n = n; }');
  await loop.runWithKeyboard();
  await loop.expectStatus('running');
  await expect(notebook.kernelStatus).toContainText('busy');

  await notebook.button('Interrupt').click();
  const pressed = Date.now();
  await loop.expectStatus('error', { timeout: 1000 });
  expect(Date.now() - pressed).toBeLessThan(1000);
  await expect(loop.errorOutput).toContainText('InterruptError');
  await expect(loop.errorOutput).toContainText('line 1');
  await expect(notebook.kernelStatus).toContainText('idle');
  await expect(notebook.notice).toHaveCount(0);

  const use = await notebook.addCodeCellAtEnd();
  await use.setSource('n + 1');
  await use.runWithKeyboard();
  await use.expectStatus('done');
  await expect(use.output).toHaveText('42');
});

test('A hang no guard reaches is stopped by restarting the kernel, which says state was lost', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const define = await notebook.addCodeCellAtEnd();
  await define.setSource('const before = 1;');
  await define.runWithKeyboard();
  await define.expectStatus('done');

  const hang = await notebook.addCodeCellAtEnd();
  const hangSource = "/(a+)+b/.test('a'.repeat(40))";
  await hang.setSource(hangSource);
  await hang.runWithKeyboard();
  await hang.expectStatus('running');
  const sources = await notebook.sources();

  await notebook.button('Interrupt').click();
  await expect(notebook.notice).toContainText('state was lost', { timeout: 5000 });
  await hang.expectStatus('error');
  await expect(hang.errorOutput).toContainText('restarting the kernel');
  await expect(notebook.kernelStatus).toContainText('idle');
  expect(await notebook.sources()).toEqual(sources);
  expect(sources).toContain(hangSource);

  const after = await notebook.addCodeCellAtEnd();
  await after.setSource('typeof before');
  await after.runWithKeyboard();
  await expect(after.output).toHaveText('undefined');
});

test('Restart clears the kernel: names defined before are gone', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const before = 2;\nbefore * 21');
  await cell.runWithKeyboard();
  await expect(cell.output).toContainText('42');

  await notebook.button('Restart').click();
  // Restart asks first; Cancel keeps the kernel and its names.
  const confirm = page.getByRole('alertdialog', { name: 'Restart the kernel?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await notebook.button('Restart').click();
  await confirm.getByRole('button', { name: 'Restart kernel' }).click();
  await expect(notebook.notice).toContainText('restarted');
  await expect(notebook.kernelStatus).toContainText('idle');
  const after = await notebook.addCodeCellAtEnd();
  await after.setSource('typeof before');
  await after.runWithKeyboard();
  await expect(after.output).toHaveText('undefined');
});

test('A cell streams console output in order, a live progress bar, and errors at their line and column', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource(
    [
      'console.log("first");',
      'for (const i of progress(3)) await new Promise((r) => setTimeout(r, 150));',
      'console.warn("second");',
      'display(String(new Registry("models")), typeof loadDigits);',
      'const bad: any = null;',
      'bad.value',
    ].join('\n'),
  );
  await cell.runWithKeyboard();
  await expect(cell.progressOutput).toBeVisible();
  await cell.expectStatus('error');
  await expect(cell.progressOutput).toHaveAttribute('data-state', 'done');
  await expect(cell.output).toContainText(/first[\s\S]*3\/3[\s\S]*second[\s\S]*Registry\(.models., \[\]\)[\s\S]*function/);
  await expect(cell.errorOutput).toContainText('TypeError');
  await expect(cell.errorOutput).toContainText('line 6, column 5');
  // GPU time comes from two timestamps around the cell where the adapter has timestamp queries.
  await expect(cell.stats).toContainText(/GPU (—|\d+(\.\d)? m?s)/);
});

test('Without cross-origin isolation, Interrupt stops a loop that awaits and restarts the kernel for one that never yields', async ({ page }) => {
  // Serve the page without COOP/COEP: no SharedArrayBuffer, so only the interrupt message remains.
  await page.route(/\/(\?.*)?$/, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['cross-origin-opener-policy'];
    delete headers['cross-origin-embedder-policy'];
    await route.fulfill({ response, headers });
  });
  const notebook = new NotebookPage(page);
  await notebook.open();
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);

  const define = await notebook.addCodeCellAtEnd();
  await define.setSource('let ticks = 0;\nwhile (true) { ticks++; await new Promise((r) => setTimeout(r, 10)); }');
  await define.runWithKeyboard();
  await define.expectStatus('running');
  await notebook.button('Interrupt').click();
  await define.expectStatus('error', { timeout: 1000 });
  await expect(define.errorOutput).toContainText('InterruptError');

  const spin = await notebook.addCodeCellAtEnd();
  await spin.setSource('while (true) {}');
  await spin.runWithKeyboard();
  await spin.expectStatus('running');
  await notebook.button('Interrupt').click();
  await expect(notebook.notice).toContainText('state was lost', { timeout: 5000 });
  await expect(notebook.notice).toContainText('not cross-origin isolated');
  await spin.expectStatus('error');
});

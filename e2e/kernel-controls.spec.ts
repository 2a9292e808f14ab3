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

test('Interrupt stops a running loop and says that the kernel state was lost', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const kept = 1;\nwhile (true) {}');
  await cell.runWithKeyboard();
  await cell.expectStatus('running');
  await expect(notebook.kernelStatus).toContainText('busy');

  await notebook.button('Interrupt').click();
  await cell.expectStatus('error');
  await expect(cell.errorOutput).toContainText('Interrupted');
  await expect(notebook.notice).toContainText('Interrupted');
  await expect(notebook.kernelStatus).toContainText('idle');

  const next = await notebook.addCodeCellAtEnd();
  await next.setSource('kept');
  await next.runWithKeyboard();
  await next.expectStatus('error');
  await expect(next.errorOutput).toContainText('kept is not defined');
  await expect(next.errorOutput).toContainText('line 1');
});

test('Restart clears the kernel: names defined before are gone', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const before = 2;\nbefore * 21');
  await cell.runWithKeyboard();
  await expect(cell.output).toContainText('42');

  await notebook.button('Restart').click();
  await expect(notebook.notice).toContainText('restarted');
  await expect(notebook.kernelStatus).toContainText('idle');
  await cell.setSource('typeof before');
  await cell.runWithKeyboard();
  await expect(cell.output).toContainText('"undefined"');
});

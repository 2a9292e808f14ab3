// The notebook saves itself to IndexedDB within a second of an edit, and a reload brings it back.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('edits, cell order and outputs survive a reload', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('const kept = 40 + 2;\nkept');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(cell.output).toContainText('42');
  await notebook.cell(0).setMarkdown('# Kept across reloads');
  await page.keyboard.press('Escape');
  await page.keyboard.press('B'); // an empty code cell below the markdown one
  const edited = Date.now();
  await expect(notebook.cells).toHaveCount(5);
  await expect(notebook.saveStatus).toHaveText('Saved');
  expect(Date.now() - edited).toBeLessThan(1_000);
  const before = await notebook.cellSources();

  await page.reload();
  await expect(notebook.kernelStatus).toContainText('idle');
  await expect(notebook.cells).toHaveCount(5);
  expect(await notebook.cellSources()).toEqual(before);
  expect(await notebook.cellTypes()).toEqual(['markdown', 'code', 'code', 'code', 'code']);
  // The last outputs come back too (the kernel is new: nothing ran after the reload).
  const restored = notebook.cell(4);
  await expect(restored.output).toContainText('42');
  await restored.expectStatus('idle');
});

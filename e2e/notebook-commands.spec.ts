import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('Clear cell output, Clear all outputs, and Restart and run all from the Commands menu', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const first = await notebook.addCodeCellAtEnd();
  await first.setSource('const base = torch.tensor([1, 2, 3]);\nbase.sum()');
  await first.runWithKeyboard();
  await first.expectStatus('done');
  const second = await notebook.addCodeCellAtEnd();
  await second.setSource('base.mul(10)');
  await second.runWithKeyboard();
  await second.expectStatus('done');
  await expect(second.tensorOutput).toContainText('tensor([10., 20., 30.]');

  await second.root.click();
  await notebook.runCommand('Clear cell output');
  await expect(second.tensorOutput).toHaveCount(0);
  await expect(second.stats).toHaveCount(0);
  await expect(first.tensorOutput).toBeVisible();

  await notebook.runCommand('Clear all outputs');
  await expect(first.tensorOutput).toHaveCount(0);
  await second.expectStatus('idle');

  // After a restart the cells run again in order: the second finds what the first defines.
  await notebook.runCommand('Restart and run all');
  await page.getByRole('alertdialog', { name: 'Restart the kernel?' }).getByRole('button', { name: 'Restart kernel' }).click();
  await second.expectStatus('done', { timeout: 60_000 });
  await expect(second.tensorOutput).toContainText('tensor([10., 20., 30.]');
  await expect(first.tensorOutput).toContainText('6');
});

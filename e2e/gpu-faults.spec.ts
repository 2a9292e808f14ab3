// GPU faults in the notebook: a lost device is reported with the tensors it took, and the next
// cells run on a new device; a tensor too big for the GPU is an error in the cell that made it.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('a lost GPU device is reported, names the lost tensors, and the notebook goes on', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await expect(notebook.kernelStatus).toContainText('webgpu');
  const made = await notebook.addCode('const kept = torch.ones([3]);\nconst model = new nn.Linear(2, 2);\nkept.device');
  await page.keyboard.press('Shift+Enter');
  await expect(made.output).toContainText('webgpu');

  const lose = await notebook.addCode('torch._webgpuDevice()?.destroy();\nawait new Promise((r) => setTimeout(r, 500));');
  await page.keyboard.press('Shift+Enter');
  const report = page.getByTestId('error-output').filter({ hasText: 'GPU device lost' });
  await expect(report).toContainText('A new GPU device is in use');
  await expect(report).toContainText('kept');
  await expect(report).toContainText('model (its parameters)');
  void lose;

  const again = await notebook.addCode('torch.ones([2]).add(1)');
  await page.keyboard.press('Shift+Enter');
  await expect(again.tensorOutput).toContainText('webgpu');
  await expect(again.output).toContainText('2');

  const stale = await notebook.addCode('kept.add(1)');
  await page.keyboard.press('Shift+Enter');
  await expect(stale.errorOutput).toContainText('on a GPU device that was lost');
});

test('a tensor too big for the GPU is an error in its cell, and the kernel keeps working', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const huge = await notebook.addCode('const huge = torch.zeros([100000, 100000, 10]);');
  await page.keyboard.press('Shift+Enter');
  await expect(huge.errorOutput).toContainText('more than this GPU allows in one buffer');
  const next = await notebook.addCode('torch.ones([2]).mul(21).sum()');
  await page.keyboard.press('Shift+Enter');
  await expect(next.output).toContainText('42');
});

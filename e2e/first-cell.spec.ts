import { expect, test } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

test('a matmul typed into a new cell runs on WebGPU with Shift+Enter', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  await expect(notebook.kernelStatus).toContainText('webgpu');

  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('torch.tensor([[1.5, 2], [3, 4]]).matmul(torch.ones([2, 1]))');
  await cell.runWithKeyboard();

  await cell.expectStatus('done');
  await expect(cell.tensorOutput).toContainText('[2, 1]');
  await expect(cell.tensorOutput).toContainText('float32');
  await expect(cell.tensorOutput).toContainText('webgpu');
  expect(await cell.tensorValues()).toEqual([3.5, 7]);
  await expect(cell.stats).toContainText('kernel');
  await expect(notebook.kernelStatus).toContainText('webgpu');
});

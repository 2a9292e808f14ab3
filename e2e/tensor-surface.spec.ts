import { expect, test } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

// What a learner's first tutorials write (issue: PyTorch's tensor surface), typed into cells and run on WebGPU.
test('in-place updates, masks, advanced indexing and sorting run on WebGPU; an in-place op on a leaf is an error at its line', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  await expect(notebook.kernelStatus).toContainText('webgpu');

  const sgd = await notebook.addCodeCellAtEnd();
  await sgd.setSource(
    [
      'const w = torch.tensor([[0.5], [-0.5]], { requiresGrad: true });',
      'const x = torch.tensor([[1, 2], [3, 4]]);',
      'const loss = x.matmul(w).square().mean();',
      'loss.backward();',
      'torch.noGrad(() => { w.sub_(w.grad!.mul(0.1)); w.grad!.zero_(); });',
      'w',
    ].join('\n'),
  );
  await sgd.runWithKeyboard();
  await sgd.expectStatus('done');
  const updated = await sgd.tensorValues();
  expect(updated[0]).toBeCloseTo(0.7, 5);
  expect(updated[1]).toBeCloseTo(-0.2, 5);

  const masks = await notebook.addCodeCellAtEnd();
  await masks.setSource(
    [
      'const s = torch.tensor([[3, -1, 2], [-4, 5, -6]]);',
      's.indexPut_(s.lt(0), 0);',
      's.index([":", torch.tensor([2, 0], { dtype: "int32" })]).add(torch.ones([3, 3]).tril().sum())',
    ].join('\n'),
  );
  await masks.runWithKeyboard();
  await masks.expectStatus('done');
  expect(await masks.tensorValues()).toEqual([8, 9, 6, 6]);
  await expect(masks.tensorOutput).toContainText('webgpu');

  const sorting = await notebook.addCodeCellAtEnd();
  await sorting.setSource('torch.tensor([[0.3, 2.5, -1, 7]]).topk(2).indices');
  await sorting.runWithKeyboard();
  await sorting.expectStatus('done');
  await expect(sorting.tensorOutput).toContainText('tensor([[3, 1]]');
  await expect(sorting.tensorOutput).toContainText('int32');

  const leaf = await notebook.addCodeCellAtEnd();
  await leaf.setSource(['const p = torch.ones([3], { requiresGrad: true });', 'p.add_(1);'].join('\n'));
  await leaf.runWithKeyboard();
  await leaf.expectStatus('error');
  await expect(leaf.errorOutput).toContainText('add_');
  await expect(leaf.errorOutput).toContainText('leaf tensor that requires grad');
  await expect(leaf.errorOutput).toContainText('torch.noGrad');
  await expect(leaf.errorOutput).toContainText('line 2');
  if (process.env.WICK_SCREENSHOTS) await page.screenshot({ path: 'test-results/tensor-surface.png', fullPage: true });
});

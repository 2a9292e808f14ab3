import { expect, test } from '@playwright/test';
import { GraphView, press } from './pages/graph-profile-views';
import { NotebookPage } from './pages/notebook-page';

test('display(f) of a torch.compile function shows its graphs and a fused kernel’s WGSL', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();

  const define = await notebook.addCodeCellAtEnd();
  await define.setSource('const f = torch.compile((a, b) => a.mul(b).add(1).relu());\nf(torch.ones([4]), torch.ones([4]));');
  await define.runWithKeyboard();
  await define.expectStatus('done');

  const show = await notebook.addCodeCellAtEnd();
  await show.setSource('display(f)');
  await show.runWithKeyboard();
  await show.expectStatus('done');

  const graph = new GraphView(show.output.getByTestId('graph-output'));
  await expect(graph.root).toBeVisible();
  await expect(graph.stage('After passes')).toHaveAttribute('aria-pressed', 'true');
  // After the passes: two inputs, one fused kernel, the output.
  await expect(graph.nodes).toHaveCount(4);
  expect(await graph.nodeLabels()).toContain('fused_mul_add_relu');

  // As traced: one node per op, more than after fusion.
  await press(graph.stage('As traced'));
  await expect.poll(() => graph.nodes.count()).toBeGreaterThan(4);
  expect(await graph.nodeLabels()).not.toContain('fused_mul_add_relu');

  await press(graph.stage('After passes'));
  await expect(graph.nodes).toHaveCount(4);
  await press(graph.kernel('fused_mul_add_relu'));
  const wgsl = graph.wgslPanel('fused_mul_add_relu');
  await expect(wgsl).toBeVisible();
  await expect(wgsl).toContainText('@compute');
});

test('display(loss) of a tensor with a history shows its autograd graph', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const w = torch.ones([3], { requiresGrad: true });\nconst loss = w.mul(2).relu().sum();\ndisplay(loss)');
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  await expect(cell.tensorOutput).toContainText('float32');

  await press(cell.output.getByRole('button', { name: 'Autograd graph' }));
  const graph = new GraphView(cell.output.getByTestId('graph-output'));
  await expect(graph.nodes).toHaveCount(4);
  expect(await graph.nodeLabels()).toEqual(expect.arrayContaining(['SumBackward (result)', 'ReluBackward', 'MulBackward']));
});

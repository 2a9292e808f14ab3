// Rich outputs: a live loss plot, and tensor views (a 1000x1000 heatmap, N-D slices, stats).
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('display(losses) in a training loop draws one live loss curve that grows while the cell runs', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode(`const losses: number[] = [];
const w = torch.tensor([3], { requiresGrad: true });
const opt = new optim.SGD([w], { lr: 0.05 });
for (let step = 0; step < 40; step++) {
  const loss = w.sub(1).square().sum();
  opt.zeroGrad();
  loss.backward();
  opt.step();
  losses.push(await loss.item());
  display(losses);
  await new Promise((resolve) => setTimeout(resolve, 40));
}`);
  await page.keyboard.press('ControlOrMeta+Enter');
  const plot = cell.plotOutput;
  // Seen part-way through: the same chart, with some of the steps.
  await expect(plot).toHaveAttribute('data-points', /^([2-9]|[1-2]\d|3[0-8])$/);
  await cell.expectStatus('done');
  await expect(plot).toHaveCount(1);
  await expect(plot).toHaveAttribute('data-points', '40');
  await expect(plot).toHaveAccessibleName(/Line chart of 40 steps; last: value 0\.0\d/);
});

test('a 1000x1000 tensor shows its header, elided values, stats and a heatmap within 200 ms of arriving', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  // Shown twice (display, then as the cell's value): the faster of the two is the view's own
  // cost, without whatever else the page happened to be doing when one arrived.
  const cell = await notebook.addCode('torch.manualSeed(0);\nconst big = torch.randn([1000, 1000]);\ndisplay(big);\nbig');
  await page.keyboard.press('ControlOrMeta+Enter');
  await cell.expectStatus('done');
  const views = cell.tensorOutput;
  await expect(views).toHaveCount(2);
  const view = views.first();
  await expect(view).toContainText('shape [1000, 1000]');
  await expect(view).toContainText('float32');
  await expect(view).toContainText('webgpu');
  await expect(view).toContainText('1,000,000 elements');
  await expect(view).toContainText('...');
  await expect(view.getByRole('img', { name: /heatmap of 250×250 cells \(each cell the mean of 4×4 values\)/ })).toBeVisible();
  await expect(view.getByRole('img', { name: /^Histogram of 32 bins/ })).toBeVisible();
  const stats = view.getByRole('definition');
  await expect(stats).toHaveCount(4);
  const [min, max, mean, std] = (await stats.allInnerTexts()).map(Number);
  expect(min).toBeLessThan(-4);
  expect(max).toBeGreaterThan(4);
  expect(Math.abs(mean)).toBeLessThan(0.01);
  expect(Math.abs(std - 1)).toBeLessThan(0.01);

  const times: number[] = [];
  for (const shown of await views.all()) {
    await expect(shown).toHaveAttribute('data-render-ms', /\d/);
    times.push(Number(await shown.getAttribute('data-render-ms')));
    // What came from the Worker: well under 1 MB (the tensor itself is 4 MB).
    expect(Number(await shown.getAttribute('data-payload-bytes'))).toBeLessThan(1_000_000);
  }
  console.log(`1000x1000 tensor views rendered ${times.join(' ms and ')} ms after their bundles arrived`);
  expect(Math.min(...times)).toBeLessThan(200);
});

test('an N-D tensor gets a slice picker over its last two dims', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('torch.arange(0, 24).reshape([2, 3, 4])');
  await page.keyboard.press('ControlOrMeta+Enter');
  const slice = cell.tensorOutput.getByRole('slider', { name: 'Slice' });
  await expect(slice).toHaveAttribute('aria-valuetext', '[0, :, :]');
  await slice.focus();
  await page.keyboard.press('ArrowRight');
  await expect(slice).toHaveAttribute('aria-valuetext', '[1, :, :]');
  await expect(cell.tensorOutput.getByRole('img', { name: /^Slice \[1, :, :\]: heatmap of 3×4 cells, from 12 to 23/ })).toBeVisible();
});

test('a module shows as a tree of its layers with parameter counts, or as PyTorch prints it', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 2))');
  await page.keyboard.press('ControlOrMeta+Enter');
  const tree = cell.output.getByRole('tree', { name: 'Module Sequential' });
  await expect(tree).toBeVisible();
  await expect(tree.getByRole('treeitem')).toHaveCount(4);
  await expect(tree.getByRole('treeitem').first()).toContainText('58 params');
  await expect(tree.getByRole('treeitem', { name: /^0: Linear/ })).toContainText('[8, 4]');
  await cell.output.getByRole('button', { name: 'Text' }).click();
  await expect(cell.output).toContainText('(0): Linear(in_features=4, out_features=8, bias=True)');
});

test('an error shows its message and marks the cell line it happened on in the editor', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('const a = torch.ones([2, 3]);\nconst b = a.matmul(torch.ones([2, 3]));\nb');
  await page.keyboard.press('ControlOrMeta+Enter');
  await cell.expectStatus('error');
  await expect(cell.errorOutput).toContainText('line 2');
  await expect(cell.root.getByTestId('cell-editor')).toHaveAttribute('data-error-line', '2');
  await expect(cell.root).toHaveAccessibleName(/Code cell \d+, failed/);
});

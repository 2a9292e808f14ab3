// Outputs that read well: arrays of objects as a table, strings as text, a whole 10x10 matrix, a
// profile table inside its cell, a graph view that fits and zooms, and the tour's links onward.
import { readFileSync } from 'node:fs';
import { expect, test, type Locator } from '@playwright/test';
import { GraphView, press } from './pages/graph-profile-views';
import { NotebookUi } from './pages/notebook-ui';
import { OriginNote } from './pages/start-page';

const SHOTS = 'test-results/output-polish';

/** `inner`'s box lies within `outer`'s (to the pixel). */
async function expectWithin(inner: Locator, outer: Locator): Promise<void> {
  const a = (await inner.boundingBox())!;
  const b = (await outer.boundingBox())!;
  expect(a.x).toBeGreaterThanOrEqual(b.x - 1);
  expect(a.x + a.width).toBeLessThanOrEqual(b.x + b.width + 1);
}

test('an array of objects shows as a table, with numbers right-aligned and a count of the rows left out', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode(
    "const runs = [{ name: 'small', acc: 0.91234, steps: 100 }, { name: 'large', acc: 0.9, loss: 0.25 }];\ndisplay(runs);\nArray.from({ length: 130 }, (_, i) => ({ i, square: i * i }))",
  );
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  const tables = cell.output.getByTestId('output-table');
  await expect(tables).toHaveCount(2);
  const first = tables.first().getByRole('table');
  await expect(first.getByRole('columnheader')).toHaveText(['name', 'acc', 'steps', 'loss']);
  await expect(first.getByRole('row')).toHaveCount(3);
  await expect(first.getByRole('row').nth(1).getByRole('cell')).toHaveText(['small', '0.9123', '100', '']);
  await expect(first.getByRole('row').nth(2).getByRole('cell')).toHaveText(['large', '0.9', '', '0.25']);
  const acc = first.getByRole('row').nth(1).getByRole('cell').nth(1);
  expect(await acc.evaluate((td) => getComputedStyle(td).textAlign)).toBe('right');
  expect(await first.getByRole('cell', { name: 'small' }).evaluate((td) => getComputedStyle(td).textAlign)).toBe('left');

  const big = tables.nth(1);
  await expect(big.getByRole('row')).toHaveCount(101);
  await expect(big).toContainText('30 more rows (130 in all)');
  await cell.root.screenshot({ path: `${SHOTS}/table.png` });
});

test('a string shows as its text, lines kept, not as a quoted literal', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('const report = ["accuracy: 91%", "loss: \\"low\\""].join("\\n");\nreport');
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  const text = cell.output.locator('pre');
  await expect(text).toHaveText('accuracy: 91%\nloss: "low"');
});

test('a 10x10 matrix shows all its rows, none cut', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('torch.arange(0, 100).reshape([10, 10]).int()');
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  const values = cell.tensorOutput.locator('pre');
  await expect(values).toContainText('[90, 91, 92, 93, 94, 95, 96, 97, 98, 99]]');
  const { scrollHeight, clientHeight } = await values.evaluate((pre) => ({ scrollHeight: pre.scrollHeight, clientHeight: pre.clientHeight }));
  expect(scrollHeight).toBeLessThanOrEqual(clientHeight);
  await cell.root.screenshot({ path: `${SHOTS}/matrix.png` });
});

for (const width of [1280, 640]) {
  test(`a profile's kernel table stays inside its cell at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const notebook = new NotebookUi(page);
    await notebook.open();
    const cell = await notebook.addCode(
      'const x = torch.randn([16, 16]);\nconst p = await torch.profile(() => x.matmul(x).relu().add(x).mul(x).sum(), { withStack: true });\ndisplay(p)',
    );
    await cell.runWithKeyboard();
    await cell.expectStatus('done');
    const profile = cell.output.getByTestId('profile-output');
    const table = profile.getByRole('table');
    await expect(table.getByTestId('kernel-row').first()).toBeVisible();
    // The table scrolls in its own box when it is wider; that box and the profile stay inside the cell.
    const box = profile.getByTestId('profile-table-box');
    await expectWithin(box, cell.output);
    await expectWithin(profile, cell.root);
    await cell.root.screenshot({ path: `${SHOTS}/profile-${width}.png` });
  });
}

test('a graph larger than its box opens fitted; Fit, Zoom in, Zoom out, Ctrl+wheel and a drag move it', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode(
    'const deep = torch.compile((a: Tensor) => { let x = a; for (let i = 0; i < 16; i++) x = x.mul(2).add(1); return x; });\ndeep(torch.ones([4]));\ndisplay(deep)',
  );
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  const graph = new GraphView(cell.output.getByTestId('graph-output'));
  await press(graph.stage('As traced'));
  await expect.poll(() => graph.nodes.count()).toBeGreaterThan(30);
  const viewport = graph.root.getByTestId('graph-viewport');
  const zoom = async () => Number(await viewport.getAttribute('data-zoom'));
  await expect.poll(zoom).toBeLessThan(1);
  const fitted = await zoom();
  // Fitted: the whole graph is inside the box.
  const svg = viewport.locator('svg');
  const inBox = async () => {
    const [g, v] = [(await svg.boundingBox())!, (await viewport.boundingBox())!];
    return g.y >= v.y - 1 && g.y + g.height <= v.y + v.height + 1 && g.x >= v.x - 1 && g.x + g.width <= v.x + v.width + 1;
  };
  expect(await inBox()).toBe(true);
  await cell.root.screenshot({ path: `${SHOTS}/graph-fitted.png` });

  await graph.root.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(zoom).toBeCloseTo(fitted * 1.25, 2);
  await graph.root.getByRole('button', { name: 'Zoom out' }).click();
  await graph.root.getByRole('button', { name: 'Zoom out' }).click();
  await expect.poll(zoom).toBeCloseTo(fitted / 1.25, 2);
  await graph.root.getByRole('button', { name: 'Fit' }).click();
  await expect.poll(zoom).toBeCloseTo(fitted, 3);

  // Ctrl + wheel over the graph zooms in; a plain wheel leaves the zoom alone.
  const v = (await viewport.boundingBox())!;
  await page.mouse.move(v.x + v.width / 2, v.y + v.height / 2);
  await page.mouse.wheel(0, -100);
  expect(await zoom()).toBeCloseTo(fitted, 3);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -100);
  await page.keyboard.up('Control');
  await expect.poll(zoom).toBeGreaterThan(fitted * 1.2);

  // A drag pans the graph by the distance dragged.
  const v2 = (await viewport.boundingBox())!;
  const before = (await svg.boundingBox())!;
  await page.mouse.move(v2.x + 20, v2.y + 20);
  await page.mouse.down();
  await page.mouse.move(v2.x + 60, v2.y + 50, { steps: 5 });
  await page.mouse.up();
  const after = (await svg.boundingBox())!;
  expect(after.x - before.x).toBeCloseTo(40, 0);
  expect(after.y - before.y).toBeCloseTo(30, 0);
  await cell.root.screenshot({ path: `${SHOTS}/graph-zoomed.png` });
});

test("the tour's Where next links open the other examples in the page", async ({ page }) => {
  const examples = JSON.parse(readFileSync(new URL('../public/examples/index.json', import.meta.url), 'utf8')) as { title: string; file: string }[];
  const notebook = new NotebookUi(page);
  await page.goto('/');
  await expect(notebook.kernelStatus).toContainText('idle');
  await expect(page.getByText('paradigm-tour.ipynb', { exact: true })).toBeVisible();
  const whereNext = page.getByTestId('markdown-view').filter({ has: page.getByRole('heading', { name: 'Where next' }) });
  await whereNext.scrollIntoViewIfNeeded();
  for (const example of examples.filter((e) => e.file !== 'paradigm-tour.ipynb'))
    await expect(whereNext.getByRole('link', { name: example.title, exact: true })).toHaveAttribute('href', `?open=examples/${example.file}`);
  await whereNext.screenshot({ path: `${SHOTS}/where-next.png` });

  await whereNext.getByRole('link', { name: 'Eager mode', exact: true }).click();
  await expect(page.getByText('eager.ipynb', { exact: true })).toBeVisible();
  await expect(new OriginNote(page).root).toContainText('Eager mode');
  expect(page.url()).not.toContain('open=');
  expect(page.context().pages()).toHaveLength(1);
});

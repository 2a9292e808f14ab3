// The examples and the paradigm tour: a first visit opens the tour; every example opens from the
// start page, runs nothing until Run all, and then runs every cell without an error on webgpu.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';
import { OriginNote, StartPage } from './pages/start-page';

const examples = JSON.parse(readFileSync(new URL('../public/examples/index.json', import.meta.url), 'utf8')) as { title: string; file: string }[];

/** Lines an example prints only when its own checks passed (its cells throw where the numbers disagree; these say what was checked). */
const EXPECTED_OUTPUT: Record<string, RegExp[]> = {
  'paradigm-tour.ipynb': [/per-sample gradients of .*: the same numbers/, /torch\.compile\(vmap\(grad\)\)/],
  'functional-transforms.ipynb': [
    /per-sample gradients match the loop/,
    /vmap\(grad\): [\d.]+ ms for 64 per-sample gradients/,
    /torch\.compile\(vmap\(grad\)\)\s+\d+ kernels/,
  ],
};

test('a first visit opens the paradigm tour', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await page.goto('/');
  await expect(notebook.kernelStatus).toContainText('idle');
  await expect(page.getByText('paradigm-tour.ipynb', { exact: true })).toBeVisible();
  expect(await notebook.cells.count()).toBeGreaterThan(8);
});

/** Run in e2e/data-and-files.spec.ts instead, with a file uploaded in the Files panel and a reload halfway. */
const RUN_ELSEWHERE = new Set(['data-and-files.ipynb']);

for (const example of examples.filter((e) => !RUN_ELSEWHERE.has(e.file))) {
  test(`the example “${example.title}” opens from the start page and runs all cells on webgpu`, async ({ page }) => {
    test.setTimeout(300_000);
    const notebook = new NotebookUi(page);
    await notebook.open();
    await expect(notebook.kernelStatus).toContainText('webgpu');
    const start = new StartPage(page);
    await start.show();
    expect(await start.titles()).toEqual(examples.map((e) => e.title));
    await start.openExample(example.title);
    await expect(page.getByText(example.file, { exact: true })).toBeVisible();
    await expect(new OriginNote(page).root).toContainText(example.title);
    const codeCells = page.locator('[data-testid="cell"][data-cell-type="code"]');
    const count = await codeCells.count();
    expect(count).toBeGreaterThan(0);
    await expect(notebook.kernelStatus).toContainText('idle');
    for (let i = 0; i < count; i++) await expect(codeCells.nth(i)).toHaveAttribute('data-cell-status', 'idle');

    const started = Date.now();
    await notebook.button('Run all').click();
    for (let i = 0; i < count; i++) {
      await expect(codeCells.nth(i)).toHaveAttribute('data-cell-status', /done|error/, { timeout: 240_000 });
      const status = await codeCells.nth(i).getAttribute('data-cell-status');
      expect(status, `cell ${i + 1}: ${await codeCells.nth(i).getByTestId('cell-output').innerText()}`).toBe('done');
    }
    await expect(page.getByTestId('error-output')).toHaveCount(0);
    for (const line of EXPECTED_OUTPUT[example.file] ?? []) await expect(page.getByTestId('cell-output').filter({ hasText: line })).toHaveCount(1);
    await page.screenshot({ path: test.info().outputPath('finished.png'), fullPage: true });
    console.log(`${example.file}: ${count} code cells ran in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
}

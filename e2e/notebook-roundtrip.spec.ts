// Export writes valid nbformat 4.5; Open and drag-and-drop read it back to the same notebook.
import { expect, test } from '@playwright/test';
import { nbformatErrors } from './nbformat';
import { NotebookUi } from './pages/notebook-ui';

test('Export then Open gives the same notebook, and the file is valid nbformat 4.5', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.cell(0).setMarkdown('# Round trip\n\nWith $x^2$ and **bold**.');
  await page.keyboard.press('Escape');
  const code = await notebook.addCode('console.log("line one\\nline two");\nconsole.error("careful");\ntorch.ones([2, 2])');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(code.tensorOutput).toBeVisible();
  const failing = await notebook.addCode('const bad = 1;\nbad.nothing()');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(failing.errorOutput).toBeVisible();
  await notebook.addCode('display([3, 2, 1.5, 1.25])');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(notebook.cell(5).plotOutput).toBeVisible();

  const exported = await notebook.exportNotebook();
  expect(nbformatErrors(exported.json)).toEqual([]);
  expect(exported.json.cells.map((c: { output_type?: string; outputs?: { output_type: string }[] }) => c.outputs?.map((o) => o.output_type))).toEqual([
    undefined,
    [],
    [],
    ['stream', 'stream', 'display_data'],
    ['error'],
    ['display_data'],
  ]);

  // Open it again in a fresh page: the same cells, ids and sources; nothing has run.
  const other = new NotebookUi(await page.context().newPage());
  await other.open();
  await other.openNotebook(exported.name, exported.json);
  await expect(other.cells).toHaveCount(6);
  await other.cell(4).expectStatus('idle');
  const reexported = await other.exportNotebook();
  const authored = (json: { cells: { id: string; cell_type: string; source: string[]; metadata: unknown }[]; metadata: unknown }) => ({
    metadata: json.metadata,
    cells: json.cells.map(({ id, cell_type, source, metadata }) => ({ id, cell_type, source, metadata })),
  });
  expect(authored(reexported.json)).toEqual(authored(exported.json));
  expect(nbformatErrors(reexported.json)).toEqual([]);
});

test('dropping an .ipynb file on the page opens it', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const file = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [
      { id: 'intro', cell_type: 'markdown', metadata: {}, source: ['# Dropped notebook'] },
      { id: 'sum', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['1 + 2'] },
    ],
  };
  expect(nbformatErrors(file)).toEqual([]);
  await notebook.dropFile('dropped.ipynb', file);
  await expect(notebook.cells).toHaveCount(2);
  await expect(page.getByText('dropped.ipynb', { exact: true })).toBeVisible();
  await expect(notebook.cell(0).renderedMarkdown.getByRole('heading', { name: 'Dropped notebook' })).toBeVisible();
  await notebook.button('Run all').click();
  await expect(notebook.cell(1).output).toContainText('3');
});

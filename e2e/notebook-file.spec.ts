import { expect, test } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

test('Export writes nbformat 4.5 with the Wick kernelspec, and Open reads it back', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const answer = 6 * 7;\nanswer');
  await cell.runWithKeyboard();
  await expect(cell.output).toContainText('42');

  const { name, json } = await notebook.exportNotebook();
  expect(name).toMatch(/\.ipynb$/);
  expect(json).toMatchObject({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' },
      language_info: { name: 'typescript' },
    },
  });
  expect(json.cells.map((c: { cell_type: string }) => c.cell_type)).toEqual(['markdown', 'code', 'code', 'code', 'code']);
  const exported = json.cells[3];
  expect(exported.source.join('')).toBe('const answer = 6 * 7;\nanswer');
  expect(exported.outputs[0].data['text/plain'].join('')).toBe('42');

  json.cells = [json.cells[0], exported];
  await notebook.openNotebook('answer.ipynb', json);
  await expect(notebook.cells).toHaveCount(2);
  await expect(page.getByText('answer.ipynb', { exact: true })).toBeVisible();
  const opened = notebook.cell(1);
  await opened.expectStatus('idle'); // opening runs nothing
  await expect(opened.output).toBeEmpty();
  await notebook.button('Run all').click();
  await expect(opened.output).toContainText('42');
});

// What the best notebooks have: a variables panel, stale marks, an outline of the headings,
// collapsed outputs and a command palette (issue 22).
import { expect, test } from '@playwright/test';
import { NotebookPanels } from './pages/notebook-panels';

const markdown = (id: string, source: string) => ({ id, cell_type: 'markdown', metadata: {}, source });
const code = (id: string, source: string) => ({ id, cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null });
const notebookOf = (cells: object[]) => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

async function runAll(notebook: NotebookPanels): Promise<void> {
  await notebook.button('Run all').click();
  await expect(notebook.kernelStatus).toContainText('idle');
  for (let i = 0; i < (await notebook.cells.count()); i++) {
    if ((await notebook.cell(i).root.getAttribute('data-cell-type')) === 'code') await notebook.cell(i).expectStatus('done');
  }
}

test('the variables panel lists every name the cells defined, with tensor shapes, and shows a value on click', async ({ page }) => {
  const notebook = new NotebookPanels(page);
  await notebook.open();
  await notebook.openCells([
    'const x = torch.ones([3, 4]);',
    [
      'const net = new nn.Linear(4, 2);',
      'const opt = new optim.SGD(net.parameters(), { lr: 0.1 });',
      'const steps = 42, title = "fit";',
      'const losses = [0.5, 0.25, 0.125];',
      'function double(a: number) { return a * 2; }',
    ].join('\n'),
  ]);
  await notebook.panelToggle('Variables').click();
  await expect(notebook.panelToggle('Variables')).toHaveAttribute('aria-pressed', 'true');
  await expect(notebook.variablesPanel).toContainText('No variables yet');

  await runAll(notebook);
  // Sorted by name; the built-ins (torch, nn, F, optim, display, …) are not listed.
  await expect.poll(() => notebook.variableNames()).toEqual(['double', 'losses', 'net', 'opt', 'steps', 'title', 'x']);
  const x = notebook.variableRow('x');
  await expect(x).toContainText('Tensor');
  await expect(x).toContainText(/\[3, 4\] · float32 · (webgpu|cpu) · 48 B/);
  await expect(notebook.variableRow('net')).toContainText('Linear');
  await expect(notebook.variableRow('net')).toContainText('10 parameters');
  await expect(notebook.variableRow('opt')).toContainText('SGD');
  await expect(notebook.variableRow('steps')).toContainText('number');
  await expect(notebook.variableRow('steps')).toContainText('42');
  await expect(notebook.variableRow('title')).toContainText('string');
  await expect(notebook.variableRow('losses')).toContainText('length 3');
  await expect(notebook.variableRow('double')).toContainText('function');

  // A click on the row shows the value, as display(x) does, in the panel.
  await x.click();
  await expect(notebook.variableValue).toContainText('display(x)');
  await expect(notebook.variableValue.getByTestId('tensor-output')).toContainText('[3, 4]');
  await notebook.variableRow('net').getByRole('button', { name: 'Show net' }).click();
  await expect(notebook.variableValue).toContainText('Linear(in_features=4, out_features=2');
  await page.screenshot({ path: 'test-results/panels-variables-light.png' });

  // A new cell's names appear once it has run.
  const cell = await notebook.addCode('const y = x.sum(1);');
  await notebook.run(cell);
  await expect(notebook.variableRow('y')).toContainText(/\[3\] · float32/);
  await notebook.panelToggle('Variables').click();
  await expect(notebook.variablesPanel).toHaveCount(0);
});

test('cells that use names of a re-run or edited cell are marked stale until they run again', async ({ page }) => {
  const notebook = new NotebookPanels(page);
  await notebook.open();
  await notebook.openCells(['const a = torch.tensor([1, 2]);', 'const b = a.mul(2);', 'const c = 5;', 'b.add(c)']);
  await runAll(notebook);
  for (const i of [0, 1, 2, 3]) await notebook.expectStale(i, false);

  // Cell 2 uses `a`, and cell 4 uses cell 2's `b`: both are stale; cell 3 is not.
  await notebook.runAndWait(0);
  await notebook.expectStale(1, true);
  await notebook.expectStale(3, true);
  await notebook.expectStale(2, false);
  await expect(notebook.staleBadge(1)).toHaveAttribute('title', /cell 1 was re-run after this cell ran, and this cell uses `a`/);
  await expect(notebook.staleBadge(1)).toHaveText(/^stale/);
  await page.screenshot({ path: 'test-results/panels-stale.png' });

  // Running a stale cell clears its mark.
  await notebook.runAndWait(1);
  await notebook.expectStale(1, false);
  await notebook.runAndWait(3);
  await notebook.expectStale(3, false);

  // An edit to a cell that ran marks the cells using its names (before it runs again).
  await notebook.cell(2).setSource('const c = 6;');
  await notebook.expectStale(3, true);
  await expect(notebook.staleBadge(3)).toHaveAttribute('title', /cell 3 was edited .* uses `c`/);
  await notebook.expectStale(1, false);
  await notebook.runAndWait(3);
  await notebook.expectStale(3, false);
});

test('the outline lists the markdown headings, and a click scrolls to and selects the cell', async ({ page }) => {
  const notebook = new NotebookPanels(page);
  await notebook.open();
  const filler = Array.from({ length: 8 }, (_, i) => code(`f${i}`, `// step ${i}\nconst v${i} = ${i};\n\n\n\n`));
  await notebook.openNotebook(
    'outline.ipynb',
    notebookOf([
      markdown('intro', '# Fitting a line\n\nSome text.\n\n```ts\n# not a heading\n```'),
      ...filler.slice(0, 4),
      markdown('data', '## The **data**'),
      ...filler.slice(4),
      markdown('model', '## Model and [optimizer](https://example.com)\n\n### Training'),
    ]),
  );
  await expect(notebook.cells).toHaveCount(11);
  await notebook.panelToggle('Outline').click();
  const headings = notebook.outline.getByRole('button', { name: /^(?!Close)/ });
  await expect(headings).toHaveText(['Fitting a line', 'The data', 'Model and optimizer', 'Training']);
  await page.screenshot({ path: 'test-results/panels-outline-light.png' });

  await notebook.outline.getByRole('button', { name: 'Model and optimizer', exact: true }).click();
  const model = notebook.cell(10);
  await model.expectSelected();
  await expect(model.root).toBeInViewport();
  await expect(notebook.cell(0).root).not.toBeInViewport();
  await notebook.outline.getByRole('button', { name: 'Fitting a line', exact: true }).click();
  await notebook.cell(0).expectSelected();
  await expect(notebook.cell(0).root).toBeInViewport();

  // On a narrow screen the panel covers the cells, within the page's width.
  await page.setViewportSize({ width: 420, height: 760 });
  const box = await notebook.outline.boundingBox();
  expect(box && box.x >= 0 && box.x + box.width <= 420).toBe(true);
  await page.screenshot({ path: 'test-results/panels-outline-narrow.png' });
  await notebook.outline.getByRole('button', { name: 'Close outline' }).click();
  await expect(notebook.outline).toHaveCount(0);
});

test('outputs collapse per cell to a one-line summary, and all at once from the commands', async ({ page }) => {
  const notebook = new NotebookPanels(page);
  await notebook.open();
  await notebook.openCells(['console.log("first line");\nconsole.log("second line");\ntorch.ones([2])', 'console.log("other cell")']);
  await runAll(notebook);
  const cell = notebook.cell(0);
  await expect(cell.output).toContainText('second line');

  await cell.root.getByRole('button', { name: 'Collapse output' }).click();
  // The two lines logged make one text output, then the tensor.
  await expect(cell.output.getByTestId('outputs-collapsed')).toHaveText(/2 outputs hidden \(text, tensor\)/);
  await expect(cell.output).not.toContainText('second line');
  await cell.root.getByRole('button', { name: 'Expand output' }).click();
  await expect(cell.output).toContainText('second line');
  await expect(cell.output.getByTestId('outputs-collapsed')).toHaveCount(0);

  await notebook.runCommand('Collapse all outputs');
  await expect(cell.output.getByTestId('outputs-collapsed')).toBeVisible();
  await expect(notebook.cell(1).output.getByTestId('outputs-collapsed')).toHaveText(/1 output hidden \(text\)/);
  await page.screenshot({ path: 'test-results/panels-collapsed.png' });
  // The summary expands its cell when clicked.
  await notebook.cell(1).output.getByTestId('outputs-collapsed').click();
  await expect(notebook.cell(1).output).toContainText('other cell');
  await notebook.runCommand('Expand all outputs');
  await expect(cell.output).toContainText('second line');

  // O in command mode toggles the selected cell's output.
  await notebook.focusCell(1);
  await page.keyboard.press('O');
  await expect(notebook.cell(1).output.getByTestId('outputs-collapsed')).toBeVisible();
  await page.keyboard.press('O');
  await expect(notebook.cell(1).output).toContainText('other cell');
});

test('the command palette filters every command, shows its keys, and runs one from the keyboard', async ({ page }) => {
  const notebook = new NotebookPanels(page);
  await notebook.open();
  await notebook.openCells(['const message = "to be cleared";\nconsole.log(message)', 'const weights = torch.ones([2, 3]);\n1 + 1']);
  await runAll(notebook);

  // Ctrl/Cmd+Shift+P from command mode.
  await notebook.focusCell(0);
  await page.keyboard.press('ControlOrMeta+Shift+P');
  await expect(notebook.palette).toBeVisible();
  await expect(notebook.paletteSearch).toBeFocused();
  expect(await notebook.paletteOptions.count()).toBeGreaterThan(15);
  await expect(notebook.paletteOptions.filter({ hasText: /^Save/ })).toContainText(/(Ctrl|⌘)\+S/);
  await page.screenshot({ path: 'test-results/panels-palette-light.png' });

  await notebook.paletteSearch.fill('clear');
  await expect(notebook.paletteOptions).toHaveText([/^Clear all outputs/, /^Clear cell output/]);
  await expect(notebook.paletteOptions.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(notebook.paletteOptions.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await expect(notebook.paletteOptions.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(notebook.paletteOptions.nth(1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(notebook.palette).toHaveCount(0);
  await expect(notebook.cell(0).output).toBeEmpty();
  await expect(notebook.cell(1).output).toBeEmpty();

  // Nothing matches: said so. Escape closes and gives the focus back.
  await page.keyboard.press('F1');
  await expect(notebook.palette).toBeVisible();
  await notebook.paletteSearch.fill('no such command');
  await expect(notebook.paletteOptions).toHaveCount(0);
  await expect(notebook.palette).toContainText('No command matches');
  await page.keyboard.press('Escape');
  await expect(notebook.palette).toHaveCount(0);
  await notebook.cell(0).expectMode('command');

  // From inside the editor too: the editor does not keep Ctrl+Shift+P for itself.
  const editor = notebook.cell(1).codeEditor;
  await notebook.cell(1).clickIntoEditor(editor);
  await page.keyboard.press('ControlOrMeta+Shift+P');
  await expect(notebook.paletteSearch).toBeFocused();
  await notebook.paletteSearch.fill('dark');
  await page.keyboard.press('Enter');
  await expect(notebook.control('Dark theme')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('ControlOrMeta+Shift+P');
  await page.screenshot({ path: 'test-results/panels-palette-dark.png' });
  await page.keyboard.press('Escape');

  // The panels in the dark theme.
  await notebook.panelToggle('Variables').click();
  await expect(notebook.variableRow('weights')).toContainText('[2, 3]');
  await page.screenshot({ path: 'test-results/panels-variables-dark.png' });
});

// Jupyter's keys, each one: command and edit mode, running, inserting, deleting, changing types,
// moving the selection, saving and interrupting.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

let notebook: NotebookUi;

test.beforeEach(async ({ page }) => {
  notebook = new NotebookUi(page);
  await notebook.open();
  // The editors of a notebook that was only opened load once the kernel has been idle a second (a
  // shared link's first output comes sooner); evaluating Monaco holds the page for a moment, which
  // could fall between the two presses of D D. These tests start once it is in.
  await expect(notebook.cell(1).codeEditor).toBeAttached();
});

/** Selects cell `index` in command mode by clicking its margin. */
async function selectInCommandMode(index: number) {
  const cell = notebook.cell(index);
  await cell.root.click({ position: { x: 8, y: 8 } });
  await cell.expectSelected();
  await cell.expectMode('command');
  return cell;
}

test('Enter edits the selected cell, Esc leaves the editor; arrows and K/J move the selection', async ({ page }) => {
  const first = await selectInCommandMode(1);
  await page.keyboard.press('Enter');
  await first.expectMode('edit');
  await expect(first.codeEditor).toBeFocused();
  await page.keyboard.press('Escape');
  await first.expectMode('command');
  await expect(first.codeEditor).not.toBeFocused();

  await page.keyboard.press('ArrowDown');
  await notebook.cell(2).expectSelected();
  await page.keyboard.press('K');
  await notebook.cell(1).expectSelected();
  await page.keyboard.press('J');
  await notebook.cell(2).expectSelected();
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('ArrowUp');
  await notebook.cell(0).expectSelected();
  // Enter on a markdown cell opens its source; Esc keeps it open until it is run.
  await page.keyboard.press('Enter');
  await expect(notebook.cell(0).markdownEditor).toBeFocused();
});

test('A and B insert code cells above and below, D D deletes, Z undoes the delete', async ({ page }) => {
  await selectInCommandMode(1);
  await page.keyboard.press('A');
  await expect(notebook.cells).toHaveCount(4);
  await notebook.cell(1).expectSelected();
  expect(await notebook.cellTypes()).toEqual(['markdown', 'code', 'code', 'code']);
  expect((await notebook.cellSources())[1]).toBe('');

  await page.keyboard.press('B');
  await expect(notebook.cells).toHaveCount(5);
  await notebook.cell(2).expectSelected();

  await selectInCommandMode(3);
  const sources = await notebook.cellSources();
  await page.keyboard.press('D');
  await expect(notebook.cells).toHaveCount(5); // one D does nothing
  await page.keyboard.press('D');
  await expect(notebook.cells).toHaveCount(4);
  expect(sources[3]).toContain('torch.tensor');
  expect(await notebook.cellSources()).toEqual(sources.filter((_, i) => i !== 3));
  await page.keyboard.press('Z');
  await expect(notebook.cells).toHaveCount(5);
  expect(await notebook.cellSources()).toEqual(sources);
  await notebook.cell(3).expectSelected();
});

test('M makes the cell markdown and Y makes it code again', async ({ page }) => {
  const cell = await selectInCommandMode(2);
  await page.keyboard.press('M');
  await expect(cell.root).toHaveAttribute('data-cell-type', 'markdown');
  await expect(cell.renderedMarkdown).toContainText('x.matmul');
  await page.keyboard.press('Y');
  await expect(cell.root).toHaveAttribute('data-cell-type', 'code');
  await expect(cell.codeEditor).toBeAttached();
});

test('Ctrl+Enter runs in place, Shift+Enter runs and selects below, Alt+Enter runs and inserts below', async ({ page }) => {
  const cell = notebook.cell(1);
  await cell.setSource('6 * 7');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(cell.output).toContainText('42');
  await cell.expectSelected();
  await cell.expectMode('command');

  await page.keyboard.press('Shift+Enter');
  await cell.expectStatus('done');
  await notebook.cell(2).expectSelected();
  await notebook.cell(2).expectMode('command');

  await notebook.cell(2).setSource('7 * 6 + 1');
  await page.keyboard.press('Alt+Enter');
  await expect(notebook.cell(2).output).toContainText('43');
  await expect(notebook.cells).toHaveCount(4);
  await notebook.cell(3).expectSelected();
  await expect(notebook.cell(3).codeEditor).toBeFocused();

  // Shift+Enter renders a markdown cell.
  const markdown = notebook.cell(0);
  await markdown.setMarkdown('# Rendered *here*');
  await page.keyboard.press('Shift+Enter');
  await expect(markdown.renderedMarkdown.getByRole('heading', { name: 'Rendered here' })).toBeVisible();
});

test('Ctrl+S saves at once, in either mode', async ({ page }) => {
  const cell = notebook.cell(1);
  await cell.setSource('const saved = 1;');
  await page.keyboard.press('ControlOrMeta+S');
  await expect(notebook.saveStatus).toHaveText('Saved');
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+S');
  await expect(notebook.saveStatus).toHaveText('Saved');
});

test('Ctrl+I interrupts the running cell in command mode', async ({ page }) => {
  const cell = await notebook.addCode('let spins = 0;\nwhile (true) { spins++; }');
  await page.keyboard.press('ControlOrMeta+Enter');
  await cell.expectStatus('running');
  await cell.expectMode('command');
  await page.keyboard.press('ControlOrMeta+I');
  await expect(cell.root).not.toHaveAttribute('data-cell-status', 'running');
  await expect(notebook.kernelStatus).toContainText('idle');
});

test('the Commands menu lists the same commands with their keys, and runs them', async ({ page }) => {
  await selectInCommandMode(1);
  await notebook.control('Commands').click();
  const menu = page.getByRole('menu', { name: 'Commands' });
  await expect(menu.getByRole('menuitem', { name: /Delete cell\s*D D/ })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /Run cell and select below\s*Shift\+Enter/ })).toBeVisible();
  await expect(menu.getByRole('menuitem', { name: /Undo delete cell/ })).toHaveAttribute('aria-disabled', 'true');
  // Keyboard-only: arrows move through the menu, Enter runs the item.
  await page.keyboard.press('ArrowDown');
  await menu.getByRole('menuitem', { name: /^Insert cell below/ }).focus();
  await page.keyboard.press('Enter');
  await expect(menu).toBeHidden();
  await expect(notebook.cells).toHaveCount(4);
  await notebook.cell(2).expectSelected();
});

test('keyboard only: Tab goes from the toolbar to the notebook, where command keys act', async ({ page }) => {
  await notebook.control('Commands').focus();
  await page.keyboard.press('Tab');
  const first = notebook.cell(0);
  await expect(first.root).toBeFocused();
  await expect(first.root).toHaveAccessibleName('Markdown cell 1');
  await page.keyboard.press('J');
  await notebook.cell(1).expectSelected();
  await expect(notebook.cell(1).root).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(notebook.cell(1).codeEditor).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(notebook.cell(1).root).toBeFocused();
  // The cell's own buttons come next in the Tab order.
  await page.keyboard.press('Tab');
  await expect(notebook.cell(1).root.getByRole('button', { name: 'Run cell' })).toBeFocused();
});

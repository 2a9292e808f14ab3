// The notebook's files (issue 25): the Files panel lists what the browser keeps (the Origin Private
// File System, or IndexedDB), uploads by the button and by drops, downloads, renames and deletes;
// cells read and write the same files; they survive a reload; a file too big for the quota is refused.
import { expect, test } from '@playwright/test';
import { FilesPanelPage } from './pages/files-panel';

test('upload, rename, download and delete in the Files panel; cells read and write the same files; they survive a reload', async ({ page }) => {
  const notebook = new FilesPanelPage(page);
  await notebook.open();
  await notebook.show();
  await expect(notebook.panel).toContainText('Origin Private File System');
  await expect(notebook.panel).toContainText('No files yet');

  await notebook.upload([
    { name: 'notes.txt', text: 'hello files' },
    { name: 'b.csv', text: 'x,y\n1,2\n' },
  ]);
  await expect.poll(() => notebook.names()).toEqual(['b.csv', 'notes.txt']);
  await expect(notebook.row('notes.txt')).toContainText('11 B');

  // A bad name and a taken one are refused with checkFileName's reasons; a good one renames.
  await notebook.rename('b.csv', 'data/b.csv');
  await expect(notebook.panel.getByRole('alert')).toContainText('no folders');
  const input = notebook.panel.getByRole('textbox', { name: 'New name for b.csv' });
  await input.fill('notes.txt');
  await input.press('Enter');
  await expect(notebook.panel.getByRole('alert')).toContainText("'notes.txt' exists already");
  await input.fill('data.csv');
  await input.press('Enter');
  await expect.poll(() => notebook.names()).toEqual(['data.csv', 'notes.txt']);

  expect(await notebook.download('notes.txt')).toEqual({ suggested: 'notes.txt', text: 'hello files' });
  await notebook.delete('notes.txt');

  // Cells see the panel's files, and the panel lists what a cell writes without a reload.
  await expect(await notebook.runCode("await files.readText('data.csv')")).toContainText('x,y');
  await notebook.runCode("await files.write('made.txt', 'x')");
  await expect.poll(() => notebook.names()).toEqual(['data.csv', 'made.txt']);

  await notebook.dropOnPanel([{ name: 'dropped.bin', text: '0123456789' }]);
  await expect.poll(() => notebook.names()).toEqual(['data.csv', 'dropped.bin', 'made.txt']);
  await page.screenshot({ path: 'test-results/files-panel-light.png' });
  await page.getByRole('toolbar').getByRole('button', { name: 'Dark theme', exact: true }).click();
  await page.screenshot({ path: 'test-results/files-panel-dark.png' });

  // A file that is not a notebook, dropped anywhere on the page, joins the files and opens the panel.
  await page.getByRole('button', { name: 'Close files', exact: true }).click();
  await notebook.dropFile('page-drop.json', { a: 1 });
  await expect.poll(() => notebook.names()).toEqual(['data.csv', 'dropped.bin', 'made.txt', 'page-drop.json']);

  await page.reload();
  await notebook.show();
  await expect.poll(() => notebook.names()).toEqual(['data.csv', 'dropped.bin', 'made.txt', 'page-drop.json']);
});

test('the IndexedDB store (forced) keeps an upload across a reload; a file too big for the quota is refused with its size and the free space', async ({
  page,
}) => {
  await page.addInitScript(() => {
    localStorage.setItem('wick:files', 'indexeddb');
    // A tiny quota for the page (init scripts do not run in the kernel's Worker).
    navigator.storage.estimate = async () => ({ usage: 200, quota: 1200 });
  });
  const notebook = new FilesPanelPage(page);
  await notebook.open();
  await notebook.show();
  await expect(notebook.panel).toContainText('IndexedDB');
  await notebook.upload([
    { name: 'small.txt', text: 'fits' },
    { name: 'big.bin', text: 'x'.repeat(5000) },
  ]);
  await expect(notebook.alert).toContainText("Could not upload big.bin: 'big.bin' (5.0 kB) does not fit");
  await expect(notebook.alert).toContainText('1.0 kB of it is free');
  await expect.poll(() => notebook.names()).toEqual(['small.txt']);
  await page.screenshot({ path: 'test-results/files-panel-quota.png' });

  await page.reload();
  await notebook.show();
  await expect(notebook.panel).toContainText('IndexedDB');
  await expect.poll(() => notebook.names()).toEqual(['small.txt']);
  await expect(await notebook.runCode("await files.readText('small.txt')")).toContainText('fits');
});

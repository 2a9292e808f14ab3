// A notebook from a link runs nothing, says where it came from, keeps the notebook it replaced,
// and a damaged link is refused with a reason, losing nothing on the page.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';
import { OriginNote } from './pages/start-page';

test('a share link opens with nothing run, says so, and keeps the previous notebook', async ({ page, context }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.addCode('const mine = 7;\nmine * 6');
  const mySources = await notebook.cellSources();

  const author = new NotebookUi(await context.newPage());
  await author.page.bringToFront();
  await author.open();
  await author.cell(1).setSource('const shared = torch.ones([3]).mul(2);\nshared.sum()');
  await author.button('Share').click();
  const link = await author.page.getByRole('textbox', { name: 'Share link' }).inputValue();
  await expect(author.page.getByText(/Share link, [\d,]+ characters/)).toBeVisible();
  await author.page.close();
  await page.bringToFront();

  await page.goto(link);
  await expect(notebook.kernelStatus).toContainText('idle');
  const origin = new OriginNote(page);
  await expect(origin.root).toContainText('a share link');
  await expect(origin.root).toContainText('Nothing in it has run');
  for (let i = 0; i < (await notebook.cells.count()); i++) await expect(notebook.cell(i).output).toBeEmpty();
  await expect(page).not.toHaveURL(/#nb=/); // a reload shows the user's copy, not the link again

  await notebook.button('Run all').click();
  await expect(notebook.cell(1).output).toContainText('6');

  await origin.button('Back to my previous notebook').click();
  await expect.poll(() => notebook.cellSources()).toEqual(mySources);
});

test('a damaged share link is refused with a reason, and the notebook on the page stays', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.addCode('const kept = "still here";\nkept');
  await expect(notebook.saveStatus).toContainText('Saved');
  const before = await notebook.cellSources();
  await page.goto('/#nb=v1.q1YqSi0uSVWyUkosKFSqBQ-cut');
  await expect(notebook.kernelStatus).toContainText('idle');
  await expect(notebook.notice).toContainText('This share link cannot be opened');
  expect(await notebook.cellSources()).toEqual(before);
});

test('a notebook too big for a link gets a message and an .ipynb download instead', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  // About 100 KB of text that does not compress: the link would pass 32 KB.
  const noise = Array.from(
    { length: 2500 },
    (_, i) =>
      `// ${Math.sin(i + 1)
        .toString(36)
        .slice(2)}${Math.cos(i * 7)
        .toString(36)
        .slice(2)}`,
  ).join('\n');
  await notebook.openNotebook('big.ipynb', {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [{ id: 'big', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: noise }],
  });
  await expect(notebook.cells).toHaveCount(1);
  await notebook.button('Share').click();
  await expect(notebook.notice).toContainText('too big to share as a link');
  await expect(page.getByRole('textbox', { name: 'Share link' })).toHaveCount(0);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .ipynb' }).click();
  expect((await download).suggestedFilename()).toBe('big.ipynb');
});

test('Revert to original drops the edits made to a notebook that came from a file', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.openNotebook('lesson.ipynb', {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [{ id: 'one', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: '1 + 1' }],
  });
  const origin = new OriginNote(page);
  await expect(origin.root).toContainText('the file lesson.ipynb');
  await notebook.cell(0).setSource('2 + 2');
  await expect.poll(() => notebook.cellSources()).toEqual(['2 + 2']);
  await origin.button('Revert to original').click();
  await expect.poll(() => notebook.cellSources()).toEqual(['1 + 1']);
});

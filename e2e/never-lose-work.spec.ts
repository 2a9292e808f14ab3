// Never lose work: a crash of the kernel Worker, a reload while a cell runs, and a second tab on
// the same notebook all leave the user's cells (and finished outputs) where they were.
import { expect, test } from '@playwright/test';
import { SafeNotebook } from './pages/safe-notebook';

test('a crash of the kernel Worker keeps every cell and finished output, says what happened, and the kernel comes back', async ({ page }) => {
  const notebook = new SafeNotebook(page);
  await notebook.open();
  const [define, crash, after] = await notebook.openCells([
    'const before = 6 * 7;\nbefore',
    // The cell stops its own Worker mid-run, as a crash or running out of memory would.
    "console.log('about to stop');\nclose();\nawait new Promise(() => {});",
    'typeof before',
  ]);
  await notebook.run(define);
  await expect(define.output).toHaveText('42');
  const sources = await notebook.cellSources();

  await notebook.run(crash);
  await expect(notebook.notice).toContainText('The kernel crashed', { timeout: 10_000 });
  await expect(notebook.notice).toContainText('while cell 2');
  await expect(notebook.notice).toContainText('Your cells and the outputs of finished cells are kept');
  await crash.expectStatus('error');
  await expect(crash.errorOutput).toContainText('crashed');
  await expect(notebook.kernelStatus).toContainText('idle');
  expect(await notebook.cellSources()).toEqual(sources);
  await define.expectStatus('done');
  await expect(define.output).toHaveText('42');

  // A new kernel: it runs cells, and what the old one defined is gone.
  await notebook.run(after);
  await expect(after.output).toHaveText('undefined');

  // All of it is autosaved: a reload brings the cells and the finished outputs back.
  await expect(notebook.saveStatus).toHaveText('Saved');
  await page.reload();
  await expect(notebook.kernelStatus).toContainText('idle');
  expect(await notebook.cellSources()).toEqual(sources);
  await expect(define.output).toHaveText('42');
  await expect(after.output).toHaveText('undefined');
});

test('edits made while a long cell runs are saved at once, and a reload mid-run brings them back', async ({ page }) => {
  const notebook = new SafeNotebook(page);
  await notebook.open();
  const [first, long] = await notebook.openCells([
    'const edited = 0;',
    '// runs for a minute\nfor (let i = 0; i < 600; i++) await new Promise((r) => setTimeout(r, 100));',
  ]);
  await notebook.run(long);
  await long.expectStatus('running');
  await expect(notebook.kernelStatus).toContainText('busy');

  await first.setSource('const edited = 1; // while the kernel was busy');
  const edited = Date.now();
  await expect(notebook.saveStatus).toHaveText('Saved');
  expect(Date.now() - edited).toBeLessThan(2_000);
  await long.expectStatus('running'); // saved mid-run, not once the kernel settled
  const sources = await notebook.cellSources();
  expect(sources[0]).toBe('const edited = 1; // while the kernel was busy');

  await page.reload();
  await expect(notebook.kernelStatus).toContainText('idle');
  expect(await notebook.cellSources()).toEqual(sources);
  await long.expectStatus('idle'); // the run ended with the page; nothing runs by itself
});

test("two tabs on one notebook notice each other, and an edit in one never silently overwrites the other's newer save", async ({ context }) => {
  const pageA = await context.newPage();
  const a = new SafeNotebook(pageA);
  await a.open();
  await a.openCells(['const a = 1;', 'const b = 1;', 'const c = 1;']);
  await expect(a.saveStatus).toHaveText('Saved');

  const pageB = await context.newPage();
  const b = new SafeNotebook(pageB);
  await pageB.goto('/');
  await expect(b.kernelStatus).toContainText('idle');
  expect(await b.cellSources()).toEqual(['const a = 1;', 'const b = 1;', 'const c = 1;']);
  for (const tab of [a, b])
    await expect(tab.otherTab).toContainText('This notebook is also open in another tab. Changes here and there would overwrite each other');

  // B saves an edit: a newer save than the one A loaded.
  await pageB.bringToFront();
  await b.cell(1).setSource('const b = 2;');
  await expect(b.saveStatus).toHaveText('Saved');

  // A's edit would overwrite it: A says so and does not save.
  await pageA.bringToFront();
  await a.cell(0).setSource('const a = 2;');
  await expect(a.conflict).toContainText('Another tab saved newer changes');
  await expect(a.saveStatus).toHaveText('Unsaved changes');
  await pageB.reload(); // what is stored is still B's
  await expect(b.kernelStatus).toContainText('idle');
  const stored = await b.cellSources();
  expect(stored).toEqual(['const a = 1;', 'const b = 2;', 'const c = 1;']);

  // A takes B's version, then saves an edit of its own (no conflict: A knows the latest save).
  await pageA.bringToFront();
  await a.conflictChoice("Load the other tab's version").click();
  await expect(a.conflict).toBeHidden();
  expect(await a.cellSources()).toEqual(stored);
  await a.cell(2).setSource('const c = 3;');
  await expect(a.saveStatus).toHaveText('Saved');
  await expect(a.conflict).toBeHidden();

  // B (which loaded before that) edits: conflict in B; B keeps its own, overwriting A's.
  await pageB.bringToFront();
  await b.cell(1).setSource('const b = 4;');
  await expect(b.conflict).toContainText('Another tab saved newer changes');
  await b.conflictChoice('Keep mine (overwrite)').click();
  await expect(b.conflict).toBeHidden();
  await expect(b.saveStatus).toHaveText('Saved');
  const kept = await b.cellSources();
  expect(kept).toEqual(['const a = 1;', 'const b = 4;', 'const c = 1;']);

  // B goes away: A no longer warns of another tab; a reload of A shows what B kept.
  await pageB.close();
  await expect(a.otherTab).toBeHidden();
  await pageA.reload();
  await expect(a.kernelStatus).toContainText('idle');
  expect(await a.cellSources()).toEqual(kept);
});

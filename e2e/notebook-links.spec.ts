// Share links (API.md §3) and `?open=<url>`: both open a notebook and run nothing.
import { inflateRawSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' }, language_info: { name: 'typescript' } },
  cells: [
    { id: 'title', cell_type: 'markdown', metadata: {}, source: ['# From a URL'] },
    { id: 'value', cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: ['2 ** 10'] },
  ],
};

test('Share makes a #nb=v1. link of the notebook without outputs, and opening it restores the cells', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode('const shared = "ok";\nshared');
  await page.keyboard.press('ControlOrMeta+Enter');
  await expect(cell.output).toContainText('ok');

  await notebook.button('Share').click();
  const field = page.getByRole('textbox', { name: 'Share link' });
  await expect(field).toHaveValue(/#nb=v1\./);
  const link = await field.inputValue();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);

  const payload = link.slice(link.indexOf('#nb=v1.') + '#nb=v1.'.length);
  expect(payload).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
  const json = JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString('utf8'));
  expect(json.cells.at(-1).source.join('')).toBe('const shared = "ok";\nshared');
  expect(json.cells.every((c: { outputs?: unknown[] }) => c.outputs === undefined || c.outputs.length === 0)).toBe(true);

  const other = new NotebookUi(await context.newPage());
  await other.page.goto(link);
  await expect(other.kernelStatus).toContainText('idle');
  await expect(other.cells).toHaveCount(json.cells.length);
  const opened = other.cell(json.cells.length - 1);
  await opened.expectStatus('idle');
  await expect(opened.output).toBeEmpty();
  expect(await other.cellSources()).toEqual(json.cells.map((c: { source: string[] }) => c.source.join('')));
});

test('?open=<url> opens the notebook at that URL, and running waits for the user', async ({ page }) => {
  await page.route(
    (url) => url.pathname === '/examples/powers.ipynb',
    (route) => route.fulfill({ json: NOTEBOOK }),
  );
  const notebook = new NotebookUi(page);
  await page.goto('/?open=/examples/powers.ipynb');
  await expect(notebook.kernelStatus).toContainText('idle');
  await expect(notebook.cells).toHaveCount(2);
  await expect(page.getByText('powers.ipynb', { exact: true })).toBeVisible();
  await expect(notebook.cell(0).renderedMarkdown.getByRole('heading', { name: 'From a URL' })).toBeVisible();
  await notebook.cell(1).expectStatus('idle');
  await notebook.button('Run all').click();
  await expect(notebook.cell(1).output).toContainText('1024');
});

test('a notebook of 50 cells opens at once and creates editors only near the screen', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cells = Array.from({ length: 50 }, (_, i) =>
    i % 5 === 0
      ? { id: `md${i}`, cell_type: 'markdown', metadata: {}, source: [`## Part ${i / 5 + 1}`] }
      : { id: `c${i}`, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: [`const v${i} = torch.ones([${i}]);\nv${i}.sum()`] },
  );
  // Time it in the page: from choosing the file to the 50th cell in the document.
  await page.evaluate(() => {
    const w = window as unknown as { openStarted: number; openMs: Promise<number> };
    w.openMs = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (document.querySelectorAll('[data-testid="cell"]').length !== 50) return;
        observer.disconnect();
        resolve(performance.now() - w.openStarted);
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
  });
  const chooser = page.waitForEvent('filechooser');
  await notebook.button('Open').click();
  await page.evaluate(() => ((window as unknown as { openStarted: number }).openStarted = performance.now()));
  await (await chooser).setFiles({ name: 'fifty.ipynb', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...NOTEBOOK, cells })) });
  await expect(notebook.cells).toHaveCount(50);
  const openMs = await page.evaluate(() => (window as unknown as { openMs: Promise<number> }).openMs);
  console.log(`50 cells in the page ${openMs.toFixed(0)} ms after the file was chosen`);
  // About 250 ms on a quiet 2-core machine; generous for a loaded one.
  expect(openMs).toBeLessThan(5_000);

  const editors = page.getByRole('textbox', { name: 'Code cell source' });
  await expect(editors.first()).toBeAttached();
  expect(await editors.count()).toBeLessThan(40);

  // The last cell gets its editor when it comes near the screen, and it runs as usual.
  const last = notebook.cell(49);
  await last.root.scrollIntoViewIfNeeded();
  await expect(last.codeEditor).toBeAttached();
  await last.setSource('v48.sum()');
  await page.keyboard.press('Shift+Enter');
  await expect(last.output).toContainText('v48 is not defined');
  await notebook.button('Run all').click();
  await expect(last.output).toContainText('48');
});

// Cells are type-checked in the editor, each in its own scope (the engine's types and what the
// cells above declared), with Wick's hints for PyTorch habits; the run-time error has them too.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('type errors in a cell carry the PyTorch hints, and a name from the cell above is neither unknown nor unused', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const first = await notebook.addCode('const net = new nn.Linear(2, 2);\nconst x = torch.ones([2, 2]);\nfunction f() {\n  const unusedLocal = 1;\n}');
  const second = await notebook.addCode('const y = net(x);\nx[0];\nx.long();\nx.no_such_method();\ntorch.no_grad(() => y);');

  // The TypeScript worker loads the engine's types first: the first answer can take a while.
  const errors = second.diagnostics.and(page.locator('[data-severity="error"]'));
  await expect(errors).toHaveCount(4, { timeout: 90_000 });
  await expect(errors.filter({ hasText: /^line 2: .*'Tensor'/ })).toContainText("Wick: a tensor has no [] indexing — use x.index('0')");
  await expect(errors.filter({ hasText: /^line 3: Property 'long'/ })).toContainText('Wick has no int64: use x.int() (int32).');
  await expect(errors.filter({ hasText: /^line 4: Property 'no_such_method' does not exist on type 'Tensor'/ })).toHaveCount(1);
  await expect(errors.filter({ hasText: /^line 5: Property 'no_grad'/ })).toContainText('Wick: use torch.noGrad(() => ...)');
  // `net` and `x` come from the cell above: no "Cannot find name" for them.
  await expect(second.diagnostics.filter({ hasText: /Cannot find name|net/ })).toHaveCount(0);

  // In the cell above, the top-level names a later cell reads are not greyed as unused; a local
  // that nothing reads still is.
  const unused = first.diagnostics.and(page.locator('[data-unnecessary]'));
  await expect(unused).toHaveCount(1);
  await expect(unused).toContainText("'unusedLocal' is declared but its value is never read");
  await expect(first.diagnostics.filter({ hasText: /'(net|x|f)' is declared/ })).toHaveCount(0);
  await expect(first.root.locator('.squiggly-error')).toHaveCount(0);
  await expect(second.root.locator('.squiggly-error')).toHaveCount(4);
  // Monaco's hover on the squiggle shows the message with the hint.
  const text = second.root.locator('.view-line', { hasText: 'torch.no_grad' }).locator(':scope > span');
  const box = await text.boundingBox();
  const length = (await text.textContent())?.length ?? 0;
  expect(box && length).toBeTruthy();
  // `no_grad` is the 7th to 13th character of the line: point at its 10th.
  await page.mouse.move(box!.x + (9.5 * box!.width) / length, box!.y + box!.height / 2);
  await expect(page.locator('.monaco-hover').filter({ hasText: 'Wick: use torch.noGrad(() => ...)' })).toBeVisible();
  await page.screenshot({ path: 'test-results/type-check.png' });

  // The run-time error says the same.
  const run = await notebook.addCode('const z = torch.ones([2]);\n(torch as any).no_grad(() => z);');
  await run.runWithKeyboard();
  await run.expectStatus('error');
  await expect(run.errorOutput).toContainText('no_grad is not a function');
  await expect(run.errorOutput).toContainText('Wick: use torch.noGrad(() => ...)');
});

// Monaco's TypeScript service knows the engine's types and what earlier cells declared.
import { expect, test, type Page } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

/** Types `member` after `object.` and waits for the TypeScript service's item (not Monaco's word list). */
/** Monaco's suggestion list; its entries are options, or list items once the list has the focus. */
function suggestion(page: Page, name?: RegExp) {
  const list = page.getByRole('listbox', { name: 'Suggest' });
  return list.getByRole('option', { name }).or(list.getByRole('listitem', { name }));
}

async function expectCompletion(page: Page, object: string, member: string) {
  const item = suggestion(page, new RegExp(`^${member}, (?!Text)`));
  // The first answer can take a while (the TypeScript worker loads the libs and the engine's
  // types): retype until the service answers.
  await expect(async () => {
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(`${object}.`);
    await expect(suggestion(page).first()).toBeVisible({ timeout: 20_000 });
    await page.keyboard.type(member.slice(0, 4));
    await expect(item).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 90_000 });
}

test('completions after `x.` list Tensor methods when an earlier cell declared x', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.addCode('const x = torch.randn([2]);\nconst layer = new nn.Linear(2, 3);');
  const later = await notebook.addCode('');
  await expect(later.codeEditor).toBeFocused();
  await expectCompletion(page, 'x', 'matmul');
  // A module from an earlier cell is typed too, and so are the cell-scope globals.
  await page.keyboard.press('Escape'); // closes the suggestions, not the editor
  await expect(later.codeEditor).toBeFocused();
  await expectCompletion(page, 'layer', 'weight');
  await page.keyboard.press('Escape');
  await expectCompletion(page, 'optim', 'Adam');
});

test('a cell does not see names that only later cells declare', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const early = await notebook.addCode('');
  await notebook.addCode('const onlyLater = torch.ones([1]);');
  await early.root.getByTestId('cell-editor').click();
  await expect(early.codeEditor).toBeFocused();
  await page.keyboard.type('const onlyHere = torch.ones([1]);\n');
  await expectCompletion(page, 'const onlyHere = torch.ones([1]);\nonlyHere', 'matmul');
  // Now that the service answers: a name from a later cell is not offered.
  await page.keyboard.press('Escape');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('const onlyHere = 1;\nonlyLat');
  await page.keyboard.press('ControlOrMeta+Space');
  await page.waitForTimeout(1_000);
  await expect(suggestion(page, /^onlyLater, (?!Text)/)).toHaveCount(0);
});

test('completions on a module offer its methods, not Function members or internals', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.addCode('class Net extends nn.Module { fc1 = new nn.Linear(2, 2); forward(x: Tensor) { return this.fc1(x); } }\nconst net = new Net();');
  const later = await notebook.addCode('');
  await expect(later.codeEditor).toBeFocused();
  await expectCompletion(page, 'net', 'forward');
  await page.keyboard.press('Escape');
  await expectCompletion(page, 'net', 'parameters');
  await page.keyboard.press('Escape');
  await expectCompletion(page, 'net', 'zeroGrad');
  await page.keyboard.press('Escape');
  // The whole list after `net.`: the first entries are the module's own, and no Function member is anywhere in it.
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('net.');
  await expect(suggestion(page, /^fc1, (?!Text)/)).toBeVisible({ timeout: 20_000 });
  const first = await suggestion(page).first().getAttribute('aria-label');
  await page.screenshot({ path: 'test-results/intellisense/net-completions.png' });
  expect(first).not.toMatch(/^(bind|call|caller|arguments|prototype|_)/);
  for (const noise of ['bind', 'call', 'caller', 'arguments']) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(`net.${noise}`);
    await page.keyboard.press('ControlOrMeta+Space');
    await page.waitForTimeout(500);
    await expect(suggestion(page, new RegExp(`^${noise}, (?!Text)`))).toHaveCount(0);
  }
});

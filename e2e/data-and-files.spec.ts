// Data in, models out (issue 25), as a user does it, on the example notebook data-and-files.ipynb:
// the digits CSV uploaded in the Files panel, Run all trains on it with a DataLoader and saves the
// model with torch.save; after a page reload the self-contained cell loads it back with torch.load
// and its logits equal the saved ones to the last bit (the cell throws otherwise). A broken file
// uploaded the same way is refused with its reason, and the notebook and its files stay as they were.
// (e2e/examples.spec.ts leaves this example to this test.)
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { FilesPanelPage } from './pages/files-panel';
import { StartPage } from './pages/start-page';

const TITLE = 'Data in, models out: files and safetensors';

/** The shipped digits as a user's spreadsheet would have them: a header, 64 pixel columns and the label. */
function digitsCsv(): string {
  const rows = gunzipSync(readFileSync(new URL('../public/data/digits/digits.csv.gz', import.meta.url)))
    .toString('utf8')
    .trim()
    .split('\n');
  const header = [...Array.from({ length: 64 }, (_, i) => `p${i}`), 'label'].join(',');
  return `${[header, ...rows].join('\n')}\n`;
}

test('the data-and-files example trains on a CSV uploaded in the Files panel and saves the model; after a reload torch.load gives equal logits; a broken upload is refused and changes nothing', async ({
  page,
}) => {
  test.setTimeout(300_000);
  const notebook = new FilesPanelPage(page);
  await notebook.open();
  const start = new StartPage(page);
  await start.show();
  await start.openExample(TITLE);
  await notebook.show();
  await notebook.upload([{ name: 'digits.csv', text: digitsCsv() }]);
  await expect.poll(() => notebook.names()).toEqual(['digits.csv']);

  const codeCells = page.locator('[data-testid="cell"][data-cell-type="code"]');
  const count = await codeCells.count();
  await notebook.button('Run all').click();
  for (let i = 0; i < count; i++) {
    await expect(codeCells.nth(i)).toHaveAttribute('data-cell-status', /done|error/, { timeout: 240_000 });
    expect(await codeCells.nth(i).getAttribute('data-cell-status'), `cell ${i + 1}: ${await codeCells.nth(i).getByTestId('cell-output').innerText()}`).toBe(
      'done',
    );
  }
  await expect(page.getByTestId('error-output')).toHaveCount(0);
  await expect(page.getByTestId('cell-output').filter({ hasText: /held-out accuracy: 9\d\.\d%/ })).toHaveCount(1);
  await expect(page.getByTestId('cell-output').filter({ hasText: /PyTorch's CNN in Wick: 99\.\d% of the 1,797 digits/ })).toHaveCount(1);
  await expect.poll(() => notebook.names()).toEqual(['digits-mlp-check.safetensors', 'digits-mlp.safetensors', 'digits.csv']);

  // A reload ends the kernel (every variable is gone); the files stay, and the cell that needs only them runs alone.
  await page.reload();
  await expect(notebook.kernelStatus).toContainText('idle');
  await notebook.show();
  await expect.poll(() => notebook.names()).toEqual(['digits-mlp-check.safetensors', 'digits-mlp.safetensors', 'digits.csv']);
  const restoredCell = codeCells.filter({ hasText: 'const restored' });
  await restoredCell.getByRole('button', { name: 'Run cell' }).click();
  await expect(restoredCell).toHaveAttribute('data-cell-status', 'done', { timeout: 120_000 });
  await expect(restoredCell.getByTestId('cell-output')).toContainText('largest difference from the saved logits: 0');

  // PyTorch's CNN cut short (its first 4,000 of 8,032 bytes), uploaded like any other file: torch.load says what is wrong.
  const chooser = page.waitForEvent('filechooser');
  await notebook.panel.getByRole('button', { name: 'Upload files', exact: true }).click();
  await (
    await chooser
  ).setFiles({
    name: 'broken.safetensors',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(new URL('../public/data/models/digits-cnn.safetensors', import.meta.url)).subarray(0, 4000),
  });
  const names = ['broken.safetensors', 'digits-mlp-check.safetensors', 'digits-mlp.safetensors', 'digits.csv'];
  await expect.poll(() => notebook.names()).toEqual(names);
  const bad = await notebook.addCode("restored.loadStateDict(await torch.load('broken.safetensors'));");
  await notebook.run(bad);
  await bad.expectStatus('error');
  await expect(bad.output.getByTestId('error-output')).toContainText("torch.load: 'broken.safetensors' is not a safetensors file");
  await expect(bad.output.getByTestId('error-output')).toContainText('truncated');
  // The model still gives the saved logits, and the files are as they were.
  await expect(
    await notebook.runCode(
      "const again = await torch.load('digits-mlp-check.safetensors');\nconsole.log(`after the refusal: ${await restored(again.inputs).sub(again.logits).abs().max().item()}`);",
    ),
  ).toContainText('after the refusal: 0');
  await expect.poll(() => notebook.names()).toEqual(names);
  await page.screenshot({ path: test.info().outputPath('finished.png'), fullPage: true });
});

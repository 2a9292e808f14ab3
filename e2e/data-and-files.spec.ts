// Data in, models out (issue 25), as a user does it: a CSV uploaded in the Files panel trains a
// model in a cell, torch.save keeps it in the notebook's files, and after a page reload torch.load
// brings it back with outputs equal to the last bit. A broken file uploaded the same way is refused
// with its reason, and the notebook and its files stay as they were.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { FilesPanelPage } from './pages/files-panel';

/** Two clusters of points, a label each: what a user's spreadsheet might hold. */
function pointsCsv(): string {
  const rows = ['x,y,label'];
  for (let i = 0; i < 32; i++) {
    const label = i % 2;
    const angle = (i * 2.399) % (2 * Math.PI);
    const r = 0.3 + (i % 5) * 0.1;
    rows.push(`${(label * 2 - 1 + r * Math.cos(angle)).toFixed(3)},${(label - 0.5 + r * Math.sin(angle)).toFixed(3)},${label}`);
  }
  return `${rows.join('\n')}\n`;
}

const TRAIN = `const table = await files.readCsv('points.csv');
const x = table.data.narrow(1, 0, 2);
const y = table.column('label').int();
torch.manualSeed(0);
const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
const opt = new optim.Adam(model.parameters(), { lr: 0.05 });
for (const [xb, yb] of new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x, y), { batchSize: 8, shuffle: true, generator: new torch.Generator().manualSeed(0) })) {
  opt.zeroGrad();
  F.crossEntropy(model.forward(xb), yb).backward();
  opt.step();
}
await torch.save(model.stateDict(), 'points-model.safetensors');
console.log('logits ' + JSON.stringify(await model.forward(x).tolist()));`;

const RELOAD = `const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
model.loadStateDict(await torch.load('points-model.safetensors'));
const table = await files.readCsv('points.csv');
console.log('logits ' + JSON.stringify(await model.forward(table.data.narrow(1, 0, 2)).tolist()));`;

/** The line the cells print: the model's logits for every point, as JSON. */
async function logitsLine(output: import('@playwright/test').Locator): Promise<string> {
  const text = await output.innerText();
  const line = text.split('\n').find((l) => l.startsWith('logits '));
  expect(line, text).toBeTruthy();
  return line!;
}

test('a CSV uploaded in the Files panel trains a model; torch.save keeps it, and after a reload torch.load gives equal outputs; a broken file is refused and changes nothing', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const notebook = new FilesPanelPage(page);
  await notebook.open();
  await notebook.show();
  await notebook.upload([{ name: 'points.csv', text: pointsCsv() }]);
  await expect.poll(() => notebook.names()).toEqual(['points.csv']);

  const before = await logitsLine(await notebook.runCode(TRAIN));
  await expect.poll(() => notebook.names()).toEqual(['points-model.safetensors', 'points.csv']);
  // 2·8 + 8 + 8·2 + 2 = 42 float32 values after a 8-byte length and the JSON header.
  await expect(notebook.row('points-model.safetensors')).toContainText(/\d+ B/);

  await page.reload();
  await expect(notebook.kernelStatus).toContainText('idle');
  await notebook.show();
  await expect.poll(() => notebook.names()).toEqual(['points-model.safetensors', 'points.csv']);
  const after = await logitsLine(await notebook.runCode(RELOAD));
  expect(after).toBe(before);

  // A file cut short (PyTorch's CNN, its first 4,000 of 8,032 bytes) uploaded like any other: torch.load says what is wrong.
  const chooser = page.waitForEvent('filechooser');
  await notebook.panel.getByRole('button', { name: 'Upload files', exact: true }).click();
  await (
    await chooser
  ).setFiles({
    name: 'broken.safetensors',
    mimeType: 'application/octet-stream',
    buffer: readFileSync(new URL('../public/data/models/digits-cnn.safetensors', import.meta.url)).subarray(0, 4000),
  });
  await expect.poll(() => notebook.names()).toEqual(['broken.safetensors', 'points-model.safetensors', 'points.csv']);
  const bad = await notebook.addCode("model.loadStateDict(await torch.load('broken.safetensors'));");
  await notebook.run(bad);
  await bad.expectStatus('error');
  await expect(bad.output.getByTestId('error-output')).toContainText('torch.load');
  await expect(bad.output.getByTestId('error-output')).toContainText(/shorter|truncated|ends/);
  // The model and the files are as they were.
  expect(await logitsLine(await notebook.runCode("console.log('logits ' + JSON.stringify(await model.forward(table.data.narrow(1, 0, 2)).tolist()));"))).toBe(
    before,
  );
  await expect.poll(() => notebook.names()).toEqual(['broken.safetensors', 'points-model.safetensors', 'points.csv']);
  await page.screenshot({ path: test.info().outputPath('finished.png'), fullPage: true });
});

// Loops of big tensors nobody frees, as notebook cells in Chromium's Worker: 1,000 iterations of
// four dropped 16 MB tensors, one awaiting every iteration and one awaiting nowhere, never hold
// more than 256 MB of GPU memory (live plus pooled, sampled inside the loop at every iteration).
// No torch.scope, no dispose(), no gc(): the loop guards let the collector give the memory back.
// Measured in headless Chromium (SwiftShader): 193 MB at the peak for both loops.
import { expect, test } from '@playwright/test';
import { NotebookPage } from './pages/notebook-page';

const MB = 1024 * 1024;

/** One line (the editor closes braces as they are typed, and overtypes them only on the same line). */
function loopCell(awaitEach: boolean): string {
  return [
    'let peak = 0; const started = performance.now();',
    'for (let i = 0; i < 1000; i++) {',
    `  const big = { device: 'webgpu' as const }; const a = torch.empty([4 * 1024 * 1024], big), b = torch.empty([4 * 1024 * 1024], big), c = torch.empty([4 * 1024 * 1024], big), d = torch.empty([4 * 1024 * 1024], big);`,
    '  const m = torch.memory(); if (m.liveBytes + m.pooledBytes > peak) { peak = m.liveBytes + m.pooledBytes; (globalThis as any).split = m.liveBytes + "/" + m.pooledBytes; }',
    awaitEach ? '  await Promise.resolve();' : '',
    '}',
    '`peak ${peak} bytes in ${Math.round(performance.now() - started)} ms (live/pooled ${(globalThis as any).split})`',
  ].join(' ');
}

test('loops of dropped 16 MB tensors stay under 256 MB of GPU memory, with and without awaits', async ({ page }) => {
  test.setTimeout(600_000);
  const notebook = new NotebookPage(page);
  await notebook.open();
  await expect(notebook.kernelStatus).toContainText('webgpu');
  for (const awaitEach of [true, false]) {
    const cell = await notebook.addCodeCellAtEnd();
    await cell.setSource(loopCell(awaitEach));
    await cell.runWithKeyboard();
    await cell.expectStatus('done', { timeout: 500_000 });
    const text = await cell.output.innerText();
    const [, peak, ms] = /peak (\d+) bytes in (\d+) ms/.exec(text) ?? [];
    console.log(`memory loop in Chromium (${awaitEach ? 'await' : 'no await'}): peak live+pooled ${(Number(peak) / MB).toFixed(0)} MB in ${ms} ms`);
    expect(Number(peak)).toBeGreaterThan(0);
    expect(Number(peak)).toBeLessThanOrEqual(256 * MB);
  }
});

import { expect, test } from '@playwright/test';
import { ProfileView } from './pages/graph-profile-views';
import { NotebookPage } from './pages/notebook-page';

test('a profile shows a sortable kernel table and downloads a Chrome trace', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const p = await torch.profile(() => { const x = torch.randn([64, 64]); x.matmul(x).relu().sum(); });\ndisplay(p)');
  await cell.runWithKeyboard();
  await cell.expectStatus('done');

  const profile = new ProfileView(cell.output.getByTestId('profile-output'));
  await expect(profile.rows.first()).toBeVisible();
  const count = await profile.rows.count();
  expect(count).toBeGreaterThanOrEqual(3);

  // By total time, longest first, to begin with.
  await profile.expectSorted('Total ms', 'descending');
  const totals = (await profile.column(2)).map(Number);
  expect(totals).toEqual([...totals].sort((a, b) => b - a));

  // Profiled without stacks (the default), the table says how to see each kernel's op and cell line.
  await expect(profile.root.getByRole('table', { name: /The op and cell line of each kernel: torch\.profile\(fn, \{ withStack: true \}\)/ })).toBeVisible();
  expect(new Set(await profile.column(7))).toEqual(new Set(['—']));

  await profile.sortBy('Name', 'ascending');
  await expect(profile.header('Total ms')).toHaveAttribute('aria-sort', 'none');
  const names = await profile.column(0);
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));

  await profile.sortBy('Name', 'descending');
  expect(await profile.column(0)).toEqual([...names].reverse());

  const { name, json } = await profile.downloadTrace();
  expect(name).toBe('chrome-trace.json');
  expect(Array.isArray(json.traceEvents)).toBe(true);
  const events = json.traceEvents as { ph: string; name: string; ts: number; dur: number; pid: number; tid: number }[];
  expect(events.length).toBeGreaterThanOrEqual(count);
  for (const e of events) {
    expect(e.ph).toBe('X');
    expect(typeof e.name).toBe('string');
    expect(Number.isFinite(e.ts) && Number.isFinite(e.dur)).toBe(true);
  }
  expect(events.map((e) => e.name)).toEqual(expect.arrayContaining(names));
});

test('display(torch.memory()) shows live and pooled bytes', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource('const kept = torch.ones([256]);\ndisplay(torch.memory())');
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  const memory = cell.output.getByTestId('memory-output');
  await expect(memory).toContainText('Live tensors');
  await expect(memory.getByRole('img', { name: /^Live .*, pooled / })).toBeVisible();
  // The cell's stats say what live tensors hold after it.
  await expect(cell.stats).toContainText(/live \d/);
});

test('in Chromium, a profile times each kernel of a sequence from the end of the one before', async ({ page }) => {
  // Chromium writes timestamps inside shared passes: kernels that follow each other in a pass
  // share the timestamp between them, so each starts exactly where the one before it ended. The
  // first kernel goes to the idle GPU at once, in a submit of its own: the chain starts after it.
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  await cell.setSource(
    [
      'const x = torch.randn([16, 16]);',
      'const run = () => x.add(1).mul(2).relu().sum();',
      'await run().data();',
      'const p = await torch.profile(run);',
      'const k = p.kernels;',
      'const end = (i) => k[i].startMs + k[i].gpuMs;',
      'const ordered = k.every((q, i) => i === 0 || q.startMs >= end(i - 1) - 1e-6);',
      'const chained = k.every((q, i) => i < 2 || Math.abs(q.startMs - end(i - 1)) < 1e-6);',
      "console.log(`kernels ${k.map((q) => q.name).join(',')}; ordered ${ordered}; chained ${chained}; within wall ${p.totalMs <= p.wallMs}; timed ${k.every((q) => q.gpuMs >= 0)}`);",
    ].join('\n'),
  );
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  await expect(cell.output).toContainText('kernels add,mul,relu,sum; ordered true; chained true; within wall true; timed true');
});

/** A duration as the cell stats print it ("850 ms", "1.2 ms", "2.05 s"), in ms. */
function msOf(text: string): number {
  const [, value, unit] = /^([\d.]+) (ms|s)$/.exec(text) ?? [];
  if (value === undefined) throw new Error(`not a duration: ${text}`);
  return Number(value) * (unit === 's' ? 1000 : 1);
}

test('cell stats and profiles show shader compile time apart from GPU time', async ({ page }) => {
  const notebook = new NotebookPage(page);
  await notebook.open();
  const cell = await notebook.addCodeCellAtEnd();
  // Kernels the background warm-up of common ones does not make (a batched matmul, sin, cos, a middle-dim sum).
  await cell.setSource('const x = torch.randn([2, 8, 8]);\nawait x.matmul(x).sin().cos().sum(1).data();');
  await cell.runWithKeyboard();
  await cell.expectStatus('done');
  // Its kernels ran for the first time: their shaders' compile time is shown apart from GPU time.
  await expect(cell.stats).toContainText(/\d+ shaders? compiled in [\d.]+ m?s/);
  const first = (await cell.stats.textContent()) ?? '';
  const gpu = /GPU ([\d.]+ m?s)/.exec(first);
  const compiled = /compiled in ([\d.]+ m?s)/.exec(first);
  expect(gpu, first).not.toBeNull();
  expect(compiled, first).not.toBeNull();
  // The GPU ran small kernels; compiling their shaders took far longer, and is not in the GPU time.
  expect(msOf(gpu![1]), first).toBeLessThan(msOf(compiled![1]));
  expect(first).not.toContain('incl. compiling');
  await cell.stats.screenshot({ path: 'test-results/stats-compile-apart.png' });

  // A second run reuses the shaders: nothing compiled, GPU time only.
  await cell.clickIntoEditor(cell.root.getByRole('textbox', { name: 'Code cell source' }));
  await cell.runWithKeyboard();
  await expect(cell.stats).not.toHaveText(first);
  await cell.expectStatus('done');
  await expect(cell.stats).toContainText(/GPU [\d.]+ m?s/);
  await expect(cell.stats).not.toContainText('compiled');

  // A profile of kernels run for the first time says what compiling cost, apart from the kernel times.
  const profiled = await notebook.addCodeCellAtEnd();
  await profiled.setSource('display(await torch.profile(() => torch.randn([3, 4, 5]).erf().floor().data()))');
  await profiled.runWithKeyboard();
  await profiled.expectStatus('done');
  const profile = new ProfileView(profiled.output.getByTestId('profile-output'));
  await expect(profile.root).toContainText(/\d+ shaders? compiled in [\d.]+ ms/);
  await expect(profile.root).toContainText('ms in kernels');
  await profile.root.screenshot({ path: 'test-results/profile-compile-apart.png' });
});

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

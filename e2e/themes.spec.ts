// Light and dark themes: the toggle, the choice kept across reloads, and (with WICK_SCREENSHOTS=1)
// the README's screenshots of a notebook with rich outputs in both themes.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

const code = (id: string, source: string) => ({ id, cell_type: 'code', metadata: {}, execution_count: null, outputs: [], source: [source] });

const DEMO = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'wick', display_name: 'Wick (TypeScript, WebGPU)', language: 'typescript' }, language_info: { name: 'typescript' } },
  cells: [
    {
      id: 'intro',
      cell_type: 'markdown',
      metadata: {},
      source: [
        '## Fitting a line\n\nMinimise the mean squared error $\\mathcal{L}(w) = \\frac{1}{n}\\sum_i (w x_i - y_i)^2$ by gradient descent, and watch the loss fall.',
      ],
    },
    code('wave', 'const t = torch.linspace(-3, 3, 64);\nconst wave = t.reshape([64, 1]).sin().mul(t.reshape([1, 64]).mul(1.5).cos());\nwave'),
    code(
      'train',
      'const x = torch.linspace(-1, 1, 64), y = x.mul(3).add(torch.randn([64]).mul(0.1));\nconst w = torch.tensor([0], { requiresGrad: true }), opt = new optim.SGD([w], { lr: 0.2 });\nconst losses: number[] = [];\nfor (const step of progress(40)) {\n  const loss = w.mul(x).sub(y).square().mean();\n  opt.zeroGrad(); loss.backward(); opt.step();\n  losses.push(await loss.item());\n  display(losses);\n}',
    ),
  ],
};

test('the theme toggle switches light and dark, and the choice survives a reload', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const toggle = notebook.control('Dark theme');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const background = () => page.getByRole('main').evaluate((main) => getComputedStyle(main.ownerDocument.body).backgroundColor);
  const light = await background();
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await background()).not.toBe(light);
  await page.reload();
  await expect(notebook.control('Dark theme')).toHaveAttribute('aria-pressed', 'true');
});

test('screenshots of both themes for the README', async ({ page }) => {
  test.skip(!process.env.WICK_SCREENSHOTS, 'set WICK_SCREENSHOTS=1 to write docs/screenshot-*.png');
  await page.setViewportSize({ width: 1280, height: 1240 });
  const notebook = new NotebookUi(page);
  await notebook.open();
  await notebook.openNotebook('fit-a-line.ipynb', DEMO);
  await expect(notebook.cells).toHaveCount(3);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await notebook.button('Run all').click();
  await notebook.cell(2).expectStatus('done');
  await expect(notebook.cell(2).plotOutput).toHaveAttribute('data-points', '40');
  await notebook.cell(1).root.click({ position: { x: 8, y: 8 } });
  await page.mouse.move(0, 0);
  await page.screenshot({ path: 'docs/screenshot-light.png' });
  await notebook.control('Dark theme').click();
  await expect(notebook.control('Dark theme')).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/screenshot-dark.png' });
});

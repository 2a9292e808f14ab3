// Markdown cells render with math, and what a notebook file carries cannot run script in the page.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

const XSS = [
  '# Harmless heading',
  '<script>window.__xss = "script"</script>',
  '<img src="x" onerror="window.__xss = \'onerror\'">',
  '<a href="javascript:window.__xss = \'href\'">click me</a>',
  '<svg><script>window.__xss = "svg"</script><animate onbegin="window.__xss = \'svg-event\'" attributeName="x" dur="1s"/></svg>',
  '<iframe srcdoc="<script>parent.__xss = \'iframe\'</script>"></iframe>',
  '<div onmouseover="window.__xss = \'hover\'">hover me</div>',
].join('\n\n');

test('a markdown cell with script, event handlers and javascript: links renders without running any of it', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = notebook.cell(0);
  await cell.setMarkdown(XSS);
  await page.keyboard.press('Shift+Enter');

  await expect(cell.renderedMarkdown.getByRole('heading', { name: 'Harmless heading' })).toBeVisible();
  await cell.renderedMarkdown.getByText('hover me').hover();
  const link = cell.renderedMarkdown.getByText('click me');
  await expect(link).toBeVisible();
  await expect(link).not.toHaveAttribute('href', /javascript:/);
  await link.click();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  const html = await cell.renderedMarkdown.innerHTML();
  expect(html).not.toMatch(/<script|<iframe|\son\w+=|javascript:/i);
});

test('a markdown cell renders inline and display math with KaTeX', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = notebook.cell(0);
  await cell.setMarkdown('Softmax: $\\sigma(z)_i = e^{z_i} / \\sum_j e^{z_j}$ and a cost of $5.\n\n$$\\mathcal{L} = -\\sum_i y_i \\log p_i$$');
  await page.keyboard.press('ControlOrMeta+Enter');
  // KaTeX writes MathML beside its HTML: screen readers read the formula.
  const formulas = cell.renderedMarkdown.getByRole('math');
  await expect(formulas).toHaveCount(2);
  await expect(cell.renderedMarkdown).toContainText('a cost of $5.');
});

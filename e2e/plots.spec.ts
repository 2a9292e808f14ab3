// plot(y, options): a bar chart over category labels, a scatter with a fitted line on log axes with
// a legend, and a bad option shown as an error in its cell.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('plot draws bars over labels and scatter with a line on log axes, naming its axes and series', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();

  const bars = await notebook.addCode(`const accuracy = [0.98, 0.91, 0.95, 0.88];
plot(accuracy, { x: accuracy.map((_, digit) => String(digit)), mark: 'bar', xLabel: 'digit', yLabel: 'accuracy', title: 'Accuracy per digit' });`);
  await bars.runWithKeyboard();
  await bars.expectStatus('done');
  await expect(bars.plotOutput).toHaveCount(1);
  await expect(bars.plotOutput).toHaveAttribute('data-points', '4');
  await expect(bars.plotOutput).toHaveAccessibleName('Accuracy per digit: Bar chart of 4 points over digit, accuracy; last: value 0.88');
  await expect(bars.plotOutput.getByText('Accuracy per digit', { exact: true })).toBeVisible();

  const scatter = await notebook.addCode(`const sizes = [1, 2, 4, 8, 16, 32];
plot({ measured: [1.2, 1.9, 4.4, 7.6, 16.9, 31], fit: sizes }, { x: sizes, marks: { measured: 'scatter' }, xLabel: 'size', yLabel: 'ms', logX: true, logY: true });`);
  await scatter.runWithKeyboard();
  await scatter.expectStatus('done');
  await expect(scatter.plotOutput).toHaveAccessibleName('Chart of 6 points over size, ms; last: measured 31, fit 32');
  // The legend names each series, and the x series by its label.
  for (const name of ['measured', 'fit', 'size']) await expect(scatter.plotOutput.getByText(name, { exact: true })).toBeVisible();

  await page.screenshot({ path: 'test-results/plots.png', fullPage: true });

  const bad = await notebook.addCode(`plot([1, 0, 2], { logY: true });`);
  await bad.runWithKeyboard();
  await bad.expectStatus('error');
  await expect(bad.errorOutput).toContainText('plot: logY needs values above 0, and y[1] is 0');
  await expect(bad.plotOutput).toHaveCount(0);
});

test('plot with x values redraws one live chart as the loop adds points', async ({ page }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const cell = await notebook.addCode(`const losses: number[] = [];
const steps: number[] = [];
for (let step = 0; step < 200; step += 5) {
  losses.push(1 / (step + 1));
  steps.push(step);
  plot(losses, { x: steps, xLabel: 'step', yLabel: 'loss' });
  await new Promise((resolve) => setTimeout(resolve, 100));
}`);
  await cell.runWithKeyboard();
  // Seen part-way through (40 points over 4 s): the same chart, with some of them.
  await expect(cell.plotOutput).toHaveAttribute('data-points', /^([2-9]|[1-3]\d)$/);
  await cell.expectStatus('done');
  await expect(cell.plotOutput).toHaveCount(1);
  await expect(cell.plotOutput).toHaveAttribute('data-points', '40');
  await expect(cell.plotOutput).toHaveAccessibleName(/^Line chart of 40 points over step, loss; last: value 0\.005/);
});

// The API reference (scripts/api-reference.ts): the toolbar links to it, the build serves it next
// to the app, and its filter box narrows the list.
import { expect, test } from '@playwright/test';
import { NotebookUi } from './pages/notebook-ui';

test('the toolbar links to the API reference, which the build serves and which filters as you type', async ({ page, context }) => {
  const notebook = new NotebookUi(page);
  await notebook.open();
  const link = notebook.apiReferenceLink;
  await expect(link).toHaveAttribute('href', '/api/index.html');
  await expect(link).toHaveAttribute('target', '_blank');

  const response = await page.request.get('/api/index.html');
  expect(response.status()).toBe(200);
  const html = await response.text();
  for (const name of ['torch.tril', 'torch.autograd.grad', 'Tensor.matmul', 'nn.Linear']) expect(html).toContain(`id="${name}"`);

  const [reference] = await Promise.all([context.waitForEvent('page'), link.click()]);
  await expect(reference).toHaveTitle('Wick API reference');
  const grad = reference.locator('[id="torch.autograd.grad"]');
  const matmul = reference.locator('[id="Tensor.matmul"]');
  await expect(matmul).toBeVisible();
  await reference.getByRole('searchbox', { name: 'Filter names' }).fill('autograd.grad');
  await expect(grad).toBeVisible();
  await expect(grad).toContainText('grad(outputs: Tensor | readonly Tensor[]');
  await expect(matmul).toBeHidden();
});

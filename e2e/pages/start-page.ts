// The examples' start page and the note on where a notebook came from, as a test sees them.
import { expect, type Locator, type Page } from '@playwright/test';

export class StartPage {
  readonly dialog: Locator;
  readonly examples: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Examples' });
    this.examples = this.dialog.getByTestId('example');
  }

  async show(): Promise<void> {
    await this.page.getByRole('toolbar').getByRole('button', { name: 'Examples', exact: true }).click();
    await expect(this.dialog).toBeVisible();
    await expect(this.examples.first()).toBeVisible();
  }

  async titles(): Promise<string[]> {
    return this.examples.getByRole('heading').allTextContents();
  }

  async openExample(title: string): Promise<void> {
    await this.dialog.getByRole('button', { name: `Open ${title}`, exact: true }).click();
    await expect(this.dialog).toBeHidden();
  }
}

export class OriginNote {
  readonly root: Locator;

  constructor(readonly page: Page) {
    this.root = page.getByRole('region', { name: 'Where this notebook came from' });
  }

  button(name: 'Revert to original' | 'Back to my previous notebook'): Locator {
    return this.root.getByRole('button', { name, exact: true });
  }
}

// The Files panel as a test sees it: the notebook's files kept in the browser, with upload,
// download, rename and delete. Accessible names and test ids only.
import { expect, type Locator, type Page } from '@playwright/test';
import { SafeNotebook } from './safe-notebook';

/** A file for an upload or a drop: its name and text. */
export interface TestFile {
  name: string;
  text: string;
}

export class FilesPanelPage extends SafeNotebook {
  readonly panel: Locator;
  readonly rows: Locator;
  /** The panel's error (an upload that does not fit, …). */
  readonly alert: Locator;

  constructor(page: Page) {
    super(page);
    this.panel = page.getByTestId('files-panel');
    this.rows = this.panel.getByTestId('file-row');
    this.alert = this.panel.getByRole('alert');
  }

  /** The toolbar's toggle of the Files panel. */
  get toggle(): Locator {
    return this.page.getByRole('toolbar').getByRole('button', { name: 'Files', exact: true });
  }

  /** Opens the panel (if it is not open) and waits for the store to be listed. */
  async show(): Promise<void> {
    if ((await this.toggle.getAttribute('aria-pressed')) !== 'true') await this.toggle.click();
    await expect(this.panel).toBeVisible();
    await expect(this.panel).not.toContainText('Opening the browser');
  }

  row(name: string): Locator {
    return this.rows.filter({ has: this.page.getByRole('button', { name: `Delete ${name}`, exact: true }) });
  }

  action(verb: 'Download' | 'Rename' | 'Delete', name: string): Locator {
    return this.panel.getByRole('button', { name: `${verb} ${name}`, exact: true });
  }

  /** The names listed, in order. */
  async names(): Promise<string[]> {
    return this.rows.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-name') ?? ''));
  }

  /** Uploads through the Upload files button's file chooser. */
  async upload(files: TestFile[]): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.panel.getByRole('button', { name: 'Upload files', exact: true }).click();
    await (await chooser).setFiles(files.map((f) => ({ name: f.name, mimeType: 'application/octet-stream', buffer: Buffer.from(f.text) })));
  }

  /** Renames inline: types the new name and presses Enter. */
  async rename(from: string, to: string): Promise<void> {
    await this.action('Rename', from).click();
    const input = this.panel.getByRole('textbox', { name: `New name for ${from}`, exact: true });
    await input.fill(to);
    await input.press('Enter');
  }

  /** Deletes after confirming. */
  async delete(name: string): Promise<void> {
    await this.action('Delete', name).click();
    await this.panel
      .getByRole('alertdialog', { name: `Delete ${name}?` })
      .getByRole('button', { name: 'Delete', exact: true })
      .click();
    await expect(this.row(name)).toHaveCount(0);
  }

  /** Downloads a file with its button and returns the bytes as text. */
  async download(name: string): Promise<{ suggested: string; text: string }> {
    const download = this.page.waitForEvent('download');
    await this.action('Download', name).click();
    const file = await download;
    const chunks = await (await file.createReadStream()).toArray();
    return { suggested: file.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
  }

  /** Drops files on the panel, as dragging them from the desktop would. */
  async dropOnPanel(files: TestFile[]): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle((list) => {
      const transfer = new DataTransfer();
      for (const f of list) transfer.items.add(new File([f.text], f.name));
      return transfer;
    }, files);
    for (const type of ['dragenter', 'dragover', 'drop']) await this.panel.dispatchEvent(type, { dataTransfer });
  }

  /** Adds a code cell with `source`, runs it and waits for it to finish; returns its output. */
  async runCode(source: string): Promise<Locator> {
    const cell = await this.addCode(source);
    await this.run(cell);
    await cell.expectStatus('done');
    return cell.output;
  }
}

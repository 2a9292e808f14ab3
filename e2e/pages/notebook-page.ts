// The notebook as a test sees it: accessible names and test ids only.
import { expect, type Locator, type Page } from '@playwright/test';

export class NotebookPage {
  readonly cells: Locator;
  readonly kernelStatus: Locator;
  readonly notice: Locator;

  constructor(readonly page: Page) {
    this.cells = page.getByTestId('cell');
    this.kernelStatus = page.getByTestId('kernel-status');
    this.notice = page.getByRole('main').getByRole('status');
  }

  cell(index: number): CellView {
    return new CellView(this.cells.nth(index));
  }

  /** A first visit that starts from the short welcome notebook (`?new`) rather than the tour. */
  async open(): Promise<void> {
    await this.page.goto('/?new');
    await expect(this.kernelStatus).toContainText('idle');
  }

  button(name: 'Run all' | 'Interrupt' | 'Restart' | 'Share' | 'Add code cell' | 'Add markdown cell' | 'Open' | 'Export'): Locator {
    return this.page.getByRole('toolbar').getByRole('button', { name, exact: true });
  }

  /** Every cell's source, as Export writes it. */
  async sources(): Promise<string[]> {
    const { json } = await this.exportNotebook();
    return json.cells.map((cell: { source: string | string[] }) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source));
  }

  /** Downloads the notebook with Export and returns the parsed file. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the file's JSON, read by each test as it needs
  async exportNotebook(): Promise<{ name: string; json: any }> {
    const download = this.page.waitForEvent('download');
    await this.button('Export').click();
    const file = await download;
    const text = await (await file.createReadStream()).toArray();
    return { name: file.suggestedFilename(), json: JSON.parse(Buffer.concat(text).toString('utf8')) };
  }

  /** Opens a notebook file through the Open button's file chooser. */
  async openNotebook(name: string, json: unknown): Promise<void> {
    const chooser = this.page.waitForEvent('filechooser');
    await this.button('Open').click();
    await (await chooser).setFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) });
  }

  /** Selects the last cell, adds a code cell below it with the toolbar and returns the new cell. */
  async addCodeCellAtEnd(): Promise<CellView> {
    const before = await this.cells.count();
    if (before > 0) await this.cells.last().click();
    await this.button('Add code cell').click();
    await expect(this.cells).toHaveCount(before + 1);
    return new CellView(this.cells.nth(before));
  }
}

export class CellView {
  readonly output: Locator;
  readonly tensorOutput: Locator;
  readonly errorOutput: Locator;
  readonly progressOutput: Locator;
  readonly stats: Locator;

  constructor(readonly root: Locator) {
    this.output = root.getByTestId('cell-output');
    this.tensorOutput = this.output.getByTestId('tensor-output');
    this.errorOutput = this.output.getByTestId('error-output');
    this.progressOutput = this.output.getByTestId('progress-output');
    this.stats = root.getByTestId('cell-stats');
  }

  /** Replaces the cell's source, as a paste would. */
  async setSource(source: string): Promise<void> {
    await this.clickIntoEditor(this.root.getByRole('textbox', { name: 'Code cell source' }));
    await this.root.page().keyboard.press('ControlOrMeta+A');
    await this.root.page().keyboard.insertText(source);
  }

  /**
   * Clicks the cell's editor until `editor` has the focus. On a loaded machine a click that lands
   * while the editor is being created can leave the focus elsewhere; a user clicks again, and so
   * does this (up to four times).
   */
  async clickIntoEditor(editor: Locator): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.root.getByTestId('cell-editor').click();
      try {
        await expect(editor).toBeFocused({ timeout: attempt < 4 ? 10_000 : 60_000 });
        return;
      } catch (error) {
        if (attempt >= 4) throw error;
      }
    }
  }

  /** Runs the cell with Shift+Enter, as a user in the editor would. */
  async runWithKeyboard(): Promise<void> {
    await this.root.page().keyboard.press('Shift+Enter');
  }

  /** The numbers in the tensor output's values (inside `tensor(...)`, not the statistics after it), in print order. */
  async tensorValues(): Promise<number[]> {
    const text = await this.tensorOutput.innerText();
    const start = text.indexOf('tensor(');
    const values = text.slice(start, text.indexOf(')', start));
    return (values.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number);
  }

  async expectStatus(status: 'idle' | 'queued' | 'running' | 'done' | 'error', options?: { timeout?: number }): Promise<void> {
    await expect(this.root).toHaveAttribute('data-cell-status', status, options);
  }
}

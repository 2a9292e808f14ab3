// The notebook's editing surface as a test sees it (modes, keys, markdown, plots, files, themes):
// accessible names and test ids only. Extends the kernel-focused NotebookPage.
import { expect, type Locator, type Page } from '@playwright/test';
import { CellView, NotebookPage } from './notebook-page';

export class NotebookUi extends NotebookPage {
  constructor(page: Page) {
    super(page);
  }

  override cell(index: number): UiCell {
    return new UiCell(this.cells.nth(index));
  }

  get selectedCell(): UiCell {
    return new UiCell(this.page.locator('[data-testid="cell"][data-selected="true"]'));
  }

  /** A toolbar control beyond the API's eight buttons. */
  control(name: 'Dark theme' | 'Commands'): Locator {
    return this.page.getByRole('toolbar').getByRole('button', { name, exact: true });
  }

  /** Runs a command from the toolbar's Commands menu by its label. */
  async runCommand(label: string): Promise<void> {
    await this.control('Commands').click();
    await this.page
      .getByRole('menu', { name: 'Commands' })
      .getByRole('menuitem', { name: new RegExp(`^${label}`) })
      .click();
  }

  /** The toolbar's link to the API reference page (it opens in a new tab). */
  get apiReferenceLink(): Locator {
    return this.page.getByRole('toolbar').getByRole('link', { name: 'API reference', exact: true });
  }

  /** The autosave's state ("Saved", "Unsaved changes", …). */
  get saveStatus(): Locator {
    return this.page.getByTestId('save-status');
  }

  /** Every cell's source, as Export writes it. */
  async cellSources(): Promise<string[]> {
    const { json } = await this.exportNotebook();
    return json.cells.map((cell: { source: string[] }) => cell.source.join(''));
  }

  async cellTypes(): Promise<(string | null)[]> {
    return this.cells.evaluateAll((cells) => cells.map((c) => c.getAttribute('data-cell-type')));
  }

  /** Adds a code cell at the end with the given source (typed as a paste) and returns it. */
  async addCode(source: string): Promise<UiCell> {
    const cell = await this.addCodeCellAtEnd();
    const ui = new UiCell(cell.root);
    await ui.setSource(source);
    return ui;
  }

  /** Drops a file on the page, as dragging it from the desktop would. */
  async dropFile(name: string, json: unknown): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      ([fileName, content]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([content], fileName, { type: 'application/json' }));
        return transfer;
      },
      [name, JSON.stringify(json)] as const,
    );
    for (const type of ['dragenter', 'dragover', 'drop']) await this.page.dispatchEvent('main', type, { dataTransfer });
  }
}

export class UiCell extends CellView {
  readonly plotOutput: Locator;
  /** Monaco's text area (present once the cell's editor has loaded). */
  readonly codeEditor: Locator;
  readonly markdownEditor: Locator;
  readonly renderedMarkdown: Locator;
  /** The editor's diagnostics as text, one item each (hidden: Monaco shows them as squiggles and on hover). */
  readonly diagnostics: Locator;

  constructor(root: Locator) {
    super(root);
    this.plotOutput = this.output.getByTestId('plot-output');
    this.codeEditor = root.getByRole('textbox', { name: 'Code cell source' });
    this.markdownEditor = root.getByRole('textbox', { name: 'Markdown cell source' });
    this.renderedMarkdown = root.getByTestId('markdown-view');
    this.diagnostics = root.getByTestId('cell-diagnostics').locator('li');
  }

  /** Replaces a markdown cell's source, opening its editor with a double-click when it is rendered. */
  async setMarkdown(source: string): Promise<void> {
    if (await this.renderedMarkdown.isVisible()) await this.renderedMarkdown.dblclick();
    await this.clickIntoEditor(this.markdownEditor);
    await this.root.page().keyboard.press('ControlOrMeta+A');
    await this.root.page().keyboard.insertText(source);
  }

  async expectMode(mode: 'command' | 'edit'): Promise<void> {
    await expect(this.root).toHaveAttribute('data-mode', mode);
  }

  async expectSelected(): Promise<void> {
    await expect(this.root).toHaveAttribute('data-selected', 'true');
  }
}

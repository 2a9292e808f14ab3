// The notebook as the never-lose-work and responsiveness tests see it: the notices that keep work
// from being lost (a crashed kernel, another tab on the same notebook, a save that would overwrite
// another tab's newer one), and notebooks opened from a file instead of typed.
import { expect, type Locator, type Page } from '@playwright/test';
import { NotebookUi, UiCell } from './notebook-ui';

export class SafeNotebook extends NotebookUi {
  /** "This notebook is also open in another tab…" */
  readonly otherTab: Locator;
  /** "Another tab saved newer changes…", with its two choices. */
  readonly conflict: Locator;

  constructor(page: Page) {
    super(page);
    this.otherTab = page.getByTestId('tab-notice');
    this.conflict = page.getByTestId('tab-conflict');
  }

  conflictChoice(name: "Load the other tab's version" | 'Keep mine (overwrite)'): Locator {
    return this.conflict.getByRole('button', { name, exact: true });
  }

  /** Opens a notebook of code cells through Open (nothing typed, nothing run) and waits for the kernel. */
  async openCells(sources: string[]): Promise<UiCell[]> {
    const cells = sources.map((source, i) => ({ cell_type: 'code', id: `cell-${i}`, metadata: {}, source, outputs: [], execution_count: null }));
    await this.openNotebook('cells.ipynb', { nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
    await expect(this.cells).toHaveCount(sources.length);
    await expect(this.kernelStatus).toContainText('idle');
    return sources.map((_, i) => this.cell(i));
  }

  /** Runs one cell with its own Run button (the keyboard focus may be anywhere). */
  async run(cell: UiCell): Promise<void> {
    await cell.root.getByRole('button', { name: 'Run cell' }).click();
  }
}

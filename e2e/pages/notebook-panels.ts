// The notebook's panels as a test sees them: the variables and outline side panels, the command
// palette, collapsed outputs and stale cells. Accessible names and test ids only.
import { expect, type Locator, type Page } from '@playwright/test';
import { SafeNotebook } from './safe-notebook';

export class NotebookPanels extends SafeNotebook {
  readonly variablesPanel: Locator;
  readonly variableRows: Locator;
  /** The value shown below the variables after a click on a row. */
  readonly variableValue: Locator;
  readonly outline: Locator;
  readonly palette: Locator;
  readonly paletteSearch: Locator;
  readonly paletteOptions: Locator;

  constructor(page: Page) {
    super(page);
    this.variablesPanel = page.getByTestId('variables-panel');
    this.variableRows = this.variablesPanel.getByTestId('variable-row');
    this.variableValue = page.getByRole('region', { name: /^Value of / });
    this.outline = page.getByRole('complementary', { name: 'Outline' });
    this.palette = page.getByRole('dialog', { name: 'Command palette' });
    this.paletteSearch = this.palette.getByRole('combobox', { name: 'Search commands' });
    this.paletteOptions = this.palette.getByRole('option');
  }

  /** The toolbar's toggle of a side panel. */
  panelToggle(name: 'Variables' | 'Outline'): Locator {
    return this.page.getByRole('toolbar').getByRole('button', { name, exact: true });
  }

  /** The variables panel's row of `name`. */
  variableRow(name: string): Locator {
    return this.variableRows.filter({ has: this.page.getByRole('button', { name: `Show ${name}`, exact: true }) });
  }

  /** The names the variables panel lists, in its order. */
  async variableNames(): Promise<string[]> {
    return this.variableRows.getByRole('rowheader').allInnerTexts();
  }

  /** Puts the keyboard focus on a cell (command mode), clicking its prompt area. */
  async focusCell(index: number): Promise<void> {
    await this.cell(index).root.click({ position: { x: 12, y: 12 } });
    await this.cell(index).expectMode('command');
  }

  /** Runs a cell with its own Run button and waits for it to finish. */
  async runAndWait(index: number): Promise<void> {
    await this.run(this.cell(index));
    await expect(this.cell(index).root).toHaveAttribute('data-cell-status', /done|error/);
  }

  /** The stale mark of a cell (its badge, whose title says which cell changed). */
  staleBadge(index: number): Locator {
    return this.cell(index).root.getByTestId('stale-badge');
  }

  async expectStale(index: number, stale: boolean): Promise<void> {
    if (stale) {
      await expect(this.cell(index).root).toHaveAttribute('data-cell-stale', 'true');
      await expect(this.staleBadge(index)).toBeVisible();
    } else {
      await expect(this.cell(index).root).not.toHaveAttribute('data-cell-stale', 'true');
      await expect(this.staleBadge(index)).toHaveCount(0);
    }
  }
}

// The compiled-graph and profile outputs as a test sees them: accessible names and test ids only.
import { expect, type Locator } from '@playwright/test';

/**
 * Clicks `button` until it shows `done`: a mousedown on an unselected cell selects it and scrolls
 * it into view, which can move the button away before the mouseup.
 */
export async function clickUntil(button: Locator, done: () => Promise<void>): Promise<void> {
  await expect(async () => {
    await button.click();
    await done();
  }).toPass({ timeout: 30_000 });
}

/** Presses a toggle button (a tab) and waits until it reads as pressed. */
export async function press(button: Locator): Promise<void> {
  await clickUntil(button, () => expect(button).toHaveAttribute('aria-pressed', 'true', { timeout: 2_000 }));
}

export class GraphView {
  readonly nodes: Locator;

  constructor(readonly root: Locator) {
    this.nodes = root.getByTestId('graph-node');
  }

  stage(name: 'After passes' | 'As traced' | 'Backward'): Locator {
    return this.root.getByRole('button', { name, exact: true });
  }

  /** A kernel node, by the start of its name (`fused_mul_add_relu`). */
  kernel(name: string | RegExp): Locator {
    return this.root.getByRole('button', { name: typeof name === 'string' ? new RegExp(`^${name}`) : name });
  }

  wgslPanel(kernelName: string | RegExp): Locator {
    return this.root.getByRole('region', { name: typeof kernelName === 'string' ? `WGSL for ${kernelName}` : kernelName });
  }

  async nodeLabels(): Promise<string[]> {
    return this.nodes.evaluateAll((nodes) => nodes.map((n) => n.querySelector('text')?.textContent ?? ''));
  }
}

export class ProfileView {
  readonly rows: Locator;

  constructor(readonly root: Locator) {
    this.rows = root.getByTestId('kernel-row');
  }

  header(name: 'Name' | 'Calls' | 'Total ms' | 'Avg ms' | '%' | 'GFLOP/s' | 'GB/s'): Locator {
    return this.root.getByRole('columnheader', { name, exact: true });
  }

  /** Sorts by a column (clicking its header until it reads as sorted `order`). */
  async sortBy(name: Parameters<ProfileView['header']>[0], order: 'ascending' | 'descending'): Promise<void> {
    await clickUntil(this.header(name).getByRole('button'), () => this.expectSorted(name, order, 2_000));
  }

  /** The text of one column (0-based) in every row, in display order. */
  async column(index: number): Promise<string[]> {
    return this.rows.evaluateAll((rows, i) => rows.map((r) => (r.children[i] as HTMLElement).innerText.trim()), index);
  }

  /** Clicks Download trace and returns the file's name and parsed JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the trace's JSON, read by each test as it needs
  async downloadTrace(): Promise<{ name: string; json: any }> {
    const download = this.root.page().waitForEvent('download');
    await this.root.getByRole('button', { name: 'Download trace' }).click();
    const file = await download;
    const chunks = await (await file.createReadStream()).toArray();
    return { name: file.suggestedFilename(), json: JSON.parse(Buffer.concat(chunks).toString('utf8')) };
  }

  async expectSorted(name: Parameters<ProfileView['header']>[0], order: 'ascending' | 'descending', timeout?: number): Promise<void> {
    await expect(this.header(name)).toHaveAttribute('aria-sort', order, { timeout });
  }
}

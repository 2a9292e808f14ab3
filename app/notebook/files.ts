// Moving notebooks from the page to the user's disk.
import type { Ipynb } from './ipynb';

export function downloadNotebook(filename: string, notebook: Ipynb): void {
  const blob = new Blob([`${JSON.stringify(notebook, null, 1)}\n`], { type: 'application/x-ipynb+json' });
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

// Replacing the notebook on the page: from a file, a share link, a URL, an example or the autosave.
// A notebook that arrives from elsewhere runs nothing until the user runs it; the page says where
// it came from, the one it replaced is kept, and the user's edits are their own copy (autosaved).
import { kernelSession } from '../kernel/kernel-session';
import { useWick, type NotebookOrigin } from '../store';
import { initialCells } from '../store/initial-notebook';
import { keepPrevious, loadPrevious, loadSaved } from './autosave';
import { fromIpynb } from './ipynb';
import { BadShareLink, decodeShareLink, sharedNotebookName } from './share-link';

/** The paradigm tour: what a first visit opens. */
export const TOUR_URL = 'examples/paradigm-tour.ipynb';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Shows a notebook document with a fresh kernel and no outputs; nothing runs until the user asks. */
export function showNotebook(name: string, json: unknown): void {
  const { cells, metadata } = fromIpynb(json);
  const state = useWick.getState();
  state.replaceNotebook(name, cells, metadata);
  state.clearRuntime();
  state.select(cells[0]?.id ?? null);
  if (state.kernel.status !== 'starting') kernelSession.restart(null);
}

/** Shows a notebook that came from elsewhere, keeping the one it replaces; validated first (throws with the reason). */
async function arrive(name: string, json: unknown, origin: Omit<NotebookOrigin, 'original' | 'name' | 'previousKept'>): Promise<void> {
  fromIpynb(json); // refuse a bad document before anything on the page changes
  const previousKept = await keepPrevious();
  showNotebook(name, json);
  useWick.getState().setOrigin({ ...origin, name, original: json, previousKept });
}

/** Back to the notebook as it arrived, dropping the user's edits to it. */
export function revertToOriginal(): void {
  const origin = useWick.getState().origin;
  if (origin) showNotebook(origin.name, origin.original);
}

/** Back to the notebook a link, file or example replaced. */
export async function restorePrevious(): Promise<void> {
  const previous = await loadPrevious();
  const state = useWick.getState();
  if (!previous) return state.setNotice('The previous notebook is no longer kept in this browser.');
  state.replaceNotebook(previous.name, previous.cells, previous.metadata);
  state.clearRuntime();
  state.restoreRuntime(previous.runtime);
  state.setOrigin(null);
  if (state.kernel.status !== 'starting') kernelSession.restart(null);
}

/** Files past this size are refused before reading (a notebook of text is far smaller). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export async function openFile(file: File): Promise<void> {
  try {
    if (file.size > MAX_FILE_BYTES)
      throw new Error(`it is ${(file.size / 1024 / 1024).toFixed(0)} MB; notebooks over ${MAX_FILE_BYTES / 1024 / 1024} MB are not opened`);
    let json: unknown;
    try {
      json = JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not valid JSON.`);
    }
    await arrive(file.name, json, { kind: 'file', label: `the file ${file.name}` });
    useWick.getState().setNotice(null);
  } catch (error) {
    useWick.getState().setNotice(`Could not open ${file.name}: ${describe(error)}. Nothing on the page changed.`);
  }
}

function nameFromUrl(url: string): string {
  const last = decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() ?? '');
  return last.endsWith('.ipynb') ? last : 'Untitled.ipynb';
}

async function fetchNotebook(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`${url} is not a notebook (not JSON)`);
  }
}

/** Opens an example (a URL under examples/) from the start page. */
export async function openExample(file: string, title: string): Promise<void> {
  const state = useWick.getState();
  try {
    await arrive(file, await fetchNotebook(`examples/${file}`), { kind: 'example', label: `the example “${title}”` });
    state.setNotice(null);
    state.setStartPageOpen(false);
  } catch (error) {
    state.setNotice(`Could not open the example: ${describe(error)}`);
  }
}

/** Drops the link or `?open=` from the address, so a reload shows the user's autosaved copy. */
function forgetArrivalUrl(): void {
  if (!location.hash.startsWith('#nb=') && !/[?&](open|new)=?/.test(location.search)) return;
  const params = new URLSearchParams(location.search);
  params.delete('open');
  params.delete('new');
  const search = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${search ? `?${search}` : ''}`);
}

/** Opens the share link or `?open=` URL in the address, if any; a bad one leaves the page as it was. */
async function openFromAddress(): Promise<boolean> {
  try {
    const shared = await decodeShareLink(location.hash);
    if (shared) {
      await arrive(sharedNotebookName(shared), shared, { kind: 'link', label: 'a share link' }).catch((error: unknown) => {
        throw new BadShareLink(describe(error));
      });
      forgetArrivalUrl();
      return true;
    }
    const url = new URLSearchParams(location.search).get('open');
    if (url) {
      await arrive(nameFromUrl(url), await fetchNotebook(url), { kind: 'url', label: new URL(url, location.href).href });
      forgetArrivalUrl();
      return true;
    }
  } catch (error) {
    const what = error instanceof BadShareLink ? 'This share link cannot be opened' : 'Could not open the notebook';
    useWick.getState().setNotice(`${what}: ${describe(error)}. Nothing on the page was changed.`);
    forgetArrivalUrl();
  }
  return false;
}

/** A share link pasted into the address bar of an open page (only the hash changes). */
export function openLinksOnHashChange(): () => void {
  const listener = () => void (location.hash.startsWith('#nb=') && openFromAddress());
  addEventListener('hashchange', listener);
  return () => removeEventListener('hashchange', listener);
}

/** What the page opens with: a share link, then `?open=<url>`, then the autosaved notebook, else the tour. */
export async function openInitialNotebook(): Promise<void> {
  const state = useWick.getState();
  const wantsNew = new URLSearchParams(location.search).has('new');
  if (await openFromAddress()) return;
  const saved = await loadSaved();
  if (saved && saved.cells.length > 0) {
    state.replaceNotebook(saved.name, saved.cells, saved.metadata);
    state.restoreRuntime(saved.runtime);
  } else if (!wantsNew) {
    // `?new`: a first visit starts from the short welcome notebook instead of the tour.
    try {
      showNotebook('paradigm-tour.ipynb', await fetchNotebook(TOUR_URL));
    } catch {
      state.replaceNotebook('Untitled.ipynb', initialCells(), {});
    }
  }
  if (wantsNew) forgetArrivalUrl();
}

// What the toolbar buttons and the keyboard do; components call these instead of the store.
import { kernelSession } from '../kernel/kernel-session';
import { downloadNotebook, readJsonFile } from '../notebook/files';
import { fromIpynb, toIpynb } from '../notebook/ipynb';
import { useWick, type CellType } from '../store';

export function runAll(): void {
  kernelSession.run(useWick.getState().cells.map((c) => c.id));
}

/** Runs a cell (markdown cells have nothing to run); `advance` selects the next cell as Jupyter's Shift+Enter. */
export function runCell(id: string, advance: boolean): void {
  kernelSession.run([id]);
  if (advance) selectNextCell(id);
}

function selectNextCell(id: string): void {
  const { cells, select, addCell } = useWick.getState();
  const next = cells[cells.findIndex((c) => c.id === id) + 1];
  select(next ? next.id : addCell('code', id), true);
}

export function addCell(type: CellType): void {
  const { addCell, select, selectedId } = useWick.getState();
  select(addCell(type, selectedId), true);
}

export function deleteCell(id: string): void {
  const { deleteCell, selectedId, select } = useWick.getState();
  deleteCell(id);
  if (selectedId === id) select(null);
}

export function interrupt(): void {
  kernelSession.interrupt();
}

export function restart(): void {
  kernelSession.restart();
}

export function exportNotebook(): void {
  const { notebookName, cells, runtime } = useWick.getState();
  downloadNotebook(notebookName, toIpynb(cells, runtime));
}

/** Opens an .ipynb file with a fresh kernel; nothing runs until the user asks. */
export async function openNotebook(file: File): Promise<void> {
  const { replaceNotebook, clearRuntime, select, setNotice } = useWick.getState();
  try {
    const cells = fromIpynb(await readJsonFile(file));
    replaceNotebook(file.name, cells);
    clearRuntime();
    select(null);
    kernelSession.restart(null);
  } catch (error) {
    setNotice(`Could not open ${file.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

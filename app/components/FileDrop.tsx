// Dropping an .ipynb file anywhere on the page opens it; other files join the notebook's files
// (and the Files panel opens to show them). The Files panel takes the drops made on it itself.
import { useEffect, useState } from 'react';
import { useFiles } from '../files/files-store';
import { openFile } from '../notebook/open-notebook';
import { usePanels } from '../panels/panels-store';

/** Splits dropped files: the first notebook opens, the rest are uploaded. */
export function sortDrop(files: readonly File[]): { notebook: File | null; uploads: File[] } {
  const notebook = files.find((f) => f.name.toLowerCase().endsWith('.ipynb')) ?? null;
  return { notebook, uploads: files.filter((f) => f !== notebook) };
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

export function FileDrop() {
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth++;
      setOver(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(false);
    };
    const overPage = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    };
    const drop = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      depth = 0;
      setOver(false);
      if (event.defaultPrevented) return;
      event.preventDefault();
      const { notebook, uploads } = sortDrop([...(event.dataTransfer?.files ?? [])]);
      if (notebook) void openFile(notebook);
      if (uploads.length) {
        usePanels.getState().setSide('files');
        void useFiles.getState().upload(uploads);
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', overPage);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', overPage);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!over) return null;
  return (
    <div className="file-drop" data-testid="file-drop" aria-hidden="true">
      Drop an .ipynb file to open it, other files to add them to the notebook&apos;s files
    </div>
  );
}

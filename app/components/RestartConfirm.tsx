// Restart asks first, as Jupyter does: it loses every name the cells defined. The dialog sits
// with the notices above the cells; Enter or the button restarts, Escape or Cancel keeps the kernel.
import { useEffect, useRef } from 'react';
import { confirmRestart } from '../commands/notebook-commands';
import { useWick } from '../store';

export function RestartConfirm() {
  const pending = useWick((s) => s.pendingRestart);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (pending) confirm.current?.focus();
  }, [pending]);
  if (!pending) return null;
  const cancel = () => useWick.getState().setPendingRestart(null);
  return (
    <div
      className="notice"
      role="alertdialog"
      aria-label="Restart the kernel?"
      data-testid="restart-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancel();
      }}
    >
      <span>
        Restart the kernel{pending === 'restart-run-all' ? ' and run all cells' : ''}? Every name the cells defined (tensors, models, optimizers) is lost; your
        cells and their outputs stay.
      </span>
      <button type="button" ref={confirm} onClick={confirmRestart}>
        Restart kernel
      </button>
      <button type="button" onClick={cancel}>
        Cancel
      </button>
    </div>
  );
}

import { deleteCell, moveCell } from '../commands/cell-commands';
import { CollapseOutputButton } from './OutputCollapse';

/** The small buttons beside a cell (shown on hover and when selected). */
export function CellActions({ id, isCode, onRun }: { id: string; isCode: boolean; onRun(): void }) {
  return (
    <div className="cell-actions">
      {isCode && (
        <button type="button" className="icon" aria-label="Run cell" title="Run cell (Ctrl+Enter)" onClick={onRun}>
          ▶
        </button>
      )}
      <button type="button" className="icon" aria-label="Move cell up" title="Move cell up" onClick={() => moveCell(id, -1)}>
        ↑
      </button>
      <button type="button" className="icon" aria-label="Move cell down" title="Move cell down" onClick={() => moveCell(id, 1)}>
        ↓
      </button>
      <CollapseOutputButton id={id} />
      <button type="button" className="icon" aria-label="Delete cell" title="Delete cell (D D)" onClick={() => deleteCell(id)}>
        ✕
      </button>
    </div>
  );
}

// Collapsed outputs: a cell action that hides a cell's outputs behind a one-line summary, and the summary.
import type { OutputBundle } from '../../workers/protocol';
import { usePanels } from '../panels/panels-store';
import { useWick } from '../store';

const KINDS: Partial<Record<OutputBundle['type'], string>> = { text: 'text', error: 'error', 'autograd-graph': 'tensor' };

/** "3 outputs hidden (text, tensor, plot)". */
export function collapsedSummary(outputs: readonly OutputBundle[]): string {
  const kinds = [...new Set(outputs.map((o) => KINDS[o.type] ?? o.type))];
  return `${outputs.length} output${outputs.length === 1 ? '' : 's'} hidden (${kinds.join(', ')})`;
}

/** The cell action: shown while the cell has outputs. */
export function CollapseOutputButton({ id }: { id: string }) {
  const count = useWick((s) => s.runtime[id]?.outputs.length ?? 0);
  const collapsed = usePanels((s) => !!s.collapsed[id]);
  if (count === 0) return null;
  const label = collapsed ? 'Expand output' : 'Collapse output';
  return (
    <button
      type="button"
      className="icon"
      aria-label={label}
      aria-expanded={!collapsed}
      title={`${label} (O)`}
      onClick={() => usePanels.getState().setCollapsed([id], !collapsed)}
    >
      {collapsed ? '▸' : '▾'}
    </button>
  );
}

/** What a collapsed cell shows in place of its outputs; a click expands them. */
export function CollapsedOutputs({ id, outputs }: { id: string; outputs: readonly OutputBundle[] }) {
  return (
    <button
      type="button"
      className="outputs-collapsed"
      data-testid="outputs-collapsed"
      title="Expand output"
      onClick={() => usePanels.getState().setCollapsed([id], false)}
    >
      <span aria-hidden="true">▸</span> {collapsedSummary(outputs)}
    </button>
  );
}

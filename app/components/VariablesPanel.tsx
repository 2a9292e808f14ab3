// The variables panel: every top-level name the cells defined, its type and (tensors) shape, dtype,
// device and size, from the kernel's `variables` message after each cell. A click on a row shows
// the value below the list as `display(name)` would.
import type { VariableSummary } from '../../workers/protocol';
import { kernelSession } from '../kernel/kernel-session';
import { formatBytes } from '../outputs/MemoryOutput';
import { OutputView } from '../outputs/registry';
import { usePanels } from '../panels/panels-store';

function details(v: VariableSummary): string {
  if (v.kind !== 'tensor' || !v.shape) return v.detail;
  return `[${v.shape.join(', ')}] · ${v.dtype} · ${v.device} · ${formatBytes(v.bytes ?? 0)}`;
}

function VariableRow({ variable, selected }: { variable: VariableSummary; selected: boolean }) {
  const show = () => kernelSession.inspect(variable.name);
  return (
    <tr
      data-testid="variable-row"
      data-name={variable.name}
      data-kind={variable.kind}
      aria-selected={selected}
      onClick={show}
      title={`Show the value of ${variable.name}`}
    >
      <th scope="row">
        <button type="button" className="variable-name" aria-label={`Show ${variable.name}`} onClick={(e) => (e.stopPropagation(), show())}>
          {variable.name}
        </button>
      </th>
      <td className="variable-type">{variable.type}</td>
      <td className="variable-detail">{details(variable)}</td>
    </tr>
  );
}

function InspectedValue() {
  const inspected = usePanels((s) => s.inspected);
  if (!inspected) return null;
  return (
    <section className="variable-value" data-testid="variable-value" aria-label={`Value of ${inspected.name}`}>
      <header>
        <span>
          <code>display({inspected.name})</code>
        </span>
        <button type="button" className="icon" aria-label="Close value" title="Close value" onClick={() => usePanels.getState().setInspected(null)}>
          ✕
        </button>
      </header>
      {inspected.output ? <OutputView output={inspected.output} /> : <p className="panel-empty">Reading {inspected.name}…</p>}
    </section>
  );
}

export function VariablesPanel() {
  const variables = usePanels((s) => s.variables);
  const inspected = usePanels((s) => s.inspected?.name ?? null);
  return (
    <div className="variables-panel" data-testid="variables-panel">
      {variables.length === 0 ? (
        <p className="panel-empty">No variables yet. Names that cells declare at the top level appear here once a cell has run.</p>
      ) : (
        <table className="variables-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col" title="Tensors: shape · dtype · device · size. Other values: a preview">
                Details
              </th>
            </tr>
          </thead>
          <tbody>
            {variables.map((v) => (
              <VariableRow key={v.name} variable={v} selected={v.name === inspected} />
            ))}
          </tbody>
        </table>
      )}
      <InspectedValue />
    </div>
  );
}

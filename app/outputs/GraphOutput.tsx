// A torch.compile'd function's graphs (one per guard set): after the passes, as traced, and the
// backward graph, laid out by dagre. Choosing a kernel node shows the WGSL generated for it.
import { useState } from 'react';
import type { OutputBundle } from '../../workers/protocol';
import { GraphSvg } from './graph/GraphSvg';
import { ZoomPane } from './graph/ZoomPane';

type GraphBundle = Extract<OutputBundle, { type: 'graph' }>;
type Stage = 'after' | 'before' | 'backward';

const STAGE_NAMES: Record<Stage, string> = { after: 'After passes', before: 'As traced', backward: 'Backward' };

function WgslPanel({ name, wgsl, onClose }: { name: string; wgsl: string | null | undefined; onClose: () => void }) {
  return (
    <section className="wgsl-panel" aria-label={`WGSL for ${name}`}>
      <header>
        <code>{name}</code>
        <button type="button" className="link" onClick={onClose}>
          Close
        </button>
      </header>
      <pre>{wgsl === undefined ? '(this kernel has no generated WGSL in this graph)' : wgsl === null ? '(no WGSL: runs on the CPU)' : wgsl}</pre>
    </section>
  );
}

export function GraphOutput({ output }: { output: GraphBundle }) {
  const [which, setWhich] = useState(0);
  const [stage, setStage] = useState<Stage>('after');
  const [selected, setSelected] = useState<{ id: string; name: string } | null>(null);
  const view = output.graphs[Math.min(which, output.graphs.length - 1)];
  if (!view)
    return (
      <div className="output graph-output" data-testid="graph-output">
        {output.name}: not traced yet (call it once).
      </div>
    );
  const graph = stage === 'backward' ? view.backward : view[stage];
  const choose = (s: Stage) => {
    setStage(s);
    setSelected(null);
  };
  return (
    <div className="output graph-output" data-testid="graph-output">
      <div className="output-tabs" role="toolbar" aria-label="Graph stage">
        <strong>{output.name}</strong>
        {output.graphs.length > 1 && (
          <select aria-label="Graph" value={which} onChange={(e) => setWhich(Number(e.target.value))}>
            {output.graphs.map((g, i) => (
              <option key={i} value={i}>
                {g.guard}
              </option>
            ))}
          </select>
        )}
        {(['after', 'before', 'backward'] as const).map((s) =>
          s === 'backward' && !view.backward ? null : (
            <button key={s} type="button" aria-pressed={stage === s} onClick={() => choose(s)}>
              {STAGE_NAMES[s]}
            </button>
          ),
        )}
      </div>
      <div className="graph-body">
        <ZoomPane label="graph">
          {graph && (
            <GraphSvg
              graph={graph}
              title={`${output.name} (${STAGE_NAMES[stage]})`}
              selected={selected?.id ?? null}
              onSelect={(node) => setSelected(selected?.id === node.id ? null : { id: node.id, name: node.label })}
            />
          )}
        </ZoomPane>
        {selected && <WgslPanel name={selected.name} wgsl={view.kernels.find((k) => k.name === selected.name)?.wgsl} onClose={() => setSelected(null)} />}
      </div>
      {view.passes.length > 0 && <p className="muted">{passSummary(view.passes)}</p>}
      <details>
        <summary>Graph text and kernels ({view.kernels.length})</summary>
        <pre>{graph?.text}</pre>
        {view.kernels.map((k) => (
          <details key={k.name}>
            <summary>
              <code>{k.name}</code>
            </summary>
            <pre>{k.wgsl ?? '(no WGSL: runs on the CPU)'}</pre>
          </details>
        ))}
      </details>
    </div>
  );
}

/** The passes that rewrote something, with their node counts; the rest counted in one phrase. */
function passSummary(passes: readonly { graph: string; pass: string; nodesBefore: number; nodesAfter: number; changed: boolean }[]): string {
  const changed = passes.filter((p) => p.changed);
  const idle = passes.length - changed.length;
  const parts = changed.map((p) => `${p.pass} (${p.graph}): ${p.nodesBefore}→${p.nodesAfter} nodes`);
  if (idle > 0) parts.push(`${idle} other pass${idle === 1 ? '' : 'es'} changed nothing`);
  return parts.join(' · ');
}

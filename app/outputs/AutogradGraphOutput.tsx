// `display(loss)` of a tensor with an autograd history: the tensor, and (a tab away) the graph of
// recorded ops that backward() will walk, drawn with the compiled-graph view.
import { useState } from 'react';
import type { OutputBundle } from '../../workers/protocol';
import { GraphSvg } from './graph/GraphSvg';
import { ZoomPane } from './graph/ZoomPane';
import { TensorOutput } from './tensor/TensorOutput';

type AutogradBundle = Extract<OutputBundle, { type: 'autograd-graph' }>;

export function AutogradGraphOutput({ output }: { output: AutogradBundle }) {
  const [tab, setTab] = useState<'tensor' | 'graph'>('tensor');
  const ops = output.graph.nodes.filter((n) => n.kind === 'kernel' || n.kind === 'output').length;
  return (
    <div className="output autograd-output">
      <div className="output-tabs" role="toolbar" aria-label="Autograd view">
        <button type="button" aria-pressed={tab === 'tensor'} onClick={() => setTab('tensor')}>
          Tensor
        </button>
        <button type="button" aria-pressed={tab === 'graph'} onClick={() => setTab('graph')}>
          Autograd graph
        </button>
        <span className="muted">
          {ops} recorded ops{output.truncated ? ' (more left out)' : ''}
        </span>
      </div>
      {tab === 'tensor' ? (
        <TensorOutput output={output.tensor} />
      ) : (
        <div className="output graph-output" data-testid="graph-output">
          <ZoomPane label="autograd graph">
            <GraphSvg graph={output.graph} title="Autograd graph" selected={null} />
          </ZoomPane>
          <details>
            <summary>Graph text</summary>
            <pre>{output.graph.text}</pre>
          </details>
        </div>
      )}
    </div>
  );
}

// An nn.Module as a tree: each submodule with its parameters' shapes and counts; PyTorch's print beside it.
import { useState } from 'react';
import type { ModuleNode, OutputBundle } from '../../workers/protocol';

function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}K` : String(n);
}

function ModuleTreeNode({ node, depth }: { node: ModuleNode; depth: number }) {
  const title = (
    <>
      {node.name && <span className="module-name">{node.name}: </span>}
      <span className="module-type">{node.type}</span>
      {node.extra && <span className="module-extra">({node.extra})</span>}
      <span className="module-count">{count(node.count)} params</span>
    </>
  );
  const body = node.parameters.length > 0 && (
    <ul className="module-params">
      {node.parameters.map((p) => (
        <li key={p.name}>
          <code>{p.name}</code> [{p.shape.join(', ')}] {p.dtype}
          {p.requiresGrad ? '' : ' (frozen)'}
        </li>
      ))}
    </ul>
  );
  if (node.children.length === 0) {
    return (
      <li role="treeitem" aria-level={depth + 1} aria-selected={false}>
        <div className="module-row">{title}</div>
        {body}
      </li>
    );
  }
  return (
    <li role="treeitem" aria-level={depth + 1} aria-expanded={true} aria-selected={false}>
      <details open={depth < 2}>
        <summary className="module-row">{title}</summary>
        {body}
        <ul role="group">
          {node.children.map((child) => (
            <ModuleTreeNode key={child.name} node={child} depth={depth + 1} />
          ))}
        </ul>
      </details>
    </li>
  );
}

export function ModuleOutput({ output }: { output: Extract<OutputBundle, { type: 'module' }> }) {
  const [asText, setAsText] = useState(false);
  return (
    <div className="output module-output" data-testid="module-output">
      <div className="output-tabs">
        <button type="button" aria-pressed={!asText} onClick={() => setAsText(false)}>
          Tree
        </button>
        <button type="button" aria-pressed={asText} onClick={() => setAsText(true)}>
          Text
        </button>
      </div>
      {asText ? (
        <pre>{output.text}</pre>
      ) : (
        <ul className="module-tree" role="tree" aria-label={`Module ${output.tree.type}`}>
          <ModuleTreeNode node={output.tree} depth={0} />
        </ul>
      )}
    </div>
  );
}

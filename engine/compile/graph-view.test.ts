/** What the graph view shows of a compiled function: its values with the shapes they are used with, and the passes that changed something. */
import { describe, expect, it } from 'vitest';
import { torch, type Tensor } from '../index';
import { compiledInfo } from './compile';

describe('compiled graph view', () => {
  const f = torch.compile((x: Tensor, y: Tensor) => x.mul(y).add(1).relu());
  f(torch.ones([4, 8]), torch.ones([4, 8]));
  const view = compiledInfo(f)!.views()[0];

  it('inputs and outputs show their shapes, not their element counts', () => {
    const shapes = (kind: string) => view.after.nodes.filter((n) => n.kind === kind).map((n) => n.shape);
    expect(shapes('input')).toEqual([
      [4, 8],
      [4, 8],
    ]);
    expect(shapes('output')).toEqual([[4, 8]]);
  });

  it('each pass says whether it changed the graph; fusion did, the last dce did not', () => {
    const forward = view.passes.filter((p) => p.graph === 'forward');
    expect(forward.find((p) => p.pass === 'fuse_pointwise' && p.changed)).toBeDefined();
    expect(forward[forward.length - 1]).toMatchObject({ pass: 'dce', changed: false });
    for (const p of forward) if (p.nodesBefore !== p.nodesAfter) expect(p.changed).toBe(true);
  });
});

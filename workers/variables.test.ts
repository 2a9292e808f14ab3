// The variables panel's list (after each cell) and its click (inspect), from the kernel's messages, on the CPU device.
import { beforeAll, describe, expect, it } from 'vitest';
import { torch } from '../engine';
import { Kernel } from './kernel';
import type { VariableSummary, WorkerToPage } from './protocol';
import { summarizeVariable } from './variables';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

function kernel() {
  const messages: WorkerToPage[] = [];
  const k = new Kernel({ post: (m) => messages.push(m) });
  let cells = 0;
  const lastVariables = (): VariableSummary[] => {
    const last = messages.findLast((m) => m.type === 'variables');
    if (last?.type !== 'variables') throw new Error('no variables message');
    return last.variables;
  };
  return { k, messages, lastVariables, run: (source: string) => k.run(`c${++cells}`, source, cells) };
}

describe('variables', () => {
  it('are listed after each cell: the names cells declared, sorted, not the built-ins', async () => {
    const { run, lastVariables, messages } = kernel();
    await run('const x = torch.ones([3, 4]);\nconst half = torch.zeros([2], { dtype: "float16" });');
    expect(messages.map((m) => m.type).slice(-2)).toEqual(['finished', 'variables']);
    expect(lastVariables()).toEqual([
      { name: 'half', kind: 'tensor', type: 'Tensor', detail: 'float16 · cpu', shape: [2], dtype: 'float16', device: 'cpu', bytes: 4 },
      { name: 'x', kind: 'tensor', type: 'Tensor', detail: 'float32 · cpu', shape: [3, 4], dtype: 'float32', device: 'cpu', bytes: 48 },
    ]);
    await run(
      [
        'class Net extends nn.Module { fc = new nn.Linear(4, 2); forward(t: Tensor) { return this.fc.forward(t); } }',
        'const net = new Net();',
        'const opt = new optim.Adam(net.parameters(), { lr: 0.01 });',
        'const steps = 3, title = "fit", done = false, nothing = null;',
        'const losses = [1, 2];',
        'const config = { lr: 1 };',
        'function double(a: number) { return a * 2; }',
      ].join('\n'),
    );
    const byName = Object.fromEntries(lastVariables().map((v) => [v.name, v]));
    expect(Object.keys(byName)).toEqual(['config', 'done', 'double', 'half', 'losses', 'net', 'Net', 'nothing', 'opt', 'steps', 'title', 'x']);
    expect(byName.net).toEqual({ name: 'net', kind: 'module', type: 'Net', detail: '10 parameters' });
    expect(byName.Net).toMatchObject({ kind: 'function', type: 'class' });
    expect(byName.opt).toEqual({ name: 'opt', kind: 'optimizer', type: 'Adam', detail: '2 tensors · lr 0.01' });
    expect(byName.steps).toMatchObject({ type: 'number', detail: '3' });
    expect(byName.title).toMatchObject({ type: 'string', detail: '"fit"' });
    expect(byName.done).toMatchObject({ type: 'boolean', detail: 'false' });
    expect(byName.nothing).toMatchObject({ type: 'null', detail: '' });
    expect(byName.losses).toMatchObject({ kind: 'array', detail: 'length 2' });
    expect(byName.config).toMatchObject({ kind: 'object', type: 'Object' });
    expect(byName.double).toMatchObject({ kind: 'function', detail: '1 parameter' });
  });

  it('are listed after a failed cell too, with what it declared before failing', async () => {
    const { run, lastVariables } = kernel();
    await run('const before = 1;\nthrow new Error("boom");');
    expect(lastVariables().map((v) => v.name)).toEqual(['before']);
  });

  it('clip long values and describe disposed tensors without reading them', () => {
    expect(summarizeVariable('s', 'x'.repeat(200)).detail).toHaveLength(60);
    const t = torch.ones([2]);
    t.dispose();
    expect(summarizeVariable('t', t)).toMatchObject({ kind: 'tensor', detail: 'disposed', bytes: 0 });
  });

  it('are shown on request as display shows them, and a name that is gone is a clear error', async () => {
    const { k, run, messages } = kernel();
    await run('const x = torch.tensor([1, 2]);');
    await k.inspect(7, 'x');
    const shown = messages.at(-1);
    expect(shown).toMatchObject({ type: 'inspected', requestId: 7, name: 'x', output: { type: 'tensor', shape: [2] } });
    await k.inspect(8, 'missing');
    expect(messages.at(-1)).toMatchObject({
      type: 'inspected',
      requestId: 8,
      output: { type: 'error', message: expect.stringContaining('missing is not defined') },
    });
  });
});

import { describe, expect, it } from 'vitest';
import type { OutputBundle } from '../../workers/protocol';
import { appendOutputs, OutputBatcher } from './output-batch';

const out = (text: string, stream: 'stdout' | 'stderr' | 'result' = 'stdout'): OutputBundle => ({ type: 'text', stream, text });

describe('appendOutputs', () => {
  it('joins console text to the same stream before it, and keeps other outputs apart', () => {
    const merged = appendOutputs([out('a')], [out('b'), out('c'), out('!', 'stderr'), out('d'), out('1', 'result'), out('2', 'result')]);
    expect(merged).toEqual([out('a\nb\nc'), out('!', 'stderr'), out('d'), out('1', 'result'), out('2', 'result')]);
  });

  it('replaces an output with the same displayId and leaves the input arrays alone', () => {
    const plot = (values: number[]): OutputBundle => ({ type: 'plot', displayId: 'p', series: [{ name: 'loss', values }] });
    const before = [plot([1]), out('x')];
    const after = appendOutputs(before, [plot([1, 0.5]), out('y')]);
    expect(after).toEqual([plot([1, 0.5]), out('x\ny')]);
    expect(before).toEqual([plot([1]), out('x')]);
  });
});

describe('OutputBatcher', () => {
  it('applies what was added, per cell and in order, once', async () => {
    const applied: [string, string[]][][] = [];
    const batcher = new OutputBatcher((batch) => applied.push([...batch].map(([id, list]) => [id, list.map((o) => (o as { text: string }).text)])));
    batcher.add('a', out('1'));
    batcher.add('b', out('2'));
    batcher.add('a', out('3'));
    batcher.flush();
    expect(applied).toEqual([
      [
        ['a', ['1', '3']],
        ['b', ['2']],
      ],
    ]);
    await new Promise((r) => setTimeout(r, 250)); // the scheduled flush finds nothing left
    expect(applied).toHaveLength(1);
  });
});

// Driving a kernel in tests as the page does: run a cell, collect the messages it posts, and what
// the page would show of its outputs, one line each. Used by kernel.test.ts and kernel-interrupt.test.ts.
import { Kernel } from './kernel';
import type { OutputBundle, WorkerToPage } from './protocol';

/**
 * A kernel and every message it posts. With `fakeClock` (the default) its clock moves only when a
 * cell calls `tick(ms)`; without, it reads performance.now().
 */
export function testKernel({ fakeClock = true } = {}) {
  const messages: WorkerToPage[] = [];
  let clock = 0;
  const kernel = new Kernel({ post: (m) => messages.push(m), now: fakeClock ? () => clock : undefined });
  if (fakeClock) kernel.scope.tick = (ms: number) => (clock += ms);
  let cells = 0;
  const run = async (source: string) => {
    const cellId = `c${++cells}`;
    const from = messages.length;
    await kernel.run(cellId, source, cells);
    const own = messages.slice(from).filter((m) => 'cellId' in m && m.cellId === cellId);
    const finished = own.find((m) => m.type === 'finished');
    if (finished?.type !== 'finished') throw new Error('no finished message');
    const outputs = own.flatMap((m) => (m.type === 'output' ? [m.output] : []));
    const interrupted = outputs.some((o) => o.type === 'error' && o.name === 'InterruptError');
    return { ok: finished.ok, interrupted, stats: finished.stats, outputs, shown: shown(outputs) };
  };
  return { kernel, messages, run };
}

/** What the page ends up showing, one line per output: text merged per stream, bars replaced. */
export function shown(outputs: OutputBundle[]): string[] {
  const lines: { key: string | null; text: string }[] = [];
  for (const output of outputs) {
    const key = 'displayId' in output ? output.displayId : null;
    const text = outputLine(output);
    const previous = lines[lines.length - 1];
    const replaced = key === null ? -1 : lines.findIndex((l) => l.key === key);
    if (replaced >= 0) lines[replaced].text = text;
    else if (output.type === 'text' && output.stream !== 'result' && previous?.text.startsWith(`${output.stream}: `)) previous.text += `\n${output.text}`;
    else lines.push({ key, text });
  }
  return lines.map((l) => l.text);
}

function outputLine(output: OutputBundle): string {
  switch (output.type) {
    case 'text':
      return `${output.stream}: ${output.text}`;
    case 'tensor':
      return `tensor [${output.shape.join(', ')}] ${output.dtype} ${output.device}: ${output.text}`;
    case 'error':
      return `${output.name} at ${output.line}:${output.column}: ${output.message}`;
    case 'progress':
      return `progress ${output.label ? `${output.label} ` : ''}${output.done}/${output.total} ${output.state}`;
    case 'module':
      return `module ${output.tree.type} (${output.tree.count} parameters, ${output.tree.children.length} children)`;
    case 'plot':
      return `plot ${output.series.map((s) => `${s.name}[${s.values.length}]`).join(' ')}`;
    case 'graph':
      return `graph ${output.name} (${output.graphs.length})`;
    case 'profile':
      return `profile ${output.kernels.map((k) => k.name).join(' ')}`;
    case 'autograd-graph':
      return `autograd ${output.graph.nodes.map((n) => n.label).join(' ')}`;
    case 'memory':
      return `memory ${output.liveTensors} tensors`;
    case 'table':
      return `table ${output.columns.join(' ')} (${output.totalRows} rows)`;
  }
}

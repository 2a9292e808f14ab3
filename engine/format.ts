/** PyTorch-style printing of tensor values: `tensor([[3.5000], [7.0000]], device='webgpu')`. */
import type { Tensor } from './tensor';

const EDGE = 3;
const THRESHOLD = 1000;

interface NumberStyle {
  format(v: number): string;
  width: number;
}

function floatStyle(values: number[]): NumberStyle {
  const finite = values.filter(Number.isFinite);
  const abs = finite.map(Math.abs).filter((v) => v > 0);
  const allInts = finite.every((v) => Number.isInteger(v));
  const maxAbs = abs.length ? Math.max(...abs) : 0;
  const minAbs = abs.length ? Math.min(...abs) : 0;
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  let format: (v: number) => string;
  if (allInts && maxAbs < 1e8) {
    format = (v) => (Number.isFinite(v) ? `${v.toFixed(0)}.` : special(v));
  } else if (maxAbs / Math.max(minAbs, 1e-300) > 1000 || maxAbs > 1e8 || (minAbs < 1e-4 && minAbs > 0)) {
    format = (v) => (Number.isFinite(v) ? v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2') : special(v));
  } else {
    format = (v) => (Number.isFinite(v) ? v.toFixed(4) : special(v));
  }
  const width = Math.max(1, ...values.map((v) => format(v).length));
  return { format, width };
}

function styleFor(t: Tensor, values: number[]): NumberStyle {
  if (t.dtype === 'bool') return { format: (v) => (v ? 'True' : 'False'), width: values.some((v) => !v) ? 5 : 4 };
  if (t.dtype === 'int32') {
    const width = Math.max(1, ...values.map((v) => String(v).length));
    return { format: String, width };
  }
  return floatStyle(values);
}

/** Indices to show along a dim of `size`: all, or the first and last EDGE with a gap marker (-1). */
function shown(size: number, summarize: boolean): number[] {
  if (!summarize || size <= 2 * EDGE) return [...Array(size).keys()];
  return [0, 1, 2, -1, size - 3, size - 2, size - 1];
}

export async function formatTensor(t: Tensor): Promise<string> {
  const data = Array.from(await t.data());
  const summarize = data.length > THRESHOLD;
  const strides = t.shape.map((_, d) => t.shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const visible: number[] = [];
  const collect = (dim: number, base: number) => {
    if (dim === t.ndim) return void visible.push(data[base]);
    for (const i of shown(t.shape[dim], summarize)) if (i >= 0) collect(dim + 1, base + i * strides[dim]);
  };
  collect(0, 0);
  const style = styleFor(t, visible);
  const indent = 'tensor('.length;
  const render = (dim: number, base: number): string => {
    if (dim === t.ndim) return style.format(data[base]).padStart(style.width);
    const items = shown(t.shape[dim], summarize).map((i) => (i < 0 ? '...' : render(dim + 1, base + i * strides[dim])));
    const sep = dim === t.ndim - 1 ? ', ' : ',' + '\n'.repeat(t.ndim - dim - 1) + ' '.repeat(indent + dim + 1);
    return `[${items.join(sep)}]`;
  };
  const body = t.ndim === 0 ? style.format(data[0]) : render(0, 0);
  const extras: string[] = [];
  if (t.device !== 'cpu') extras.push(`device='${t.device}'`);
  if (t.dtype !== 'float32' || t.numel() === 0) extras.push(`dtype=torch.${t.dtype}`);
  if (t.numel() === 0 && t.ndim !== 1) extras.unshift(`size=(${t.shape.join(', ')}${t.ndim === 1 ? ',' : ''})`);
  if (t.requiresGrad) extras.push(t.gradFn ? `gradFn=<${t.gradFn.op}Backward>` : 'requiresGrad=true');
  return `tensor(${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}

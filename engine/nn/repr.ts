/** PyTorch's print(model): a module per line, children indented under `(name): `. */
import type { Module } from './module';

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line, i) => (i === 0 ? line : ' '.repeat(spaces) + line))
    .join('\n');
}

export function moduleRepr(m: Module): string {
  const name = m.constructor.name;
  const children = m.namedChildren().map(([k, c]) => [k, String(c)] as const);
  const lines = m.extraRepr() ? m.extraRepr().split('\n') : [];
  lines.push(...groupRepeats(m, children).map(([k, text]) => `(${k}): ${text}`));
  if (lines.length === 0) return `${name}()`;
  if (children.length === 0 && lines.length === 1) return `${name}(${lines[0]})`;
  return `${name}(\n  ${lines.map((l) => indent(l, 2)).join('\n  ')}\n)`;
}

/** ModuleList folds runs of identical children: `(0-2): 3 x Linear(...)`. */
function groupRepeats(m: Module, children: (readonly [string, string])[]): (readonly [string, string])[] {
  if (m.constructor.name !== 'ModuleList' || children.length === 0) return children;
  const out: (readonly [string, string])[] = [];
  let start = 0;
  for (let i = 1; i <= children.length; i++) {
    if (i < children.length && children[i][1] === children[start][1]) continue;
    const count = i - start;
    out.push(count === 1 ? children[start] : [`${children[start][0]}-${children[i - 1][0]}`, `${count} x ${children[start][1]}`]);
    start = i;
  }
  return out;
}

/** Python's repr of a float: `0.5`, `1e-05`, `1.0`. */
export function pyFloat(v: number): string {
  const abs = Math.abs(v);
  if (v !== 0 && (abs < 1e-4 || abs >= 1e16)) return v.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(v) ? v.toFixed(1) : String(v);
}

export function pyBool(v: boolean): string {
  return v ? 'True' : 'False';
}

export function pyTuple(v: readonly number[]): string {
  return v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`;
}

// The profile's kernels grouped by name, sortable by any column (click a header; aria-sort tells
// the order), with a bar for each kernel's share of the time.
import { useState } from 'react';
import type { ProfileRow } from '../../../workers/protocol';
import { groupKernels, sortGroups, type SortDirection, type SortKey } from './kernel-summary';

const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'calls', label: 'Calls' },
  { key: 'totalMs', label: 'Total ms' },
  { key: 'avgMs', label: 'Avg ms' },
  { key: 'percent', label: '%' },
  { key: 'gflops', label: 'GFLOP/s' },
  { key: 'gbps', label: 'GB/s' },
];

function fixed(v: number | null, digits: number): string {
  return v === null ? '—' : v.toFixed(digits);
}

export function KernelTable({ kernels, timeLabel }: { kernels: ProfileRow[]; timeLabel: string }) {
  const [sort, setSort] = useState<{ key: SortKey; direction: SortDirection }>({ key: 'totalMs', direction: 'descending' });
  const rows = sortGroups(groupKernels(kernels), sort.key, sort.direction);
  const toggle = (key: SortKey) =>
    setSort((s) =>
      s.key === key
        ? { key, direction: s.direction === 'ascending' ? 'descending' : 'ascending' }
        : { key, direction: key === 'name' ? 'ascending' : 'descending' },
    );
  // Without stacks (the default, as in torch.profiler) eager kernels carry no op or line: say how to get them.
  const anyFrom = rows.some((g) => g.from.length > 0);
  return (
    <table className="kernel-table">
      <caption>
        {rows.length === 1 ? '1 kernel' : `${rows.length} kernels`}, {kernels.length === 1 ? '1 dispatch' : `${kernels.length} dispatches`}; times are{' '}
        {timeLabel}
        {anyFrom ? '' : '. The op and cell line of each kernel: torch.profile(fn, { withStack: true })'}
      </caption>
      <thead>
        <tr>
          {COLUMNS.map((c) => (
            <th key={c.key} scope="col" aria-sort={sort.key === c.key ? sort.direction : 'none'}>
              <button type="button" className="link" onClick={() => toggle(c.key)}>
                {c.label}
              </button>
            </th>
          ))}
          <th scope="col">From</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((g) => (
          <tr key={g.name} data-testid="kernel-row">
            <td>
              <code title={g.name}>{g.name}</code>
            </td>
            <td>{g.calls}</td>
            <td>{g.totalMs.toFixed(3)}</td>
            <td>{g.avgMs.toFixed(3)}</td>
            <td className="share">
              <span className="share-bar" style={{ width: `${Math.min(100, g.percent)}%` }} />
              <span className="share-text">{g.percent.toFixed(1)}</span>
            </td>
            <td>{fixed(g.gflops, 1)}</td>
            <td>{fixed(g.gbps, 1)}</td>
            <td className="kernel-from" title={g.from.join('\n')}>
              {g.from.length ? g.from.slice(0, 2).join('; ') : '—'}
              {g.from.length > 2 ? ` (+${g.from.length - 2})` : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

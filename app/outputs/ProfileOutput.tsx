// A torch.profile result: one row per kernel dispatched, sortable by GPU time.
import { useState } from 'react';
import type { OutputBundle } from '../../workers/protocol';

function number(v: number | null, digits = 3): string {
  return v === null ? '—' : v >= 1e9 ? `${(v / 1e9).toFixed(2)}G` : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}K` : v.toFixed(v % 1 ? digits : 0);
}

export function ProfileOutput({ output }: { output: Extract<OutputBundle, { type: 'profile' }> }) {
  const [byTime, setByTime] = useState(false);
  const rows = byTime ? [...output.kernels].sort((a, b) => (b.gpuMs ?? -1) - (a.gpuMs ?? -1)) : output.kernels;
  const total = output.kernels.reduce((sum, k) => sum + (k.gpuMs ?? 0), 0);
  const timed = output.kernels.some((k) => k.gpuMs !== null);
  return (
    <div className="output profile-output" data-testid="profile-output">
      <table>
        <caption>
          {output.kernels.length} kernels{timed ? `, ${total.toFixed(3)} ms on the GPU` : ' (no GPU timestamps on this device)'}
        </caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">kernel</th>
            <th scope="col" aria-sort={byTime ? 'descending' : 'none'}>
              <button type="button" className="link" onClick={() => setByTime(!byTime)}>
                GPU ms
              </button>
            </th>
            <th scope="col">FLOPs</th>
            <th scope="col">bytes</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((k, i) => (
            <tr key={i} data-testid="kernel-row">
              <td>{i + 1}</td>
              <td>
                <code>{k.name}</code>
              </td>
              <td>{number(k.gpuMs)}</td>
              <td>{number(k.flops)}</td>
              <td>{number(k.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

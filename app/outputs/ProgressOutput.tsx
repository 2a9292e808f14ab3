import type { OutputBundle } from '../../workers/protocol';

function duration(ms: number): string {
  const s = ms / 1000;
  return s < 60 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * A live progress bar; later bundles with the same displayId replace this one. The count is of
 * steps whose GPU work has finished; steps run but still queued on the GPU are said apart.
 */
export function ProgressOutput({ output }: { output: Extract<OutputBundle, { type: 'progress' }> }) {
  const { done, total, elapsedMs, state, label } = output;
  const issued = Math.max(done, output.issued ?? done);
  const queued = issued - done;
  const rate = elapsedMs > 0 ? (done / elapsedMs) * 1000 : 0;
  const eta = total !== null && rate > 0 && state === 'running' ? ` · ${duration(((total - done) / rate) * 1000)} left` : '';
  const count = total === null ? `${done}` : `${done}/${total}`;
  return (
    <div className={`output progress-output ${state}`} data-testid="progress-output" data-state={state} data-done={done} data-issued={issued}>
      {label && <span className="progress-label">{label}</span>}
      <progress
        max={total ?? undefined}
        value={total === null ? undefined : done}
        aria-label={label || 'Progress'}
        aria-valuetext={`${count} done${queued > 0 ? `, ${queued} queued on the GPU` : ''}${state === 'stopped' ? ', stopped' : ''}`}
      />
      <span className="progress-numbers">
        {count} done
        {queued > 0 ? <span title="Steps the loop has run whose GPU work has not finished yet">{` · ${queued} queued`}</span> : ''} · {duration(elapsedMs)}
        {rate > 0 ? ` · ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s` : ''}
        {eta}
        {state === 'stopped' ? ' · stopped' : ''}
      </span>
    </div>
  );
}

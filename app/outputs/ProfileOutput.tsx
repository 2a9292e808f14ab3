// A torch.profile result: a sortable kernel table with time-share bars, a timeline of the run,
// the profile's table() text, and the run as a Chrome trace to download.
import type { OutputBundle } from '../../workers/protocol';
import { chromeTraceOf } from './profile/kernel-summary';
import { KernelTable } from './profile/KernelTable';
import { KernelTimeline } from './profile/KernelTimeline';

type ProfileBundle = Extract<OutputBundle, { type: 'profile' }>;

function downloadTrace(output: ProfileBundle): void {
  const trace = output.trace ?? chromeTraceOf(output.kernels);
  const url = URL.createObjectURL(new Blob([JSON.stringify(trace)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'chrome-trace.json';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ProfileOutput({ output }: { output: ProfileBundle }) {
  const total = output.kernels.reduce((sum, k) => sum + (k.gpuMs ?? k.cpuMs ?? 0), 0);
  const timeLabel = output.hasTimestamps ? 'GPU time' : 'CPU time (no GPU timestamps on this device)';
  return (
    <div className="output profile-output" data-testid="profile-output">
      <div className="output-tabs">
        <strong>Profile</strong>
        <span className="muted">
          {total.toFixed(3)} ms in kernels{output.wallMs === null ? '' : `, ${output.wallMs.toFixed(1)} ms wall`}
          {output.shadersCompiled ? (
            <span title="Kernels run for the first time compile their shaders: that time is in the wall time, in no kernel's time">
              {`, ${output.shadersCompiled} ${output.shadersCompiled === 1 ? 'shader' : 'shaders'} compiled in ${(output.compileMs ?? 0).toFixed(1)} ms`}
            </span>
          ) : null}
        </span>
        <button type="button" onClick={() => downloadTrace(output)}>
          Download trace
        </button>
      </div>
      {output.timestampQuantumMs ? (
        <p className="muted" role="note">
          GPU timestamps are rounded to {(output.timestampQuantumMs * 1000).toFixed(1)} µs by the WebGPU implementation: kernels shorter than that read as 0 or
          one step, and only sums over many kernels are accurate. In Chrome, chrome://flags/#enable-webgpu-developer-features gives exact times.
        </p>
      ) : null}
      {output.timestampCostMs ? (
        <p className="muted" role="note">
          Timing a kernel costs this GPU about {(output.timestampCostMs * 1000).toFixed(1)} µs (measured on tiny kernels, each timed against all in one pass),
          included in each kernel&apos;s GPU time: kernels that short are mostly measurement.
        </p>
      ) : null}
      <div className="kernel-table-scroll" data-testid="profile-table-box">
        <KernelTable kernels={output.kernels} timeLabel={timeLabel} />
      </div>
      <KernelTimeline kernels={output.kernels} />
      <details>
        <summary>table()</summary>
        <pre>{output.text}</pre>
      </details>
    </div>
  );
}

/**
 * What the tests expect of this machine's GPU, in one place: a WebGPU adapter through Dawn, with
 * timestamp queries on it. In CI (`$CI` set) a missing capability is an error, so a run without
 * it fails instead of passing the GPU tests by not running them. Elsewhere the tests that need it
 * are skipped (the runner reports them as skipped), and the first test to ask prints, once per
 * test file, to stderr, what is missing, why, and how to fix it.
 */
import { WebGpuBackend } from '../backends/webgpu/webgpu-backend';
import { getBackend } from '../core/runtime';
import { torch } from '../index';
import { probeNodeGpu, SWIFTSHADER_ICD } from './node-gpu';

export type GpuCapability = 'webgpu' | 'timestamps';

const SKIPPED: Record<GpuCapability, string> = {
  webgpu: 'WebGPU tests SKIPPED',
  timestamps: 'GPU timestamp tests SKIPPED',
};

const FIX: Record<GpuCapability, string> = {
  webgpu:
    "Dawn (the `webgpu` npm package) needs a Vulkan driver. Without a GPU, install Debian's chromium (it brings SwiftShader's " +
    `Vulkan driver, ${SWIFTSHADER_ICD}, which the tests use) and the Vulkan loader: ` +
    '`sudo apt-get install chromium libvulkan1` (.ci/run does this when run as root). If VK_ICD_FILENAMES is set, it must name a driver file that exists.',
  timestamps:
    "The adapter must offer the 'timestamp-query' feature, as Dawn's does on SwiftShader (what CI uses, see .ci/run) and on Vulkan GPUs: " +
    'unset WICK_NATIVE_VULKAN to use SwiftShader, and leave timestamps on in WICK_DAWN_OPTIONS.',
};

/** The message for a capability this machine lacks: what is skipped, why, and the fix. */
export function missingMessage(capability: GpuCapability, reason: string): string {
  const rule = '='.repeat(100);
  return `\n${rule}\n${SKIPPED[capability]}: ${reason}.\nFix: ${FIX[capability]}\nIn CI (with $CI set) this fails the run.\n${rule}\n\n`;
}

/** Where and how a missing capability is reported: the defaults are this process's, for tests to replace. */
export interface Reporting {
  ci?: boolean;
  print?: (text: string) => void;
  /** The capabilities already reported. */
  reported?: Set<GpuCapability>;
}

const reportedHere = new Set<GpuCapability>();

/**
 * A capability is missing: in CI, throws (CI must run every GPU test); elsewhere prints the
 * message once per capability in this process (one test file) and returns.
 */
export function reportMissing(capability: GpuCapability, reason: string, how: Reporting = {}): void {
  const { ci = !!process.env.CI, print = (text: string) => void process.stderr.write(text), reported = reportedHere } = how;
  if (ci) throw new Error(`CI must run the ${capability === 'webgpu' ? 'WebGPU' : 'GPU timestamp'} tests, but ${reason}. ${FIX[capability]}`);
  if (reported.has(capability)) return;
  reported.add(capability);
  print(missingMessage(capability, reason));
}

let webgpu: Promise<boolean> | null = null;

/**
 * Whether the webgpu device is there (Dawn found an adapter and torch.init opened it): probed
 * once per test file. Without it: throws in CI, else says why once and returns false.
 */
export function hasWebgpu(): Promise<boolean> {
  return (webgpu ??= probeWebgpu());
}

async function probeWebgpu(): Promise<boolean> {
  const probe = await probeNodeGpu();
  if (!probe.gpu) {
    reportMissing('webgpu', probe.reason);
    return false;
  }
  const device = await torch.init({ backend: 'webgpu', gpu: probe.gpu }).catch((error: unknown) => (error instanceof Error ? error.message : String(error)));
  if (device !== 'webgpu') reportMissing('webgpu', `Dawn found an adapter, but torch.init opened no webgpu device on it (${device})`);
  return device === 'webgpu';
}

/**
 * Whether the webgpu device has timestamp queries (false without webgpu). Without them: throws
 * in CI, else says why once and returns false.
 */
export async function hasTimestamps(): Promise<boolean> {
  if (!(await hasWebgpu())) return false;
  const backend = getBackend('webgpu');
  if (backend.hasTimestamps) return true;
  const adapter = backend instanceof WebGpuBackend ? backend.adapterInfo : 'webgpu';
  reportMissing('timestamps', `the WebGPU adapter (${adapter}) has no 'timestamp-query' feature`);
  return false;
}

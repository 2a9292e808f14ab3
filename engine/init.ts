/** Choosing and starting devices: webgpu when an adapter exists, else cpu. */
import type { Device } from './core/dtype';
import { fail } from './core/errors';
import { registerBackend, setDefaultDevice } from './core/runtime';
import { WebGpuBackend } from './backends/webgpu/webgpu-backend';

export interface InitOptions {
  backend?: Device;
  /** A GPU object: navigator.gpu in browsers, Dawn's in Node. */
  gpu?: GPU;
}

let webgpu: WebGpuBackend | null = null;

export async function initBackends(opts: InitOptions = {}): Promise<Device> {
  if (opts.backend === 'cpu') {
    setDefaultDevice('cpu');
    return 'cpu';
  }
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!webgpu && gpu) webgpu = await WebGpuBackend.create(gpu);
  if (webgpu) {
    registerBackend(webgpu);
    setDefaultDevice('webgpu');
    return 'webgpu';
  }
  if (opts.backend === 'webgpu') fail('init', 'no WebGPU adapter is available here (navigator.gpu is missing or returned no adapter)');
  setDefaultDevice('cpu');
  return 'cpu';
}

/** A description of the WebGPU adapter in use, or null when running on the CPU only. */
export function webgpuAdapterInfo(): string | null {
  return webgpu?.adapterInfo ?? null;
}

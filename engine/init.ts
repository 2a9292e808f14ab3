/** Choosing and starting devices: webgpu when an adapter exists, else cpu. */
import type { Device } from './core/dtype';
import { fail } from './core/errors';
import { registerBackend, setDefaultDevice, unregisterBackend } from './core/runtime';
import { WebGpuBackend } from './backends/webgpu/webgpu-backend';

export interface InitOptions {
  backend?: Device;
  /** A GPU object: navigator.gpu in browsers, Dawn's in Node. */
  gpu?: GPU;
}

let webgpu: WebGpuBackend | null = null;

/** What a lost device leaves: why, and whether a new device took its place. */
export interface DeviceLoss {
  reason: string;
  message: string;
  recovered: boolean;
}

const lossListeners = new Set<(loss: DeviceLoss) => void>();

/** Calls `listener` whenever the GPU device is lost (after a new one is in use, where one could be had). */
export function onDeviceLost(listener: (loss: DeviceLoss) => void): () => void {
  lossListeners.add(listener);
  return () => lossListeners.delete(listener);
}

/** When the device is lost, open a new one and carry on; tensors on the old one are gone. */
function watchLoss(backend: WebGpuBackend, gpu: GPU): void {
  void backend.lost.then(async (info) => {
    if (webgpu !== backend) return;
    webgpu = null;
    const fresh = await WebGpuBackend.create(gpu).catch(() => null);
    if (fresh) {
      webgpu = fresh;
      registerBackend(fresh);
      watchLoss(fresh, gpu);
    } else {
      unregisterBackend('webgpu');
      setDefaultDevice('cpu');
    }
    const loss = { reason: info.reason, message: info.message, recovered: fresh !== null };
    for (const listener of lossListeners) listener(loss);
  });
}

/** The GPUDevice in use, for tests and diagnostics (e.g. `device.destroy()` to see a device loss handled). */
export function webgpuDevice(): GPUDevice | null {
  return webgpu?.gpu ?? null;
}

export async function initBackends(opts: InitOptions = {}): Promise<Device> {
  if (opts.backend === 'cpu') {
    setDefaultDevice('cpu');
    return 'cpu';
  }
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? navigator.gpu : undefined);
  if (!webgpu && gpu) {
    webgpu = await WebGpuBackend.create(gpu);
    if (webgpu) watchLoss(webgpu, gpu);
  }
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

/**
 * A WebGPU adapter for Node through Dawn (the npm package `webgpu`). With Debian's chromium
 * installed, SwiftShader is found when VK_ICD_FILENAMES points at Chromium's ICD file; on a
 * machine with a GPU, Dawn finds it through the Vulkan loader.
 */
import { existsSync } from 'node:fs';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export async function nodeGpu(): Promise<GPU | null> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.WICK_NATIVE_VULKAN && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    // Dawn rounds GPU timestamps to 2^16 ns unless told not to (browsers keep rounding them):
    // tests and benchmarks here want exact ones.
    const options = ['disable-dawn-features=timestamp_quantization', ...(process.env.WICK_DAWN_OPTIONS ? process.env.WICK_DAWN_OPTIONS.split(',') : [])];
    const gpu = dawn.create(options);
    return (await gpu.requestAdapter()) ? gpu : null;
  } catch {
    return null;
  }
}

/**
 * A WebGPU adapter for Node through Dawn (the npm package `webgpu`). With Debian's chromium
 * installed, SwiftShader is found when VK_ICD_FILENAMES points at Chromium's ICD file; on a
 * machine with a GPU, Dawn finds it through the Vulkan loader.
 */
import { existsSync } from 'node:fs';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Dawn's GPU object, or null with the reason there is none. */
export type NodeGpuProbe = { gpu: GPU; reason: null } | { gpu: null; reason: string };

export async function nodeGpu(): Promise<GPU | null> {
  return (await probeNodeGpu()).gpu;
}

export async function probeNodeGpu(): Promise<NodeGpuProbe> {
  if (!process.env.VK_ICD_FILENAMES && !process.env.WICK_NATIVE_VULKAN && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  }
  process.env.XDG_RUNTIME_DIR ??= '/tmp';
  let dawn: typeof import('webgpu');
  try {
    dawn = await import('webgpu');
  } catch (error) {
    return { gpu: null, reason: `the \`webgpu\` package (Dawn) did not load: ${(error as Error).message}` };
  }
  try {
    Object.assign(globalThis, dawn.globals);
    // Dawn rounds GPU timestamps to 2^16 ns unless told not to (browsers keep rounding them):
    // tests and benchmarks here want exact ones.
    const options = ['disable-dawn-features=timestamp_quantization', ...(process.env.WICK_DAWN_OPTIONS ? process.env.WICK_DAWN_OPTIONS.split(',') : [])];
    const gpu = dawn.create(options);
    if (await gpu.requestAdapter()) return { gpu, reason: null };
    return { gpu: null, reason: `Dawn found no WebGPU adapter (${vulkanDriverSetting()})` };
  } catch (error) {
    return { gpu: null, reason: `Dawn failed to look for an adapter (${vulkanDriverSetting()}): ${(error as Error).message}` };
  }
}

/** Which Vulkan driver Dawn was pointed at, for messages. */
function vulkanDriverSetting(): string {
  const icd = process.env.VK_ICD_FILENAMES;
  if (!icd)
    return `VK_ICD_FILENAMES unset${process.env.WICK_NATIVE_VULKAN ? ', WICK_NATIVE_VULKAN set' : `, no ${SWIFTSHADER_ICD}`}: the Vulkan loader's own drivers`;
  return `VK_ICD_FILENAMES=${icd}${icd.split(':').every((f) => existsSync(f)) ? '' : ', a file that does not exist'}`;
}

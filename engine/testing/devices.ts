/** The devices a Node test can run on: cpu always, webgpu where Dawn finds an adapter. */
import type { Device } from '../core/dtype';
import { torch } from '../index';
import { nodeGpu } from './node-gpu';

export async function testDevices(): Promise<Device[]> {
  const gpu = await nodeGpu();
  if (gpu && (await torch.init({ backend: 'webgpu', gpu })) === 'webgpu') return ['cpu', 'webgpu'];
  if (process.env.CI) throw new Error('CI must test the webgpu device, but Dawn found no adapter');
  return ['cpu'];
}

/**
 * The devices a Node test can run on: cpu always, webgpu where Dawn finds an adapter (in CI it
 * must: see gpu-requirements.ts).
 */
import type { Device } from '../core/dtype';
import { hasWebgpu } from './gpu-requirements';

export async function testDevices(): Promise<Device[]> {
  return (await hasWebgpu()) ? ['cpu', 'webgpu'] : ['cpu'];
}

/** A lost GPU device (here: device.destroy()) is reported, a new device is opened, and the tensors on the old one say they are gone. */
import { describe, expect, it } from 'vitest';
import { torch } from '../../index';
import { hasWebgpu } from '../../testing/gpu-requirements';

describe.skipIf(!(await hasWebgpu()))('device loss', () => {
  it('reports the loss, carries on with a new device, and names lost tensors', async () => {
    const before = torch.ones([3], { device: 'webgpu' }).mul(2);
    expect(await before.tolist()).toEqual([2, 2, 2]);
    const loss = new Promise<{ reason: string; recovered: boolean }>((resolve) => torch.onDeviceLost(resolve));
    torch._webgpuDevice()!.destroy();
    expect(await loss).toMatchObject({ reason: 'destroyed', recovered: true });
    expect(torch._isLost(before)).toBe(true);
    await expect(before.tolist()).rejects.toThrow(/the GPU device was lost .* run the cells that made them again/);
    expect(() => before.add(1)).toThrow(/on a GPU device that was lost/);
    const after = torch.ones([3], { device: 'webgpu' }).add(1);
    expect(torch._isLost(after)).toBe(false);
    expect(await after.tolist()).toEqual([2, 2, 2]);
  });
});

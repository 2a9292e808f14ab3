/**
 * What CI expects of the GPU, checked on this machine, and what a missing capability does: fails
 * in CI, and elsewhere says once, loudly, what is skipped, why and how to fix it.
 */
import { describe, expect, it } from 'vitest';
import { torch } from '../index';
import { hasTimestamps, missingMessage, reportMissing, type GpuCapability } from './gpu-requirements';

describe('a missing GPU capability', () => {
  it('fails in CI, naming what CI must run, the reason and the fix', () => {
    const printed: string[] = [];
    expect(() => reportMissing('webgpu', 'Dawn found no WebGPU adapter (VK_ICD_FILENAMES=/nonexistent)', { ci: true, print: (t) => printed.push(t) })).toThrow(
      /^CI must run the WebGPU tests, but Dawn found no WebGPU adapter \(VK_ICD_FILENAMES=\/nonexistent\)\. .*sudo apt-get install chromium libvulkan1/,
    );
    expect(() => reportMissing('timestamps', "the adapter has no 'timestamp-query' feature", { ci: true, print: (t) => printed.push(t) })).toThrow(
      /^CI must run the GPU timestamp tests, but the adapter has no 'timestamp-query' feature\./,
    );
    expect(printed).toEqual([]);
  });

  it('outside CI is printed once per capability, with the reason and the fix', () => {
    const printed: string[] = [];
    const how = { ci: false, print: (t: string) => printed.push(t), reported: new Set<GpuCapability>() };
    reportMissing('timestamps', 'no timestamps here', how);
    reportMissing('timestamps', 'no timestamps here', how);
    expect(printed).toEqual([missingMessage('timestamps', 'no timestamps here')]);
    expect(printed[0]).toMatch(/GPU timestamp tests SKIPPED: no timestamps here\.\nFix: .*'timestamp-query'.*\nIn CI \(with \$CI set\) this fails the run\./);
    expect(missingMessage('webgpu', 'Dawn found no WebGPU adapter')).toMatch(
      /WebGPU tests SKIPPED: Dawn found no WebGPU adapter\.\nFix: .*`sudo apt-get install chromium libvulkan1`/,
    );
  });
});

describe('this machine has what CI expects', () => {
  // Probed inside the test, so that in CI a machine without them fails here and the tests above still run.
  it('a webgpu device that runs a kernel and times it with GPU timestamps', async (ctx) => {
    ctx.skip(!(await hasTimestamps()), 'no webgpu device with timestamp queries: see the message above');
    const x = torch.ones([4], { device: 'webgpu' });
    const profile = await torch.profile(async () => {
      expect(await x.add(1).tolist()).toEqual([2, 2, 2, 2]);
    });
    expect(profile.hasTimestamps).toBe(true);
    expect(profile.kernels.map((k) => k.name)).toEqual(['add']);
    expect(profile.kernels[0].gpuMs).toBeGreaterThanOrEqual(0);
  });
});

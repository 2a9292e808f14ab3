/** Opening a WebGPU device with what the backend needs of the adapter: its timestamp features and its largest limits. */

/** The device, the adapter it came from (kept alive with it) and a description of the adapter; null without an adapter. */
export async function openDevice(gpu: GPU): Promise<{ device: GPUDevice; adapter: GPUAdapter; description: string } | null> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return null;
  const l = adapter.limits;
  const device = await adapter.requestDevice({
    requiredFeatures: (['timestamp-query', 'chromium-experimental-timestamp-query-inside-passes'] as GPUFeatureName[]).filter((f) => adapter.features.has(f)),
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      // Slab chunks bind by dynamic offset (one bind group per slab): kernels with more storage
      // arguments than the default 4 bind the rest per block, a new bind group as blocks change.
      maxDynamicStorageBuffersPerPipelineLayout: l.maxDynamicStorageBuffersPerPipelineLayout,
    },
  });
  const info = adapter.info;
  const description = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'WebGPU adapter';
  return { device, adapter, description };
}

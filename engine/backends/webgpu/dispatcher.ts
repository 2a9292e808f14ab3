/**
 * Records many dispatches into one command encoder and submits them together, never waiting on
 * the GPU. Each dispatch's metadata words go into one uniform arena (256-byte slots) written once
 * per submit. Pipelines are cached by their WGSL text.
 */
const SLOT_BYTES = 256;
const ARENA_SLOTS = 1024;
/** Submit after this many dispatches so the GPU starts while JavaScript keeps recording. */
const MAX_BATCH = 256;

export class Dispatcher {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private arena: GPUBuffer;
  private arenaWords = new Uint32Array((SLOT_BYTES / 4) * ARENA_SLOTS);
  private slots = 0;
  private pipelines = new Map<string, GPUComputePipeline>();
  private sources = new Map<string, string>();
  dispatches = 0;

  constructor(private device: GPUDevice) {
    this.arena = device.createBuffer({ size: SLOT_BYTES * ARENA_SLOTS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /** The pipeline for a kernel `key`, generating its WGSL with `source()` only the first time. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let code = this.sources.get(key);
    if (code === undefined) {
      code = source();
      this.sources.set(key, code);
    }
    let p = this.pipelines.get(code);
    if (!p) {
      const module = this.device.createShaderModule({ code, label: key });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.pipelines.set(code, p);
    }
    return p;
  }

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private computePass(): GPUComputePassEncoder {
    if (!this.pass) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  dispatch(pipeline: GPUComputePipeline, meta: readonly number[], buffers: readonly GPUBuffer[], groups: readonly [number, number, number]): void {
    if (meta.length > SLOT_BYTES / 4) throw new Error(`kernel metadata of ${meta.length} words exceeds one ${SLOT_BYTES}-byte slot`);
    if (this.slots === ARENA_SLOTS) this.flush();
    const slot = this.slots++;
    const base = (slot * SLOT_BYTES) / 4;
    for (let i = 0; i < meta.length; i++) this.arenaWords[base + i] = meta[i];
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.arena, offset: slot * SLOT_BYTES, size: SLOT_BYTES } }];
    buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(groups[0], groups[1], groups[2]);
    this.dispatches++;
    if (this.slots >= MAX_BATCH) this.flush();
  }

  clear(buffer: GPUBuffer, bytes: number): void {
    this.endPass();
    this.commandEncoder().clearBuffer(buffer, 0, bytes);
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  get hasPendingWork(): boolean {
    return this.encoder !== null;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    if (this.slots > 0) this.device.queue.writeBuffer(this.arena, 0, this.arenaWords, 0, (this.slots * SLOT_BYTES) / 4);
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.slots = 0;
  }
}

/** Workgroup counts for `invocations` threads in groups of `size`, folded into 2-D past 65535. */
export function grid1d(invocations: number, size: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(invocations / size));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/**
 * Bind groups cached by the blocks they bind, so a dispatch on blocks seen before creates none.
 * The cache is a tree keyed by numbers, not strings built per dispatch: by layout, then by each
 * argument's block id in order (for an argument bound with a dynamic offset, its slab's id, so
 * one group serves every chunk of a slab, the chunk's offset coming with setBindGroup).
 */
import type { GpuBlock } from './buffer-pool';
import { aliasesOf, isDynamic } from './binding-variants';

/** Cached bind groups at most (the cache starts over past this). */
const MAX_BIND_GROUPS = 4096;

interface Node {
  next: Map<number, Node>;
  group: GPUBindGroup | null;
}

const node = (): Node => ({ next: new Map(), group: null });

export class BindGroupCache {
  private roots = new Map<GPUBindGroupLayout, Node>();
  private count = 0;
  /** Dynamic offsets the last `get` wrote (the metadata slot's included). */
  dynamicCount = 1;

  constructor(
    private device: GPUDevice,
    /** Binding 0 of every group: the metadata uniform (its slot comes as dynamic offset 0). */
    private metadata: GPUBufferBinding,
  ) {}

  /** The group binding `blocks` under `signature`; writes their dynamic offsets from index 1 of `offsets`. */
  get(layout: GPUBindGroupLayout, blocks: readonly GpuBlock[], signature: string, offsets: Uint32Array): GPUBindGroup {
    let root = this.roots.get(layout);
    if (!root) this.roots.set(layout, (root = node()));
    let at: Node = root;
    let n = 1;
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      let id = b.id;
      if (isDynamic(signature, i)) {
        if (b.slab) id = b.slab.id;
        offsets[n++] = b.offset;
      }
      let child: Node | undefined = at.next.get(id);
      if (!child) at.next.set(id, (child = node()));
      at = child;
    }
    this.dynamicCount = n;
    if (at.group) return at.group;
    // Destroyed buffers stay referenced by their bind groups: start over now and then.
    if (this.count >= MAX_BIND_GROUPS) {
      this.roots.clear();
      this.count = 0;
      return this.get(layout, blocks, signature, offsets);
    }
    const aliases = signature.includes('=') ? aliasesOf(signature) : null;
    const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: this.metadata }];
    blocks.forEach((b, i) => {
      if (aliases?.has(i)) return;
      entries.push({ binding: i + 1, resource: { buffer: b.buffer, offset: isDynamic(signature, i) ? 0 : b.offset, size: b.size } });
    });
    at.group = this.device.createBindGroup({ layout, entries });
    this.count++;
    return at.group;
  }
}

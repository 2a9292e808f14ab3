/**
 * The pipelines of the WebGPU kernels: programs cached by key and by WGSL text, one pipeline per
 * binding signature (binding-variants.ts), created blocking at a first dispatch or ahead with
 * createComputePipelineAsync (compiled functions, the eager warm-up), and the clock and counts of
 * shader compilation that the cell stats and profiles report.
 */
import type { GpuFaults } from './faults';
import { withHelpers } from './wgsl-common';
import { CompileClock } from './gpu-clock';
import { layoutEntries, plainSignature, storageDecls, variantCode, type StorageDecl } from './binding-variants';

/**
 * A compiled GPU program: a kernel's WGSL and the pipelines made from it, one per binding
 * signature (binding-variants.ts). (Not the notebook's kernel, which runs cells: workers/kernel.ts.)
 */
export interface GpuProgram {
  label: string;
  code: string;
  decls: StorageDecl[];
  /** The declaration of argument k (binding k + 1). */
  args: (StorageDecl | undefined)[];
  variants: Map<string, Variant>;
}

export interface Layout {
  key: string;
  group: GPUBindGroupLayout;
  pipeline: GPUPipelineLayout;
}

export interface Variant {
  pipeline: GPUComputePipeline;
  layout: Layout;
}

export class PipelineCache {
  /** Programs by key and by WGSL text (two keys may give one text). */
  private programs = new Map<string, GpuProgram>();
  private byCode = new Map<string, GpuProgram>();
  private preparing = new Map<string, Promise<void>>();
  private layouts = new Map<string, Layout>();
  /** Pipelines created synchronously at their first dispatch (those not prepared ahead). */
  blockingCreations = 0;
  /** Pipelines created so far, blocking or ahead (createComputePipelineAsync): shaders compiled. */
  pipelinesCreated = 0;
  /** The time shaders were being compiled (sync or async, overlaps counted once): compileClock.ms. */
  readonly compileClock = new CompileClock();

  constructor(
    private readonly device: GPUDevice,
    /** Storage bindings that may take a dynamic offset (see binding-variants.ts). */
    private readonly maxDynamic: number,
    private readonly faults?: GpuFaults,
  ) {}

  /** The program for `key`, generating its WGSL with `source()` only the first time. */
  pipeline(key: string, source: () => string): GpuProgram {
    let program = this.programs.get(key);
    if (!program) {
      const code = withHelpers(source());
      program = this.programOf(code, key);
      this.programs.set(key, program);
    }
    return program;
  }

  private programOf(code: string, label: string): GpuProgram {
    let program = this.byCode.get(code);
    if (!program) {
      const decls = storageDecls(code);
      const args: (StorageDecl | undefined)[] = [];
      for (const d of decls) args[d.binding - 1] = d;
      this.byCode.set(code, (program = { label, code, decls, args, variants: new Map() }));
    }
    return program;
  }

  /** The GPU pipeline of `program` for a binding signature, created (blocking) the first time. */
  variant(program: GpuProgram, signature: string): Variant {
    let v = program.variants.get(signature);
    if (!v) {
      const code = variantCode(program.code, program.decls, signature);
      const layout = this.layout(layoutEntries(program.decls, signature));
      const name = program.label.split('|')[0];
      const create = () => {
        const module = this.device.createShaderModule({ code, label: program.label });
        return this.device.createComputePipeline({ layout: layout.pipeline, compute: { module, entryPoint: 'main' }, label: program.label });
      };
      // A kernel whose WGSL does not compile: the next read says which kernel and why.
      // Once the GPU says it failed, it leaves the cache, so the kernel is tried again next time.
      const forget = () => program.variants.delete(signature);
      // Compiling lasts until the GPU says whether it compiled (in a browser, the call returns before).
      const compiled = this.compileClock.begin();
      const pipeline = this.faults
        ? this.faults.watch('validation', create, (message) => `the WGSL of kernel '${name}' (${program.label}) did not compile: ${message}`, forget, compiled)
        : create();
      if (!this.faults) compiled();
      program.variants.set(signature, (v = { pipeline, layout }));
      this.blockingCreations++;
      this.pipelinesCreated++;
    }
    return v;
  }

  /** Bind group and pipeline layouts by their entries (explicit, so the metadata slot is a dynamic offset). */
  private layout(entries: GPUBindGroupLayoutEntry[]): Layout {
    const key = entries.map((e) => `${e.binding}${e.buffer!.type![0]}${e.buffer!.hasDynamicOffset ? 'd' : ''}`).join();
    let layout = this.layouts.get(key);
    if (!layout) {
      const group = this.device.createBindGroupLayout({ entries });
      layout = { key, group, pipeline: this.device.createPipelineLayout({ bindGroupLayouts: [group] }) };
      this.layouts.set(key, layout);
    }
    return layout;
  }

  /**
   * Creates the pipeline for `code` with createComputePipelineAsync, into the same cache, for
   * dispatches of distinct blocks (see binding-variants.ts).
   */
  prepare(code: string, label: string): Promise<void> {
    const program = this.programOf(code, label);
    return this.prepareVariant(program, plainSignature(program.decls.length, this.maxDynamic), label, false);
  }

  /**
   * Creates a pipeline of `program` with createComputePipelineAsync, into the cache. A warm-up's
   * (`warmed`) is counted apart: no cell waited for it, so it is in no cell's compile time.
   */
  prepareVariant(program: GpuProgram, signature: string, label: string, warmed: boolean): Promise<void> {
    if (program.variants.has(signature)) return Promise.resolve();
    const key = `${signature}|${program.code}`;
    let pending = this.preparing.get(key);
    if (!pending) {
      const layout = this.layout(layoutEntries(program.decls, signature));
      const compiled = warmed ? () => undefined : this.compileClock.begin();
      const module = this.device.createShaderModule({ code: variantCode(program.code, program.decls, signature), label });
      pending = this.device
        .createComputePipelineAsync({ layout: layout.pipeline, compute: { module, entryPoint: 'main' }, label })
        .then(
          (pipeline) => {
            if (warmed) this.pipelinesWarmed++;
            else this.pipelinesCreated++;
            if (!program.variants.has(signature)) program.variants.set(signature, { pipeline, layout });
          },
          (error: unknown) => {
            this.faults?.report(new Error(`the WGSL of compiled kernel '${label}' did not compile: ${error instanceof Error ? error.message : String(error)}`));
            throw error;
          },
        )
        .finally(() => {
          compiled();
          this.preparing.delete(key);
        });
      this.preparing.set(key, pending);
    }
    return pending;
  }

  /** Pipelines created by warmPipelines, ahead of any cell. */
  pipelinesWarmed = 0;
}

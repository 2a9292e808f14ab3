/**
 * Kernel pipelines of a compiled graph are created asynchronously (createComputePipelineAsync),
 * so compiling never blocks the thread. Until they are ready, a call runs as it was recorded, one
 * kernel per op, whose pipelines eager mode has already made.
 */
import type { Backend } from '../backends/backend';
import { wgslOf } from './codegen';
import type { Graph } from './ir';
import { kernelName } from './names';

const pending = new Set<Promise<void>>();

export interface Readiness {
  ready(): boolean;
}

export function preparePipelines(backend: Backend, graphs: readonly Graph[]): Readiness {
  if (!backend.preparePipelines) return { ready: () => true };
  const kernels = graphs.flatMap((g) =>
    g.nodes.flatMap((n) => {
      const wgsl = wgslOf(n);
      return wgsl ? [{ name: kernelName(n), wgsl }] : [];
    }),
  );
  let ready = false;
  const work = backend.preparePipelines(kernels).then(
    () => void (ready = true),
    // A kernel that fails to compile fails again, with its error, when it is first dispatched.
    () => void (ready = true),
  );
  pending.add(work);
  void work.finally(() => pending.delete(work));
  return { ready: () => ready };
}

/** Resolves once every pipeline being prepared is ready (torch.synchronize waits for this). */
export async function pipelinesSettled(): Promise<void> {
  await Promise.all([...pending]);
}

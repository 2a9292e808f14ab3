/**
 * Pipelines created ahead of the first dispatch that needs them (engine/warm.ts says which): one
 * at a time with createComputePipelineAsync, each once the dispatcher has been idle a while, so a
 * cell that starts meanwhile finds at most one warm-up compiling beside its own work.
 */
import type { Dispatcher } from './dispatcher';

/** Runs `record` without dispatching, then creates the pipelines it would need; resolves to how many were created. */
export async function warmPipelines(dispatcher: Dispatcher, record: () => void, idleMs = 1000): Promise<number> {
  let created = 0;
  for (const [program, signature] of dispatcher.pipelinesNeededBy(record)) {
    while (performance.now() - dispatcher.lastDispatchAt < idleMs) await new Promise((r) => setTimeout(r, idleMs));
    if (program.variants.has(signature)) continue;
    await dispatcher.pipelines.prepareVariant(program, signature, program.label, true).then(
      () => created++,
      () => undefined,
    );
  }
  return created;
}

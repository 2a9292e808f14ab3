/**
 * What the peers expect of a browser: `navigator.gpu` (both ask it for an adapter; here it is the
 * very `GPU` object Wick was given by nodeGpu(), so all three sides use one Dawn instance and the
 * same adapter) and `navigator.userAgent` (jax-js reads it to pick kernel shapes). Node 21+ has a
 * read-only `navigator` global, so it is redefined with Object.defineProperty; Node 20 has none.
 */
import { cpus } from 'node:os';

export function exposeNavigator(gpu: GPU): void {
  const value = { gpu, userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: cpus().length, language: 'en-US' };
  Object.defineProperty(globalThis, 'navigator', { value, configurable: true, writable: true });
}

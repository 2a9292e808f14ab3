/**
 * Runs PyTorch parity cases against the engine on one device. Pure: no file system, so the same
 * runner serves Node (cpu, Dawn's webgpu) and the browser.
 */
import { transform } from 'sucrase';
import type { Device } from '../core/dtype';
import * as engine from '../index';
import type { Tensor } from '../tensor';
import { compareTensor, comparePlain } from './compare';
import type { GoldenCase, GoldenSet, GoldenTensor } from './golden';

export interface CaseResult {
  id: string;
  set: GoldenSet;
  device: Device;
  /** Whether the forward result matched. */
  forward: boolean;
  /** Whether every expected gradient matched; null when the case checks no gradients. */
  grads: boolean | null;
  error?: string;
}

type CaseFn = (...args: unknown[]) => unknown;
const compiled = new Map<string, CaseFn>();

/**
 * Cases that expect PyTorch to throw catch the error themselves (`catch (e) { return 'error'; }`).
 * Each catch clause also hands its error to `__caught`, so a case passes only when the engine threw
 * one of its own errors, not a TypeError from an API it lacks ("x.add_ is not a function").
 */
function reportCatches(code: string): string {
  return code.replace(/\bcatch\s*\(\s*(\w+)\s*(?::[^)]*)?\)\s*\{/g, 'catch ($1) { __caught($1);').replace(/\bcatch\s*\{/g, 'catch (__e) { __caught(__e);');
}

function foreignError(caught: readonly unknown[]): string | null {
  const e = caught.find((x) => !(x instanceof engine.WickError));
  if (e === undefined) return null;
  return `the case caught ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}, not an engine error`;
}

/** The case body, transpiled from TypeScript by the same transpiler as cells (sucrase). */
function compileCase(c: GoldenCase): CaseFn {
  const names = ['torch', 'nn', 'F', 'optim', 'Tensor', '__caught', ...Object.keys(c.inputs)];
  const key = `${names.join(',')}|${c.code}`;
  let fn = compiled.get(key);
  if (!fn) {
    const source = `(function (${names.join(', ')}) {\n${reportCatches(c.code)}\n})`;
    const js = transform(source, { transforms: ['typescript'] }).code;
    fn = new Function(`return ${js.trim().replace(/;$/, '')};`)() as CaseFn;
    compiled.set(key, fn);
  }
  return fn;
}

function makeInput(t: GoldenTensor, device: Device): Tensor {
  const values = t.data.map((v) => (typeof v === 'boolean' ? v : Number(v)));
  const dtype = t.dtype;
  const flat = engine.torch.tensor(values.map(Number), { dtype, device });
  const shaped = flat.reshape(t.shape).detach();
  if (t.requiresGrad) shaped.requiresGrad = true;
  return shaped;
}

function isTensor(v: unknown): v is Tensor {
  return v instanceof engine.Tensor;
}

async function checkTensor(got: unknown, want: GoldenTensor, rtol: number, atol: number): Promise<string | null> {
  if (!isTensor(got)) return `expected a tensor, got ${typeof got}`;
  return compareTensor({ shape: got.shape, dtype: got.dtype, data: await got.data() }, want, rtol, atol);
}

async function checkForward(c: GoldenCase, out: unknown, rtol: number, atol: number): Promise<string | null> {
  const want = c.expect;
  if ('value' in want) return comparePlain(out, want.value, rtol, atol);
  if ('shape' in want && 'data' in want) return checkTensor(out, want as GoldenTensor, rtol, atol);
  for (const [k, w] of Object.entries(want as Record<string, GoldenTensor>)) {
    const problem = await checkTensor((out as Record<string, unknown>)?.[k], w, rtol, atol);
    if (problem) return `${k}: ${problem}`;
  }
  return null;
}

export async function runCase(c: GoldenCase, device: Device): Promise<CaseResult> {
  const rtol = c.rtol ?? 1e-4;
  const atol = c.atol ?? 1e-5;
  const result: CaseResult = { id: c.id, set: c.set ?? 'parity', device, forward: false, grads: c.grads && Object.keys(c.grads).length ? false : null };
  try {
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, makeInput(v, device)]));
    const fn = compileCase(c);
    const caught: unknown[] = [];
    const out = await fn(engine.torch, engine.nn, engine.F, engine.optim, engine.Tensor, (e: unknown) => caught.push(e), ...Object.values(inputs));
    const problem = foreignError(caught) ?? (await checkForward(c, out, rtol, atol));
    if (problem) return { ...result, error: `forward: ${problem}` };
    result.forward = true;
    if (result.grads === null) return result;
    if (!isTensor(out)) return { ...result, error: 'grads: the case returned no tensor' };
    const gradOut = c.gradOut ? makeInput({ ...c.gradOut, requiresGrad: false }, device) : undefined;
    out.backward(gradOut);
    for (const [name, want] of Object.entries(c.grads ?? {})) {
      const problem = await checkTensor(inputs[name].grad, want, rtol, atol);
      if (problem) return { ...result, error: `grad of ${name}: ${problem}` };
    }
    return { ...result, grads: true };
  } catch (e) {
    return { ...result, error: e instanceof Error ? e.message : String(e) };
  }
}

export async function runCases(cases: readonly GoldenCase[], device: Device): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) results.push(await runCase(c, device));
  return results;
}

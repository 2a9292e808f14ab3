/** PyTorch's snake_case keys (state dicts) against Wick's camelCase options, and option defaults with unknown keys caught. */
import { fail } from '../core/errors';

// The cosine schedules' periods, which PyTorch names with a capital T.
const PERIODS: Record<string, string> = { tMax: 'T_max', t0: 'T_0', tI: 'T_i', tCur: 'T_cur', tMult: 'T_mult' };
const PERIOD_KEYS = Object.fromEntries(Object.entries(PERIODS).map(([k, v]) => [v, k]));

/** `weightDecay` -> `weight_decay`, `_stepCount` -> `_step_count`, `tMax` -> `T_max`. */
export function snakeKey(key: string): string {
  return PERIODS[key] ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** `weight_decay` -> `weightDecay`, `_step_count` -> `_stepCount` (a leading underscore is kept), `T_max` -> `tMax`. */
export function camelKey(key: string): string {
  return PERIOD_KEYS[key] ?? key.replace(/(?<=[a-z0-9])_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** The defaults overridden by `opts`, failing on an option the optimizer does not have (a typo such as `weight_decay`). */
export function withDefaults<O extends object>(op: string, defaults: O, opts: object | undefined): O {
  if (opts !== undefined && (opts === null || typeof opts !== 'object')) fail(op, `options must be an object, got ${String(opts)}`);
  for (const key of Object.keys(opts ?? {})) if (!(key in defaults)) fail(op, `unknown option '${key}' (known: ${Object.keys(defaults).join(', ')})`);
  return { ...defaults, ...(opts ?? {}) };
}

// Completion from the kernel's live scope, as Jupyter completes from the running kernel: the names
// cells defined (`model`, `losses`) and the members of what they hold (`model.fc1.`, `x.`). Only
// own data properties are followed along a dotted path; getters are never called.
import { Tensor } from '../engine';
import type { CellScope } from './cell-runner';
import type { CompletionItem } from './protocol';

const MAX_ITEMS = 500;

export interface Completions {
  /** Where the word being completed starts in the source. */
  from: number;
  items: CompletionItem[];
}

/** Completions at `offset` in `source`: the path before the cursor (`a.b.c`) is looked up in `scope`. */
export function complete(scope: CellScope, source: string, offset: number): Completions {
  const before = source.slice(0, offset);
  const match = /((?:[A-Za-z_$][\w$]*\s*\??\.\s*)*)([A-Za-z_$][\w$]*)?$/.exec(before);
  const prefix = match?.[2] ?? '';
  const from = offset - prefix.length;
  const path = (match?.[1] ?? '')
    .split('.')
    .map((s) => s.replace(/\?$/, '').trim())
    .filter(Boolean);
  if (path.length === 0) {
    if (/\.\s*$/.test(before.slice(0, from))) return { from, items: [] }; // after `foo().`: not a name path
    return { from, items: filter(namesOf(scope, true), prefix) };
  }
  let target: unknown = scope;
  for (const name of path) {
    target = dataProperty(target, name);
    if (target === undefined || target === null) return { from, items: [] };
  }
  // Internal members (`_`-prefixed) only once the word typed starts with `_`.
  const members = prefix.startsWith('_') ? namesOf(target, false) : namesOf(target, false).filter((item) => !item.label.startsWith('_'));
  return { from, items: filter(members, prefix) };
}

function filter(items: CompletionItem[], prefix: string): CompletionItem[] {
  const lower = prefix.toLowerCase();
  return items.filter((item) => item.label.toLowerCase().startsWith(lower)).slice(0, MAX_ITEMS);
}

/** The value of an own-or-inherited data property, without calling a getter. */
function dataProperty(target: unknown, name: string): unknown {
  for (let o: unknown = target; o !== null && o !== undefined; o = Object.getPrototypeOf(o)) {
    const descriptor = Object.getOwnPropertyDescriptor(o, name);
    if (descriptor) return 'value' in descriptor ? descriptor.value : undefined;
  }
  return undefined;
}

/** Every property name along the prototype chain (not Object.prototype's), nearest first. */
function namesOf(target: unknown, isScope: boolean): CompletionItem[] {
  const items = new Map<string, CompletionItem>();
  const boxed = typeof target === 'object' || typeof target === 'function' ? target : Object(target);
  for (let o = boxed as object | null; o !== null && o !== Object.prototype && o !== Function.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (items.has(name) || name === 'constructor' || name.startsWith('__') || !/^[A-Za-z_$][\w$]*$/.test(name)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(o, name)!;
      items.set(name, describe(name, descriptor, isScope));
    }
  }
  return [...items.values()].sort((a, b) => a.label.localeCompare(b.label));
}

function describe(label: string, descriptor: PropertyDescriptor, isScope: boolean): CompletionItem {
  if (!('value' in descriptor)) return { label, kind: 'property', detail: 'getter' };
  const value: unknown = descriptor.value;
  if (typeof value === 'function' && value instanceof Function) {
    const isClass = /^class\b/.test(Function.prototype.toString.call(value));
    return { label, kind: isClass ? 'class' : isScope ? 'function' : 'method', detail: isClass ? 'class' : 'function' };
  }
  if (value instanceof Tensor) return { label, kind: isScope ? 'variable' : 'property', detail: `Tensor [${value.shape.join(', ')}] ${value.dtype}` };
  const isNamespace = typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null;
  if (isNamespace) return { label, kind: 'module', detail: 'namespace' };
  // A callable that is not a Function (an nn.Module instance) describes itself by its class.
  const isObject = (typeof value === 'object' && value !== null) || typeof value === 'function';
  const type =
    value === null ? 'null' : Array.isArray(value) ? `array (${value.length})` : isObject ? ((value as object).constructor?.name ?? 'object') : typeof value;
  return { label, kind: isScope ? 'variable' : 'property', detail: type };
}

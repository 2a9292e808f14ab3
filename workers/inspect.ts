// A short, readable text for any JavaScript value (what a cell's plain values display as).
const MAX_ITEMS = 100;
const MAX_DEPTH = 3;

export function inspect(value: unknown, depth = 0): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return /^class\b/.test(Function.prototype.toString.call(value)) ? `[class ${value.name}]` : `[Function ${value.name || '(anonymous)'}]`;
    case 'object':
      return value === null ? 'null' : inspectObject(value, depth);
    default:
      return String(value);
  }
}

function inspectObject(value: object, depth: number): string {
  if (value instanceof Promise) return 'Promise { … } (add `await` to see its value)';
  if (Array.isArray(value)) return depth >= MAX_DEPTH ? '[Array]' : `[${items(value, depth)}]`;
  if (ArrayBuffer.isView(value) && 'length' in value) {
    const typed = value as unknown as ArrayLike<number>;
    return `${value.constructor.name}(${typed.length}) [${items(Array.from(typed), depth)}]`;
  }
  if (value instanceof Map) {
    const entries = [...value].map(([k, v]) => `${inspect(k, depth + 1)} => ${inspect(v, depth + 1)}`);
    return `Map(${value.size}) {${entries.join(', ')}}`;
  }
  if (value instanceof Set) return `Set(${value.size}) {${items([...value], depth)}}`;
  if (value instanceof Date) return formatDate(value);
  // Errors, dates, modules and tensors describe themselves.
  if (value.toString !== Object.prototype.toString) return String(value);
  if (depth >= MAX_DEPTH) return '[Object]';
  const fields = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${inspect(v, depth + 1)}`);
  const name = value.constructor && value.constructor !== Object ? `${value.constructor.name} ` : '';
  return fields.length ? `${name}{ ${fields.join(', ')} }` : `${name}{}`;
}

/** A date as `2026-12-08 14:05:09` in the local time zone (an invalid one as `Invalid Date`). */
function formatDate(date: Date): string {
  if (Number.isNaN(date.getTime())) return 'Invalid Date';
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function items(list: unknown[], depth: number): string {
  const shown = list.slice(0, MAX_ITEMS).map((v) => inspect(v, depth + 1));
  if (list.length > MAX_ITEMS) shown.push(`… ${list.length - MAX_ITEMS} more`);
  return shown.join(', ');
}

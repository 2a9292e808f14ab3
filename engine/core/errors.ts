/** Errors that say which op failed and with which shapes, dtypes or devices. */
export class WickError extends Error {
  constructor(op: string, message: string) {
    super(`${op}: ${message}`);
    this.name = 'WickError';
  }
}

export function fail(op: string, message: string): never {
  throw new WickError(op, message);
}

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

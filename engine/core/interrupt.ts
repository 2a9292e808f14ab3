/**
 * A hook that lets the host stop a running program between ops. The notebook's kernel Worker sets
 * a check that throws when the user pressed Interrupt; ops call `checkInterrupt()` before they
 * allocate or dispatch, so a cell stuck in engine work stops at the next op.
 */
let check: (() => void) | null = null;

/** Sets (or with null, clears) the function ops call before their work; it throws to stop them. */
export function setInterruptCheck(fn: (() => void) | null): void {
  check = fn;
}

/** Throws whatever the host's check throws; does nothing when no check is set. */
export function checkInterrupt(): void {
  if (check !== null) check();
}

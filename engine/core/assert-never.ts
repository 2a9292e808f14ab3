/**
 * The end of an exhaustive switch over a union: `x` has type never once every case is handled,
 * so a case added to the union and missed by the switch is a type error here.
 */
export function assertNever(x: never): never {
  throw new Error(`internal: unhandled case ${JSON.stringify(x)}`);
}

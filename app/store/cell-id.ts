/** A new nbformat-compatible cell id (letters, digits, `-`, `_`). */
export function newCellId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Kernel names as Inductor names them: the ops a fused kernel runs, in order (`fused_mul_add_relu`). */
export function joinOps(ops: readonly string[]): string {
  const unique = ops.filter((op, i) => ops.indexOf(op) === i);
  if (unique.length === 0) return 'copy';
  const shown = unique.slice(0, 6).join('_');
  return unique.length > 1 ? `fused_${shown}` : shown;
}

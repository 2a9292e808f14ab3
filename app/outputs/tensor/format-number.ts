/** A short number for labels: 4 significant digits, exponent form for very large or small magnitudes. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs >= 1e5 || abs < 1e-3) return v.toExponential(2);
  return Number(v.toPrecision(4)).toString();
}

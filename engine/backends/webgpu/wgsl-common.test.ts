/** Kernel sources carry only the helpers they call, with what those helpers call in turn. */
import { describe, expect, it } from 'vitest';
import { PRELUDE, withHelpers } from './wgsl-common';

describe('withHelpers', () => {
  it('includes the helpers a kernel calls and their dependencies, and nothing else', () => {
    const code = withHelpers(`${PRELUDE}\nfn main() { let y = wick_log1p(1.0); }`);
    for (const name of ['fn wick_log1p', 'fn wick_log(', 'fn wick_nan', 'fn wick_inf', 'var<private> wick_nan_bits', 'var<private> wick_inf_bits'])
      expect(code).toContain(name);
    for (const name of ['wick_erf', 'wick_sincos', 'wick_pow', 'wick_sqrt']) expect(code).not.toContain(name);
    expect(code.indexOf('fn wick_log(')).toBeLessThan(code.indexOf('fn wick_log1p'));
  });

  it('keeps a helper’s comment with it and leaves code without the mark alone', () => {
    expect(withHelpers(`${PRELUDE}\nlet s = wick_sincos(x, true);`)).toContain('// sin and cos with Cody–Waite');
    expect(withHelpers('fn main() {}')).toBe('fn main() {}');
    expect(withHelpers(`${PRELUDE}\nfn main() {}`).trim()).toBe('fn main() {}');
  });
});

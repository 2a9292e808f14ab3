import { describe, expect, it } from 'vitest';
import { textTail } from './TextOutput';

describe('textTail', () => {
  it('keeps the last lines and counts the hidden ones', () => {
    const text = Array.from({ length: 10_000 }, (_, i) => `line ${i}`).join('\n');
    const { tail, hidden } = textTail(text, 1000);
    expect(hidden).toBe(9000);
    expect(tail.split('\n')).toHaveLength(1000);
    expect(tail.startsWith('line 9000\n')).toBe(true);
    expect(tail.endsWith('line 9999')).toBe(true);
  });

  it('hides nothing in text that fits', () => {
    expect(textTail('a\nb', 2)).toEqual({ tail: 'a\nb', hidden: 0 });
    expect(textTail('a\nb\nc', 2)).toEqual({ tail: 'b\nc', hidden: 1 });
    expect(textTail('', 2)).toEqual({ tail: '', hidden: 0 });
  });
});

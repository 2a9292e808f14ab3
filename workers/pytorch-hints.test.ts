import { describe, expect, it } from 'vitest';
import { errorReport } from './error-report';
import { editorHint, runtimeHint, withHint } from './pytorch-hints';

describe('hints for PyTorch habits', () => {
  it('reads TypeScript diagnostics in the editor', () => {
    expect(editorHint("Property 'no_grad' does not exist on type '{ init: ...; }'.", 2339)).toContain('torch.noGrad(() => ...)');
    expect(editorHint("Property 'long' does not exist on type 'Tensor'.", 2339)).toContain('x.int() (int32)');
    const index =
      "Element implicitly has an 'any' type because expression of type '0' can't be used to index type 'Tensor'.\n  Property '0' does not exist on type 'Tensor'.";
    expect(editorHint(index, 7053)).toContain("x.index('0')");
    expect(editorHint("Property 'no_such_method' does not exist on type 'Tensor'.", 2339)).toBeNull();
    expect(editorHint("Cannot find name 'long'.", 2304)).toBeNull();
  });

  it('reads the errors cells raise when they run', () => {
    expect(runtimeHint('torch.no_grad is not a function')).toContain('torch.noGrad(() => ...)');
    expect(runtimeHint('x.long is not a function')).toContain('x.int() (int32)');
    expect(runtimeHint("Cannot read properties of undefined (reading 'item')")).toContain("x.index('0')");
    expect(runtimeHint('x.matmull is not a function')).toBeNull();
  });

  it('appends a hint once, on its own line', () => {
    const hint = runtimeHint('torch.no_grad is not a function');
    const once = withHint('torch.no_grad is not a function', hint);
    expect(once).toBe(`torch.no_grad is not a function\n${hint}`);
    expect(withHint(once, hint)).toBe(once);
    expect(withHint('other', null)).toBe('other');
  });

  it('are in the error a cell shows when it raised a TypeError', () => {
    const report = errorReport(new TypeError('torch.no_grad is not a function'), null, () => undefined);
    expect(report).toMatchObject({ type: 'error', name: 'TypeError', message: `torch.no_grad is not a function\n${runtimeHint('no_grad is not a function')}` });
    expect(errorReport(new RangeError('x.long is not a function'), null, () => undefined)).toMatchObject({ message: 'x.long is not a function' });
  });
});

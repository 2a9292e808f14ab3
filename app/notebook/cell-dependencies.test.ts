import { describe, expect, it } from 'vitest';
import { compileCell } from '../../workers/cell-compiler';
import { dependentsOf, usedNames, type AnalyzedCell } from './cell-dependencies';

/** Cells as the stale tracker analyzes them: declared names from the kernel's compiler. */
function analyze(sources: Record<string, string>): AnalyzedCell[] {
  return Object.entries(sources).map(([id, source]) => ({ id, declared: compileCell(source, `${id}.ts`).declared, used: usedNames(source) }));
}

describe('usedNames', () => {
  it('lists identifiers read, not properties, keywords, strings, comments or declared names', () => {
    const used = usedNames(
      [
        'const loss = net.forward(X).sub(y).square().mean(); // not: commented',
        '/* nor: blockComment */ let s = "quoted words" + \'single\';',
        'function train(steps: number) { return opt?.step(); }',
        'class Net extends nn.Module {}',
      ].join('\n'),
    );
    expect([...used].sort()).toEqual(['X', 'net', 'nn', 'number', 'opt', 'steps', 'y']);
  });

  it('reads the code inside template literals, nested ones included, and not their text', () => {
    const used = usedNames('console.log(`loss ${loss.item()} at ${`step ${step}`} of total`); const after = done;');
    expect([...used].sort()).toEqual(['console', 'done', 'loss', 'step']);
  });

  it('reads names after regular-expression-free arithmetic and object literals', () => {
    const used = usedNames('const o = { lr: rate, momentum }; o.lr * 2.5e-3 / count');
    expect([...used].sort()).toEqual(['count', 'lr', 'momentum', 'o', 'rate']);
  });
});

describe('dependentsOf', () => {
  const cells = analyze({
    data: 'const X = torch.randn([8, 4]);\nconst y = torch.randn([8, 1]);',
    model: 'const net = new nn.Linear(4, 1);\nconst opt = new optim.SGD(net.parameters(), { lr: 0.1 });',
    train: 'for (let i = 0; i < 10; i++) { const loss = net.forward(X).sub(y).square().mean(); opt.zeroGrad(); loss.backward(); opt.step(); }',
    unrelated: 'const greeting = "hello";',
    report: 'display(net)',
    uses: 'greeting.length',
  });

  it('finds the cells that use a name the changed cell declares, and through which names', () => {
    expect(dependentsOf(cells, 'data')).toEqual([{ id: 'train', names: ['X', 'y'] }]);
    expect(dependentsOf(cells, 'model')).toEqual([
      { id: 'train', names: ['net', 'opt'] },
      { id: 'report', names: ['net'] },
    ]);
    expect(dependentsOf(cells, 'unrelated')).toEqual([{ id: 'uses', names: ['greeting'] }]);
  });

  it('has no dependents for a cell that declares nothing, the last cell, or a cell not in the notebook', () => {
    expect(dependentsOf(cells, 'train')).toEqual([]);
    expect(dependentsOf(cells, 'uses')).toEqual([]);
    expect(dependentsOf(cells, 'missing')).toEqual([]);
  });

  it('is transitive: a cell using a name of a dependent depends too', () => {
    const chain = analyze({ a: 'const a = 1;', b: 'const b = a + 1;', c: 'const c = b * 2;', d: 'const d = 5;' });
    expect(dependentsOf(chain, 'a').map((d) => d.id)).toEqual(['b', 'c']);
  });

  it('stops at a later cell that declares the name again without using it', () => {
    const shadowed = analyze({ a: 'let x = 1;', b: 'x = 2; const y = 3;', c: 'let x = 10;', d: 'x + 1' });
    // b assigns x (a use of the name) so it depends on a; c declares x afresh, so d reads c's x.
    expect(dependentsOf(shadowed, 'a').map((d) => d.id)).toEqual(['b']);
  });

  it('uses the declarations given for the changed cell (what it declared when it ran, as well as now)', () => {
    const renamed = analyze({ a: 'const renamed = 1;', b: 'original + 1' });
    expect(dependentsOf(renamed, 'a')).toEqual([]);
    expect(dependentsOf(renamed, 'a', ['renamed', 'original'])).toEqual([{ id: 'b', names: ['original'] }]);
  });
});

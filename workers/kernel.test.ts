// Cell programs in, outputs out: the kernel as the page sees it (messages), on the CPU device.
import { beforeAll, describe, expect, it } from 'vitest';
import { torch } from '../engine';
import type { Kernel } from './kernel';
import { testKernel } from './kernel-testing';
import { MAX_LINES } from './output-stream';

beforeAll(async () => {
  await torch.init({ backend: 'cpu' });
});

interface Case {
  name: string;
  /** Cells run in order in one kernel; all but the last must succeed. */
  cells: string[];
  /** What the last cell shows. */
  shows: (string | RegExp)[];
}

const cases: Case[] = [
  // Every declaration form, seen by later cells.
  { name: 'const', cells: ['const a = 20', 'a + 1'], shows: ['result: 21'] },
  { name: 'let, assigned in a later cell', cells: ['let b = 1', 'b = b + 1', 'b'], shows: ['result: 2'] },
  { name: 'var', cells: ['var v = "x"', 'v.repeat(3)'], shows: ['result: xxx'] },
  { name: 'function, called before its declaration', cells: ['const r = sq(3)\nfunction sq(n: number) { return n * n }', 'r + sq(2)'], shows: ['result: 13'] },
  { name: 'async function', cells: ['async function later(): Promise<number> { return 5 }', 'await later()'], shows: ['result: 5'] },
  { name: 'generator function', cells: ['function* count() { yield 1; yield 2 }', '[...count()]'], shows: ['result: [1, 2]'] },
  {
    name: 'class',
    cells: ['class Point { constructor(public x: number, public y: number) {} norm() { return Math.hypot(this.x, this.y) } }', 'new Point(3, 4).norm()'],
    shows: ['result: 5'],
  },
  {
    name: 'object destructuring with renames, defaults and rest',
    cells: ['const { p, q: renamed, z = 9, ...others } = { p: 1, q: 2, s: 3 }', '[p, renamed, z, others.s]'],
    shows: ['result: [1, 2, 9, 3]'],
  },
  {
    name: 'array destructuring with holes and rest',
    cells: ['let [first, , third = 30, ...tail] = [1, 2, undefined, 4, 5]', '[first, third, tail]'],
    shows: ['result: [1, 30, [4, 5]]'],
  },
  { name: 'nested destructuring', cells: ['const { inner: { deep: [d0] } } = { inner: { deep: [7] } }', 'd0'], shows: ['result: 7'] },
  { name: 'several declarators, some without initializer', cells: ['let m1 = 1, m2, m3 = m1 + 1', '[m1, m2, m3]'], shows: ['result: [1, undefined, 2]'] },
  { name: 'enum and typed declarations', cells: ['enum Mode { Train, Eval }\nconst mode: Mode = Mode.Eval', 'Mode[mode]'], shows: ['result: Eval'] },

  // Re-runs redeclare without error.
  { name: 're-running const', cells: ['const again = 1', 'const again = 2', 'again'], shows: ['result: 2'] },
  { name: 're-running a class', cells: ['class K { v = 1 }', 'class K { v = 2 }', 'new K().v'], shows: ['result: 2'] },
  {
    name: 're-running a function updates earlier callers',
    cells: ['function f() { return 1 }', 'const g = () => f()', 'function f() { return 2 }', 'g()'],
    shows: ['result: 2'],
  },
  { name: 'let after var of the same name', cells: ['var same = 1', 'let same = 2', 'same'], shows: ['result: 2'] },

  // Top-level await.
  { name: 'await in a declaration', cells: ['const t = await Promise.resolve(4)', 't * 2'], shows: ['result: 8'] },
  { name: 'await a timer', cells: ['await new Promise((r) => setTimeout(r, 5))\n"slept"'], shows: ['result: slept'] },
  {
    name: 'for await at the top level',
    cells: ['async function* ticks() { yield 1; yield 2 }\nlet sum = 0\nfor await (const t of ticks()) sum += t\nsum'],
    shows: ['result: 3'],
  },

  // The last expression statement's value.
  { name: 'no output when the value is undefined', cells: ['const nothing = 1'], shows: [] },
  { name: 'no output for undefined, even as an expression', cells: ['void 0'], shows: [] },
  { name: 'the last expression, not an earlier one', cells: ['"first";\n"last"'], shows: ['result: last'] },
  { name: 'an array value stays text', cells: ['[1, 2, 3]'], shows: ['result: [1, 2, 3]'] },
  { name: 'an array of objects is a table', cells: ["[{ name: 'a', acc: 0.9 }, { name: 'b', loss: 2 }]"], shows: ['table name acc loss (2 rows)'] },
  { name: 'a string shows as its text, lines kept', cells: ['"one\\ntwo"'], shows: ['result: one\ntwo'] },
  { name: 'a tensor value', cells: ['torch.tensor([[1, 2], [3, 4]]).sum(0)'], shows: ['tensor [2] float32 cpu: tensor([4., 6.])'] },
  {
    name: 'a module value shows its tree',
    cells: ['new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2))'],
    shows: ['module Sequential (23 parameters, 3 children)'],
  },

  // display(...)
  {
    name: 'display shows each value in order',
    cells: ['display(1, "two")\ndisplay({ three: 3 })'],
    shows: ['result: 1', 'result: two', 'result: { three: 3 }'],
  },
  { name: 'display of numbers plots them', cells: ['display([1, 4, 9])'], shows: ['plot value[3]'] },
  {
    name: 'plot with x values redraws the same chart as y grows',
    cells: [
      'const ys: number[] = []\nconst xs: number[] = []\nfor (let s = 0; s < 3; s++) { ys.push(s * s); xs.push(5 * s); plot(ys, { x: xs, xLabel: "step" }) }',
    ],
    shows: ['plot value[3]'],
  },
  {
    name: 'a bad plot option is an error at its line',
    cells: ['const accuracy = [0.9, 0.8]\nplot(accuracy, { x: ["0", "1", "2"], mark: "bar" })'],
    shows: ['RangeError at 2:1: plot: x has 3 values but y has 2: give one x per value'],
  },
  { name: 'display of a tensor', cells: ['display(torch.ones([2]))'], shows: ['tensor [2] float32 cpu: tensor([1., 1.])'] },
  {
    name: 'display of a user module',
    cells: ['class Net extends nn.Module { fc = new nn.Linear(2, 1); forward(x: Tensor) { return this.fc(x) } }\ndisplay(new Net())'],
    shows: ['module Net (3 parameters, 1 children)'],
  },

  // Console output, in order with everything else.
  {
    name: 'console streams in call order',
    cells: ['console.log("a")\ndisplay(2)\nconsole.warn("b")\nconsole.log("c")\n"d"'],
    shows: ['stdout: a', 'result: 2', 'stderr: b', 'stdout: c', 'result: d'],
  },
  {
    name: 'a tensor logged before text stays before it',
    cells: ['console.log("x =", torch.tensor([1, 2]))\nconsole.log("after")'],
    shows: ['stdout: x = tensor([1., 2.])\nafter'],
  },
  { name: 'console format specifiers', cells: ['console.log("%s has %d items (%i%%)", "list", 3.7, 50)'], shows: ['stdout: list has 3 items (50%)'] },
  { name: 'console.error is stderr', cells: ['console.error("bad", { code: 1 })'], shows: ['stderr: bad { code: 1 }'] },

  // progress(...)
  { name: 'progress over a count', cells: ['let total = 0\nfor (const i of progress(5)) total += i\ntotal'], shows: ['progress 5/5 done', 'result: 10'] },
  {
    name: 'progress over an array with a label, cut short',
    cells: ['for (const x of progress(["a", "b", "c"], { label: "letters" })) { if (x === "b") break }'],
    shows: ['progress letters 1/3 stopped'],
  },

  // Errors: message, and the line and column in the cell as written.
  {
    name: 'a runtime error',
    cells: ['const ok = 1\nconst nope: any = null\nnope.field'],
    shows: ["TypeError at 3:6: Cannot read properties of null (reading 'field')"],
  },
  {
    name: 'an error after types on the same line',
    cells: ['const n: Array<number> = [1]; const bad: number = (n as any).missing.x'],
    shows: ["TypeError at 1:70: Cannot read properties of undefined (reading 'x')"],
  },
  {
    name: 'an error thrown inside a loop',
    cells: ['for (let i: number = 0; i < 3; i++) {\n  if (i === 2) throw new RangeError(`at ${i}`)\n}'],
    shows: ['RangeError at 2:22: at 2'],
  },
  { name: 'an engine error points at the call', cells: ['const u = torch.ones([2])\nconst w = u.add(torch.ones([3]))'], shows: [/^WickError at 2:13: add: /] },
  {
    name: 'explain names the cell line of a graph break',
    cells: [
      'async function scaled(x: Tensor) {\n  const y = x.mul(2)\n  const s = await y.sum().item()\n  return y.div(s)\n}',
      '(await torch.explain(scaled, torch.ones([3]))).breakReasons.map((b) => b.location)',
    ],
    shows: ['result: ["In [1], line 3"]'],
  },
  {
    name: 'a profile names the cell line of each kernel',
    cells: [
      'const x = torch.ones([3])\nconst p = await torch.profile(() => {\n  x.exp()\n}, { withStack: true })',
      'p.kernels.map((k) => `${k.op} ${k.line}`)',
    ],
    shows: ['result: ["Tensor.exp In [1], line 3"]'],
  },
  { name: 'a syntax error', cells: ['const fine = 1\nconst = 2'], shows: [/^SyntaxError at 2:7: /] },
  { name: 'an import', cells: ['const before = 1\nimport x from "y"'], shows: [/^SyntaxError at 2:1: import and export are not available/] },
  { name: 'a thrown non-error', cells: ['throw { code: 7 }'], shows: ['Error at null:null: Uncaught { code: 7 }'] },
];

describe('cells', () => {
  it.each(cases)('$name', async ({ cells, shows }) => {
    const { run } = testKernel();
    for (const source of cells.slice(0, -1)) expect((await run(source)).shown).not.toContainEqual(expect.stringMatching(/Error/));
    const result = await run(cells[cells.length - 1]);
    expect(result.shown).toHaveLength(shows.length);
    result.shown.forEach((line, i) => expect(line).toMatch(shows[i] instanceof RegExp ? shows[i] : new RegExp(`^${escape(shows[i])}$`)));
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('runs', () => {
  it('keeps what earlier cells defined when a cell fails', async () => {
    const { run } = testKernel();
    await run('const kept = 1');
    expect((await run('kept + missing')).ok).toBe(false);
    expect((await run('kept')).shown).toEqual(['result: 1']);
  });

  it('names the cell of a frame in a function an earlier cell defined', async () => {
    const { run } = testKernel();
    await run('function explode(n: number) {\n  return n.toFixed(-1)\n}');
    const { outputs } = await run('const y = 1\nexplode(y)');
    expect(outputs).toMatchObject([
      { type: 'error', name: 'RangeError', line: 2, column: 1, stack: ['at explode (In [1], line 2, column 12)', 'at line 2, column 1'] },
    ]);
  });

  it('reports its stats: kernels dispatched, GPU time unknown, wall time', async () => {
    const { run } = testKernel();
    const { stats } = await run('torch.ones([4]).add(1).mul(2)');
    expect(stats.kernels).toBeGreaterThanOrEqual(2);
    expect(stats.gpuMs).toBeNull();
    expect(stats.wallMs).toBeGreaterThanOrEqual(0);
    // The CPU compiles no shaders: nothing for GPU time to include.
    expect(stats.shadersCompiled).toBe(0);
    expect((await run('1 + 1')).stats.kernels).toBe(0);
  });

  it('sends a progress bar at most every 100 ms of its clock, and once at the end', async () => {
    const { run } = testKernel();
    const { outputs } = await run('for (const i of progress(200)) tick(5)');
    const bars = outputs.filter((o) => o.type === 'progress');
    expect(bars.length).toBeLessThanOrEqual(2 + (200 * 5) / 100);
    expect(bars.at(-1)).toMatchObject({ done: 200, total: 200, state: 'done', elapsedMs: 1000 });
  });

  it('coalesces a flood of console lines into few messages, in order', async () => {
    const { run } = testKernel();
    const { outputs, shown: lines } = await run('for (let i = 0; i < 3000; i++) console.log(i)');
    expect(outputs.length).toBeLessThan(10);
    expect(lines).toEqual([`stdout: ${Array.from({ length: 3000 }, (_, i) => i).join('\n')}`]);
  });

  it("cuts a cell's console output past MAX_LINES lines and says so", async () => {
    const { run } = testKernel();
    const { shown: lines } = await run(`for (let i = 0; i < ${MAX_LINES + 1000}; i++) console.log(i)`);
    const text = lines[0].split('\n');
    expect(text).toHaveLength(MAX_LINES + 1);
    expect(text[MAX_LINES]).toMatch(/cut here/);
  });

  it('shows an error a timer throws after its cell finished under that cell', async () => {
    const { kernel, messages, run } = testKernel();
    await run('setTimeout(() => { throw new Error("late") }, 1)');
    await new Promise<void>((resolve) => {
      const onError = (error: unknown) => {
        process.off('uncaughtException', onError);
        kernel.reportUncaught(error);
        resolve();
      };
      process.on('uncaughtException', onError);
    });
    expect(messages.at(-1)).toMatchObject({
      type: 'output',
      cellId: 'c1',
      output: { type: 'error', message: 'late', stack: ['at In [1], line 1, column 26'] },
    });
  });

  it('completes names from the live scope and members along a path', async () => {
    const { kernel, messages, run } = testKernel();
    await run(
      'const model = new nn.Sequential(new nn.Linear(2, 2))\nconst losses = [1, 2]\nconst xs = torch.zeros([3, 2])\nconst holder = { _secret: 1, open: 2 }',
    );
    kernel.complete(1, 'los', 3);
    kernel.complete(2, 'model.par', 9);
    kernel.complete(3, 'xs.resh', 7);
    kernel.complete(4, 'tor', 3);
    kernel.complete(5, 'model.', 6);
    kernel.complete(6, 'holder.', 7);
    kernel.complete(7, 'holder._', 8);
    const answers = messages.flatMap((m) => (m.type === 'completions' ? [m] : []));
    expect(answers[0]).toMatchObject({ requestId: 1, from: 0, items: [{ label: 'losses', kind: 'variable', detail: 'array (2)' }] });
    expect(answers[1].items.map((i) => i.label)).toContain('parameters');
    expect(answers[1].from).toBe(6);
    expect(answers[2].items.map((i) => i.label)).toEqual(['reshape']);
    expect(answers[3].items[0]).toMatchObject({ label: 'torch', kind: 'variable' });
    // A module's members: its methods, no Function members, no internals until `_` is typed.
    const members = answers[4].items.map((i) => i.label);
    expect(members).toEqual(expect.arrayContaining(['forward', 'parameters', 'zeroGrad']));
    for (const noise of ['bind', 'call', 'caller', 'arguments']) expect(members).not.toContain(noise);
    expect(answers[5].items.map((i) => i.label)).toEqual(['open']);
    expect(answers[6].items.map((i) => i.label)).toEqual(['_secret']);
  });
});

/** Raises the kernel's shared interrupt flag from another thread after `ms`, as the page does. */
async function interruptAfter(kernel: Kernel, ms: number): Promise<void> {
  const { Worker } = await import('node:worker_threads');
  const flag = new SharedArrayBuffer(4);
  kernel.signal.useSharedFlag(flag);
  const code = `const { workerData } = require('node:worker_threads');
    const flag = new Int32Array(workerData.flag);
    Atomics.wait(flag, 0, 0, workerData.ms);
    Atomics.store(flag, 0, 1);`;
  const thread = new Worker(code, { eval: true, workerData: { flag, ms } });
  thread.unref();
}

describe('interrupt', () => {
  it('stops a loop that never yields, at the loop, and keeps earlier names', async () => {
    const { kernel, run } = testKernel();
    await run('let n = 41;');
    await interruptAfter(kernel, 50);
    const stopped = await run('while (true) { n = n; }');
    expect(stopped).toMatchObject({ ok: false, interrupted: true });
    expect(stopped.shown).toEqual([expect.stringMatching(/^InterruptError at 1:8: Interrupted/)]);
    new Int32Array((kernel.signal as unknown as { shared: Int32Array }).shared.buffer)[0] = 0; // the page clears it before the next run
    expect((await run('n + 1')).shown).toEqual(['result: 42']);
  });

  it('stops a loop inside a function an earlier cell defined', async () => {
    const { kernel, run } = testKernel();
    await run('function spin(): number {\n  let i = 0\n  for (;;) i++\n}');
    await interruptAfter(kernel, 50);
    const stopped = await run('spin()');
    expect(stopped.interrupted).toBe(true);
    expect(stopped.outputs[0]).toMatchObject({ line: 1, column: 1, stack: ['at spin (In [1], line 3, column 9)', 'at line 1, column 1'] });
  });

  it('stops engine work between ops where no loop guard reaches', async () => {
    const { kernel, run } = testKernel();
    await interruptAfter(kernel, 50);
    const stopped = await run('const one = torch.ones([1])\nArray.from({ length: 1e8 }, () => one.add(1))');
    expect(stopped.interrupted).toBe(true);
    expect(stopped.outputs[0]).toMatchObject({ name: 'InterruptError', line: 2 });
  });

  it('stops a cell that awaits forever when asked by message', async () => {
    const { kernel, run } = testKernel();
    await run('const before = "kept"');
    const running = run('await new Promise(() => {})');
    setTimeout(() => kernel.interrupt(), 20);
    expect(await running).toMatchObject({ ok: false, interrupted: true });
    kernel.prepareRun();
    expect((await run('before')).shown).toEqual(['result: kept']);
  });

  it('forgets an interrupt once a new run is asked for', async () => {
    const { kernel, run } = testKernel();
    kernel.interrupt();
    kernel.prepareRun();
    expect((await run('let s = 0\nfor (let i = 0; i < 3; i++) s += i\ns')).shown).toEqual(['result: 3']);
  });
});

// plot(y, options): the bundle each documented form makes, and the error each bad option gives.
import { describe, expect, it } from 'vitest';
import { plotCallBundle } from './plot-bundle';

describe('plot(y, options)', () => {
  it('keeps the plain forms: an array is one series over the index, an object one series per name', () => {
    expect(plotCallBundle([3, 1, 2])).toMatchObject({ type: 'plot', series: [{ name: 'value', values: [3, 1, 2] }] });
    const bundle = plotCallBundle({ train: [1, 0.5], test: [2] });
    expect(bundle).toMatchObject({
      series: [
        { name: 'train', values: [1, 0.5] },
        { name: 'test', values: [2] },
      ],
    });
    expect(Object.keys(bundle).sort()).toEqual(['displayId', 'series', 'type']);
  });

  it('sends x, labels, marks and log scales as plain numbers and strings', () => {
    expect(plotCallBundle([0.9, 0.95], { x: ['0', '1'], mark: 'bar', xLabel: 'digit', yLabel: 'accuracy', title: 'per digit' })).toEqual({
      type: 'plot',
      displayId: expect.any(String),
      series: [{ name: 'value', values: [0.9, 0.95], mark: 'bar' }],
      x: ['0', '1'],
      xLabel: 'digit',
      yLabel: 'accuracy',
      title: 'per digit',
    });
    const sizes = [16, 32, 64];
    expect(plotCallBundle({ cpu: [0.1, 0.5, 3], webgpu: [1, 1, 1.2] }, { x: sizes, logX: true, logY: true, marks: { webgpu: 'scatter' } })).toEqual({
      type: 'plot',
      displayId: expect.any(String),
      series: [
        { name: 'cpu', values: [0.1, 0.5, 3] },
        { name: 'webgpu', values: [1, 1, 1.2], mark: 'scatter' },
      ],
      x: sizes,
      logX: true,
      logY: true,
    });
  });

  it('copies the arrays, and plotting the same y again keeps its displayId (a live chart)', () => {
    const losses = [1];
    const steps = [0];
    const first = plotCallBundle(losses, { x: steps });
    losses.push(0.5);
    steps.push(5);
    const second = plotCallBundle(losses, { x: steps });
    expect(first).toMatchObject({ series: [{ values: [1] }], x: [0] });
    expect(second).toMatchObject({ series: [{ values: [1, 0.5] }], x: [0, 5] });
    expect((second as { displayId: string }).displayId).toBe((first as { displayId: string }).displayId);
    expect((plotCallBundle([1, 0.5]) as { displayId: string }).displayId).not.toBe((first as { displayId: string }).displayId);
  });

  it.each([
    ['an x of another length', [1, 2, 3], { x: [0, 5] }, 'plot: x has 2 values but y has 3: give one x per value'],
    ['a series of another length than x', { a: [1, 2], b: [1] }, { x: [0, 1] }, "plot: x has 2 values but series 'b' has 1"],
    ['a mix of numbers and labels in x', [1, 2], { x: [0, 'a'] }, 'plot: x must be all finite numbers or all labels (strings)'],
    ['an unknown mark', [1, 2], { mark: 'area' }, "plot: mark 'area' is not a mark: use 'line', 'scatter' or 'bar'"],
    ['a mark for a series that does not exist', { a: [1] }, { marks: { b: 'bar' } }, "plot: marks names series 'b', but the series are 'a'"],
    ['a misspelt option', [1], { xlabel: 'step' }, "plot: unknown option 'xlabel'; the options are x, mark, marks, title, xLabel, yLabel, logX, logY"],
    ['a zero on a log y axis', { a: [1], b: [2, 0] }, { logY: true }, "plot: logY needs values above 0, and series 'b'[1] is 0"],
    ['a negative x on a log x axis', [1, 2], { x: [-1, 1], logX: true }, 'plot: logX needs x values above 0, and x[0] is -1'],
    ['a log x axis over the index', [1, 2], { logX: true }, 'plot: logX needs x values above 0, and the default x (0, 1, 2, …) starts at 0: pass x'],
    ['a log x axis over labels', [1, 2], { x: ['a', 'b'], logX: true }, 'plot: logX needs numeric x, not labels'],
    ['a label that is not a string', [1], { xLabel: 3 }, 'plot: xLabel must be a string, not 3'],
    ['a log flag that is not a boolean', [1], { logY: 'yes' }, "plot: logY must be true or false, not 'yes'"],
    ['options that are not an object', [1], 'bar', "plot: options must be an object such as { x, xLabel, mark: 'bar' }, not 'bar'"],
  ])('refuses %s', (_what, y, options, message) => {
    expect(() => plotCallBundle(y, options)).toThrow(message);
  });

  it('refuses a y it cannot draw, saying what it got', () => {
    const form = 'plot(y, options): y must be an array of numbers or an object of named arrays of numbers';
    expect(() => plotCallBundle([])).toThrow(`${form}, and y is empty`);
    expect(() => plotCallBundle([1, '2'])).toThrow(`${form}; y[1] is '2'`);
    expect(() => plotCallBundle({ a: [1], b: 'x' })).toThrow(`${form}; series 'b' is 'x'`);
    expect(() => plotCallBundle(3)).toThrow(`${form}, not 3`);
  });
});

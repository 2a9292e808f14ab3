import { describe, expect, it } from 'vitest';
import { fitView, MAX_SCALE, MIN_SCALE, overflows, wheelFactor, zoomAt } from './zoom';

describe('graph zoom', () => {
  it('fits a graph larger than the box, centred, and never enlarges a small one', () => {
    expect(fitView({ width: 1000, height: 400 }, { width: 500, height: 400 })).toEqual({ k: 0.5, x: 0, y: 100 });
    expect(fitView({ width: 100, height: 50 }, { width: 500, height: 400 })).toEqual({ k: 1, x: 200, y: 175 });
    expect(fitView({ width: 0, height: 0 }, { width: 500, height: 400 })).toEqual({ k: 1, x: 0, y: 0 });
  });

  it('says when the content overflows the box', () => {
    expect(overflows({ width: 501, height: 10 }, { width: 500, height: 400 })).toBe(true);
    expect(overflows({ width: 10, height: 401 }, { width: 500, height: 400 })).toBe(true);
    expect(overflows({ width: 500, height: 400 }, { width: 500, height: 400 })).toBe(false);
  });

  it('zooms about a point, which stays where it is, within the scale limits', () => {
    const view = zoomAt({ k: 1, x: 10, y: 20 }, 2, { x: 110, y: 120 });
    expect(view).toEqual({ k: 2, x: -90, y: -80 });
    // The content point under (110, 120) before is under it after: (110 - 10) / 1 = (110 + 90) / 2.
    expect((110 - view.x) / view.k).toBe(100);
    expect(zoomAt({ k: 1, x: 0, y: 0 }, 1000, { x: 0, y: 0 }).k).toBe(MAX_SCALE);
    expect(zoomAt({ k: 1, x: 0, y: 0 }, 0.0001, { x: 0, y: 0 }).k).toBe(MIN_SCALE);
  });

  it('zooms in for a wheel turned up and out for one turned down', () => {
    expect(wheelFactor(-100)).toBeGreaterThan(1);
    expect(wheelFactor(100)).toBeLessThan(1);
    expect(wheelFactor(100000)).toBe(wheelFactor(100));
  });
});

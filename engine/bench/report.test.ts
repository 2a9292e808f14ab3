/** A bench run rewrites RESULTS.md but keeps its hand-written sections. */
import { describe, expect, it } from 'vitest';
import { HAND_WRITTEN_HEADING, handWrittenPart, type Side } from './report';
import { targetLines } from './targets';
import { caseWanted } from './harness';

describe('handWrittenPart', () => {
  it('keeps everything from the hand-written heading on', () => {
    const previous = `# Benchmark results\n\n## Wick's own rows\n\n| a |\n\n${HAND_WRITTEN_HEADING} (analysis)\n\nRun 1 ...\n\n## Figures moved from code comments\n\n- one\n`;
    expect(handWrittenPart(previous)).toBe(`\n${HAND_WRITTEN_HEADING} (analysis)\n\nRun 1 ...\n\n## Figures moved from code comments\n\n- one\n`);
  });

  it('is empty for a file without one', () => {
    expect(handWrittenPart('# Benchmark results\n\n## Reading these numbers\n')).toBe('');
  });
});

// ---- per-sample gradients (#24) ----
describe('targetLines: per-sample gradients', () => {
  const side = (name: string, ms: Record<string, number> | null): Side => ({ name, info: '', result: ms ? { ms, notes: {}, checks: {} } : null, missing: 'x' });
  const lines = (ms: Record<string, number>) =>
    targetLines({ wick: side('Wick', ms), tfjs: side('TF.js', null), jax: side('jax-js', null), pytorch: side('PyTorch', null) }).filter((l) =>
      l.includes('per-sample'),
    );

  it('reads vmap against the loop (20x) and compiled against vmap (2x) from the Wick side times', () => {
    const [vmap, compiled] = lines({ 'psg-loop': 100, 'psg-vmap': 4, 'psg-compiled': 1 });
    expect(vmap).toMatch(/^- met: .*25\.0x/);
    expect(compiled).toMatch(/^- met: .*4\.00x/);
  });

  it('says missed, and not measured when a case is absent', () => {
    const [vmap, compiled] = lines({ 'psg-loop': 100, 'psg-vmap': 10 });
    expect(vmap).toMatch(/^- missed \(by 50\.0%\): .*10\.0x/);
    expect(compiled).toMatch(/^- not measured: /);
  });
});

describe('caseWanted (WICK_BENCH_CASES)', () => {
  it('keeps every case when unset, and only ids with a listed prefix when set', () => {
    const before = process.env.WICK_BENCH_CASES;
    try {
      delete process.env.WICK_BENCH_CASES;
      expect(caseWanted('mm-64x64x64')).toBe(true);
      process.env.WICK_BENCH_CASES = 'psg-,mlp-step';
      expect(['psg-loop', 'psg-compiled', 'mlp-step', 'mm-64x64x64', 'cnn-step'].map(caseWanted)).toEqual([true, true, true, false, false]);
    } finally {
      if (before === undefined) delete process.env.WICK_BENCH_CASES;
      else process.env.WICK_BENCH_CASES = before;
    }
  });
});

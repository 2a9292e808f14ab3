/** A bench run rewrites RESULTS.md but keeps its hand-written sections. */
import { describe, expect, it } from 'vitest';
import { HAND_WRITTEN_HEADING, handWrittenPart } from './report';

describe('handWrittenPart', () => {
  it('keeps everything from the hand-written heading on', () => {
    const previous = `# Benchmark results\n\n## Wick's own rows\n\n| a |\n\n${HAND_WRITTEN_HEADING} (analysis)\n\nRun 1 ...\n\n## Figures moved from code comments\n\n- one\n`;
    expect(handWrittenPart(previous)).toBe(`\n${HAND_WRITTEN_HEADING} (analysis)\n\nRun 1 ...\n\n## Figures moved from code comments\n\n- one\n`);
  });

  it('is empty for a file without one', () => {
    expect(handWrittenPart('# Benchmark results\n\n## Reading these numbers\n')).toBe('');
  });
});

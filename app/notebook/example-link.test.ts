import { describe, expect, it } from 'vitest';
import { exampleLinkFile } from './example-link';

const PAGE = 'https://wick.example/app/?new';

describe('exampleLinkFile', () => {
  it('reads the example file of a link to ?open=examples/<file>.ipynb on this page', () => {
    expect(exampleLinkFile('?open=examples/eager.ipynb', PAGE)).toBe('eager.ipynb');
    expect(exampleLinkFile('https://wick.example/app/?open=examples/digits-training.ipynb', PAGE)).toBe('digits-training.ipynb');
  });

  it('is null for any other link', () => {
    for (const href of [
      'https://other.example/app/?open=examples/eager.ipynb',
      '/elsewhere/?open=examples/eager.ipynb',
      '?open=https://evil.example/x.ipynb',
      '?open=examples/../secret.ipynb',
      '?open=examples/sub/eager.ipynb',
      '?open=examples/eager.json',
      '?open=examples/eager.ipynb&x=1',
      '?open=examples/eager.ipynb#nb=v1.abc',
      'javascript:alert(1)',
      'https://pytorch.org/',
    ])
      expect(exampleLinkFile(href, PAGE), href).toBeNull();
  });
});

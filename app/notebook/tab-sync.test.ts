import { describe, expect, it } from 'vitest';
import { decideSave, isTabMessage, onTabMessage, TabSync } from './tab-sync';

describe('decideSave', () => {
  it('writes the first save, and a save over one from before revisions existed', () => {
    expect(decideSave(undefined, 'me', 0)).toEqual({ write: true, revision: 1 });
    expect(decideSave({}, 'me', 0)).toEqual({ write: true, revision: 1 });
  });

  it('writes over its own saves and over what it loaded', () => {
    expect(decideSave({ tabId: 'me', revision: 4 }, 'me', 4)).toEqual({ write: true, revision: 5 });
    expect(decideSave({ tabId: 'other', revision: 4 }, 'me', 4)).toEqual({ write: true, revision: 5 });
    // An older stored revision than this tab knows (the store was cleared): still forward.
    expect(decideSave({ tabId: 'other', revision: 2 }, 'me', 4)).toEqual({ write: true, revision: 5 });
  });

  it('refuses to write over a newer save from another tab', () => {
    expect(decideSave({ tabId: 'other', revision: 5 }, 'me', 4)).toEqual({ write: false, other: { tabId: 'other', revision: 5 } });
  });
});

describe('onTabMessage', () => {
  it('answers hello, counts tabs that say here or saved, forgets those that say bye', () => {
    let step = onTabMessage(new Set(), { type: 'hello', tab: 'b' }, 'a');
    expect([...step.others]).toEqual(['b']);
    expect(step.reply).toEqual({ type: 'here', tab: 'a' });
    step = onTabMessage(step.others, { type: 'saved', tab: 'c', revision: 3 }, 'a');
    expect([...step.others].sort()).toEqual(['b', 'c']);
    expect(step.reply).toBeNull();
    step = onTabMessage(step.others, { type: 'bye', tab: 'b' }, 'a');
    expect([...step.others]).toEqual(['c']);
  });

  it('ignores its own messages', () => {
    expect(onTabMessage(new Set(), { type: 'hello', tab: 'a' }, 'a')).toEqual({ others: new Set(), reply: null });
  });

  it('checks what arrives on the channel', () => {
    expect(isTabMessage({ type: 'hello', tab: 'x' })).toBe(true);
    expect(isTabMessage({ type: 'saved', tab: 'x', revision: 2 })).toBe(true);
    expect(isTabMessage({ type: 'saved', tab: 'x' })).toBe(false);
    expect(isTabMessage({ type: 'other', tab: 'x' })).toBe(false);
    expect(isTabMessage(null)).toBe(false);
  });
});

describe('TabSync', () => {
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
    expect(check()).toBe(true);
  };

  it('two tabs on one channel see each other, their saves, and each other leave', async () => {
    const counts = { a: -1, b: -1 };
    const saves: number[] = [];
    const a = new TabSync('wick:test', { others: (n) => (counts.a = n), saved: (s) => saves.push(s.revision) });
    const b = new TabSync('wick:test', { others: (n) => (counts.b = n) });
    a.start();
    b.start();
    await until(() => counts.a === 1 && counts.b === 1);
    b.announceSave(7);
    await until(() => saves.length === 1);
    expect(saves).toEqual([7]);
    b.stop();
    await until(() => counts.a === 0);
    a.stop();
  });
});

// The API reference page (scripts/api-reference.ts), generated into a temporary folder and read
// back as a visitor gets it: every name with its signatures and its one-line description.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstSentence, reportLine, writeApiReference, type ApiEntry } from './api-reference';

const ROOT = resolve(import.meta.dirname, '..');

interface PageEntry {
  name: string;
  signatures: string[];
  description: string | null;
}

const unescape = (s: string) =>
  s
    .replace(/<\/?code>/g, '`')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** The entries as the page shows them: each `.entry` block's anchor, signatures and description (null: "No description yet"). */
function pageEntries(html: string): PageEntry[] {
  return [...html.matchAll(/<div class="entry" id="([^"]+)"[^>]*>([\s\S]*?)<\/div>/g)].map(([, id, body]) => ({
    name: unescape(id),
    signatures: [...body.matchAll(/<pre class="signature">([\s\S]*?)<\/pre>/g)].map((m) => unescape(m[1])),
    description: body.includes('undocumented') ? null : unescape(body.match(/<p class="description">([\s\S]*?)<\/p>/)?.[1] ?? ''),
  }));
}

let dir = '';
let html = '';
let script = '';
let entries: PageEntry[] = [];
let generated: { entries: ApiEntry[]; undocumented: ApiEntry[] };
const logged: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wick-api-'));
  generated = writeApiReference(ROOT, dir, (line) => logged.push(line));
  html = readFileSync(join(dir, 'index.html'), 'utf8');
  script = readFileSync(join(dir, 'search.js'), 'utf8');
  entries = pageEntries(html);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The entries whose full name is `name` or ends with `.name` (`tril`: torch.tril and Tensor.tril). */
function named(name: string): PageEntry[] {
  return entries.filter((e) => e.name === name || e.name.endsWith(`.${name}`));
}

describe('the API reference page', () => {
  it('lists tril, topk, add_ and autograd.grad with signatures and descriptions', () => {
    for (const name of ['tril', 'topk', 'add_', 'autograd.grad']) {
      const found = named(name);
      expect(
        found.map((e) => e.name),
        `${name} is listed`,
      ).not.toEqual([]);
      for (const e of found) {
        expect(e.signatures.length, `${e.name} has a signature`).toBeGreaterThan(0);
        expect(e.description, `${e.name} has a description`).toBeTruthy();
      }
    }
  });

  it('lists the names of each namespace, with the signatures TypeScript prints and the first sentence of their docs', () => {
    const byName = new Map(entries.map((e) => [e.name, e]));
    const expected: [string, string][] = [
      ['torch.tril', 'tril(x: Tensor, k?: number): Tensor'],
      ['Tensor.tril', 'tril(k?: number): Tensor'],
      ['Tensor.matmul', 'matmul(o: Tensor): Tensor'],
      ['torch.autograd.grad', 'grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts?: GradOptions): (Tensor | null)[]'],
      ['nn.Linear', 'new Linear(inFeatures: number, outFeatures: number, opts?: { bias?: boolean; }): Linear'],
      ['nn.Linear.forward', 'forward(x: Tensor): Tensor'],
      ['F.relu', 'relu(x: Tensor): Tensor'],
      ['optim.SGD', 'new SGD(params: OptimizerParams<SGDOptions>, opts?: Partial<SGDOptions>): SGD'],
      ['Tensor.shape', 'readonly shape: readonly number[]'],
      ['display', 'display(...values: unknown[]): void'],
    ];
    for (const [name, signature] of expected) {
      const e = byName.get(name);
      expect(e, `${name} is listed`).toBeDefined();
      expect(e!.signatures).toContain(signature);
      expect(e!.description, `${name} has a description`).toMatch(/\S.*[.!?]$/);
    }
    // Every overload is listed.
    expect(byName.get('Tensor.max')!.signatures).toEqual(['max(): Tensor', 'max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor; }']);
    // The doc's first sentence, as written.
    expect(byName.get('torch.autograd.grad')!.description).toBe(
      'The gradients of `outputs` with respect to `inputs`, returned rather than accumulated into .grad.',
    );
    // A member without a comment takes its target's: torch.tril is Tensor.tril; an override takes the base's.
    expect(byName.get('torch.tril')!.description).toBe(byName.get('Tensor.tril')!.description);
    expect(byName.get('nn.Linear.forward')!.description).toBe(byName.get('nn.Module.forward')!.description);
  });

  it('gives every entry a signature and a unique anchor, and leaves out internals', () => {
    expect(entries.length).toBe(generated.entries.length);
    expect(entries.length).toBeGreaterThan(300);
    for (const e of entries) expect(e.signatures.length, `${e.name} has a signature`).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    const names = entries.map((e) => e.name);
    expect(names.filter((n) => n.split('.').some((part) => part.startsWith('_')))).toEqual([]);
    for (const internal of ['Tensor.isDisposed', 'nn.Module.fields', 'optim.Adam.updateParameter', 'optim.StepLR.lrAt']) expect(names).not.toContain(internal);
    // Sections per namespace and class, each with an anchor the sidebar links to.
    const sections = [...html.matchAll(/<section id="section-([^"]+)">/g)].map((m) => m[1]);
    for (const section of ['torch', 'torch.autograd', 'Tensor', 'nn.Linear', 'F', 'optim.Adam', 'Global-functions']) expect(sections).toContain(section);
    for (const section of sections) expect(html).toContain(`<a href="#section-${section}">`);
    expect(sections[0]).toBe('torch');
    for (const s of ['torch.autograd', 'torch.Generator']) expect(sections).toContain(s);
  });

  it('is one static page whose filter script is a file of its own (the Content Security Policy allows no inline script)', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('prefers-color-scheme: dark');
    expect(html.match(/<script\b[^>]*>/g)).toEqual(['<script src="search.js">']);
    expect(script).toContain("getElementById('search')");
    expect(html).toContain('id="search"');
  });

  it('reports how many names it lists and how many have no description', () => {
    expect(logged).toEqual([reportLine(generated)]);
    expect(logged[0]).toMatch(new RegExp(`^api reference: ${generated.entries.length} names, ${generated.undocumented.length} undocumented`));
    for (const e of generated.undocumented) expect(pageEntries(html).find((p) => p.name === e.name)?.description).toBeNull();
  });
});

describe('firstSentence', () => {
  it('keeps the first sentence on one line, and dots inside code', () => {
    expect(firstSentence('Calls `x.sum(dim)` on\n  each row. Then more.')).toBe('Calls `x.sum(dim)` on each row.');
    expect(firstSentence('No full stop')).toBe('No full stop');
    expect(firstSentence('First paragraph\n\nsecond paragraph.')).toBe('First paragraph');
    expect(firstSentence('Elementwise `cond ? a : b`. More.')).toBe('Elementwise `cond ? a : b`.');
    expect(firstSentence('')).toBe('');
  });
});

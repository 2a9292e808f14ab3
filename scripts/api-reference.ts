// The API reference page, generated from the engine's types (nothing in it is written by hand).
//
// The names a cell sees (workers/cell-builtins.ts: torch, Tensor, nn, F, optim, ...) are walked
// with the TypeScript compiler's type checker, from engine/index.ts: `torch`'s members and nested
// namespaces (torch.autograd.grad), each class's constructor and public members (Tensor.add,
// nn.Linear.forward; a member inherited from another listed class is listed there only), and each
// namespace's exports (F.relu, optim.lrScheduler.StepLR). For every name: its full name, its
// signatures as TypeScript prints them (every overload), and the first sentence of its JSDoc. A
// member without a comment of its own takes its target's (`concat: cat`, `tril: method('tril')`
// takes Tensor.tril's); a name with none is listed all the same, and counted as undocumented.
// Private, protected, `_`-prefixed and `@internal` members are left out.
//
// The page is static: index.html (inline CSS, light and dark) plus search.js (the filter box; the
// app's Content Security Policy allows no inline script). vite.config.ts (apiReference) emits both
// as `api/` into the build and serves them in dev; `npm run api-reference [dir]` writes them to a
// folder (default `dist/api`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { CELL_BUILTINS, CELL_HELPER_DECLARATIONS } from '../workers/cell-builtins.js';

export interface ApiEntry {
  /** `torch.tril`, `Tensor.add`, `nn.Linear`, `nn.Linear.forward`. */
  name: string;
  /** The heading it is listed under: the namespace or class it belongs to. */
  section: string;
  kind: 'function' | 'method' | 'property' | 'class';
  /** As TypeScript prints them; one per overload (a class: one per constructor overload). */
  signatures: string[];
  /** The first sentence of its JSDoc ('' where it has none). */
  description: string;
}

/** The section of the functions a cell has in scope by themselves (loadDigits, display, progress). */
const GLOBALS = 'Global functions';
const FLAGS = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

/** The first sentence of a doc comment, on one line. */
export function firstSentence(doc: string): string {
  const text = doc
    .split(/\n\s*\n/)[0]
    .replace(/\s+/g, ' ')
    .trim();
  // Up to the first . ! or ? that ends a word outside `code`.
  return text.match(/^(?:`[^`]*`|[^`])*?[.!?](?=\s|$)/)?.[0] ?? text;
}

/** Every public name a cell sees in the engine under `root`, in the order the page lists them. */
export function collectApi(root: string): ApiEntry[] {
  const entry = join(root, 'engine', 'index.ts');
  const program = ts.createProgram([entry], {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    types: ['@webgpu/types'],
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
  });
  const checker = program.getTypeChecker();
  const engine = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exports = new Map(checker.getExportsOfModule(engine).map((s) => [s.name, s]));
  const entries: ApiEntry[] = [];
  const resolved = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const resolvedOrUndefined = (s: ts.Symbol | undefined) => (s ? resolved(s) : undefined);
  const doc = (s: ts.Symbol | undefined) => (s ? ts.displayPartsToString(s.getDocumentationComment(checker)) : '');
  const tensorClass = resolved(exports.get('Tensor')!);

  /** Classes listed under their own name: a member declared in one is listed there only. */
  const listed = new Set<ts.Declaration>();
  const isClass = (s: ts.Symbol) => !!(s.flags & ts.SymbolFlags.Class);
  const findClasses = (s: ts.Symbol, seen = new Set<ts.Symbol>()) => {
    if (seen.has(s)) return;
    seen.add(s);
    if (isClass(s)) listed.add(s.valueDeclaration!);
    else if (s.flags & ts.SymbolFlags.Module) for (const e of checker.getExportsOfModule(s)) findClasses(resolved(e), seen);
  };
  for (const name of Object.keys(CELL_BUILTINS)) if (exports.has(name)) findClasses(resolved(exports.get(name)!));

  /** A member's doc, else its target's: `concat: cat` (cat's), `tril: method('tril')` (Tensor.tril's). */
  function describe(s: ts.Symbol): string {
    const own = doc(s);
    if (own) return own;
    const decl = s.valueDeclaration;
    if (decl && ts.isShorthandPropertyAssignment(decl)) return doc(resolvedOrUndefined(checker.getShorthandAssignmentValueSymbol(decl)));
    if (!decl || !ts.isPropertyAssignment(decl)) return '';
    const init = decl.initializer;
    if (ts.isIdentifier(init) || ts.isPropertyAccessExpression(init)) return doc(resolvedOrUndefined(checker.getSymbolAtLocation(init)));
    if (ts.isCallExpression(init) && init.arguments.length === 1 && ts.isStringLiteral(init.arguments[0])) {
      const method = checker.getPropertyOfType(checker.getDeclaredTypeOfSymbol(tensorClass), init.arguments[0].text);
      return doc(method) || `As \`x.${init.arguments[0].text}(…)\`.`;
    }
    return '';
  }

  // `k?: number`, not `k?: number | undefined`, as the source says.
  const signature = (name: string, sig: ts.Signature) =>
    name + checker.signatureToString(sig, undefined, FLAGS).replace(/(\?: [^,;()]*?) \| undefined(?=[,;)])/g, '$1');
  const typeOf = (s: ts.Symbol) => checker.getTypeOfSymbol(s);
  const isPublic = (s: ts.Symbol) => {
    if (s.name.startsWith('_') || s.name.startsWith('#') || s.name === 'prototype') return false;
    if (s.getJsDocTags().some((tag) => tag.name === 'internal')) return false;
    const decl = s.valueDeclaration ?? s.declarations?.[0];
    return !decl || !(ts.getCombinedModifierFlags(decl) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected));
  };

  function add(name: string, section: string, kind: ApiEntry['kind'], signatures: string[], description: string) {
    entries.push({ name, section, kind, signatures, description: firstSentence(description) });
  }

  /** A value named `name`: a function, a class, a namespace object (walked) or a plain property. */
  function value(name: string, section: string, s: ts.Symbol, member: boolean, inherited = '') {
    const type = typeOf(s);
    const short = name.slice(name.lastIndexOf('.') + 1);
    const calls = type.getCallSignatures();
    if (calls.length)
      return add(
        name,
        section,
        member ? 'method' : 'function',
        calls.map((c) => signature(short, c)),
        describe(s) || ts.displayPartsToString(calls[0].getDocumentationComment(checker)) || inherited,
      );
    if (type.getConstructSignatures().length) return klass(name, type.getSymbol() ?? s);
    const decl = s.valueDeclaration;
    if (decl && ts.isPropertyAssignment(decl) && ts.isObjectLiteralExpression(decl.initializer)) return object(name, type);
    const getterOnly = s.flags & ts.SymbolFlags.GetAccessor && !(s.flags & ts.SymbolFlags.SetAccessor);
    const readonly = getterOnly || (decl && ts.getCombinedModifierFlags(decl) & ts.ModifierFlags.Readonly);
    add(name, section, 'property', [`${readonly ? 'readonly ' : ''}${short}: ${checker.typeToString(type, undefined, FLAGS)}`], describe(s) || inherited);
  }

  /** An object of functions (`torch`, `torch.autograd`): each member under `name`. */
  function object(name: string, type: ts.Type) {
    for (const p of type.getProperties()) if (isPublic(p)) value(`${name}.${p.name}`, name, p, false);
  }

  /** A class: its constructors, statics, and public members not declared in another listed class. */
  const classNames = new Map<ts.Symbol, string>();
  function klass(name: string, s: ts.Symbol) {
    const construct = typeOf(s)
      .getConstructSignatures()
      .map((c) => signature(`new ${name.slice(name.lastIndexOf('.') + 1)}`, c));
    const first = classNames.get(s);
    if (first) return add(name, name, 'class', construct, `Same as \`${first}\`.`);
    classNames.set(s, name);
    add(name, name, 'class', construct, doc(s));
    for (const p of typeOf(s).getProperties()) if (isPublic(p)) value(`${name}.${p.name}`, name, p, true);
    const own = s.valueDeclaration!;
    for (const p of checker.getDeclaredTypeOfSymbol(s).getProperties()) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      const from = decl && ts.findAncestor(decl, ts.isClassLike);
      if (!isPublic(p) || (from && from !== own && listed.has(from))) continue;
      value(`${name}.${p.name}`, name, p, true, baseDoc(s, p.name));
    }
  }

  /** The doc of the member `name` of a base class of `cls` (an override without a comment of its own takes it). */
  function baseDoc(cls: ts.Symbol, name: string): string {
    const type = checker.getDeclaredTypeOfSymbol(cls);
    if (!type.isClassOrInterface()) return '';
    return checker.getBaseTypes(type).reduce((found, base) => found || doc(base.getProperty(name)), '');
  }

  /** A module namespace (`nn`, `F`, `optim.lrScheduler`): each value it exports, classes after functions. */
  function namespace(name: string, s: ts.Symbol) {
    const values = checker
      .getExportsOfModule(s)
      .map((e) => ({ e, r: resolved(e) }))
      .filter(({ r }) => r.flags & ts.SymbolFlags.Value);
    const order = ({ r }: { r: ts.Symbol }) => (isClass(r) ? 1 : r.flags & ts.SymbolFlags.Module ? 2 : 0);
    for (const { e, r } of values.sort((a, b) => order(a) - order(b))) {
      if (r.flags & ts.SymbolFlags.Module) namespace(`${name}.${e.name}`, r);
      else if (isClass(r)) klass(`${name}.${e.name}`, r);
      else value(`${name}.${e.name}`, name, r, false);
    }
  }

  // torch and Tensor first, then the rest in the cell scope's order.
  const first = (name: string) => (name === 'torch' ? 0 : name === 'Tensor' ? 1 : 2);
  for (const [name, kind] of Object.entries(CELL_BUILTINS).sort(([a], [b]) => first(a) - first(b))) {
    if (!kind.startsWith('engine')) continue;
    const s = resolved(exports.get(name)!);
    if (kind === 'engine namespace') namespace(name, s);
    else if (kind === 'engine class') klass(name, s);
    else if (typeOf(s).getCallSignatures().length) value(name, GLOBALS, s, false);
    else object(name, typeOf(s));
  }
  entries.push(...cellHelpers());
  return entries;
}

/** The cell runtime's helpers (display, progress): their declarations are text in workers/cell-builtins.ts. */
function cellHelpers(): ApiEntry[] {
  const file = ts.createSourceFile('helpers.d.ts', CELL_HELPER_DECLARATIONS, ts.ScriptTarget.ES2022, true);
  const byName = new Map<string, ApiEntry>();
  for (const fn of file.statements.filter(ts.isFunctionDeclaration)) {
    const name = fn.name!.text;
    const entry = byName.get(name) ?? { name, section: GLOBALS, kind: 'function', signatures: [], description: '' };
    entry.signatures.push(`${name}${file.text.slice(fn.name!.end, fn.end).replace(/;$/, '')}`.replace(/\s+/g, ' '));
    const comment = ts.getJSDocCommentsAndTags(fn).find(ts.isJSDoc)?.comment;
    if (!entry.description && typeof comment === 'string') entry.description = firstSentence(comment);
    byName.set(name, entry);
  }
  return [...byName.values()];
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
/** Escaped, with `code` spans. */
const prose = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1f23; --muted: #5f6672; --border: #dde1e6; --code: #f3f5f7; --accent: #b3560e; }
@media (prefers-color-scheme: dark) { :root { --bg: #16181c; --fg: #e3e5e8; --muted: #9aa1ab; --border: #30343b; --code: #1f2227; --accent: #f0a35e; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, sans-serif; }
header { position: sticky; top: 0; background: var(--bg); border-bottom: 1px solid var(--border); padding: 12px 24px; display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
h1 { font-size: 18px; margin: 0; } h1 span { color: var(--accent); }
input { flex: 1; min-width: 200px; max-width: 480px; font: inherit; padding: 5px 10px; border: 1px solid var(--border); border-radius: 6px; background: var(--code); color: inherit; }
#count { color: var(--muted); font-size: 13px; }
.layout { display: flex; }
nav { width: 220px; flex: none; padding: 16px 24px; font-size: 13px; position: sticky; top: 57px; max-height: calc(100vh - 57px); overflow: auto; }
nav a { display: block; color: var(--muted); text-decoration: none; } nav a:hover { color: var(--accent); }
main { flex: 1; min-width: 0; padding: 8px 24px 48px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid var(--border); padding-bottom: 4px; }
section, .entry { scroll-margin-top: 64px; }
.entry { padding: 6px 0; border-bottom: 1px solid var(--border); }
.entry:target { background: var(--code); }
.name { font: 600 14px ui-monospace, monospace; color: var(--accent); text-decoration: none; }
pre { margin: 2px 0; font: 13px/1.45 ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; }
code { font: 13px ui-monospace, monospace; background: var(--code); padding: 0 3px; border-radius: 3px; }
.description { margin: 2px 0 0; } .undocumented { color: var(--muted); font-style: italic; }
[hidden] { display: none !important; }
@media (max-width: 720px) { nav { display: none; } }
`;

/** The filter box: shows the entries whose name or description contains every word typed. */
export const SEARCH_SCRIPT = `const input = document.getElementById('search');
const count = document.getElementById('count');
const entries = [...document.querySelectorAll('.entry')];
function filter() {
  const words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
  let shown = 0;
  for (const entry of entries) {
    const text = entry.dataset.search;
    entry.hidden = !words.every((w) => text.includes(w));
    if (!entry.hidden) shown++;
  }
  for (const section of document.querySelectorAll('main section')) section.hidden = !section.querySelector('.entry:not([hidden])');
  for (const link of document.querySelectorAll('nav a')) link.hidden = document.getElementById(link.hash.slice(1))?.hidden ?? false;
  count.textContent = words.length ? shown + ' of ' + entries.length + ' names' : entries.length + ' names';
}
input.addEventListener('input', filter);
filter();
`;

/** The page: a section per namespace or class, an anchor per name (its full name). */
export function renderPage(entries: ApiEntry[]): string {
  const sections = new Map<string, ApiEntry[]>();
  for (const e of entries) sections.set(e.section, [...(sections.get(e.section) ?? []), e]);
  const id = (name: string) => `section-${name.replace(/\s+/g, '-')}`;
  const nav = [...sections.keys()].map((s) => `<a href="#${escape(id(s))}">${escape(s)}</a>`).join('\n');
  const body = [...sections]
    .map(([section, list]) => {
      const items = list.map((e) => {
        const description = e.description
          ? `<p class="description">${prose(e.description)}</p>`
          : '<p class="description undocumented">No description yet.</p>';
        const search = escape(`${e.name} ${e.description}`.toLowerCase());
        return `<div class="entry" id="${escape(e.name)}" data-kind="${e.kind}" data-search="${search}">
<a class="name" href="#${escape(e.name)}">${escape(e.name)}</a>
${e.signatures.map((s) => `<pre class="signature">${escape(s)}</pre>`).join('\n')}
${description}
</div>`;
      });
      return `<section id="${escape(id(section))}">\n<h2>${escape(section)}</h2>\n${items.join('\n')}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<title>Wick API reference</title>
<!-- Generated by scripts/api-reference.ts from the engine's types: do not edit. -->
<style>${STYLE}</style>
</head>
<body>
<header>
<h1><span>Wick</span> API reference</h1>
<input id="search" type="search" placeholder="Filter: tril, autograd, Linear…" aria-label="Filter names" autofocus />
<span id="count" aria-live="polite">${entries.length} names</span>
</header>
<div class="layout">
<nav aria-label="Sections">
${nav}
</nav>
<main>
${body}
</main>
</div>
<script src="search.js"></script>
</body>
</html>
`;
}

/** The page's files (index.html, search.js) and how many names have no description. */
export function apiReferenceFiles(root: string): { files: Record<string, string>; entries: ApiEntry[]; undocumented: ApiEntry[] } {
  const entries = collectApi(root);
  return { files: { 'index.html': renderPage(entries), 'search.js': SEARCH_SCRIPT }, entries, undocumented: entries.filter((e) => !e.description) };
}

/** Writes the page into `outDir` and says how many names it lists, and which have no description. */
export function writeApiReference(root: string, outDir: string, log = console.log): ReturnType<typeof apiReferenceFiles> {
  const result = apiReferenceFiles(root);
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(result.files)) writeFileSync(join(outDir, name), text);
  log(reportLine(result));
  return result;
}

/** `api reference: 409 names, 3 undocumented: a, b, c` (the names unless `names` is false). */
export function reportLine({ entries, undocumented }: { entries: ApiEntry[]; undocumented: ApiEntry[] }, { names = true } = {}): string {
  const list = names && undocumented.length ? `: ${undocumented.map((e) => e.name).join(', ')}` : '';
  return `api reference: ${entries.length} names, ${undocumented.length} undocumented${list}`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename ?? '')) {
  const root = resolve(import.meta.dirname, '..');
  writeApiReference(root, resolve(process.argv[2] ?? join(root, 'dist', 'api')));
}

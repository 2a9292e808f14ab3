// Markdown to safe HTML: marked (GitHub-flavoured), `$…$` and `$$…$$` math through KaTeX, and
// DOMPurify over the result, since notebooks come from files and links (no scripts, no handlers).
import DOMPurify from 'dompurify';
import { Marked, type TokenizerAndRendererExtension } from 'marked';
import { loadedKatex, loadKatex } from './katex-loader';

/** Whether the last render met math before KaTeX had loaded (the caller renders again once it has). */
let mathPending = false;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function math(displayMode: boolean, text: string): string {
  const katex = loadedKatex();
  if (!katex) {
    mathPending = true;
    void loadKatex();
    return `<span class="math-pending">${escapeHtml(displayMode ? `$$${text}$$` : `$${text}$`)}</span>`;
  }
  return katex.renderToString(text, { displayMode, throwOnError: false, output: 'htmlAndMathml', trust: false });
}

const blockMath: TokenizerAndRendererExtension = {
  name: 'blockMath',
  level: 'block',
  start: (src) => src.indexOf('$$'),
  tokenizer(src) {
    const match = /^\$\$([\s\S]+?)\$\$(?:\n|$)/.exec(src);
    if (match) return { type: 'blockMath', raw: match[0], text: match[1].trim() };
    return undefined;
  },
  renderer: (token) => `<div class="math-block">${math(true, token.text as string)}</div>\n`,
};

const inlineMath: TokenizerAndRendererExtension = {
  name: 'inlineMath',
  level: 'inline',
  start: (src) => src.indexOf('$'),
  tokenizer(src) {
    // `$x$` but not `$ 5 and $ 6`: no space just inside the dollars, like Jupyter.
    const match = /^\$(?!\s)((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
    if (match) return { type: 'inlineMath', raw: match[0], text: match[1] };
    return undefined;
  },
  renderer: (token) => math(false, token.text as string),
};

const marked = new Marked({ gfm: true, async: false }, { extensions: [blockMath, inlineMath] });

// Links open in a new tab, without handing that tab a way back into the notebook.
DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A' && node.getAttribute('href')) {
    node.setAttribute('target', '_blank');
    node.setAttribute('rel', 'noopener noreferrer');
  }
});

// Style attributes stay (KaTeX lays out math with them) but can't fetch or carry script:
// no url(), @import, expression() or javascript: in them.
DOMPurify.addHook('uponSanitizeAttribute', (_node, data) => {
  if (data.attrName === 'style' && /url\s*\(|image-set\s*\(|@import|expression\s*\(|javascript:|behavior\s*:|\\/i.test(data.attrValue)) data.keepAttr = false;
});

/** Safe HTML for `source`; `math` says whether it has math that waits for KaTeX to load. */
export function renderMarkdown(source: string): { html: string; mathPending: boolean } {
  mathPending = false;
  const html = marked.parse(source, { async: false });
  // SANITIZE_NAMED_PROPS: `id`/`name` get a `user-content-` prefix, so `<a id="x">` can't clobber
  // `window.x` or `document.x` (DOM clobbering) for the app's own code.
  const safe = DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true, mathMl: true, svg: true },
    FORBID_TAGS: ['style', 'form'],
    FORBID_ATTR: ['srcset'],
    SANITIZE_NAMED_PROPS: true,
  });
  return { html: safe, mathPending };
}

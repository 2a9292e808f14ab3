// Hostile input: XSS payloads in markdown cells, in strings shown as outputs, in notebook names and
// metadata, in share links and `?open=` URLs never run (each would set `top.__xss`, or open a
// dialog); the built app ships a Content Security Policy; bad notebook files and links are refused
// with a reason and the page keeps what it had.
import { deflateRawSync } from 'node:zlib';
import { expect, test, type Page } from '@playwright/test';
import { HostileInputWatch } from './pages/hostile-input';
import { NotebookUi } from './pages/notebook-ui';
import { OriginNote } from './pages/start-page';

/** Each payload sets `top.__xss` to its number (or opens a dialog) if it ever runs. */
const PAYLOADS: string[] = [
  '<script>top.__xss=1</script>',
  '<img src=x onerror="top.__xss=2">',
  '<svg onload="top.__xss=3"><circle r="4"/></svg>',
  '<svg><script>top.__xss=4</script><animate onbegin="top.__xss=4" attributeName="x" dur="1s"/></svg>',
  '<a href="javascript:top.__xss=5">link 5</a>',
  '<iframe srcdoc="<script>top.__xss=6;parent.__xss=6</script>"></iframe>',
  '<div style="width:expression(top.__xss=7);background:url(javascript:top.__xss=7)">styled 7</div><style>body{background:url("javascript:top.__xss=7")}</style>',
  '<iframe src="data:text/html,<script>top.__xss=8</script>"></iframe><object data="data:text/html;base64,PHNjcmlwdD50b3AuX194c3M9ODwvc2NyaXB0Pg=="></object>',
  '<a href="data:text/html;base64,PHNjcmlwdD5vcGVuZXIuX194c3M9OTwvc2NyaXB0Pg==">link 9</a><embed src="data:image/svg+xml,<svg onload=top.__xss=9>">',
  '<details open ontoggle="top.__xss=10"><summary>details 10</summary></details><div onmouseover="top.__xss=10">hover 10</div>',
  '<input autofocus onfocus="top.__xss=11"><select autofocus onfocus="top.__xss=11"></select>',
  '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;top.__xss=12">link 12</a><a href="jav&#x09;ascript:top.__xss=12">link 12b</a>',
  '[link 13](javascript:top.__xss=13) [link 13b](javascript&#58;top.__xss=13) [link 13c](<javascript:top.__xss=13>)',
  '![image 14](javascript:top.__xss=14) ![image 14b](x"onerror="top.__xss=14) ![image 14c](x\' onerror=\'top.__xss=14)',
  '$\\href{javascript:top.__xss=15}{math link 15}$ and $$\\url{javascript:top.__xss=15}$$',
  '$\\htmlData{onclick=top.__xss=16}{x}$ $\\htmlStyle{background:url(javascript:top.__xss=16)}{y}$ $\\includegraphics{javascript:top.__xss=16}$',
  "{{constructor.constructor('top.__xss=17')()}} ${top.__xss=17} <%= top.__xss=17 %>",
  '"><img src=x onerror=top.__xss=18>\'><svg onload=top.__xss=18>',
  '</textarea></title></style></pre></script><script>top.__xss=19</script><img src=x onerror=top.__xss=19>',
  '<a href="\u0001java\u0000script:top.__xss=20">link 20</a><img src=x o\u200bnerror=top.__xss=20>\u202e<img src=x onerror=top.__xss=20>',
  '\uff1cscript\uff1etop.__xss=21\uff1c/script\uff1e <scr<script>ipt>top.__xss=21</scr</script>ipt>',
  '<math><mtext><table><mglyph><style><img src=x onerror=top.__xss=22></style></mglyph></table></mtext></math>',
  '<noscript><p title="</noscript><img src=x onerror=top.__xss=23>"></noscript>',
  '<meta http-equiv="refresh" content="0;url=javascript:top.__xss=24"><base href="javascript:top.__xss=24//">',
  '<form action="javascript:top.__xss=25"><button formaction="javascript:top.__xss=25">form 25</button></form>',
  '<svg><a xlink:href="javascript:top.__xss=26"><text x="10" y="10">svg link 26</text></a><set attributeName="href" to="javascript:top.__xss=26"/></svg>',
  '<video src=x onerror="top.__xss=27"></video><audio src=x onerror="top.__xss=27"></audio><video><source onerror="top.__xss=27"></video>',
  '<img src=x onerror=eval(atob("dG9wLl9feHNzPTI4"))><img src=x onerror=alert(28)>',
  '<iframe src="javascript:top.__xss=29"></iframe><object data="javascript:top.__xss=29"></object>',
  '<link rel="stylesheet" href="javascript:top.__xss=30"><link rel="import" href="data:text/html,<script>top.__xss=30</script>">',
  '<marquee onstart="top.__xss=31">marquee 31</marquee><body onload="top.__xss=31">',
  '<a id="__xss" name="__xss">clobber 32</a><img name="__xss"><form id="__xss"></form>',
  '<template><img src=x onerror=top.__xss=33></template><svg><style><img src=x onerror=top.__xss=33></style></svg>',
  '<img src="x` `<script>top.__xss=34</script>"` `><a href="  javascript:top.__xss=34">link 34</a>',
  '<textarea><img title="</textarea><img src=x onerror=top.__xss=35>"></textarea>',
  '<div data-x="&quot;&gt;&lt;img src=x onerror=top.__xss=36&gt;">entities 36</div>&lt;img src=x onerror=top.__xss=36&gt;',
];

/** The same payloads as the strings a code cell shows: a value, console.log, display() of objects, a plot, a progress bar, a module tree and an error. */
const OUTPUT_CELLS = [
  `const payloads: string[] = ${JSON.stringify(PAYLOADS)};\npayloads.join('\\n')`,
  'for (const p of payloads) console.log(p);\nconsole.error(payloads[0]);',
  'display({ payloads, nested: { [payloads[0]]: payloads[1], list: [payloads[2]] } });\ndisplay(Object.fromEntries(payloads.slice(0, 6).map((p, i) => [p, [i, i + 1, i + 2]])));\ndisplay(payloads[5]);',
  'for (const _ of progress(2, { label: payloads[1] })) {}\nfor (const _ of progress(payloads.slice(0, 2), { label: payloads[17] })) {}',
  'class Hostile extends nn.Module {\n  constructor() {\n    super();\n    payloads.slice(0, 8).forEach((p, i) => ((this as any)[p] = new nn.ReLU()));\n  }\n}\nnew Hostile()',
  'torch.tensor([1, 2, 3]).reshape([3]);\nthrow new Error(payloads.join("\\n"));',
];

const KERNELSPEC = { name: 'wick', display_name: PAYLOADS[1], language: 'typescript' };

function hostileNotebook(): unknown {
  const metadata = { tags: [PAYLOADS[0]], name: PAYLOADS[1], [PAYLOADS[2]]: PAYLOADS[3], jupyter: { source_hidden: PAYLOADS[4] } };
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      title: PAYLOADS[0],
      name: PAYLOADS[17],
      authors: [{ name: PAYLOADS[1] }],
      [PAYLOADS[18]]: { [PAYLOADS[19]]: PAYLOADS[20] },
      kernelspec: KERNELSPEC,
      language_info: { name: PAYLOADS[2] },
    },
    cells: [
      ...PAYLOADS.map((p, i) => ({ id: i === 0 ? PAYLOADS[0] : `md-${i}`, cell_type: 'markdown', metadata, source: `Payload ${i + 1}:\n\n${p}` })),
      { id: 'md-all', cell_type: 'markdown', metadata: {}, source: PAYLOADS.join('\n\n') },
      ...OUTPUT_CELLS.map((source, i) => ({
        id: `code-${i}`,
        cell_type: 'code',
        metadata,
        source,
        execution_count: null,
        outputs: [{ output_type: 'display_data', data: { 'text/html': PAYLOADS.slice(0, 5) }, metadata: {} }],
      })),
    ],
  };
}

const CELL_COUNT = PAYLOADS.length + 1 + OUTPUT_CELLS.length;

/** A share link as API.md §3 defines it: `#nb=v1.` + base64url (no padding) of deflate-raw of the JSON. */
function shareLinkHash(notebook: unknown): string {
  return `#nb=v1.${deflateRawSync(Buffer.from(JSON.stringify(notebook), 'utf8')).toString('base64url')}`;
}

/** Waits for every markdown cell to render (math included), runs all, waits for the cells to finish, then pokes the rendered links and handlers. */
async function renderRunAndPoke(page: Page, notebook: NotebookUi): Promise<void> {
  await expect(notebook.cells).toHaveCount(CELL_COUNT);
  await expect(page.getByTestId('markdown-view')).toHaveCount(PAYLOADS.length + 1);
  await expect(page.getByTestId('markdown-view').locator('.katex, .katex-error').first()).toBeAttached(); // KaTeX has loaded
  await expect(page.getByTestId('markdown-view').locator('.math-pending')).toHaveCount(0);
  await expect(notebook.kernelStatus).toContainText('idle');
  await notebook.button('Run all').click();
  const last = notebook.cell(CELL_COUNT - 1);
  await last.expectStatus('error');
  for (let i = PAYLOADS.length + 1; i < CELL_COUNT - 1; i++) await notebook.cell(i).expectStatus('done');
  await expect(notebook.cell(PAYLOADS.length + 1).output).toContainText('<script>top.__xss=1</script>');
  await expect(notebook.cell(PAYLOADS.length + 2).output).toContainText('<img src=x onerror="top.__xss=2">');
  await expect(notebook.cell(PAYLOADS.length + 3).output.getByTestId('plot-output')).toBeVisible();
  await expect(last.errorOutput).toContainText('top.__xss=36');
  // A user hovers and clicks what the markdown shows.
  for (const text of ['hover 10', 'details 10', 'styled 7', 'clobber 32']) await page.getByText(text, { exact: true }).first().hover();
  for (const name of ['link 5', 'link 12', 'link 13', 'link 20', 'math link 15']) {
    const link = page.getByTestId('markdown-view').getByText(name, { exact: true }).first();
    if (await link.count()) await link.click();
  }
  await page.waitForTimeout(1000);
}

test.describe('hostile input never runs', () => {
  test(`${PAYLOADS.length} payloads in markdown, outputs, the file name and metadata of an opened file`, async ({ page }) => {
    expect(PAYLOADS.length).toBeGreaterThanOrEqual(20);
    const watch = await HostileInputWatch.attach(page);
    const notebook = new NotebookUi(page);
    await notebook.open();
    await notebook.openNotebook(`${PAYLOADS[1]}.ipynb`, hostileNotebook());
    await expect(page.getByRole('banner')).toContainText(`${PAYLOADS[1]}.ipynb`);
    await expect(new OriginNote(page).root).toContainText(PAYLOADS[1]);
    await renderRunAndPoke(page, notebook);

    await watch.expectNothingRan();
    expect(await watch.dangerousMarkup()).toEqual([]);
    // The app itself works within the policy: nothing but payload markup met it.
    expect(await watch.unexpectedViolations()).toEqual([]);

    // Export writes the payloads back as the text they are.
    const { json } = await notebook.exportNotebook();
    expect(json.metadata.title).toBe(PAYLOADS[0]);
    await watch.expectNothingRan();
  });

  test('a share link carrying payloads in its cells and metadata', async ({ page }) => {
    const watch = await HostileInputWatch.attach(page);
    const notebook = new NotebookUi(page);
    await notebook.open();
    await page.goto(`/${shareLinkHash(hostileNotebook())}`);
    await expect(new OriginNote(page).root).toContainText('a share link');
    await renderRunAndPoke(page, notebook);
    await watch.expectNothingRan();
    expect(await watch.dangerousMarkup()).toEqual([]);
    expect(await watch.unexpectedViolations()).toEqual([]);
  });

  test('an ?open= URL whose name and path carry payloads', async ({ page }) => {
    const watch = await HostileInputWatch.attach(page);
    const notebook = new NotebookUi(page);
    await page.route('**/hostile/**', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(hostileNotebook()) }));
    const name = '"><img src=x onerror=top.__xss=90><svg onload=alert(90)>.ipynb';
    await page.goto(`/?open=${encodeURIComponent(`hostile/${encodeURIComponent(name)}`)}`);
    await expect(notebook.kernelStatus).toContainText('idle');
    await expect(page.getByRole('banner')).toContainText(name);
    await expect(new OriginNote(page).root).toContainText('hostile/');
    await expect(notebook.cells).toHaveCount(CELL_COUNT);
    await page.waitForTimeout(500);
    await watch.expectNothingRan();
    expect(await watch.dangerousMarkup()).toEqual([]);
    expect(await watch.unexpectedViolations()).toEqual([]);
  });
});

test.describe('Content Security Policy', () => {
  test('the built page carries the policy, blocks inline script, and cells still run in the Worker', async ({ page }) => {
    const watch = await HostileInputWatch.attach(page);
    const notebook = new NotebookUi(page);
    const response = await page.goto('/?new');
    await expect(notebook.kernelStatus).toContainText('idle');

    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("default-src 'self'");
    expect(meta).toMatch(/script-src 'self'(;|$)/); // no 'unsafe-inline', no 'unsafe-eval' for the page
    expect(meta).toContain("object-src 'none'");
    expect(meta).toContain("base-uri 'none'");
    // The preview server sends the header form, as a host with the build's _headers file does.
    const header = (await response!.allHeaders())['content-security-policy'];
    expect(header).toContain("frame-ancestors 'none'");
    // The app loaded, started its kernel and its editors with no violation.
    expect(await watch.violations()).toEqual([]);

    const blocked = await page.evaluate(
      () =>
        new Promise<{ ran: boolean; directive: string }>((resolve) => {
          addEventListener(
            'securitypolicyviolation',
            (e) => resolve({ ran: !!(window as unknown as { __xss?: number }).__xss, directive: (e as SecurityPolicyViolationEvent).effectiveDirective }),
            { once: true },
          );
          const script = document.createElement('script');
          script.textContent = 'window.__xss = 100';
          document.body.append(script);
        }),
    );
    expect(blocked).toEqual({ ran: false, directive: 'script-src-elem' });
    // An inline event handler set as markup is blocked too.
    await page.evaluate(() => {
      const img = document.createElement('img');
      img.setAttribute('onerror', 'window.__xss = 101');
      img.src = 'data:,';
      document.body.append(img);
    });
    await expect.poll(async () => (await watch.violations()).map((v) => v.directive)).toContain('script-src-attr');
    await watch.expectNothingRan();
    await page.waitForTimeout(200);
    const deliberate = (await watch.violations()).length;

    // The Worker still evaluates cells, its editor (Monaco) and KaTeX still work.
    const cell = await notebook.addCode('const under = torch.ones([4]).mul(3);\nunder.sum()');
    await cell.runWithKeyboard();
    await cell.expectStatus('done');
    await expect(cell.output).toContainText('12');
    const markdown = notebook.cell(0);
    await markdown.setMarkdown('Math under the policy: $e^{i\\pi} + 1 = 0$');
    await page.keyboard.press('Shift+Enter');
    await expect(markdown.renderedMarkdown.getByRole('math')).toHaveCount(1);
    expect((await watch.violations()).slice(deliberate)).toEqual([]);
  });
});

test.describe('bad notebooks are refused with a reason', () => {
  const BAD: [string, string | unknown, RegExp][] = [
    ['not-json.ipynb', '{"nbformat": 4, "cells": [', /not valid JSON/],
    ['v3.ipynb', { nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [] }] }, /not a Jupyter notebook in nbformat 4/],
    ['v5.ipynb', { nbformat: 5, nbformat_minor: 0, metadata: {}, cells: [] }, /nbformat 5; only nbformat 4/],
    [
      'wrong-type.ipynb',
      {
        nbformat: 4,
        nbformat_minor: 5,
        metadata: {},
        cells: [
          { cell_type: 'markdown', source: 'ok', metadata: {} },
          { cell_type: 42, source: 'x', metadata: {} },
        ],
      },
      /cell 2 has cell_type 42/,
    ],
    [
      'wrong-source.ipynb',
      { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: { evil: true }, metadata: {} }] },
      /cell 1 has a source that is an object, not text/,
    ],
    [
      'deep.ipynb',
      `{"nbformat":4,"nbformat_minor":5,"cells":[],"metadata":{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
      /metadata nests deeper than 64 levels/,
    ],
    [
      'many.ipynb',
      { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: Array.from({ length: 6000 }, () => ({ cell_type: 'code', source: '', metadata: {} })) },
      /6,000 cells; at most 5,000/,
    ],
  ];

  test('files: not JSON, not nbformat 4, cells of the wrong types, too deep, too many cells', async ({ page }) => {
    const notebook = new NotebookUi(page);
    await notebook.open();
    await notebook.addCode('const kept = "still here";\nkept');
    await expect(notebook.saveStatus).toContainText('Saved');
    const before = await notebook.cellSources();
    for (const [name, content, reason] of BAD) {
      const chooser = page.waitForEvent('filechooser');
      await notebook.button('Open').click();
      const buffer = Buffer.from(typeof content === 'string' ? content : JSON.stringify(content));
      await (await chooser).setFiles({ name, mimeType: 'application/json', buffer });
      await expect(notebook.notice).toContainText(`Could not open ${name}`);
      await expect(notebook.notice).toContainText(reason);
      await expect(notebook.notice).toContainText('Nothing on the page changed');
      expect(await notebook.cellSources()).toEqual(before);
    }
  });

  test('links: a link to JSON that is not a notebook, and one with a cell of the wrong type', async ({ page }) => {
    const notebook = new NotebookUi(page);
    await notebook.open();
    await notebook.addCode('const kept = "still here";\nkept');
    await expect(notebook.saveStatus).toContainText('Saved');
    const before = await notebook.cellSources();
    for (const [json, reason] of [
      [{ hello: 'world' }, /not a notebook/],
      [
        { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'script', source: '<script>top.__xss=1</script>', metadata: {} }] },
        /cell 1 has cell_type "script"/,
      ],
    ] as const) {
      await page.goto(`/?new${shareLinkHash(json)}`);
      await expect(notebook.notice).toContainText(/This share link cannot be opened|Could not open the notebook/);
      await expect(notebook.notice).toContainText(reason);
      await expect(notebook.notice).toContainText('Nothing on the page was changed');
      expect(await notebook.cellSources()).toEqual(before);
    }
  });
});

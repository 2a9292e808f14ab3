// Watching a page for script that should never run: the flag the XSS payloads set, dialogs,
// popups, Content Security Policy violations, and what the rendered markdown holds.
import { expect, type Page } from '@playwright/test';

export interface Violation {
  directive: string;
  blocked: string;
  sample: string;
}

export class HostileInputWatch {
  readonly dialogs: string[] = [];
  readonly popups: string[] = [];

  private constructor(readonly page: Page) {
    page.on('dialog', (dialog) => {
      this.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    // A link the sanitiser left (an http or relative href) may open a tab; anything else is a payload.
    page.on('popup', async (popup) => {
      await popup.waitForLoadState('domcontentloaded').catch(() => {});
      const url = popup.url();
      if (!/^https?:/.test(url)) this.popups.push(url);
      await popup.close().catch(() => {});
    });
  }

  /** Starts watching before the page loads: CSP violations are recorded from the first script on. */
  static async attach(page: Page): Promise<HostileInputWatch> {
    await page.addInitScript(() => {
      const w = window as unknown as { __cspViolations: Violation[] };
      w.__cspViolations = [];
      addEventListener('securitypolicyviolation', (event) => {
        const e = event as SecurityPolicyViolationEvent;
        w.__cspViolations.push({ directive: e.effectiveDirective, blocked: e.blockedURI, sample: e.sample });
      });
    });
    return new HostileInputWatch(page);
  }

  /** The flag's value in every frame of the page (undefined everywhere when nothing ran). */
  async flags(): Promise<unknown[]> {
    const values: unknown[] = [];
    for (const frame of this.page.frames()) {
      values.push(
        await frame
          .evaluate(() => {
            const value = (window as unknown as { __xss?: unknown }).__xss;
            // An element here would be DOM clobbering (`<a id="__xss">`), not script; report it too.
            return value instanceof Element ? `element <${value.tagName.toLowerCase()}>` : value;
          })
          .catch(() => undefined),
      );
    }
    return values.filter((value) => value !== undefined);
  }

  /**
   * Violations other than the policy meeting payload markup that the sanitiser removes: Chromium
   * checks inline handlers and <base> already while DOMPurify parses the markup in its inert
   * document, which shares the page's policy, so those (blocked "inline" or "") are expected.
   */
  async unexpectedViolations(): Promise<Violation[]> {
    return (await this.violations()).filter(
      (v) => !(['script-src-attr', 'script-src-elem', 'base-uri'].includes(v.directive) && (v.blocked === 'inline' || v.blocked === '')),
    );
  }

  async violations(): Promise<Violation[]> {
    return this.page.evaluate(() => (window as unknown as { __cspViolations?: Violation[] }).__cspViolations ?? []);
  }

  /** Nothing ran: no flag in any frame, no dialog, no popup. */
  async expectNothingRan(): Promise<void> {
    expect(await this.flags(), 'the flag an XSS payload sets').toEqual([]);
    expect(this.dialogs, 'dialogs opened by payloads').toEqual([]);
    expect(this.popups, 'windows opened by payloads at other than http(s) addresses').toEqual([]);
  }

  /** What the rendered markdown on the page holds that could run script or load a document. */
  async dangerousMarkup(): Promise<string[]> {
    return this.page.getByTestId('markdown-view').evaluateAll((views) => {
      const found: string[] = [];
      const bad = /^\s*(javascript|vbscript|data:text|data:application|data:image\/svg)/i;
      // Template contents are inert, but are walked too: a sanitiser must have cleaned them.
      const elements = (root: ParentNode): Element[] =>
        [...root.querySelectorAll('*')].flatMap((el) => [el, ...(el instanceof HTMLTemplateElement ? elements(el.content) : [])]);
      for (const view of views) {
        for (const el of elements(view)) {
          const tag = el.tagName.toLowerCase();
          if (['script', 'iframe', 'frame', 'object', 'embed', 'style', 'form', 'base', 'meta', 'link', 'noscript'].includes(tag)) found.push(`<${tag}>`);
          for (const attr of el.attributes) {
            const name = attr.name.toLowerCase();
            if (name.startsWith('on')) found.push(`${tag}[${name}]`);
            if (
              ['href', 'src', 'xlink:href', 'action', 'formaction', 'data', 'srcdoc', 'to', 'from', 'values'].includes(name) &&
              // eslint-disable-next-line no-control-regex -- browsers ignore control characters in a URL's scheme
              bad.test(attr.value.replace(/[\u0000-\u0020]/g, ''))
            )
              found.push(`${tag}[${name}=${attr.value.slice(0, 40)}]`);
            if (name === 'style' && /javascript:|expression\s*\(/i.test(attr.value)) found.push(`${tag}[style=${attr.value.slice(0, 40)}]`);
            if ((name === 'id' || name === 'name') && !attr.value.startsWith('user-content-')) found.push(`${tag}[${name}=${attr.value}]`);
          }
        }
      }
      return found;
    });
  }
}

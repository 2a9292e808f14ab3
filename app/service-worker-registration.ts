// Registers the service worker (public/sw.js) in production builds: it keeps the app working
// offline after the first visit, and makes the page cross-origin isolated (SharedArrayBuffer for
// the kernel's interrupt flag) on static hosts that can't send the COOP/COEP headers.

/** Set before the one reload that should make the page isolated; cleared once a page is. */
const RELOAD_KEY = 'wick-isolation-reload';

/** Registers after the page has loaded, so the precache doesn't compete with the first visit. Not in dev or tests. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  const start = () => void register().catch((error: unknown) => console.warn('Wick: the service worker did not register:', error));
  if (document.readyState === 'complete') start();
  else window.addEventListener('load', start, { once: true });
}

async function register(): Promise<void> {
  const scope = new URL(import.meta.env.BASE_URL, document.baseURI);
  const script = new URL('sw.js', scope);
  const registration = await navigator.serviceWorker.register(script, { scope: scope.pathname });
  if (globalThis.crossOriginIsolated) {
    sessionStorage.removeItem(RELOAD_KEY);
    return;
  }
  // Reload at most once per tab until a page is isolated: no loop where isolation can't happen.
  if (sessionStorage.getItem(RELOAD_KEY)) return;
  // A host that sends the headers itself doesn't need the worker's; a page without them there was
  // served so on purpose (a proxy or a test that removes them) and is left as it is.
  if (await hostSendsIsolationHeaders(script)) return;
  const reload = () => {
    sessionStorage.setItem(RELOAD_KEY, String(Date.now()));
    location.reload();
  };
  // Controlled (or loaded past an active worker, as a hard reload does): a reload goes through it.
  if (navigator.serviceWorker.controller || registration.active) reload();
  else navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
}

/** Whether the host's own response (the service worker passes its script through) carries COOP and COEP. */
async function hostSendsIsolationHeaders(script: URL): Promise<boolean> {
  try {
    const { headers } = await fetch(script, { cache: 'no-store' });
    return headers.get('cross-origin-opener-policy') === 'same-origin' && headers.get('cross-origin-embedder-policy') === 'require-corp';
  } catch {
    return false;
  }
}

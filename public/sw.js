// Wick's service worker (registered by app/service-worker-registration.ts in production builds).
//
// 1. Cross-origin isolation on any static host: every response it serves carries COOP, COEP and
//    CORP, so the page gets SharedArrayBuffer (the kernel's interrupt flag) even where the host
//    cannot send those headers (the coi-serviceworker technique; the page reloads once).
// 2. The app offline: the build's files are precached at install and served cache-first; a
//    navigation goes to the network and falls back to the cached index.html; data under data/ and
//    examples/ is cached on first use (network first).
//
// The build replaces BUILD below with the emitted files and a version (vite.config.ts,
// serviceWorkerManifest): a new build is a new cache, and the old one is deleted on activation.

const BUILD = { version: 'dev', files: [] };
/** The app's Content Security Policy (vite.config.ts writes it in), sent with the pages it serves. */
const CONTENT_SECURITY_POLICY = null;

const SCOPE = self.registration.scope;
const SHELL_PREFIX = `wick-shell ${SCOPE} `;
const SHELL_CACHE = SHELL_PREFIX + BUILD.version;
const DATA_CACHE = `wick-data ${SCOPE}`;
const INDEX_URL = new URL('index.html', SCOPE).href;
/** Paths under the scope that are data, fetched on use rather than precached. */
const DATA_PATHS = /^(data|examples)\//;

const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // `reload`: past the HTTP cache, so a cache holds one build's files and nothing older.
      await cache.addAll(BUILD.files.map((file) => new Request(new URL(file, SCOPE), { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(SHELL_PREFIX) && name !== SHELL_CACHE) await caches.delete(name);
      }
      // Control the open page now: it reloads once to become cross-origin isolated.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  // Cross-origin requests keep the browser's own handling; the worker script itself goes to the
  // network untouched, so the page can see whether the host sends the isolation headers.
  if (url.origin !== self.location.origin || url.href === self.location.href) return;
  // A Chromium devtools request that fetch() would refuse.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(respond(request, url).then((response) => isolated(response, request.mode === 'navigate')));
});

/** @param {Request} request @param {URL} url @returns {Promise<Response>} */
async function respond(request, url) {
  if (request.mode === 'navigate') return navigate(request);
  if (url.href.startsWith(SCOPE) && DATA_PATHS.test(url.href.slice(SCOPE.length))) return networkFirst(request, DATA_CACHE);
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch (error) {
    return (await caches.match(request)) ?? Promise.reject(error);
  }
}

/** Pages come from the network when it answers (a new build shows at once), else from the precache. */
async function navigate(request) {
  try {
    return await fetch(request);
  } catch (error) {
    const cache = await caches.open(SHELL_CACHE);
    return (await cache.match(request, { ignoreSearch: true })) ?? (await cache.match(INDEX_URL)) ?? Promise.reject(error);
  }
}

async function networkFirst(request, cacheName) {
  const cache = await caches.open(cacheName);
  try {
    const response = await fetch(request);
    if (response.status === 200) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    return (await cache.match(request)) ?? Promise.reject(error);
  }
}

/**
 * The response with the cross-origin isolation headers added, and for a page the Content Security
 * Policy too (an opaque or error response can't take headers).
 */
function isolated(response, page) {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  if (page && CONTENT_SECURITY_POLICY) headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

// jijiao service worker (hand-written).
// - precaches, under a versioned cache, only what a trainee uses (issue 13: ≤ 150 KB): the shell, home,
//   the check-in page, 我的签到码, 学分, 证书 and the login page; bump VERSION whenever one changes
// - everything else under /css, /js, /icons, /vendor (the admin pages and stylesheet, the entry form,
//   the QR decoder: LAZY below) is cached on first use, cache first
// - page navigations (check-in links and display links too): network first, the cached shell when
//   offline or slow (every app URL serves index.html; the shell then says what works offline)
// - never touches /api/ or /v/ (certificate check, a server page): they always go to the network

const VERSION = 'v18';
const CACHE_PREFIX = 'jijiao-shell-';
const CACHE = CACHE_PREFIX + VERSION;
// What is cached on first use (admin pages, the entry form, Chromium's fetch of the manifest's
// icons) is kept apart, so that the shell cache holds exactly the precache.
const RUNTIME_PREFIX = 'jijiao-runtime-';
const RUNTIME = RUNTIME_PREFIX + VERSION;
const SHELL_URL = '/';
const NAVIGATION_TIMEOUT_MS = 5000;

// tests/browser/test_pwa.py checks this list against what those pages import, and its size.
const SHELL = [
  SHELL_URL,
  '/manifest.webmanifest',
  '/css/app.css',
  '/css/trainee.css',
  '/js/app.js',
  '/js/api.js',
  '/js/format.js',
  '/js/labels.js',
  '/js/offline.js',
  '/js/personal-code.js',
  '/js/router.js',
  '/js/session.js',
  '/js/ui.js',
  '/js/qrcode.js',
  '/vendor/qrcode-generator/qrcode.mjs',
  '/js/captcha.js',
  '/js/pages/home.js',
  '/js/compliance.js',
  '/js/pages/checkin.js',
  '/js/pages/trainee-common.js',
  '/js/pages/mycode.js',
  '/js/pages/credits.js',
  '/js/pages/certificates.js',
  '/js/pages/login.js',
  '/js/pages/account-common.js',
  '/js/idcard.js',
  '/icons/icon-32.png',
];

// The QR decoder polyfill (~460 KB gzipped) is only loaded where the browser has no BarcodeDetector
// of its own: not precached (every phone would pay for it on install), but cached by its first use
// online, in a cache of its own that outlives shell updates, so that a tablet which once used its
// camera online keeps scanning offline after a deploy. Change LAZY_VERSION whenever these vendored
// files change (pwa/vendor/README.md). tests/browser/test_pwa.py has the same list.
const LAZY = ['/vendor/barcode-detector/ponyfill.js', '/vendor/barcode-detector/zxing-exported.js', '/vendor/barcode-detector/zxing_reader.wasm'];
const LAZY_VERSION = 'barcode-detector-3.2.2';
const LAZY_PREFIX = 'jijiao-lazy-';
const LAZY_CACHE = LAZY_PREFIX + LAZY_VERSION;

const STATIC_PREFIXES = ['/css/', '/js/', '/icons/', '/vendor/'];
const NEVER_CACHE_PREFIXES = ['/api/', '/v/'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      // cache: 'reload' skips the HTTP cache so a new version never precaches stale files.
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => self.skipWaiting()),
  );
});

/** An older version's cache: another shell version, or another version of the lazy files. */
function isStale(key) {
  if (key.indexOf(CACHE_PREFIX) === 0) return key !== CACHE;
  if (key.indexOf(RUNTIME_PREFIX) === 0) return key !== RUNTIME;
  if (key.indexOf(LAZY_PREFIX) === 0) return key !== LAZY_CACHE;
  return false;
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter(isStale).map((key) => caches.delete(key))))
      .then(() => self.clients.claim()),
  );
});

function startsWithAny(path, prefixes) {
  return prefixes.some((prefix) => path.indexOf(prefix) === 0);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

async function networkFirstNavigation(request) {
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.status < 500) return response;
    const shell = await caches.match(SHELL_URL);
    return shell || response;
  } catch (error) {
    // Offline or too slow: the shell renders the route itself; its API calls report the network error.
    const shell = await caches.match(SHELL_URL);
    if (shell) return shell;
    throw error;
  }
}

async function cacheFirst(event, path) {
  const request = event.request;
  const cached = await caches.match(request);
  if (cached) return cached;
  // Revalidated, like the precache's cache: 'reload': what is kept must not be the HTTP cache's
  // copy of an older version (the server lets it be reused for an hour).
  const response = await fetch(new Request(request, { cache: 'no-cache' }));
  // Whole same-origin answers only (not a 206 range, not an error page).
  if (response.status === 200 && response.type === 'basic') {
    const copy = response.clone();
    const name = LAZY.indexOf(path) !== -1 ? LAZY_CACHE : RUNTIME;
    // waitUntil: the worker is not stopped before the copy is stored.
    event.waitUntil(caches.open(name).then((cache) => cache.put(request, copy)).catch(() => {}));
  }
  return response;
}

// The page that was open while this worker installed loaded its files past it (an admin page, the
// reverse-mode tablet): it sends their paths once the worker controls it, and they are kept as if
// fetched through here, so that the page reloads offline (app.js keepLoadedFiles).
self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.paths)) return;
  const wanted = data.paths.filter((path) => typeof path === 'string' && startsWithAny(path, STATIC_PREFIXES)).slice(0, 100);
  event.waitUntil(
    Promise.all(
      wanted.map(async (path) => {
        if (await caches.match(path)) return;
        const response = await fetch(new Request(path, { cache: 'no-cache' }));
        if (response.status !== 200) return;
        const cache = await caches.open(LAZY.indexOf(path) !== -1 ? LAZY_CACHE : RUNTIME);
        await cache.put(path, response);
      }),
    ).catch(() => {}),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (startsWithAny(url.pathname, NEVER_CACHE_PREFIXES)) return; // straight to the network

  if (request.mode === 'navigate') {
    event.respondWith(networkFirstNavigation(request));
  } else if (url.pathname === '/manifest.webmanifest' || startsWithAny(url.pathname, STATIC_PREFIXES)) {
    event.respondWith(cacheFirst(event, url.pathname));
  }
});

// jijiao service worker (hand-written).
// - precaches the app shell under a versioned cache; bump VERSION whenever a shell file changes
// - page navigations: network first, the cached shell when offline (every app URL serves index.html)
// - shell assets (/css, /js, /icons, /vendor, the manifest): cache first; what is not precached
//   is cached on first use: the QR decoder (LAZY below)
// - never touches /api/, /c/ (check-in) or /v/ (certificate check, a server page) requests:
//   they always go to the network, uncached

const VERSION = 'v11';
const CACHE_PREFIX = 'jijiao-shell-';
const CACHE = CACHE_PREFIX + VERSION;
const SHELL_URL = '/';
const NAVIGATION_TIMEOUT_MS = 5000;

const SHELL = [
  SHELL_URL,
  '/manifest.webmanifest',
  '/css/app.css',
  '/css/trainee.css',
  '/js/scanner.js',
  '/js/qrcode.js',
  '/js/pages/checkin.js',
  '/js/pages/scan.js',
  '/js/pages/mycode.js',
  '/js/pages/credits.js',
  '/js/pages/credit.js',
  '/js/pages/entry.js',
  '/js/pages/entry-evidence.js',
  '/js/pages/certificates.js',
  '/js/pages/trainee-common.js',
  '/vendor/README.md',
  '/vendor/qrcode-generator/qrcode.mjs',
  '/vendor/qrcode-generator/LICENSE.txt',
  '/vendor/barcode-detector/LICENSE.txt',
  '/vendor/barcode-detector/LICENSE-zxing-wasm.txt',
  '/vendor/barcode-detector/LICENSE-zxing-cpp.txt',
  '/css/admin.css',
  '/js/pages/admin-common.js',
  '/js/pages/admin-trainings.js',
  '/js/pages/admin-training-form.js',
  '/js/pages/admin-training.js',
  '/js/pages/admin-screen.js',
  '/js/pages/admin-reverse.js',
  '/js/pages/admin-review.js',
  '/js/pages/admin-corrections.js',
  '/js/pages/admin-entry.js',
  '/js/pages/admin-rules.js',
  '/js/pages/statistics-common.js',
  '/js/pages/statistics.js',
  '/js/pages/statistics-people.js',
  '/js/pages/statistics-person.js',
  '/js/pages/statistics-at-risk.js',
  '/js/pages/reports.js',
  '/js/rules.js',
  '/js/app.js',
  '/js/api.js',
  '/js/labels.js',
  '/js/format.js',
  '/js/router.js',
  '/js/session.js',
  '/js/ui.js',
  '/js/captcha.js',
  '/js/pages/home.js',
  '/js/pages/login.js',
  '/js/pages/security.js',
  '/js/pages/admin-contacts.js',
  '/js/pages/password.js',
  '/js/pages/people.js',
  '/js/pages/person.js',
  '/js/pages/soon.js',
  '/js/idcard.js',
  '/js/pages/account-common.js',
  '/js/pages/register.js',
  '/js/pages/register-status.js',
  '/js/pages/forgot.js',
  '/js/pages/profile-common.js',
  '/js/pages/profile.js',
  '/js/pages/binding.js',
  '/js/pages/registrations.js',
  '/icons/icon-32.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
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
const NEVER_CACHE_PREFIXES = ['/api/', '/c/', '/v/'];

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
    const name = LAZY.indexOf(path) !== -1 ? LAZY_CACHE : CACHE;
    // waitUntil: the worker is not stopped before the copy is stored.
    event.waitUntil(caches.open(name).then((cache) => cache.put(request, copy)).catch(() => {}));
  }
  return response;
}

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

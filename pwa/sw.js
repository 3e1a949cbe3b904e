// jijiao service worker (hand-written).
// - precaches the app shell under a versioned cache; bump VERSION whenever a shell file changes
// - page navigations: network first, the cached shell when offline (every app URL serves index.html)
// - shell assets (/css, /js, /icons, /vendor, the manifest): cache first
// - never touches /api/, /c/ (check-in) or /v/ (certificate check, a server page) requests:
//   they always go to the network, uncached

const VERSION = 'v5';
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
  '/js/pages/certificates.js',
  '/js/pages/trainee-common.js',
  '/vendor/README.md',
  '/vendor/qrcode-generator/qrcode.mjs',
  '/vendor/qrcode-generator/LICENSE.txt',
  '/vendor/barcode-detector/ponyfill.js',
  '/vendor/barcode-detector/zxing-exported.js',
  '/vendor/barcode-detector/zxing_reader.wasm',
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
  '/js/app.js',
  '/js/api.js',
  '/js/labels.js',
  '/js/router.js',
  '/js/session.js',
  '/js/ui.js',
  '/js/pages/home.js',
  '/js/pages/login.js',
  '/js/pages/password.js',
  '/js/pages/people.js',
  '/js/pages/person.js',
  '/js/pages/soon.js',
  '/icons/icon-32.png',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
  '/icons/icon-maskable-512.png',
  '/icons/apple-touch-icon.png',
];

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

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((key) => key.indexOf(CACHE_PREFIX) === 0 && key !== CACHE).map((key) => caches.delete(key))))
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

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
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
    event.respondWith(cacheFirst(request));
  }
});

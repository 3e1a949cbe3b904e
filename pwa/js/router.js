// History-API routing: path patterns, navigate(), and in-app link interception.
// The route table itself lives in app.js; this module knows nothing about pages.

const listeners = [];
let depth = 0; // how many in-app entries sit behind the current one

/** Compile '/people/:id' into a matcher returning {id: '...'} or null. */
export function compile(pattern) {
  const names = [];
  const source = pattern
    .split('/')
    .map((part) => {
      if (part.charAt(0) === ':') {
        names.push(part.slice(1));
        return '([^/]+)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const re = new RegExp('^' + source + '/?$');
  return (pathname) => {
    const m = re.exec(pathname);
    if (!m) return null;
    const params = {};
    names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1]);
    });
    return params;
  };
}

/** Called with no arguments whenever the location changes. */
export function onRouteChange(fn) {
  listeners.push(fn);
}

function emit() {
  listeners.forEach((fn) => fn());
}

/** Go to an in-app URL ('/people?page=2'). */
export function navigate(to, { replace = false } = {}) {
  if (replace) {
    history.replaceState({ depth }, '', to);
  } else {
    depth += 1;
    history.pushState({ depth }, '', to);
  }
  emit();
}

/** '?a=1&b=2' from an object, leaving out empty values; '' when nothing is left. */
export function queryString(params) {
  const qs = new URLSearchParams();
  Object.keys(params || {}).forEach((key) => {
    const value = params[key];
    if (value !== '' && value !== null && value !== undefined) qs.set(key, String(value));
  });
  const s = qs.toString();
  return s ? '?' + s : '';
}

/** Update the query string of the current entry without re-rendering. */
export function replaceQuery(params) {
  history.replaceState(history.state, '', location.pathname + queryString(params));
}

/** Back to the previous in-app page if there is one, else to `fallback`. */
export function back(fallback) {
  if (depth > 0) history.back();
  else navigate(fallback);
}

/** A safe in-app path from an untrusted value (e.g. ?next=), else null. */
export function safePath(value) {
  if (typeof value !== 'string' || value.charAt(0) !== '/') return null;
  if (value.charAt(1) === '/' || value.charAt(1) === '\\') return null;
  return value;
}

function isInAppLink(a, event) {
  if (event.defaultPrevented || event.button !== 0) return false;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return false;
  if (a.target && a.target !== '_self') return false;
  if (a.hasAttribute('download') || a.getAttribute('rel') === 'external') return false;
  if (a.origin !== location.origin) return false;
  return a.pathname.indexOf('/api/') !== 0;
}

/** Start listening to link clicks and back/forward. */
export function start() {
  if (history.state && typeof history.state.depth === 'number') depth = history.state.depth;
  else history.replaceState({ depth }, '', location.href);

  document.addEventListener('click', (event) => {
    const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!a || !isInAppLink(a, event)) return;
    event.preventDefault();
    const to = a.pathname + a.search + a.hash;
    if (to === location.pathname + location.search + location.hash) return;
    navigate(to);
  });
  window.addEventListener('popstate', (event) => {
    depth = event.state && typeof event.state.depth === 'number' ? event.state.depth : 0;
    emit();
  });
}

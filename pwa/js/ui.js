// Tiny DOM helpers. All text goes in through text nodes or properties: never innerHTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

// 24x24 stroke icons (static path data only).
const ICONS = {
  home: 'M3 11l9-7 9 7M5 9.5V20h5v-6h4v6h5V9.5',
  scan: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5M4 12h16',
  credits: 'M10 6h10M10 12h10M10 18h10M4 6l1.5 1.5L8 5M4 12l1.5 1.5L8 11M4 18l1.5 1.5L8 17',
  certificate: 'M12 15a6 6 0 1 0 0-12 6 6 0 0 0 0 12zM8.5 13.8L7 22l5-3 5 3-1.5-8.2',
  people: 'M9 11a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM2 21v-1a7 7 0 0 1 14 0v1M16 3.5a4 4 0 0 1 0 7.5M22 21v-1a7 7 0 0 0-4-6.3',
  logout: 'M9 4H5a1 1 0 0 0-1 1v14a1 1 0 0 0 1 1h4M16 17l5-5-5-5M21 12H9',
  chevron: 'M9 6l6 6-6 6',
  back: 'M15 6l-6 6 6 6',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
  search: 'M11 18a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM21 21l-5-5',
  clock: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7v5l3 2',
  training: 'M3 4h18v12H3zM12 16v4M8 20h8M7 8h6M7 12h10',
  review: 'M9 3h6v4H9zM9 5H5v16h14V5h-4M8.5 14l2.5 2.5 5-5',
  check: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM7.5 12.5l3 3 6-6.5',
  alert: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM12 7.5v6M12 16.5v.5',
  qrcode: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h2.5v2.5H14zM17.5 17.5H20V20h-2.5zM14 20h1M20 14v1',
  download: 'M12 4v11M7 10l5 5 5-5M5 20h14',
  chart: 'M4 20V11M10 20V5M16 20v-8M21 20H3',
};

function append(parent, child) {
  if (child === null || child === undefined || child === false || child === true) return;
  if (Array.isArray(child)) {
    child.forEach((c) => append(parent, c));
  } else if (child instanceof Node) {
    parent.appendChild(child);
  } else {
    parent.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * h('a', {href: '/x', class: 'btn', 'data-testid': 'y', onclick: fn}, 'text', child, [more])
 * Attribute values: functions for on* become listeners; true sets an empty attribute;
 * false / null / undefined are skipped; value / checked are set as properties.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    Object.keys(attrs).forEach((name) => {
      const value = attrs[name];
      if (value === null || value === undefined || value === false) return;
      if (name.indexOf('on') === 0 && typeof value === 'function') {
        el.addEventListener(name.slice(2).toLowerCase(), value);
      } else if (name === 'class') {
        el.className = value;
      } else if (name === 'value' || name === 'checked') {
        el[name] = value;
      } else {
        el.setAttribute(name, value === true ? '' : String(value));
      }
    });
  }
  append(el, children);
  return el;
}

/** Replace the children of `el`. */
export function mount(el, ...children) {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, children);
  return el;
}

export function icon(name, className) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'icon' + (className ? ' ' + className : ''));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', ICONS[name] || '');
  svg.appendChild(path);
  return svg;
}

/** A value for display: '—' for empty. */
export function show(value) {
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

/** A labelled form field. `input` is an element; its id is set from `id`. */
export function field(id, label, input, hint) {
  input.id = id;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    input,
    hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null,
  );
}

/** An alert box, hidden until showMessage() puts text in it. */
export function messageBox(testid, kind = 'error') {
  return h('div', { class: 'msg msg-' + kind, role: 'alert', 'data-testid': testid, hidden: true });
}

export function showMessage(box, text) {
  box.textContent = text || '';
  box.hidden = !text;
}

/** Disable a button while work is in flight, with a busy label. */
export function setBusy(button, busy, busyText) {
  if (busy) {
    if (!button.dataset.label) button.dataset.label = button.textContent;
    button.textContent = busyText;
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/** The standard page heading (focus target after navigation). */
export function pageTitle(text, testid) {
  return h('h1', { class: 'page-title', tabindex: '-1', 'data-testid': testid }, text);
}

/** A centred card with an icon, a title, a line of text and one link (or another `action` element). */
export function notice({ iconName = 'clock', title, text, href, linkText, action, testid = 'notice' }) {
  return h(
    'div',
    { class: 'card notice', 'data-testid': testid },
    icon(iconName, 'notice-icon'),
    h('p', { class: 'notice-title' }, title),
    text ? h('p', { class: 'muted' }, text) : null,
    action || (href ? h('a', { class: 'btn btn-secondary', href }, linkText) : null),
  );
}

const styles = {};

/** Add a stylesheet once; resolves when it has loaded (or failed, or after 5 s: the page shows either way). */
export function loadStyle(href) {
  if (!styles[href]) {
    styles[href] = new Promise((resolve) => {
      const existing = document.querySelector('link[rel="stylesheet"][href="' + href + '"]');
      if (existing) {
        resolve();
        return;
      }
      const link = h('link', { rel: 'stylesheet', href });
      const done = () => resolve();
      link.addEventListener('load', done);
      link.addEventListener('error', done);
      setTimeout(done, 5000);
      document.head.appendChild(link);
    });
  }
  return styles[href];
}

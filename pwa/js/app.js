// Entry point: the route table, the page shell (app bar + tabs / side nav) and bootstrapping.
//
// A route: path (':name' segments become ctx.params), load() -> the page module,
// access: 'public' (no login), 'user' (logged in), 'admin' (an admin role is active), 'provider'
// (a training provider's admin is active) or 'organiser' (either: who may run a session's check-in),
// css: a stylesheet the page needs beyond the trainee shell's,
// tab: the nav tab to highlight, offline: opens offline from the user kept on the phone (offline.js),
// admin: needs the admin stylesheet though public, chrome: false for a page with no app bar at all.
// A page module exports render(ctx); ctx = {main, params, query, user, role, route, setTitle, rerender,
// offlineAt (ms: when the kept data was taken, when the shell runs offline; else null), attention()}.
// Pages fill ctx.main; a page still loading when the user moves on writes into a detached node.
//
// The trainee shell is light (issue 13): admin pages and admin.css load only for admin roles, on
// demand; the service worker precaches only what a trainee uses (sw.js).

import { compile, navigate, onRouteChange, start } from './router.js';
import { activeRole, isAdminRole, isProviderRole, loadUser, logout, roleLabel } from './session.js';
import { h, icon, loadStyle, mount, notice } from './ui.js';
import { fmtDateTime } from './format.js';
import * as offline from './offline.js';
import { api } from './api.js';

// Guangdong's classes, courses and dishonesty pages (trainee and provider).
const LEARNING_CSS = '/css/learning.css';

const ROUTES = [
  { path: '/login', load: () => import('./pages/login.js'), access: 'public' },
  { path: '/forgot', load: () => import('./pages/forgot.js'), access: 'public' },
  { path: '/forgot/username', load: () => import('./pages/forgot.js'), access: 'public' },
  { path: '/register', load: () => import('./pages/register.js'), access: 'public' },
  { path: '/register/status', load: () => import('./pages/register-status.js'), access: 'public' },
  { path: '/password', load: () => import('./pages/password.js'), access: 'user' },
  { path: '/security', load: () => import('./pages/security.js'), access: 'admin' },
  { path: '/admin-contacts', load: () => import('./pages/admin-contacts.js'), access: 'admin' },
  { path: '/profile', load: () => import('./pages/profile.js'), access: 'user' },
  { path: '/account', load: () => import('./pages/account.js'), access: 'user' },
  { path: '/binding', load: () => import('./pages/binding.js'), access: 'user' },
  { path: '/', load: () => import('./pages/home.js'), access: 'user', tab: 'home', offline: true },
  { path: '/scan', load: () => import('./pages/scan.js'), access: 'user', tab: 'scan' },
  { path: '/credits', load: () => import('./pages/credits.js'), access: 'user', tab: 'credits', offline: true },
  { path: '/credits/new', load: () => import('./pages/entry.js'), access: 'user', tab: 'credits' },
  { path: '/credits/:id', load: () => import('./pages/credit.js'), access: 'user', tab: 'credits' },
  { path: '/credits/:id/edit', load: () => import('./pages/entry.js'), access: 'user', tab: 'credits' },
  { path: '/certificates', load: () => import('./pages/certificates.js'), access: 'user', tab: 'certificates', offline: true },
  { path: '/compliance', load: () => import('./pages/compliance.js'), access: 'user', tab: 'home' },
  { path: '/standards', load: () => import('./pages/standards.js'), access: 'user', tab: 'rules', admin: true },
  { path: '/standards/mine', load: () => import('./pages/my-standards.js'), access: 'user', tab: 'home' },
  { path: '/standards/new', load: () => import('./pages/standard-form.js'), access: 'admin', tab: 'rules' },
  { path: '/standards/:id/edit', load: () => import('./pages/standard-form.js'), access: 'admin', tab: 'rules' },
  // Public so that it opens offline too: the page checks the login itself when the network answers.
  { path: '/my-code', load: () => import('./pages/mycode.js'), access: 'public' },
  { path: '/trainings', load: () => import('./pages/admin-trainings.js'), access: 'admin', tab: 'trainings' },
  { path: '/trainings/new', load: () => import('./pages/admin-training-form.js'), access: 'admin', tab: 'trainings' },
  { path: '/trainings/:id', load: () => import('./pages/admin-training.js'), access: 'admin', tab: 'trainings' },
  { path: '/trainings/:id/edit', load: () => import('./pages/admin-training-form.js'), access: 'admin', tab: 'trainings' },
  { path: '/sessions/:id/screen', load: () => import('./pages/admin-screen.js'), access: 'organiser', tab: 'trainings' },
  // Public so that a reload works offline: the page checks the login itself when the network answers.
  { path: '/sessions/:id/reverse', load: () => import('./pages/admin-reverse.js'), access: 'public', admin: true },
  // CME projects (seed 001 §3): the fixed paths before /projects/:id.
  { path: '/projects', load: () => import('./pages/admin-projects.js'), access: 'admin', tab: 'projects' },
  { path: '/projects/published', load: () => import('./pages/admin-projects.js'), access: 'admin', tab: 'projects' },
  { path: '/projects/delegated', load: () => import('./pages/admin-projects.js'), access: 'admin', tab: 'projects' },
  { path: '/projects/new', load: () => import('./pages/admin-project-form.js'), access: 'admin', tab: 'projects' },
  { path: '/projects/:id', load: () => import('./pages/admin-project.js'), access: 'admin', tab: 'projects' },
  { path: '/projects/:id/edit', load: () => import('./pages/admin-project-form.js'), access: 'admin', tab: 'projects' },
  { path: '/activity-stats', load: () => import('./pages/admin-activity-stats.js'), access: 'admin', tab: 'projects' },
  { path: '/review', load: () => import('./pages/admin-review.js'), access: 'admin', tab: 'review' },
  { path: '/corrections', load: () => import('./pages/admin-corrections.js'), access: 'admin', tab: 'review' },
  { path: '/corrections/entry', load: () => import('./pages/admin-entry.js'), access: 'admin', tab: 'review' },
  { path: '/rules', load: () => import('./pages/admin-rules.js'), access: 'admin', tab: 'rules' },
  { path: '/registrations', load: () => import('./pages/registrations.js'), access: 'admin', tab: 'people' },
  { path: '/people', load: () => import('./pages/people.js'), access: 'admin', tab: 'people' },
  { path: '/people/import', load: () => import('./pages/people-import.js'), access: 'admin', tab: 'people' },
  { path: '/people/changes', load: () => import('./pages/people-changes.js'), access: 'admin', tab: 'people' },
  { path: '/statistics', load: () => import('./pages/statistics.js'), access: 'admin', tab: 'home' },
  { path: '/statistics/people', load: () => import('./pages/statistics-people.js'), access: 'admin', tab: 'home' },
  { path: '/statistics/person/:id', load: () => import('./pages/statistics-person.js'), access: 'admin', tab: 'home' },
  { path: '/statistics/at-risk', load: () => import('./pages/statistics-at-risk.js'), access: 'admin', tab: 'home' },
  { path: '/reports', load: () => import('./pages/reports.js'), access: 'admin', tab: 'home' },
  { path: '/people/:id', load: () => import('./pages/person.js'), access: 'user', tab: 'people' },
  { path: '/people/:id/years', load: () => import('./pages/person-years.js'), access: 'admin', tab: 'people' },
  { path: '/archive-changes', load: () => import('./pages/archive-review.js'), access: 'admin', tab: 'people' },
  { path: '/archive', load: () => import('./pages/archive.js'), access: 'user', tab: 'home' },
  // Guangdong's flows (seed 002 §3.3–3.4, 004 §4): classes, public courses, dishonesty.
  { path: '/classes', load: () => import('./pages/classes.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/classes/mine', load: () => import('./pages/enrolments.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/classes/:id', load: () => import('./pages/class.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/courses', load: () => import('./pages/courses.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/courses/:id', load: () => import('./pages/course.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/courses/:id/lessons/:lessonId', load: () => import('./pages/lesson.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/courses/:id/exam', load: () => import('./pages/exam.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/dishonesty', load: () => import('./pages/dishonesty.js'), css: LEARNING_CSS, access: 'user', tab: 'home' },
  { path: '/provider/classes', load: () => import('./pages/provider-classes.js'), css: LEARNING_CSS, access: 'provider', tab: 'pclasses' },
  { path: '/provider/classes/new', load: () => import('./pages/provider-class-form.js'), css: LEARNING_CSS, access: 'provider', tab: 'pclasses' },
  { path: '/provider/classes/:id', load: () => import('./pages/provider-class.js'), css: LEARNING_CSS, access: 'provider', tab: 'pclasses' },
  { path: '/provider/courses', load: () => import('./pages/provider-courses.js'), css: LEARNING_CSS, access: 'provider', tab: 'pcourses' },
  { path: '/provider/courses/:id', load: () => import('./pages/provider-course.js'), css: LEARNING_CSS, access: 'provider', tab: 'pcourses' },
  { path: '/providers', load: () => import('./pages/region-providers.js'), css: LEARNING_CSS, access: 'admin', tab: 'people' },
  { path: '/dishonesty-records', load: () => import('./pages/region-dishonesty.js'), css: LEARNING_CSS, access: 'admin', tab: 'people' },
  // What the check-in QR opens, logged in or not (the page logs in on the way if needed).
  { path: '/c/:sessionId', load: () => import('./pages/checkin.js'), access: 'public' },
  // The lecture-hall PC or projector: a display link, no login, the whole screen and nothing around it.
  { path: '/d/:token', load: () => import('./pages/display.js'), access: 'public', chrome: false },
];

const NOT_FOUND = { path: '*', access: 'public' };

const TABS = {
  home: { href: '/', label: '首页', icon: 'home' },
  scan: { href: '/scan', label: '签到', icon: 'scan' },
  credits: { href: '/credits', label: '学分', icon: 'credits' },
  certificates: { href: '/certificates', label: '证书', icon: 'certificate' },
  trainings: { href: '/trainings', label: '培训', icon: 'training' },
  review: { href: '/review', label: '审核', icon: 'review' },
  projects: { href: '/projects', label: '项目', icon: 'certificate' },
  rules: { href: '/rules', label: '规则', icon: 'credits' },
  people: { href: '/people', label: '人员', icon: 'people' },
  pclasses: { href: '/provider/classes', label: '培训班', icon: 'training' },
  pcourses: { href: '/provider/courses', label: '公需课', icon: 'certificate' },
};

ROUTES.forEach((route) => {
  route.match = compile(route.path);
});

const root = document.getElementById('app');
let renderSeq = 0;
let firstRender = true;

function findRoute(pathname) {
  for (let i = 0; i < ROUTES.length; i += 1) {
    const params = ROUTES[i].match(pathname);
    if (params) return { route: ROUTES[i], params };
  }
  return { route: NOT_FOUND, params: {} };
}

function setTitle(text) {
  document.title = text ? text + ' · 继教' : '继教 · 继续医学教育学分';
}

function tabsFor(user, role) {
  if (user.must_change_password || user.profile_complete === false || !role) return [];
  if (role.role === 'trainee') return ['home', 'scan', 'credits', 'certificates'];
  // A region admin reviews no credits but maintains the rule catalogue.
  if (role.role === 'region_admin') return ['home', 'projects', 'trainings', 'rules', 'people'];
  if (isAdminRole(role)) return ['home', 'trainings', 'projects', 'review', 'people'];
  if (isProviderRole(role)) return ['home', 'pclasses', 'pcourses'];
  return [];
}

const ADMIN_CSS = '/css/admin.css';

/** 退出 asks first; the offline personal code stays on the phone unless the user clears it (a shared phone). */
function onLogout() {
  const clear = h('input', { type: 'checkbox', id: 'logout-clear-code', 'data-testid': 'logout-clear-code' });
  const cancel = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'logout-cancel' }, '取消');
  const confirm = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'logout-confirm' }, '退出');
  const dialog = h(
    'dialog',
    { class: 'dialog', 'data-testid': 'logout-dialog', 'aria-label': '退出登录' },
    h(
      'div',
      { class: 'dialog-form' },
      h('h2', { class: 'dialog-title' }, '退出登录？'),
      h('p', null, '退出后本机仍保留您的个人签到码，离线也能出示给组织者扫码。'),
      h('label', { class: 'check-line', for: 'logout-clear-code' }, clear, h('span', null, '同时清除本机的签到码（借用他人手机或公用设备时请勾选）')),
      h('div', { class: 'dialog-actions' }, cancel, confirm),
    ),
  );
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    cancel.disabled = true;
    await logout({ keepPersonalCode: !clear.checked });
    dialog.close();
    navigate('/login', { replace: true });
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  cancel.focus();
}

// What the trainee must not miss (GET /api/me/attention), asked once per half minute at most:
// the home card and the dot on the 学分 tab share one answer.
let attentionCache = null;

function attention(force) {
  if (!force && attentionCache && Date.now() - attentionCache.at < 30000) return attentionCache.promise;
  const promise = api('/api/me/attention', { redirect: false });
  attentionCache = { at: Date.now(), promise };
  promise.catch(() => {
    attentionCache = null;
  });
  return promise;
}

function paintTabDot(shellNode) {
  const tab = shellNode.querySelector('[data-testid="nav-credits"]');
  if (!tab) return;
  attention()
    .then((body) => {
      const old = tab.querySelector('.tab-dot');
      if (old) old.remove();
      if (body.returned.length || body.notices.some((n) => n.credit_id !== null)) {
        tab.appendChild(h('span', { class: 'tab-dot', 'data-testid': 'nav-credits-dot', role: 'img', 'aria-label': '有需要处理的学分' }));
      }
    })
    .catch(() => {}); // no dot when it cannot be asked
}

/** After an online start as a trainee: keep what offline use needs (offline.js, personal-code.js), when idle. */
function keepForOffline(user, role) {
  if (!role || role.role !== 'trainee' || user.person_id === null || user.person_id === undefined) return;
  offline.save('user', user.id, user);
  const later = window.requestIdleCallback || ((fn) => setTimeout(fn, 1500));
  later(async () => {
    try {
      const personal = await import('./personal-code.js');
      const kept = personal.loadStored();
      if (!kept || kept.account_id !== user.id) await personal.fetchAndStore(user);
      const credits = offline.read('credits', user.id);
      if (!credits || Date.now() - credits.at > 10 * 60 * 1000) {
        const trainee = await import('./pages/trainee-common.js');
        await trainee.keepCredits(user);
      }
    } catch (e) {
      // offline again, or not a trainee with a person: nothing kept this time
    }
  });
}

/** The logged-in layout: app bar, bottom tabs (side nav from 900px), and `main`. */
function shell(user, role, route, main, offlineAt) {
  const tabs = tabsFor(user, role);
  const nav =
    tabs.length > 1
      ? h(
          'nav',
          { class: 'tabs', 'aria-label': '主导航', 'data-testid': 'nav' },
          tabs.map((name) => {
            const tab = TABS[name];
            return h(
              'a',
              { class: 'tab', href: tab.href, 'aria-current': route.tab === name ? 'page' : null, 'data-testid': 'nav-' + name },
              icon(tab.icon),
              h('span', null, tab.label),
            );
          }),
        )
      : null;
  return h(
    'div',
    { class: nav ? 'shell has-tabs' : 'shell' },
    h(
      'header',
      { class: 'appbar' },
      h('a', { class: 'brand', href: '/' }, h('img', { src: '/icons/icon-32.png', alt: '', width: 28, height: 28 }), h('span', null, '继教')),
      h(
        'span',
        { class: 'appbar-user' },
        h('span', { class: 'appbar-name' }, user.name || user.username),
        role ? h('span', { class: 'appbar-role' }, roleLabel(role)) : null,
      ),
      h('button', { type: 'button', class: 'appbar-btn', 'data-testid': 'logout', onclick: onLogout }, icon('logout'), h('span', null, '退出')),
    ),
    offlineAt ? h('p', { class: 'offline-banner', role: 'status', 'data-testid': 'offline-banner' }, '离线模式 · 显示的是 ' + fmtDateTime(offlineAt) + ' 保存的数据') : null,
    nav,
    main,
  );
}

/** The layout for pages used without logging in. */
function bare(main) {
  return h(
    'div',
    { class: 'bare' },
    h('a', { class: 'bare-brand', href: '/' }, h('img', { src: '/icons/icon-32.png', alt: '', width: 32, height: 32 }), h('span', null, '继教'), h('small', null, '继续医学教育学分')),
    main,
  );
}

function showFailure(text, retry, offlineNow) {
  setTitle('出错了');
  const main = h('main', { class: 'main', id: 'main' });
  const action = h(
    'div',
    { class: 'notice-actions' },
    h('button', { type: 'button', class: 'btn btn-primary', onclick: retry, 'data-testid': 'load-error-retry' }, '重试'),
    // The personal code works with no network: always a way to be checked in.
    offlineNow ? h('a', { class: 'btn btn-secondary', href: '/my-code', 'data-testid': 'load-error-my-code' }, '我的签到码') : null,
  );
  mount(main, notice({ title: offlineNow ? '当前没有网络' : '暂时无法打开', text, action, testid: 'load-error' }));
  mount(root, bare(main));
}

// A page module still downloading after this long shows that it is coming (admin pages load on demand).
const LOADING_NOTE_MS = 400;

async function render() {
  const seq = (renderSeq += 1);
  const isCurrent = () => seq === renderSeq;
  const url = new URL(location.href);
  const { route, params } = findRoute(url.pathname);

  let user = null;
  let offlineAt = null;
  if (route.access !== 'public') {
    try {
      user = await loadUser();
    } catch (error) {
      if (!isCurrent()) return;
      // Offline: a trainee's home, 学分 and 证书 open from what the phone kept at the last online start.
      const kept = offline.isOffline(error) && route.offline ? offline.read('user') : null;
      if (!kept) {
        showFailure(offline.isOffline(error) ? '网络连接失败，请检查网络后重试。个人签到码无需联网，可随时出示。' : error.detail, render, offline.isOffline(error));
        return;
      }
      user = kept.data;
      offlineAt = kept.at;
    }
    if (!isCurrent()) return;
    if (!user) {
      navigate('/login?next=' + encodeURIComponent(url.pathname + url.search), { replace: true });
      return;
    }
    if (user.must_change_password && route.path !== '/password') {
      navigate('/password', { replace: true });
      return;
    }
    // First login: a trainee completes the basic profile before anything else (seed 000 §7.1).
    if (!user.must_change_password && user.profile_complete === false && route.path !== '/profile') {
      navigate('/profile', { replace: true });
      return;
    }
  }

  const role = user ? activeRole(user) : null;
  let page = null;
  if (route.load) {
    const slow = setTimeout(() => {
      if (isCurrent()) mount(root, bare(h('main', { class: 'main', id: 'main' }, h('p', { class: 'boot', role: 'status', 'data-testid': 'page-loading' }, '正在加载…'))));
    }, LOADING_NOTE_MS);
    try {
      // The admin stylesheet is not part of the trainee shell: fetched with an admin page.
      const admin = ['admin', 'provider', 'organiser'].includes(route.access) || route.admin || isAdminRole(role)
        || isProviderRole(role);
      const styled = [admin ? loadStyle(ADMIN_CSS) : null, route.css ? loadStyle(route.css) : null];
      page = await route.load();
      await Promise.all(styled);
    } catch (error) {
      if (isCurrent()) showFailure('页面加载失败，请检查网络后重试。', render, !navigator.onLine);
      return;
    } finally {
      clearTimeout(slow);
    }
    if (!isCurrent()) return;
  }

  const main = h('main', { class: 'main', id: 'main' });
  const layout = route.chrome === false ? main : user ? shell(user, role, route, main, offlineAt) : bare(main);
  mount(root, layout);
  window.scrollTo(0, 0);
  if (user && !offlineAt && role && role.role === 'trainee') {
    paintTabDot(layout);
    keepForOffline(user, role);
  }

  if (!page) {
    setTitle('页面不存在');
    mount(main, notice({ title: '页面不存在', text: '您访问的页面不存在或已被移除。', href: '/', linkText: '返回首页', testid: 'not-found' }));
  } else if (
    (route.access === 'admin' && !isAdminRole(role)) ||
    (route.access === 'provider' && !isProviderRole(role)) ||
    (route.access === 'organiser' && !isAdminRole(role) && !isProviderRole(role))
  ) {
    setTitle('无权访问');
    mount(main, notice({ iconName: 'lock', title: '无权访问', text: '当前身份不能查看此页面。', href: '/', linkText: '返回首页', testid: 'forbidden' }));
  } else {
    setTitle('');
    try {
      await page.render({ main, params, query: url.searchParams, user, role, route, setTitle, rerender: render, offlineAt, attention });
    } catch (error) {
      if (error && error.handled) return;
      if (isCurrent()) mount(main, notice({ title: '出错了', text: (error && error.detail) || '页面出错，请刷新后重试。', href: '/', linkText: '返回首页', testid: 'page-error' }));
      return;
    }
  }

  // After an in-app navigation, move focus to the new page's heading for screen readers.
  if (!firstRender && isCurrent()) {
    const heading = main.querySelector('h1');
    if (heading) {
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
    }
  }
  firstRender = false;
}

// On a check-in link the check-in goes first: the worker's precache (~50 KB gzipped) would share a
// slow link with it, so it waits a while there (issue 13: the first visit's budget).
const CHECKIN_SW_DELAY_MS = 10000;

/** Once a new worker controls this page, hand it the files the page loaded before it did (sw.js 'keep'). */
function keepLoadedFiles() {
  const worker = navigator.serviceWorker.controller;
  if (!worker || !window.performance || !performance.getEntriesByType) return;
  const paths = performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name, location.href))
    .filter((url) => url.origin === location.origin && /^\/(css|js|icons|vendor)\//.test(url.pathname))
    .map((url) => url.pathname);
  worker.postMessage({ type: 'keep', paths });
}

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.addEventListener('controllerchange', keepLoadedFiles);
  const register = () => navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  const delay = location.pathname.indexOf('/c/') === 0 && !navigator.serviceWorker.controller ? CHECKIN_SW_DELAY_MS : 0;
  const soon = () => setTimeout(register, delay);
  if (document.readyState === 'complete') soon();
  else window.addEventListener('load', soon);
}

start();
onRouteChange(render);
render();
registerServiceWorker();

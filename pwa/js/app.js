// Entry point: the route table, the page shell (app bar + tabs / side nav) and bootstrapping.
//
// A route: path (':name' segments become ctx.params), load() -> the page module,
// access: 'public' (no login), 'user' (logged in) or 'admin' (an admin role is active),
// tab: the nav tab to highlight, soon: the text of a placeholder page (pages/soon.js).
// A page module exports render(ctx); ctx = {main, params, query, user, role, route, setTitle, rerender}.
// Pages fill ctx.main; a page still loading when the user moves on writes into a detached node.

import { compile, navigate, onRouteChange, start } from './router.js';
import { activeRole, isAdminRole, loadUser, logout, roleLabel } from './session.js';
import { h, icon, mount, notice } from './ui.js';

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
  { path: '/binding', load: () => import('./pages/binding.js'), access: 'user' },
  { path: '/', load: () => import('./pages/home.js'), access: 'user', tab: 'home' },
  { path: '/scan', load: () => import('./pages/scan.js'), access: 'user', tab: 'scan' },
  { path: '/credits', load: () => import('./pages/credits.js'), access: 'user', tab: 'credits' },
  { path: '/credits/new', load: () => import('./pages/entry.js'), access: 'user', tab: 'credits' },
  { path: '/credits/:id', load: () => import('./pages/credit.js'), access: 'user', tab: 'credits' },
  { path: '/credits/:id/edit', load: () => import('./pages/entry.js'), access: 'user', tab: 'credits' },
  { path: '/certificates', load: () => import('./pages/certificates.js'), access: 'user', tab: 'certificates' },
  // Public so that it opens offline too: the page checks the login itself when the network answers.
  { path: '/my-code', load: () => import('./pages/mycode.js'), access: 'public' },
  { path: '/trainings', load: () => import('./pages/admin-trainings.js'), access: 'admin', tab: 'trainings' },
  { path: '/trainings/new', load: () => import('./pages/admin-training-form.js'), access: 'admin', tab: 'trainings' },
  { path: '/trainings/:id', load: () => import('./pages/admin-training.js'), access: 'admin', tab: 'trainings' },
  { path: '/trainings/:id/edit', load: () => import('./pages/admin-training-form.js'), access: 'admin', tab: 'trainings' },
  { path: '/sessions/:id/screen', load: () => import('./pages/admin-screen.js'), access: 'admin', tab: 'trainings' },
  // Public so that a reload works offline: the page checks the login itself when the network answers.
  { path: '/sessions/:id/reverse', load: () => import('./pages/admin-reverse.js'), access: 'public' },
  { path: '/review', load: () => import('./pages/admin-review.js'), access: 'admin', tab: 'review' },
  { path: '/corrections', load: () => import('./pages/admin-corrections.js'), access: 'admin', tab: 'review' },
  { path: '/corrections/entry', load: () => import('./pages/admin-entry.js'), access: 'admin', tab: 'review' },
  { path: '/rules', load: () => import('./pages/admin-rules.js'), access: 'admin', tab: 'rules' },
  { path: '/registrations', load: () => import('./pages/registrations.js'), access: 'admin', tab: 'people' },
  { path: '/people', load: () => import('./pages/people.js'), access: 'admin', tab: 'people' },
  { path: '/statistics', load: () => import('./pages/statistics.js'), access: 'admin', tab: 'statistics' },
  { path: '/statistics/people', load: () => import('./pages/statistics-people.js'), access: 'admin', tab: 'statistics' },
  { path: '/statistics/person/:id', load: () => import('./pages/statistics-person.js'), access: 'admin', tab: 'statistics' },
  { path: '/statistics/at-risk', load: () => import('./pages/statistics-at-risk.js'), access: 'admin', tab: 'statistics' },
  { path: '/reports', load: () => import('./pages/reports.js'), access: 'admin', tab: 'statistics' },
  { path: '/people/:id', load: () => import('./pages/person.js'), access: 'user', tab: 'people' },
  // What the check-in QR opens, logged in or not (the page logs in on the way if needed).
  { path: '/c/:sessionId', load: () => import('./pages/checkin.js'), access: 'public' },
];

const NOT_FOUND = { path: '*', access: 'public' };

const TABS = {
  home: { href: '/', label: '首页', icon: 'home' },
  scan: { href: '/scan', label: '签到', icon: 'scan' },
  credits: { href: '/credits', label: '学分', icon: 'credits' },
  certificates: { href: '/certificates', label: '证书', icon: 'certificate' },
  trainings: { href: '/trainings', label: '培训', icon: 'training' },
  review: { href: '/review', label: '审核', icon: 'review' },
  rules: { href: '/rules', label: '规则', icon: 'credits' },
  people: { href: '/people', label: '人员', icon: 'people' },
  statistics: { href: '/statistics', label: '统计', icon: 'chart' },
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
  if (role.role === 'region_admin') return ['home', 'trainings', 'rules', 'people', 'statistics'];
  if (isAdminRole(role)) return ['home', 'trainings', 'review', 'people', 'statistics'];
  return [];
}

async function onLogout(event) {
  const button = event.currentTarget;
  button.disabled = true;
  await logout();
  navigate('/login', { replace: true });
}

/** The logged-in layout: app bar, bottom tabs (side nav from 900px), and `main`. */
function shell(user, role, route, main) {
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
    nav,
    main,
  );
}

/** The layout for pages used without logging in. */
function bare(main) {
  return h(
    'div',
    { class: 'bare' },
    h('a', { class: 'bare-brand', href: '/' }, h('img', { src: '/icons/icon-192.png', alt: '', width: 56, height: 56 }), h('span', null, '继教'), h('small', null, '继续医学教育学分')),
    main,
  );
}

function showFailure(text, retry) {
  setTitle('出错了');
  const main = h('main', { class: 'main', id: 'main' });
  const action = h('button', { type: 'button', class: 'btn btn-primary', onclick: retry }, '重试');
  mount(main, notice({ title: '暂时无法打开', text, action, testid: 'load-error' }));
  mount(root, bare(main));
}

async function render() {
  const seq = (renderSeq += 1);
  const isCurrent = () => seq === renderSeq;
  const url = new URL(location.href);
  const { route, params } = findRoute(url.pathname);

  let user = null;
  if (route.access !== 'public') {
    try {
      user = await loadUser();
    } catch (error) {
      if (isCurrent()) showFailure(error.detail || '网络连接失败，请检查网络后重试。', render);
      return;
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

  let page = null;
  if (route.load) {
    try {
      page = await route.load();
    } catch (error) {
      if (isCurrent()) showFailure('页面加载失败，请检查网络后重试。', render);
      return;
    }
    if (!isCurrent()) return;
  }

  const role = user ? activeRole(user) : null;
  const main = h('main', { class: 'main', id: 'main' });
  mount(root, user ? shell(user, role, route, main) : bare(main));
  window.scrollTo(0, 0);

  if (!page) {
    setTitle('页面不存在');
    mount(main, notice({ title: '页面不存在', text: '您访问的页面不存在或已被移除。', href: '/', linkText: '返回首页', testid: 'not-found' }));
  } else if (route.access === 'admin' && !isAdminRole(role)) {
    setTitle('无权访问');
    mount(main, notice({ iconName: 'lock', title: '无权访问', text: '当前身份不能查看此页面。', href: '/', linkText: '返回首页', testid: 'forbidden' }));
  } else {
    setTitle('');
    try {
      await page.render({ main, params, query: url.searchParams, user, role, route, setTitle, rerender: render });
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

function registerServiceWorker() {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const register = () => navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {});
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register);
}

start();
onRouteChange(render);
render();
registerServiceWorker();

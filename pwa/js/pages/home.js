// /: who I am (name, role, scope), a role switcher for multi-role accounts, and the role's quick actions.

import { api } from '../api.js';
import { isAdminRole, roleKey, roleLabel, setActiveRole } from '../session.js';
import { h, icon, mount, show } from '../ui.js';
import { adminActions, showReviewCount } from './admin-common.js';

const TRAINEE_ACTIONS = [
  { href: '/scan', icon: 'scan', title: '扫码签到', text: '扫描培训现场二维码签到', name: 'scan' },
  { href: '/my-code', icon: 'qrcode', title: '我的签到码', text: '出示给组织者扫码签到，离线可用', name: 'my-code' },
  { href: '/credits', icon: 'credits', title: '我的学分', text: '学分记录与审核进度', name: 'credits' },
  { href: '/certificates', icon: 'certificate', title: '证书', text: '下载学分证明，支持在线验证', name: 'certificates' },
];

const PEOPLE_SCOPE = { dept_admin: '本科室', unit_admin: '本单位', region_admin: '辖区内' };

function actionCard(action) {
  return h(
    'a',
    { class: 'action', href: action.href, 'data-testid': 'home-action', 'data-action': action.name },
    h('span', { class: 'action-icon' }, icon(action.icon)),
    h('span', { class: 'action-body' }, h('span', { class: 'action-title' }, action.title), h('span', { class: 'action-text' }, action.text)),
    icon('chevron', 'action-chevron'),
  );
}

// Credit management (issue 5): corrections and entering on behalf for department and unit admins,
// the rule catalogue for every admin (a region admin maintains it).
function creditActions(role) {
  const actions = [];
  if (role.role === 'dept_admin' || role.role === 'unit_admin') {
    actions.push({ href: '/corrections', icon: 'credits', title: '学分修改', text: '修改或删除未生效的学分，代录入个人学分', name: 'corrections' });
  }
  actions.push({ href: '/rules', icon: 'certificate', title: '学分规则', text: role.role === 'region_admin' ? '维护本省学分规则' : '查看本省学分规则', name: 'rules' });
  return actions;
}

function actionsFor(role) {
  if (role.role === 'trainee') return TRAINEE_ACTIONS;
  if (role.role === 'unit_admin') {
    return adminActions(role).concat([{ href: '/registrations', icon: 'review', title: '注册审核', text: '个人注册与单位变更申请', name: 'registrations' }], creditActions(role));
  }
  if (isAdminRole(role)) return adminActions(role).concat(creditActions(role));
  return [];
}

/** Unread notices (an at-risk reminder, an admin's weekly digest) above everything else, each with 知道了. */
function noticesSection() {
  const section = h('section', { class: 'section notices', 'aria-label': '消息', 'data-testid': 'home-notices', hidden: true });
  api('/api/me/notices', { query: { unread: true, page_size: 5 } })
    .then((data) => {
      const items = data.items || [];
      if (!items.length) return;
      section.hidden = false;
      mount(
        section,
        items.map((notice) => {
          const done = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'notice-read' }, '知道了');
          const card = h(
            'div',
            { class: 'card notice-card notice-' + notice.kind, role: 'status', 'data-testid': 'home-notice', 'data-kind': notice.kind },
            h('p', { class: 'notice-card-title' }, icon('alert'), h('span', { 'data-testid': 'home-notice-title' }, notice.title)),
            h('p', { class: 'notice-card-body', 'data-testid': 'home-notice-body' }, notice.body),
            h('p', { class: 'notice-card-actions' }, notice.link ? h('a', { class: 'btn btn-primary btn-sm', href: notice.link }, '查看') : null, done),
          );
          done.addEventListener('click', () => {
            done.disabled = true;
            api('/api/me/notices/' + encodeURIComponent(notice.id) + '/read', { method: 'POST' })
              .then(() => {
                card.remove();
                if (!section.querySelector('.notice-card')) section.hidden = true;
              })
              .catch(() => {
                done.disabled = false;
              });
          });
          return card;
        }),
      );
    })
    .catch(() => {}); // no notices shown is better than an error on the home page
  return section;
}

function roleSwitcher(ctx) {
  const current = roleKey(ctx.role);
  const select = h(
    'select',
    {
      id: 'role-switcher',
      'data-testid': 'role-switcher',
      onchange: (event) => {
        setActiveRole(event.target.value, ctx.user);
        ctx.rerender();
      },
    },
    ctx.user.roles.map((role) => {
      const key = roleKey(role);
      return h('option', { value: key, selected: key === current }, roleLabel(role) + (role.scope_name ? ' · ' + role.scope_name : ''));
    }),
  );
  return h('div', { class: 'role-switch' }, h('label', { for: 'role-switcher' }, '切换身份'), select);
}

export function render(ctx) {
  ctx.setTitle('首页');
  const { user, role } = ctx;
  const scope = h('span', { class: 'hero-scope', 'data-testid': 'home-scope' }, role ? show(role.scope_name) : '');

  const hero = h(
    'section',
    { class: 'hero', 'aria-labelledby': 'home-title' },
    h('p', { class: 'hero-greeting' }, '您好'),
    h('h1', { class: 'hero-name', id: 'home-title', 'data-testid': 'home-title', tabindex: '-1' }, user.name || user.username),
    role
      ? h('p', { class: 'hero-meta' }, h('span', { class: 'badge', 'data-testid': 'home-role' }, roleLabel(role)), scope)
      : h('p', { class: 'hero-meta', 'data-testid': 'home-role' }, '尚未分配身份，请联系本单位管理员。'),
    user.roles && user.roles.length > 1 ? roleSwitcher(ctx) : null,
  );

  const actions = role ? actionsFor(role) : [];
  const sections = [hero, noticesSection()];
  if (actions.length) {
    sections.push(h('section', { class: 'section' }, h('h2', { class: 'section-title' }, '常用功能'), h('div', { class: 'actions' }, actions.map(actionCard))));
  } else if (role) {
    sections.push(h('p', { class: 'card muted', 'data-testid': 'coming-soon' }, roleLabel(role) + '的功能即将上线。'));
  }
  sections.push(
    h(
      'section',
      { class: 'section' },
      h('h2', { class: 'section-title' }, '账号'),
      h(
        'div',
        { class: 'actions' },
        role && role.role === 'trainee'
          ? [
              actionCard({ href: '/profile', icon: 'people', title: '个人基本信息', text: '职称、专业、联系方式', name: 'profile' }),
              actionCard({ href: '/binding', icon: 'home', title: '单位变更', text: '调往其他单位或科室时申请', name: 'binding' }),
            ]
          : null,
        actionCard({ href: '/password', icon: 'lock', title: '修改密码', text: '定期修改密码，保护账号安全', name: 'password' }),
      ),
      isAdminRole(role)
        ? h(
            'p',
            { class: 'form-links form-links-more' },
            h('a', { href: '/security', 'data-testid': 'home-security' }, '安全设置（两步验证）'),
            role.role === 'dept_admin' || role.role === 'unit_admin' ? h('a', { href: '/admin-contacts', 'data-testid': 'home-admin-contacts' }, '管理员信息') : null,
          )
        : null,
    ),
  );
  mount(ctx.main, sections);
  if (isAdminRole(role)) showReviewCount(ctx.main, role);

  // A trainee's header shows their unit and department, from their own person record.
  if (role && role.role === 'trainee' && user.person_id !== null && user.person_id !== undefined) {
    api('/api/people/' + encodeURIComponent(user.person_id))
      .then((person) => {
        const where = [person.unit_name, person.department_name].filter(Boolean).join(' / '); // as the server's scope names
        if (where) scope.textContent = where;
      })
      .catch(() => {}); // keep the scope name from /api/me
  }
}

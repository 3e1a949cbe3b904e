// /: who I am (name, role, scope), a role switcher for multi-role accounts, and the role's quick actions.
// A trainee's home leads with what must not be missed (issue 13): credits returned to fix, rejected
// ones unread. An admin's home (admin-home.js, loaded only for admins) adds today's sessions.
// Offline (ctx.offlineAt) it renders from the user kept on the phone; the network extras stay out.

import { api } from '../api.js';
import { isAdminRole, isProviderRole, roleKey, roleLabel, setActiveRole } from '../session.js';
import { progressCard } from '../compliance.js';
import { h, icon, mount, show } from '../ui.js';

const TRAINEE_ACTIONS = [
  { href: '/scan', icon: 'scan', title: '扫码签到', text: '扫描培训现场二维码签到', name: 'scan' },
  { href: '/compliance', icon: 'check', title: '达标情况', text: '每项要求的进度、计入明细与不计入原因', name: 'compliance' },
  { href: '/my-code', icon: 'qrcode', title: '我的签到码', text: '出示给组织者扫码签到，离线可用', name: 'my-code' },
  { href: '/credits', icon: 'credits', title: '我的学分', text: '学分记录与审核进度', name: 'credits' },
  { href: '/certificates', icon: 'certificate', title: '证书', text: '下载学分证明，支持在线验证', name: 'certificates' },
  // Guangdong (seed 002 §3.3–3.4, 004 §4).
  { href: '/classes', icon: 'training', title: '培训班报名申请', text: '报名施教机构开展的培训班', name: 'classes' },
  { href: '/classes/mine', icon: 'review', title: '培训班情况查看', text: '报名审核进度与已获得学时', name: 'enrolments' },
  { href: '/courses', icon: 'credits', title: '公需课学习', text: '在线学习、考试，合格后自动登记学时', name: 'courses' },
  { href: '/dishonesty', icon: 'alert', title: '失信信息', text: '查看本人的失信记录', name: 'dishonesty' },
];

const PROVIDER_ACTIONS = [
  { href: '/provider/classes', icon: 'training', title: '培训班', text: '开班、报名审核、签到与学时确认', name: 'provider-classes' },
  { href: '/provider/courses', icon: 'certificate', title: '公需课', text: '课程、课时视频、试题与考试结果', name: 'provider-courses' },
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
  actions.push({ href: '/standards', icon: 'check', title: '达标标准', text: role.role === 'region_admin' ? '维护本省年度达标标准' : '各职称、各级机构的达标要求', name: 'standards' });
  return actions;
}

function actionsFor(role, admin) {
  if (role.role === 'trainee') return TRAINEE_ACTIONS;
  if (isProviderRole(role)) return PROVIDER_ACTIONS;
  if (role.role === 'region_admin') {
    return admin.adminActions(role).concat(creditActions(role), [
      { href: '/providers', icon: 'home', title: '施教机构', text: '登记本辖区的继续教育施教机构', name: 'providers' },
      { href: '/dishonesty-records', icon: 'alert', title: '失信信息管理', text: '记录、撤销专业技术人员失信信息', name: 'dishonesty-records' },
    ]);
  }
  if (role.role === 'unit_admin') {
    return admin.adminActions(role).concat([{ href: '/registrations', icon: 'review', title: '注册审核', text: '个人注册与单位变更申请', name: 'registrations' }], creditActions(role));
  }
  if (isAdminRole(role)) return admin.adminActions(role).concat(creditActions(role));
  return [];
}

/** An admin who is also a trainee checks in from here without switching or logging out. */
function ownCheckinActions(user, role) {
  const trainee = (user.roles || []).some((r) => r.role === 'trainee');
  if (!trainee || role.role === 'trainee') return [];
  return TRAINEE_ACTIONS.filter((a) => a.name === 'scan' || a.name === 'my-code').map((a) => Object.assign({}, a, { text: a.text + '（本人）' }));
}

/** "1 条学分被退回：《…》 去修改" and unread rejections: the card nothing gets past (GET /api/me/attention). */
function attentionCard(body) {
  const lines = [];
  if (body.returned.length) {
    const first = body.returned[0];
    lines.push(
      h(
        'a',
        { class: 'attention-line', href: '/credits/' + encodeURIComponent(first.credit_id), 'data-testid': 'home-attention-returned' },
        h('span', null, body.returned.length + ' 条学分被退回：“' + first.title + '”' + (first.reason ? '（' + first.reason + '）' : '')),
        h('b', { class: 'attention-go' }, '去修改'),
      ),
    );
  }
  const rejected = body.notices.filter((n) => n.kind === 'credit_rejected');
  if (rejected.length) {
    lines.push(
      h(
        'a',
        { class: 'attention-line', href: '/credits/' + encodeURIComponent(rejected[0].credit_id), 'data-testid': 'home-attention-rejected' },
        h('span', null, rejected.length + ' 条学分未通过审核：“' + rejected[0].title + '”' + (rejected[0].detail ? '（' + rejected[0].detail + '）' : '')),
        h('b', { class: 'attention-go' }, '查看'),
      ),
    );
  }
  body.notices
    .filter((n) => n.kind === 'training_reminder')
    .slice(0, 3)
    .forEach((n) => lines.push(h('a', { class: 'attention-line', href: '/trainings/' + encodeURIComponent(n.training_id), 'data-testid': 'home-attention-reminder' }, h('span', null, n.title), h('b', { class: 'attention-go' }, '去审核'))));
  // Not passing the year yet (a reminder), an admin's weekly digest: read once opened.
  body.notices
    .filter((n) => n.kind === 'compliance_reminder' || n.kind === 'compliance_digest')
    .slice(0, 3)
    .forEach((n) => {
      const reminder = n.kind === 'compliance_reminder';
      lines.push(
        h(
          'a',
          {
            class: 'attention-line',
            href: reminder ? '/credits' : '/statistics/at-risk',
            'data-testid': reminder ? 'home-attention-compliance' : 'home-attention-digest',
            onclick: () => api('/api/me/notices/' + encodeURIComponent(n.id) + '/read', { method: 'POST' }).catch(() => {}),
          },
          h('span', null, h('b', null, n.title), '：' + n.detail.replace(/^【继教】/, '')),
          h('b', { class: 'attention-go' }, reminder ? '查看学分' : '去提醒'),
        ),
      );
    });
  if (!lines.length) return null;
  return h('section', { class: 'card attention', 'data-testid': 'home-attention', role: 'status' }, icon('alert', 'attention-icon'), h('div', { class: 'attention-body' }, lines));
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

export async function render(ctx) {
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

  // Admin pieces are not part of the trainee shell: loaded for admins only.
  const admin = isAdminRole(role) ? await import('./admin-home.js') : null;
  const actions = role ? ownCheckinActions(user, role).concat(actionsFor(role, admin)) : [];
  const attentionSlot = h('div', { class: 'attention-slot', 'aria-live': 'polite' });
  const sections = [hero, attentionSlot];
  // This year's progress at a glance, pending credits apart (the server's one computation).
  const progress = role && role.role === 'trainee' && user.person_id !== null && user.person_id !== undefined
    ? h('div', { class: 'ccard-slot', 'aria-live': 'polite', 'data-testid': 'compliance-slot' })
    : null;
  if (progress) sections.push(progress);
  if (admin) sections.push(admin.agendaSection(ctx));
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
              actionCard({ href: '/account', icon: 'lock', title: '账号与设备', text: '已登录的手机和电脑，可随时退出', name: 'account' }),
              actionCard({ href: '/profile', icon: 'people', title: '个人基本信息', text: '职称、专业、联系方式', name: 'profile' }),
              actionCard({ href: '/archive', icon: 'certificate', title: '技术档案', text: '教育、培训、论文、工作、获奖与个人简历', name: 'archive' }),
              actionCard({ href: '/binding', icon: 'home', title: '单位变更', text: '调往其他单位或科室时申请', name: 'binding' }),
            ]
          : actionCard({ href: '/account', icon: 'lock', title: '账号与设备', text: '已登录的手机和电脑，可随时退出', name: 'account' }),
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
  if (admin) admin.showReviewCount(ctx.main, role);
  if (ctx.offlineAt) return; // what follows needs the network
  ctx
    .attention()
    .then((body) => mount(attentionSlot, attentionCard(body)))
    .catch(() => {}); // nothing to add
  if (progress) {
    api('/api/me/compliance')
      .then((answer) => {
        if (progress.isConnected) mount(progress, progressCard(answer));
      })
      .catch(() => {}); // the rest of the home screen works without it
  }

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

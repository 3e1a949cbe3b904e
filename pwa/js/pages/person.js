// /people/:id: one person's record (an admin's view of someone in scope, or a trainee's own).

import { api } from '../api.js';
import { back } from '../router.js';
import { isAdminRole } from '../session.js';
import { h, icon, mount, notice, pageTitle, show } from '../ui.js';

// Sex, title level, staffing and status come as the words the forms print (labels.js).
const FIELDS = [
  ['sex', '性别'],
  ['person_no', '人员编号'],
  ['id_number', '身份证号'],
  ['phone', '手机号'],
  ['birth_date', '出生日期'],
  ['unit_name', '单位'],
  ['department_name', '科室'],
  ['specialty', '专业'],
  ['title', '职称'],
  ['title_level', '职称级别'],
  ['title_assessed_on', '职称评定时间'],
  ['appointment_year', '聘任年度'],
  ['staffing', '编制'],
  ['status', '状态'],
];

export function render(ctx) {
  ctx.setTitle('人员信息');
  const fallback = isAdminRole(ctx.role) ? '/people' : '/';
  const backLink = h(
    'a',
    {
      class: 'back-link',
      href: fallback,
      'data-testid': 'person-back',
      onclick: (event) => {
        event.preventDefault();
        back(fallback);
      },
    },
    icon('back'),
    fallback === '/people' ? '返回人员列表' : '返回首页',
  );
  const title = pageTitle('人员信息', 'person-name');
  const body = h('div', { class: 'card', 'aria-busy': 'true' }, h('p', { class: 'muted' }, '加载中…'));
  mount(ctx.main, backLink, title, body);

  api('/api/people/' + encodeURIComponent(ctx.params.id))
    .then((person) => {
      title.textContent = show(person.name);
      ctx.setTitle(person.name || '人员信息');
      const rows = FIELDS.map(([key, name]) => h('div', { class: 'dl-row' }, h('dt', null, name), h('dd', { 'data-field': key }, show(person[key]))));
      mount(body, h('dl', { class: 'dl', 'data-testid': 'person-detail' }, rows));
      body.removeAttribute('aria-busy');
    })
    .catch((e) => {
      if (e.handled) return;
      const text = e.status === 404 ? '未找到该人员，或您无权查看。' : e.detail;
      body.replaceWith(notice({ iconName: 'people', title: '无法显示', text, href: fallback, linkText: '返回', testid: 'person-error' }));
    });
}

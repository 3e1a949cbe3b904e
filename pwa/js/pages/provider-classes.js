// /provider/classes?year=: a training provider's classes (施教机构 · 培训班) with their state,
// seats and a link to each (报名审核、签到、学时确认); 新建培训班 opens the form.

import { api } from '../api.js';
import { num } from '../format.js';
import { CLASS_STATUS, CREDIT_CATEGORY, label } from '../labels.js';
import { replaceQuery } from '../router.js';
import { h, messageBox, mount, pageTitle } from '../ui.js';
import { emptyRow, listLoader, pill, table } from './admin-common.js';
import { yearFromQuery, yearPicker } from './trainee-common.js';

export function render(ctx) {
  ctx.setTitle('培训班');
  let year = yearFromQuery(ctx.query);
  const grid = table(['培训班', '类别', ['学时', 'num'], '日期', ['报名', 'num'], '状态'], 'pclasses');
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'pclasses-total' });
  const error = messageBox('pclasses-error');
  const load = listLoader({ body: grid.body, summary, error, retry: () => refresh() });
  const picker = yearPicker(year, (value) => {
    year = value;
    refresh();
  }, 'pclasses-year', 3);
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      h('div', { class: 'page-head' }, pageTitle('培训班', 'pclasses-title'), h('div', { class: 'head-actions' }, picker, h('a', { class: 'btn btn-primary btn-sm', href: '/provider/classes/new', 'data-testid': 'pclasses-new' }, '+ 新建培训班'))),
      error,
      summary,
      grid.node,
    ),
  );

  async function refresh() {
    replaceQuery({ year });
    const data = await load((signal) => api('/api/classes', { query: { year, page_size: 200 }, signal }));
    if (!data) return;
    mount(grid.body);
    data.items.forEach((c) => {
      grid.body.appendChild(
        h(
          'tr',
          { 'data-testid': 'pclass-row', 'data-id': String(c.id) },
          h('td', null, h('a', { class: 'link-name', href: '/provider/classes/' + c.id, 'data-testid': 'pclass-link' }, c.title)),
          h('td', null, label(CREDIT_CATEGORY, c.category)),
          h('td', { class: 'num' }, num(c.hours)),
          h('td', { class: 'nowrap' }, c.starts_on === c.ends_on ? c.starts_on : c.starts_on + ' 至 ' + c.ends_on),
          h('td', { class: 'num' }, c.seats_taken + ' / ' + c.capacity),
          h('td', null, pill(CLASS_STATUS, c.status, 'pclass-status')),
        ),
      );
    });
    if (!data.total) grid.body.appendChild(emptyRow(6, year + ' 年度还没有培训班。'));
    summary.textContent = data.total ? '共 ' + data.total + ' 个培训班' : '';
  }

  refresh();
}

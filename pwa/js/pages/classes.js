// /classes?year=: 培训班报名申请 (seed 002 §3.3.2, 004 §4). The classes of the providers in the
// trainee's unit's region (or above) that accept enrolment (接受报名); each opens /classes/:id
// (查看/报名). The server decides which classes these are.

import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { h, icon, messageBox, mount, pageTitle, showMessage } from '../ui.js';
import { yearFromQuery, yearPicker } from './trainee-common.js';
import { categoryChip, classWhen, hoursText } from './learning-common.js';

function classRow(klass) {
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'credit-row', href: '/classes/' + encodeURIComponent(klass.id), 'data-testid': 'class-row', 'data-id': String(klass.id) },
      h(
        'span',
        { class: 'credit-main' },
        h('span', { class: 'credit-title', 'data-testid': 'class-row-title' }, klass.title),
        h('span', { class: 'credit-meta' }, klass.provider_name),
        h('span', { class: 'credit-meta' }, classWhen(klass)),
      ),
      h(
        'span',
        { class: 'credit-side' },
        h('span', { class: 'credit-amount' }, hoursText(klass.hours)),
        categoryChip(klass.category),
        h('span', { class: 'credit-class' }, '余 ' + klass.seats_left + ' 名额'),
      ),
      icon('chevron', 'row-chevron'),
    ),
  );
}

export function render(ctx) {
  ctx.setTitle('培训班报名申请');
  let year = yearFromQuery(ctx.query);
  let controller = null;
  const list = h('ul', { class: 'credit-list', 'data-testid': 'classes-list' });
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'classes-total' });
  const error = messageBox('classes-error');
  const picker = yearPicker(year, (value) => {
    year = value;
    load();
  }, 'classes-year', 3);

  mount(
    ctx.main,
    h('div', { class: 'page-head' }, pageTitle('培训班报名申请', 'classes-title'), picker),
    h('p', { class: 'muted' }, '以下是与您单位所属行政区划对应的施教机构正在接受报名的培训班。'),
    h('p', null, h('a', { href: '/classes/mine', 'data-testid': 'classes-mine' }, '查看我的报名情况 ›')),
    error,
    summary,
    list,
  );

  async function load() {
    replaceQuery({ year });
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    mount(list);
    summary.textContent = '加载中…';
    showMessage(error, '');
    let data;
    try {
      data = await api('/api/classes', { query: { year, page_size: 100 }, signal: mine.signal });
    } catch (e) {
      if (isAbort(e) || e.handled) return;
      summary.textContent = '';
      showMessage(error, e.detail);
      return;
    }
    if (mine !== controller) return;
    data.items.forEach((klass) => list.appendChild(classRow(klass)));
    summary.textContent = data.total ? '共 ' + data.total + ' 个培训班接受报名' : '';
    if (!data.total) {
      mount(list, h('li', { class: 'empty', 'data-testid': 'classes-empty' }, year + ' 年度暂无接受报名的培训班。您单位所属行政区划内的施教机构开班后，会在这里显示。'));
    }
  }

  load();
}

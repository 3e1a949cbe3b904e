// /credits/:id: one of my credit records and its review timeline (GET /api/credits/{id}).

import { api } from '../api.js';
import { h, icon, mount, notice, pageTitle, show } from '../ui.js';
import { classWord, dateTimeWords, num, sourceWord, statusChip, statusWord } from './trainee-common.js';

function row(label, value, testid) {
  return h('div', { class: 'dl-row' }, h('dt', null, label), h('dd', { 'data-testid': testid }, value));
}

function eventItem(event) {
  const what = event.from_status ? statusWord(event.from_status) + ' → ' + statusWord(event.to_status) : '提交 · ' + statusWord(event.to_status);
  return h(
    'li',
    { class: 'timeline-item timeline-' + event.to_status, 'data-testid': 'credit-event', 'data-status': event.to_status },
    h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'timeline-body' },
      h('p', { class: 'timeline-what' }, what),
      h('p', { class: 'timeline-meta' }, [dateTimeWords(event.at), event.account_name].filter(Boolean).join(' · ')),
      event.reason ? h('p', { class: 'timeline-reason' }, event.reason) : null,
    ),
  );
}

export async function render(ctx) {
  ctx.setTitle('学分详情');
  const back = h('a', { class: 'back-link', href: '/credits', 'data-testid': 'credit-back' }, icon('back'), '我的学分');
  mount(ctx.main, back, h('p', { class: 'muted' }, '加载中…'));

  let credit;
  try {
    credit = await api('/api/credits/' + encodeURIComponent(ctx.params.id));
  } catch (error) {
    if (error.handled) throw error;
    mount(ctx.main, back, notice({ iconName: 'alert', title: '无法查看', text: error.detail, href: '/credits', linkText: '返回我的学分', testid: 'credit-error' }));
    return;
  }
  back.setAttribute('href', '/credits?year=' + encodeURIComponent(credit.year));

  const events = (credit.events || []).slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  mount(
    ctx.main,
    back,
    h(
      'section',
      { class: 'card credit-detail', 'data-testid': 'credit-detail' },
      h('div', { class: 'credit-detail-head' }, pageTitle(credit.title || sourceWord(credit.source) || '学分记录', 'credit-title'), statusChip(credit.status)),
      credit.reason && credit.status !== 'effective' ? h('p', { class: 'msg msg-error', 'data-testid': 'credit-reason' }, '原因：' + credit.reason) : null,
      h(
        'dl',
        { class: 'dl' },
        row('学分', classWord(credit.credit_class) + ' ' + num(credit.credits) + ' 分', 'credit-credits'),
        row('学时', num(credit.hours), 'credit-hours'),
        row('日期', show(credit.activity_date), 'credit-date'),
        row('来源', show(sourceWord(credit.source)), 'credit-source'),
        row('年度', show(credit.year), 'credit-year'),
        credit.effective_at ? row('生效时间', dateTimeWords(credit.effective_at), 'credit-effective') : null,
      ),
    ),
    h(
      'section',
      { class: 'section credit-history' },
      h('h2', { class: 'section-title' }, '审核记录'),
      events.length ? h('ol', { class: 'timeline', 'data-testid': 'credit-timeline' }, events.map(eventItem)) : h('p', { class: 'muted' }, '暂无记录。'),
    ),
  );
}

// The admin's part of the home page (home.js loads it only for admin roles): quick actions, the review
// count, and the organiser's day (issue 13): today's and tomorrow's sessions (GET /api/sessions?from=&to=),
// each with its 签到屏; a training not yet approved by its unit on the day before (or the day of) its
// session is flagged, with a one-tap reminder to the unit (POST /api/trainings/{id}/remind) — the seed's
// rule stands: attendance only after the unit's approval.

import { api } from '../api.js';
import { hm, ymd } from '../format.js';
import { TRAINING_STATUS } from '../labels.js';
import { h, mount, setBusy } from '../ui.js';
import { pill } from './admin-common.js';

export { adminActions, showReviewCount } from './admin-common.js';

const DAY_MS = 24 * 3600 * 1000;

function warning(item, role, isToday) {
  if (item.status === 'approved' || item.status === 'closed') return null;
  const when = isToday ? '今天' : '明天';
  if (item.status === 'draft' || item.status === 'rejected') {
    return h(
      'p',
      { class: 'agenda-warn', 'data-testid': 'agenda-warning' },
      '培训' + (item.status === 'draft' ? '尚未提交审核' : '被单位退回') + '，' + when + '的场次不能签到。',
      h('a', { href: '/trainings/' + encodeURIComponent(item.training_id) }, item.status === 'draft' ? '去提交' : '去修改'),
    );
  }
  // submitted: waiting for the unit
  const line = h('p', { class: 'agenda-warn', 'data-testid': 'agenda-warning' }, '培训尚未通过单位审核，审核通过后方可签到。');
  if (role.role === 'unit_admin') {
    line.appendChild(h('a', { href: '/trainings/' + encodeURIComponent(item.training_id) }, '去审核'));
    return line;
  }
  const remind = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'agenda-remind' }, '提醒单位审核');
  const done = item.reminded_at && Date.now() - Date.parse(item.reminded_at) < 20 * 3600 * 1000;
  if (done) {
    remind.disabled = true;
    remind.textContent = '已提醒单位（' + hm(item.reminded_at) + '）';
  }
  remind.addEventListener('click', async () => {
    setBusy(remind, true, '正在提醒…');
    try {
      const body = await api('/api/trainings/' + encodeURIComponent(item.training_id) + '/remind', { method: 'POST' });
      remind.dataset.label = body.told ? '已提醒单位 ' + body.told + ' 位管理员' : '已提醒单位';
      setBusy(remind, false);
      remind.disabled = true;
    } catch (e) {
      setBusy(remind, false);
      if (e.handled) return;
      if (e.code === 'already_reminded') {
        remind.textContent = '今天已提醒过单位';
        remind.disabled = true;
      } else {
        line.appendChild(h('span', { class: 'agenda-error' }, e.detail));
      }
    }
  });
  line.appendChild(remind);
  return line;
}

function agendaRow(item, role) {
  const isToday = ymd(item.starts_at) === ymd();
  const open = item.status === 'approved';
  return h(
    'li',
    { class: 'agenda-item', 'data-testid': 'agenda-item', 'data-status': item.status },
    h(
      'div',
      { class: 'agenda-main' },
      h('span', { class: 'agenda-time' }, (isToday ? '今天 ' : '明天 ') + hm(item.starts_at) + '–' + hm(item.ends_at)),
      h('a', { class: 'agenda-title', href: '/trainings/' + encodeURIComponent(item.training_id) }, item.title),
      item.location ? h('span', { class: 'agenda-where' }, item.location) : null,
      pill(TRAINING_STATUS, item.status),
    ),
    open && isToday ? h('a', { class: 'btn btn-primary btn-sm', href: '/sessions/' + encodeURIComponent(item.id) + '/screen', 'data-testid': 'agenda-screen' }, '签到屏') : null,
    warning(item, role, isToday),
  );
}

/** Today's and tomorrow's sessions of the trainings this admin runs (a region admin runs none). */
export function agendaSection(ctx) {
  const role = ctx.role;
  if (!role || (role.role !== 'dept_admin' && role.role !== 'unit_admin') || ctx.offlineAt) return null;
  const list = h('ul', { class: 'agenda', 'data-testid': 'agenda' }, h('li', { class: 'muted' }, '加载中…'));
  const section = h('section', { class: 'section', 'data-testid': 'home-agenda' }, h('h2', { class: 'section-title' }, '今明两天的培训'), list);
  api('/api/sessions', { query: { from: ymd(), to: ymd(Date.now() + DAY_MS) } })
    .then((data) => {
      const items = data.items || [];
      mount(list, items.length ? items.map((item) => agendaRow(item, role)) : h('li', { class: 'muted', 'data-testid': 'agenda-empty' }, '今明两天没有安排培训场次。'));
    })
    .catch((e) => {
      if (!e.handled) mount(list, h('li', { class: 'muted' }, '培训安排暂时无法加载。'));
    });
  return section;
}

// /classes/mine: 培训班情况查看 (seed 002 §3.3.3, 004 §4 第四、五步). Every class the trainee
// enrolled in with its state: 已报名待确认 (may be withdrawn), 报名成功, 已获得学时 (with the hours,
// which also appear in 我的学分), or refused with the provider's reason.

import { api } from '../api.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { categoryChip, enrolmentChip, hoursText } from './learning-common.js';

export async function render(ctx) {
  ctx.setTitle('培训班情况查看');
  const flash = messageBox('enrolments-flash', 'ok');
  const error = messageBox('enrolments-error');
  const list = h('ul', { class: 'credit-list', 'data-testid': 'enrolments-list' });
  mount(
    ctx.main,
    pageTitle('培训班情况查看', 'enrolments-title'),
    flash,
    error,
    list,
    h('p', null, h('a', { class: 'btn btn-secondary btn-block', href: '/classes', 'data-testid': 'enrolments-more' }, '去报名其他培训班')),
  );
  if (ctx.query.get('enrolled')) showMessage(flash, '报名成功提交，请等待施教机构确认。');

  async function cancel(item, button) {
    showMessage(error, '');
    setBusy(button, true, '取消中…');
    try {
      await api('/api/enrolments/' + encodeURIComponent(item.id) + '/cancel', { method: 'POST' });
      showMessage(flash, '已取消报名。');
      await load();
    } catch (e) {
      if (e.handled) return;
      setBusy(button, false);
      showMessage(error, e.detail);
    }
  }

  function row(item) {
    const days = item.starts_on === item.ends_on ? item.starts_on : item.starts_on + ' 至 ' + item.ends_on;
    const facts = [item.provider_name, days];
    const note = item.status === 'completed'
      ? h('span', { class: 'credit-note credit-note-muted', 'data-testid': 'enrolment-hours' }, '已获得 ' + hoursText(item.hours) + '，已计入继续教育记录')
      : item.status === 'refused' && item.reason
        ? h('span', { class: 'credit-note' }, '原因：' + item.reason)
        : null;
    const withdraw = item.status === 'pending'
      ? h('button', { type: 'button', class: 'link-btn', 'data-testid': 'enrolment-cancel' }, '取消报名')
      : null;
    if (withdraw) withdraw.addEventListener('click', () => cancel(item, withdraw));
    return h(
      'li',
      { class: 'credit-row row-static', 'data-testid': 'enrolment-row', 'data-id': String(item.id) },
      h(
        'span',
        { class: 'credit-main' },
        h('span', { class: 'credit-title' }, item.class_title),
        h('span', { class: 'credit-meta' }, facts.join(' · ')),
        note,
        withdraw,
      ),
      h('span', { class: 'credit-side' }, h('span', { class: 'credit-amount' }, hoursText(item.class_hours)), categoryChip(item.category), enrolmentChip(item.status)),
    );
  }

  async function load() {
    const data = await api('/api/me/enrolments');
    mount(list, data.items.map(row));
    if (!data.total) mount(list, h('li', { class: 'empty', 'data-testid': 'enrolments-empty' }, '还没有报名培训班。'));
  }

  await load();
}

// /binding: 单位变更 — a trainee who moved asks to be bound to another unit / department (seed 002
// §3.2.1); the new unit's admin confirms (/registrations, tab 单位变更申请). One request may be
// pending at a time; the list shows each request's status and, when rejected, the reason.

import { fmtDateTime } from '../format.js';
import { api } from '../api.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { dl } from './admin-common.js';
import { unitDepartmentPicker } from './profile-common.js';

const STATUS_WORDS = { pending: '待单位确认', approved: '已通过', rejected: '不通过' };

function requestRow(r) {
  return h(
    'li',
    { class: 'card binding-item', 'data-testid': 'binding-item', 'data-status': r.status },
    h('p', { class: 'binding-where' }, show(r.from_unit_name) + (r.from_department_name ? ' / ' + r.from_department_name : ''), ' → ', r.unit_name + ' / ' + r.department_name),
    h('p', { class: 'muted' }, h('span', { class: 'badge', 'data-testid': 'binding-status' }, STATUS_WORDS[r.status] || r.status), ' ', fmtDateTime(r.created_at)),
    r.status === 'rejected' && r.reason ? h('p', { 'data-testid': 'binding-reason' }, '原因：' + r.reason) : null,
  );
}

export async function render(ctx) {
  ctx.setTitle('单位变更');
  let person;
  let mine;
  try {
    [person, mine] = await Promise.all([api('/api/me/profile'), api('/api/me/binding-requests')]);
  } catch (e) {
    if (e.handled) return;
    mount(ctx.main, pageTitle('单位变更', 'binding-title'), notice({ iconName: 'lock', title: '无法申请单位变更', text: e.detail, href: '/', linkText: '返回首页', testid: 'binding-none' }));
    return;
  }

  const list = h('ul', { class: 'binding-list', 'data-testid': 'binding-list' }, mine.map(requestRow));
  const pending = mine.some((r) => r.status === 'pending');
  const picker = unitDepartmentPicker('binding');
  const error = messageBox('binding-error');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'binding-submit' }, '提交给新单位确认');

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    showMessage(error, '');
    const body = picker.value();
    if (!body) return;
    setBusy(submit, true, '提交中…');
    try {
      await api('/api/me/binding-requests', { method: 'POST', body });
    } catch (e) {
      setBusy(submit, false);
      if (!e.handled) showMessage(error, e.detail);
      return;
    }
    ctx.rerender();
  }

  const form = pending
    ? h('p', { class: 'msg msg-info', 'data-testid': 'binding-pending' }, '您的变更申请正在等待新单位确认，确认后自动生效。')
    : h(
        'form',
        { class: 'card form', novalidate: true, 'data-testid': 'binding-form', onsubmit: onSubmit },
        h('p', { class: 'muted' }, '调往其他单位（或本单位其他科室）后，请选择新的单位和科室，提交给该单位管理员确认。找不到单位时，请让单位先在本系统注册。'),
        picker.node,
        error,
        submit,
      );

  mount(
    ctx.main,
    pageTitle('单位变更', 'binding-title'),
    dl([['当前单位', person.unit_name], ['当前科室', person.department_name]], 'binding-current'),
    form,
    mine.length ? h('h2', { class: 'section-title' }, '我的申请') : null,
    list,
    h('p', { class: 'form-links' }, h('a', { href: '/profile' }, '个人基本信息'), h('a', { href: '/' }, '返回首页')),
  );
  if (!pending) picker.load();
}

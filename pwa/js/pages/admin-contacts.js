// /admin-contacts (管理员信息, seed 001 §8): the named admins of this department or unit account.
// A row: *姓名, *手机号, 办公电话, 删除. 添加 adds an empty row; 保存 replaces the whole list.
// Only a phone listed here can log in by SMS code (登录页 → 短信验证码登录).

import { api } from '../api.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';
import { digitsOnly, phoneProblem } from './account-common.js';

let rowSeq = 0;

function input(name, attrs) {
  return h('input', Object.assign({ type: 'text', name, maxlength: '50' }, attrs));
}

export function render(ctx) {
  ctx.setTitle('管理员信息');
  const role = ctx.role && ctx.role.role;
  if (role !== 'dept_admin' && role !== 'unit_admin') {
    mount(ctx.main, notice({ iconName: 'alert', title: '无权访问', text: '管理员信息由科室或单位管理员维护。', href: '/', linkText: '返回首页' }));
    return;
  }
  const list = h('div', { class: 'contact-list', 'data-testid': 'contacts' });
  const empty = h('p', { class: 'muted', 'data-testid': 'contacts-empty', hidden: true }, '尚未登记管理员信息。未登记的管理员无法通过手机验证码登录。');
  const error = messageBox('contacts-error');
  const done = messageBox('contacts-done', 'ok');
  const add = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'contacts-add' }, '添加');
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'contacts-save' }, '保存');

  function refreshEmpty() {
    empty.hidden = list.children.length > 0;
  }

  function addRow(contact) {
    rowSeq += 1;
    const id = 'contact-' + rowSeq;
    const name = input('name', { id: id + '-name', autocomplete: 'off', 'data-testid': 'contact-name', value: contact.name || '' });
    const phone = input('phone', { id: id + '-phone', type: 'tel', inputmode: 'numeric', maxlength: null, 'data-testid': 'contact-phone', value: contact.phone || '' });
    const office = input('office_phone', { id: id + '-office', type: 'tel', maxlength: '30', 'data-testid': 'contact-office', value: contact.office_phone || '' });
    digitsOnly(phone, 11);
    const remove = h('button', { type: 'button', class: 'btn btn-sm btn-danger-outline contact-remove', 'data-testid': 'contact-remove' }, '删除');
    const row = h(
      'div',
      { class: 'contact-row', 'data-testid': 'contact-row' },
      h('div', { class: 'field' }, h('label', { for: id + '-name' }, '姓名 *'), name),
      h('div', { class: 'field' }, h('label', { for: id + '-phone' }, '手机号 *'), phone),
      h('div', { class: 'field' }, h('label', { for: id + '-office' }, '办公电话'), office),
      remove,
    );
    row.values = () => ({ name: name.value.trim(), phone: phone.value.trim(), office_phone: office.value.trim() });
    row.inputs = { name, phone, office_phone: office };
    remove.addEventListener('click', () => {
      row.remove();
      refreshEmpty();
      showMessage(done, '');
    });
    list.appendChild(row);
    refreshEmpty();
    return row;
  }

  function show(items) {
    mount(list);
    items.forEach(addRow);
    refreshEmpty();
  }

  add.addEventListener('click', () => {
    showMessage(done, '');
    addRow({}).inputs.name.focus();
  });

  async function onSubmit(event) {
    event.preventDefault();
    if (save.disabled) return;
    showMessage(error, '');
    showMessage(done, '');
    const rows = Array.prototype.slice.call(list.children);
    for (let i = 0; i < rows.length; i += 1) {
      const values = rows[i].values();
      if (!values.name) {
        showMessage(error, '第 ' + (i + 1) + ' 行：请填写姓名。');
        rows[i].inputs.name.focus();
        return;
      }
      const problem = phoneProblem(values.phone);
      if (problem) {
        showMessage(error, '第 ' + (i + 1) + ' 行：' + problem);
        rows[i].inputs.phone.focus();
        return;
      }
    }
    setBusy(save, true, '保存中…');
    try {
      const saved = await api('/api/me/admin-contacts', { method: 'PUT', body: { contacts: rows.map((row) => row.values()) } });
      show(saved.items);
      showMessage(done, '已保存。');
    } catch (e) {
      if (!(e && e.handled)) {
        const at = e && e.field ? /^contacts\[(\d+)\]\.(\w+)$/.exec(e.field) : null;
        if (at && rows[Number(at[1])]) {
          showMessage(error, '第 ' + (Number(at[1]) + 1) + ' 行：' + e.detail);
          const target = rows[Number(at[1])].inputs[at[2]];
          if (target) target.focus();
        } else {
          showMessage(error, (e && e.detail) || '保存失败，请稍后再试。');
        }
      }
    } finally {
      setBusy(save, false);
    }
  }

  mount(
    ctx.main,
    pageTitle('管理员信息'),
    h(
      'form',
      { class: 'card form contacts-form', novalidate: true, onsubmit: onSubmit, 'data-testid': 'contacts-form' },
      h('p', { class: 'muted' }, '维护本账号的管理员信息。未登记的管理员无法通过手机验证码登录；每个手机号只能登记一次。'),
      empty,
      list,
      error,
      done,
      h('div', { class: 'contact-actions' }, add, save),
    ),
  );

  api('/api/me/admin-contacts')
    .then((data) => show(data.items))
    .catch((e) => {
      if (!(e && e.handled)) showMessage(error, (e && e.detail) || '加载失败，请稍后再试。');
    });
}

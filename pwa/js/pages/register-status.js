// /register/status: 注册状态查询 (seed 000 §2.3). Username + ID number → 单位待审, 单位审核不过
// (with the reason) or 单位审核通过; a pair that does not belong together → 用户名和身份证号码不匹配.
// While pending or rejected the registrant may edit and resubmit (issue 4 item 3): the password
// proves ownership and reads the form back (POST /api/registrations/lookup), then PUT resubmits it.

import { api } from '../api.js';
import { h, icon, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { errorField, failField, idNumberInput, passwordInput, setFieldError, usernameInput } from './account-common.js';
import { unitDepartmentPicker } from './profile-common.js';

const MISMATCH = '用户名和身份证号码不匹配';

function resultCard(status, reason) {
  if (status === 'approved') {
    return h(
      'div',
      { class: 'card status-result status-approved', 'data-testid': 'reg-status-result', 'data-status': status },
      icon('check', 'status-icon'),
      h('p', { class: 'status-label', 'data-testid': 'reg-status-label' }, '单位审核通过'),
      h('p', { class: 'muted' }, '请使用注册时设定的用户名和密码登录。'),
      h('a', { class: 'btn btn-primary btn-block', href: '/login', 'data-testid': 'reg-status-login' }, '去登录'),
    );
  }
  if (status === 'rejected') {
    return h(
      'div',
      { class: 'card status-result status-rejected', 'data-testid': 'reg-status-result', 'data-status': status },
      icon('alert', 'status-icon'),
      h('p', { class: 'status-label', 'data-testid': 'reg-status-label' }, '单位审核不过'),
      h('p', { 'data-testid': 'reg-status-reason' }, '（原因：' + (reason || '未说明') + '）'),
      h('p', { class: 'muted' }, '如有疑问，请联系本单位继续教育管理员。'),
    );
  }
  return h(
    'div',
    { class: 'card status-result status-pending', 'data-testid': 'reg-status-result', 'data-status': status || 'pending' },
    icon('clock', 'status-icon'),
    h('p', { class: 'status-label', 'data-testid': 'reg-status-label' }, '单位待审'),
    h('p', { class: 'muted' }, '您的注册信息已提交，请等待单位审核，审核通过后方能登录。'),
  );
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** 修改并重新提交: ask for the password, read the registration back, edit it, PUT it. */
function editor(username, idNumber, onDone) {
  const password = passwordInput('password', 'reg-edit-password');
  password.setAttribute('autocomplete', 'current-password');
  const error = messageBox('reg-edit-error');
  const open = h('button', { type: 'submit', class: 'btn btn-secondary btn-block', 'data-testid': 'reg-edit-open' }, '修改并重新提交');
  const slot = h('div', { class: 'card form', 'data-testid': 'reg-edit' });

  async function unlock(event) {
    event.preventDefault();
    if (open.disabled) return;
    showMessage(error, '');
    if (!password.value) return failField(password, '请输入注册时设置的密码。');
    setBusy(open, true, '读取中…');
    let reg;
    try {
      reg = await api('/api/registrations/lookup', { method: 'POST', body: { username, id_number: idNumber, password: password.value }, redirect: false });
    } catch (e) {
      setBusy(open, false);
      if (e.field === 'password') failField(password, e.detail);
      else showMessage(error, e.detail);
      return;
    }
    edit(reg, password.value);
  }

  function edit(reg, secret) {
    const name = h('input', { type: 'text', maxlength: '50', value: reg.name, 'data-testid': 'reg-edit-name' });
    const email = h('input', { type: 'email', maxlength: '100', value: reg.email || '', 'data-testid': 'reg-edit-email' });
    const joins = h('input', { type: 'checkbox', checked: reg.joins_cme, 'data-testid': 'reg-edit-joins' });
    const picker = unitDepartmentPicker('reg-edit', { initial: reg });
    const msg = messageBox('reg-edit-save-error');
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'reg-edit-submit' }, '重新提交');

    async function onSave(event) {
      event.preventDefault();
      if (save.disabled) return;
      showMessage(msg, '');
      if (!name.value.trim()) return failField(name, '请填写真实姓名。');
      if (email.value.trim() && !EMAIL_RE.test(email.value.trim())) return failField(email, '电子邮箱格式不正确。');
      const where = picker.value();
      if (!where) return;
      setBusy(save, true, '提交中…');
      try {
        await api('/api/registrations/' + encodeURIComponent(reg.id), {
          method: 'PUT',
          redirect: false,
          body: { username, id_number: idNumber, password: secret, name: name.value.trim(), email: email.value.trim(), joins_cme: joins.checked, standard_id: reg.standard_id, ...where },
        });
      } catch (e) {
        setBusy(save, false);
        showMessage(msg, e.detail);
        return;
      }
      onDone();
    }

    mount(
      slot,
      h(
        'form',
        { novalidate: true, 'data-testid': 'reg-edit-form', onsubmit: onSave },
        h('h2', { class: 'section-title' }, '修改注册信息'),
        reg.reason ? h('p', { class: 'msg msg-info' }, '不通过原因：' + reg.reason) : null,
        errorField('reg-edit-name', '真实姓名 *', name),
        picker.node,
        errorField('reg-edit-email', '电子邮箱', email),
        h('label', { class: 'choice' }, joins, h('span', null, '参加继续医学教育')),
        msg,
        save,
      ),
    );
    picker.load();
  }

  mount(
    slot,
    h(
      'form',
      { novalidate: true, 'data-testid': 'reg-edit-unlock', onsubmit: unlock },
      h('p', { class: 'muted' }, '信息填写有误？输入注册时设置的密码，修改后重新提交给单位审核。'),
      errorField('reg-edit-password', '密码', password),
      error,
      open,
    ),
  );
  return slot;
}

export function render(ctx) {
  ctx.setTitle('注册状态查询');
  const username = usernameInput('reg-status-username', { maxlength: '64' });
  const idNumber = idNumberInput('reg-status-id', 'reg-status-id');
  const error = messageBox('reg-status-error');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'reg-status-submit' }, '查询');
  const result = h('div', { class: 'status-slot', 'aria-live': 'polite' });
  username.addEventListener('input', () => setFieldError(username, ''));

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    showMessage(error, '');
    mount(result);
    const name = username.value.trim();
    if (!name) return failField(username, '请输入用户名。');
    const id = idNumber.check();
    if (!id) return failField(idNumber.input, idNumber.input.fieldError.textContent);
    setBusy(submit, true, '查询中…');
    try {
      const data = await api('/api/registrations/status', { query: { username: name, id_number: id }, redirect: false });
      const status = data && data.status;
      const resubmitted = () => mount(result, h('p', { class: 'msg msg-ok', 'data-testid': 'reg-edit-done' }, '已重新提交，请等待单位审核。'), resultCard('pending', ''));
      mount(result, resultCard(status, data && data.reason), status === 'pending' || status === 'rejected' ? editor(name, id, resubmitted) : null);
    } catch (e) {
      if (e && e.code === 'mismatch') showMessage(error, e.detail || MISMATCH);
      else if (e && e.status === 404) showMessage(error, MISMATCH);
      else showMessage(error, (e && e.detail) || '查询失败，请稍后再试。');
    } finally {
      setBusy(submit, false);
    }
  }

  const form = h(
    'form',
    { class: 'card form', novalidate: true, 'data-testid': 'reg-status-form', onsubmit: onSubmit },
    pageTitle('注册状态查询', 'reg-status-title'),
    h('p', { class: 'muted step-lead' }, '输入注册时填写的用户名和身份证号。'),
    errorField('reg-status-username', '用户名', username),
    errorField('reg-status-id', '身份证号', idNumber.input, { after: idNumber.derived }),
    error,
    submit,
    h(
      'p',
      { class: 'form-links' },
      h('a', { href: '/login', 'data-testid': 'reg-status-back' }, '返回登录'),
      h('a', { href: '/register' }, '注册账号'),
    ),
  );
  mount(ctx.main, form, result);
}

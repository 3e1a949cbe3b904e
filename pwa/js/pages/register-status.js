// /register/status: 注册状态查询 (seed 000 §2.3). Username + ID number → 单位待审, 单位审核不过
// (with the reason) or 单位审核通过; a pair that does not belong together → 用户名和身份证号码不匹配.

import { api } from '../api.js';
import { h, icon, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { errorField, failField, idNumberInput, setFieldError } from './account-common.js';

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

export function render(ctx) {
  ctx.setTitle('注册状态查询');
  const username = h('input', {
    type: 'text',
    name: 'username',
    autocomplete: 'username',
    autocapitalize: 'off',
    autocorrect: 'off',
    spellcheck: 'false',
    maxlength: '64',
    'data-testid': 'reg-status-username',
  });
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
      mount(result, resultCard(data && data.status, data && data.reason));
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

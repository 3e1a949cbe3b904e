// /forgot (忘记密码): phone + SMS code (purpose reset_password) + the new password twice → done.
// /forgot/username (找回用户名): ID number + phone + SMS code (purpose find_username) → the username.
// The route's path picks the form.

import { api } from '../api.js';
import { h, icon, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import {
  PASSWORD_RULE,
  codeInput,
  codeProblem,
  digitsOnly,
  errorField,
  failField,
  idNumberInput,
  inputWithButton,
  passwordInput,
  passwordProblem,
  phoneInput,
  phoneProblem,
  setFieldError,
  smsButton,
} from './account-common.js';

function links(...items) {
  return h('p', { class: 'form-links' }, items);
}

function phoneAndCode(prefix, purpose, error, info) {
  const phone = phoneInput(prefix + '-phone');
  const code = codeInput(prefix + '-code');
  digitsOnly(phone, 11);
  digitsOnly(code, 6);
  [phone, code].forEach((input) => input.addEventListener('input', () => setFieldError(input, '')));
  const sms = smsButton({ purpose, phone, message: error, info, testid: prefix + '-sms' });
  return {
    phone,
    code,
    fields: [
      errorField(prefix + '-phone', '手机号', phone, { control: inputWithButton(phone, sms) }),
      info,
      errorField(prefix + '-code', '短信验证码', code, { hint: '请输入短信中的 6 位数字。' }),
    ],
    check() {
      const phoneError = phoneProblem(phone.value.trim());
      if (phoneError) return failField(phone, phoneError), false;
      const codeError = codeProblem(code.value.trim());
      if (codeError) return failField(code, codeError), false;
      return true;
    },
  };
}

/** Mark the field a server error names, or show the error in the form's box. */
function serverError(e, fields, box, fallback) {
  const input = e && e.field ? fields[e.field] : null;
  if (input) failField(input, e.detail);
  else showMessage(box, (e && e.detail) || fallback);
}

function renderPassword(ctx) {
  ctx.setTitle('忘记密码');
  const error = messageBox('forgot-error');
  const info = messageBox('forgot-sms-sent', 'info');
  const pc = phoneAndCode('forgot', 'reset_password', error, info);
  const password = passwordInput('new_password', 'forgot-password');
  const confirm = passwordInput('confirm_password', 'forgot-confirm');
  [password, confirm].forEach((input) => input.addEventListener('input', () => setFieldError(input, '')));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'forgot-submit' }, '重置密码');

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    showMessage(error, '');
    if (!pc.check()) return;
    const problem = passwordProblem(password.value);
    if (problem) return failField(password, problem.replace(/^密码/, '新密码'));
    if (confirm.value !== password.value) return failField(confirm, '两次输入的新密码不一致。');
    setBusy(submit, true, '提交中…');
    try {
      await api('/api/auth/password-reset', {
        method: 'POST',
        body: { phone: pc.phone.value.trim(), sms_code: pc.code.value.trim(), new_password: password.value },
        redirect: false,
      });
    } catch (e) {
      setBusy(submit, false);
      serverError(e, { phone: pc.phone, sms_code: pc.code, new_password: password, password }, error, '重置失败，请稍后再试。');
      return;
    }
    ctx.setTitle('密码已重置');
    mount(
      ctx.main,
      pageTitle('忘记密码', 'forgot-title'),
      h(
        'div',
        { class: 'card notice', 'data-testid': 'forgot-done' },
        icon('check', 'notice-icon'),
        h('p', { class: 'notice-title' }, '密码已重置'),
        h('p', { class: 'muted' }, '请使用新密码登录。'),
        h('a', { class: 'btn btn-primary', href: '/login', 'data-testid': 'forgot-done-login' }, '去登录'),
      ),
    );
    ctx.main.querySelector('h1').focus({ preventScroll: true });
  }

  const form = h(
    'form',
    { class: 'card form', novalidate: true, 'data-testid': 'forgot-form', onsubmit: onSubmit },
    pageTitle('忘记密码', 'forgot-title'),
    h('p', { class: 'muted step-lead' }, '通过注册时填写的手机号验证身份后，设置新密码。'),
    pc.fields,
    errorField('forgot-password', '新密码', password, { hint: PASSWORD_RULE }),
    errorField('forgot-confirm', '确认新密码', confirm),
    error,
    submit,
    links(
      h('a', { href: '/login', 'data-testid': 'forgot-back' }, '返回登录'),
      h('a', { href: '/forgot/username', 'data-testid': 'forgot-username-link' }, '找回用户名'),
    ),
  );
  mount(ctx.main, form);
}

function renderUsername(ctx) {
  ctx.setTitle('找回用户名');
  const error = messageBox('find-error');
  const info = messageBox('find-sms-sent', 'info');
  const idNumber = idNumberInput('find-id', 'find-id');
  const pc = phoneAndCode('find', 'find_username', error, info);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'find-submit' }, '找回用户名');
  const result = h('div', { class: 'status-slot', 'aria-live': 'polite' });

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    showMessage(error, '');
    mount(result);
    const id = idNumber.check();
    if (!id) return failField(idNumber.input, idNumber.input.fieldError.textContent);
    if (!pc.check()) return;
    setBusy(submit, true, '查询中…');
    try {
      const data = await api('/api/auth/find-username', {
        method: 'POST',
        body: { id_number: id, phone: pc.phone.value.trim(), sms_code: pc.code.value.trim() },
        redirect: false,
      });
      mount(
        result,
        h(
          'div',
          { class: 'card status-result status-approved', 'data-testid': 'find-result' },
          icon('check', 'status-icon'),
          h('p', { class: 'muted' }, '您的用户名是'),
          h('p', { class: 'found-username', 'data-testid': 'find-username' }, (data && data.username) || '—'),
          h('a', { class: 'btn btn-primary btn-block', href: '/login', 'data-testid': 'find-login' }, '去登录'),
          h('a', { class: 'btn btn-secondary btn-block', href: '/forgot' }, '忘记密码'),
        ),
      );
      result.scrollIntoView({ block: 'start' });
    } catch (e) {
      serverError(e, { id_number: idNumber.input, phone: pc.phone, sms_code: pc.code }, error, '查询失败，请稍后再试。');
    } finally {
      setBusy(submit, false);
    }
  }

  const form = h(
    'form',
    { class: 'card form', novalidate: true, 'data-testid': 'find-form', onsubmit: onSubmit },
    pageTitle('找回用户名', 'find-title'),
    h('p', { class: 'muted step-lead' }, '输入身份证号和注册时填写的手机号，验证后显示您的用户名。'),
    errorField('find-id', '身份证号', idNumber.input, { after: idNumber.derived }),
    pc.fields,
    error,
    submit,
    links(h('a', { href: '/login', 'data-testid': 'find-back' }, '返回登录'), h('a', { href: '/forgot' }, '忘记密码')),
  );
  mount(ctx.main, form, result);
}

export function render(ctx) {
  if (ctx.route.path === '/forgot/username') renderUsername(ctx);
  else renderPassword(ctx);
}

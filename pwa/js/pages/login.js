// /login: username (or ID number, or phone) + password, or phone + SMS code (any account by its own
// phone; admins also by a phone listed on 管理员信息). 保持登录 keeps the session 30 days of use
// (ticked by default on phones: WeChat has no password autofill). After a few failures the server
// asks for an image captcha (captcha_required): the form shows it (tap the image for a new one).
// Accounts with two-step verification get a 动态验证码 field when the server answers totp_required.
// ?next= is where to go afterwards (an in-app path only); from a check-in link the page says which
// training is waiting and until when (the claim kept by pages/checkin.js).

import { api } from '../api.js';
import { captchaBlock } from '../captcha.js';
import { navigate, safePath } from '../router.js';
import { CLAIM_KEY_PREFIX, loadUser } from '../session.js';
import { timeWords } from '../format.js';
import { field, h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { codeInput, codeProblem, digitsOnly, errorField, inputWithButton, phoneInput, phoneProblem, smsButton, usernameInput } from './account-common.js';

// JIJIAO_LOGIN_CAPTCHA_AFTER_FAILURES's default; another setting still works, through captcha_required.
const CAPTCHA_AFTER_FAILURES = 3;

// Phones (touch first) stay logged in by default; an office PC may be shared.
const PHONE_LIKE = '(pointer: coarse)';

/** The check-in waiting behind this login (next=/c/{id}): "签到：《…》 请在 01:43 前完成登录". */
function pendingCheckin(next) {
  const match = /^\/c\/([0-9]{1,18})/.exec(next);
  if (!match) return null;
  let entry = null;
  try {
    entry = JSON.parse(sessionStorage.getItem(CLAIM_KEY_PREFIX + match[1]) || 'null');
  } catch (e) {
    entry = null;
  }
  if (!entry || entry.used || !entry.training) return null;
  const until = timeWords(entry.expires_at);
  return h(
    'div',
    { class: 'msg msg-info login-checkin', 'data-testid': 'login-checkin' },
    h('p', null, '签到：', h('b', null, entry.training.title)),
    until ? h('p', { 'data-testid': 'login-checkin-deadline' }, '请在 ' + until + ' 前完成登录，登录后自动签到。') : null,
  );
}

function rememberBox(prefix) {
  const box = h('input', { type: 'checkbox', id: prefix + '-remember', checked: window.matchMedia(PHONE_LIKE).matches, 'data-testid': prefix + '-remember' });
  const row = h('label', { class: 'check-line', for: prefix + '-remember' }, box, h('span', null, '保持登录（30 天内免登录；公用电脑请勿勾选）'));
  return { row, box };
}

function destination(user, next) {
  if (user.must_change_password) return '/password' + (next !== '/' ? '?next=' + encodeURIComponent(next) : '');
  return next;
}

function totpBlock(prefix) {
  const input = h('input', {
    type: 'text',
    name: 'totp_code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]*',
    placeholder: '6 位数字',
    enterkeyhint: 'go',
    'data-testid': prefix + '-totp',
  });
  digitsOnly(input, 6);
  const wrap = h('div', { hidden: true }, field(prefix + '-totp', '动态验证码', input, '请打开手机上的验证器应用，输入当前显示的 6 位数字。'));
  return {
    wrap,
    input,
    show() {
      wrap.hidden = false;
      input.value = '';
      input.focus();
    },
    body() {
      return wrap.hidden ? {} : { totp_code: input.value.trim() };
    },
  };
}

export function render(ctx) {
  ctx.setTitle('登录');
  const nextParam = safePath(ctx.query.get('next'));
  const next = nextParam && nextParam.indexOf('/login') !== 0 ? nextParam : '/';
  let submitting = false;
  const failures = {}; // username -> wrong passwords typed on this page

  async function finish(error, submit) {
    const user = await loadUser({ force: true });
    if (user) {
      navigate(destination(user, next), { replace: true });
      return;
    }
    submitting = false;
    setBusy(submit, false);
    showMessage(error, '登录状态未能保存，请检查浏览器是否禁用了 Cookie。');
  }

  // ---------------------------------------------------------------- password login

  const username = usernameInput('login-username', { enterkeyhint: 'next', required: true, maxlength: '50', placeholder: '用户名、身份证号或手机号' });
  const remember = rememberBox('login');
  const waiting = pendingCheckin(next);
  const password = h('input', {
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    enterkeyhint: 'go',
    required: true,
    maxlength: '128',
    'data-testid': 'login-password',
  });
  const error = messageBox('login-error');
  const captcha = captchaBlock('login');
  const totp = totpBlock('login');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' }, '登录');

  async function onSubmit(event) {
    event.preventDefault();
    if (submitting) return;
    const name = username.value.trim();
    if (!name) {
      showMessage(error, '请输入用户名、身份证号或手机号。');
      username.focus();
      return;
    }
    if (!password.value) {
      showMessage(error, '请输入密码。');
      password.focus();
      return;
    }
    if (captcha.active && !captcha.answer.value.trim()) {
      showMessage(error, '请输入图形验证码。');
      captcha.answer.focus();
      return;
    }
    showMessage(error, '');
    submitting = true;
    setBusy(submit, true, '登录中…');
    try {
      const body = Object.assign({ username: name, password: password.value, remember: remember.box.checked }, captcha.body(), totp.body());
      await api('/api/auth/login', { method: 'POST', body, redirect: false });
      await finish(error, submit);
    } catch (e) {
      submitting = false;
      setBusy(submit, false);
      showMessage(error, (e && e.detail) || '登录失败，请稍后再试。');
      const code = e && e.code;
      if (code === 'totp_required' || code === 'totp_invalid') {
        // The password was right; a captcha, if shown, is used up either way.
        if (captcha.active) captcha.reload();
        if (code === 'totp_required') totp.show();
        else {
          totp.input.value = '';
          totp.input.focus();
        }
        return;
      }
      if (code === 'captcha_required' || code === 'captcha_invalid') {
        if (captcha.active) await captcha.reload();
        else await captcha.show();
        captcha.answer.focus();
        return;
      }
      if (captcha.active) captcha.reload(); // each captcha answers one try
      if (code === 'invalid_credentials') {
        password.value = '';
        password.focus();
        // The server asks for a captcha from the third failure on (its default): show it now,
        // rather than spending the next try on hearing so.
        failures[name] = (failures[name] || 0) + 1;
        if (failures[name] >= CAPTCHA_AFTER_FAILURES && !captcha.active) await captcha.show();
      }
    }
  }

  const passwordForm = h(
    'form',
    { class: 'card form', 'data-testid': 'login-form', novalidate: true, onsubmit: onSubmit },
    pageTitle('账号登录'),
    waiting,
    field('login-username', '用户名/身份证号/手机号', username),
    field('login-password', '密码', password),
    captcha.wrap,
    totp.wrap,
    remember.row,
    error,
    submit,
    h(
      'p',
      { class: 'form-links' },
      h('a', { href: '/forgot', 'data-testid': 'login-forgot' }, '忘记密码'),
      h('a', { href: '/register', 'data-testid': 'login-register' }, '注册账号'),
    ),
    h(
      'p',
      { class: 'form-links form-links-more' },
      h('a', { href: '/forgot/username', 'data-testid': 'login-find-username' }, '找回用户名'),
      h('a', { href: '/register/status', 'data-testid': 'login-register-status' }, '注册状态查询'),
    ),
    h('p', { class: 'form-links form-links-more' }, h('button', { type: 'button', class: 'link-btn', 'data-testid': 'login-mode-sms', onclick: () => setMode('sms') }, '短信验证码登录')),
  );

  // ---------------------------------------------------------------- SMS login

  const smsError = messageBox('sms-login-error');
  const smsInfo = messageBox('sms-login-sent', 'info');
  const phone = phoneInput('sms-login-phone');
  const code = codeInput('sms-login-code');
  digitsOnly(phone, 11);
  digitsOnly(code, 6);
  const sendButton = smsButton({ purpose: 'login', phone, message: smsError, info: smsInfo, testid: 'sms-login-send' });
  const smsTotp = totpBlock('sms-login');
  const smsSubmit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'sms-login-submit' }, '登录');
  const smsRemember = rememberBox('sms-login');

  async function onSmsSubmit(event) {
    event.preventDefault();
    if (submitting) return;
    const problem = phoneProblem(phone.value.trim()) || codeProblem(code.value.trim());
    if (problem) {
      showMessage(smsError, problem);
      (phoneProblem(phone.value.trim()) ? phone : code).focus();
      return;
    }
    showMessage(smsError, '');
    submitting = true;
    setBusy(smsSubmit, true, '登录中…');
    try {
      const body = Object.assign({ phone: phone.value.trim(), sms_code: code.value.trim(), remember: smsRemember.box.checked }, smsTotp.body());
      await api('/api/auth/sms-login', { method: 'POST', body, redirect: false });
      await finish(smsError, smsSubmit);
    } catch (e) {
      submitting = false;
      setBusy(smsSubmit, false);
      showMessage(smsError, (e && e.detail) || '登录失败，请稍后再试。');
      if (e && e.code === 'totp_required') smsTotp.show();
    }
  }

  const smsForm = h(
    'form',
    { class: 'card form', 'data-testid': 'sms-login-form', novalidate: true, onsubmit: onSmsSubmit },
    pageTitle('短信验证码登录'),
    pendingCheckin(next),
    h('p', { class: 'muted' }, '验证码将发送到您账号登记的手机号。'),
    errorField('sms-login-phone', '手机号', phone, { control: inputWithButton(phone, sendButton) }),
    smsInfo,
    errorField('sms-login-code', '短信验证码', code, { hint: '请输入短信中的 6 位数字。' }),
    smsTotp.wrap,
    smsRemember.row,
    smsError,
    smsSubmit,
    h('p', { class: 'form-links form-links-more' }, h('button', { type: 'button', class: 'link-btn', 'data-testid': 'login-mode-password', onclick: () => setMode('password') }, '使用用户名和密码登录')),
  );

  // One form in the page at a time: the page has one heading, and what is typed stays in the other.
  function setMode(mode) {
    mount(ctx.main, mode === 'sms' ? smsForm : passwordForm);
    (mode === 'sms' ? phone : username).focus();
  }

  mount(ctx.main, passwordForm);

  // Already logged in (e.g. opened /login from a bookmark): go straight on.
  loadUser()
    .then((user) => {
      if (user && !submitting && location.pathname === '/login') navigate(destination(user, next), { replace: true });
    })
    .catch(() => {});
}

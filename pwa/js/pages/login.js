// /login: username + password. ?next= is where to go afterwards (an in-app path only).

import { api } from '../api.js';
import { navigate, safePath } from '../router.js';
import { loadUser } from '../session.js';
import { field, h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';

function destination(user, next) {
  if (user.must_change_password) return '/password' + (next !== '/' ? '?next=' + encodeURIComponent(next) : '');
  return next;
}

export function render(ctx) {
  ctx.setTitle('登录');
  const nextParam = safePath(ctx.query.get('next'));
  const next = nextParam && nextParam.indexOf('/login') !== 0 ? nextParam : '/';
  let submitting = false;

  const username = h('input', {
    type: 'text',
    name: 'username',
    autocomplete: 'username',
    autocapitalize: 'off',
    autocorrect: 'off',
    spellcheck: 'false',
    enterkeyhint: 'next',
    required: true,
    maxlength: '64',
    'data-testid': 'login-username',
  });
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
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'login-submit' }, '登录');

  async function onSubmit(event) {
    event.preventDefault();
    if (submitting) return;
    const name = username.value.trim();
    if (!name) {
      showMessage(error, '请输入用户名。');
      username.focus();
      return;
    }
    if (!password.value) {
      showMessage(error, '请输入密码。');
      password.focus();
      return;
    }
    showMessage(error, '');
    submitting = true;
    setBusy(submit, true, '登录中…');
    try {
      await api('/api/auth/login', { method: 'POST', body: { username: name, password: password.value }, redirect: false });
      const user = await loadUser({ force: true });
      if (user) {
        navigate(destination(user, next), { replace: true });
        return;
      }
      submitting = false;
      setBusy(submit, false);
      showMessage(error, '登录状态未能保存，请检查浏览器是否禁用了 Cookie。');
    } catch (e) {
      submitting = false;
      setBusy(submit, false);
      showMessage(error, (e && e.detail) || '登录失败，请稍后再试。');
      if (e && e.code === 'invalid_credentials') {
        password.value = '';
        password.focus();
      }
    }
  }

  const form = h(
    'form',
    { class: 'card form', 'data-testid': 'login-form', novalidate: true, onsubmit: onSubmit },
    pageTitle('账号登录'),
    field('login-username', '用户名', username),
    field('login-password', '密码', password),
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
  );
  mount(ctx.main, form);

  // Already logged in (e.g. opened /login from a bookmark): go straight on.
  loadUser()
    .then((user) => {
      if (user && !submitting && location.pathname === '/login') navigate(destination(user, next), { replace: true });
    })
    .catch(() => {});
}

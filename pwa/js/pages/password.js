// /password: change the password. Forced while the account must_change_password.

import { api } from '../api.js';
import { navigate, safePath } from '../router.js';
import { loadUser } from '../session.js';
import { field, h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';

const RULE = '至少 8 位，须同时包含字母和数字。';

/** A Chinese message for what is wrong with the new password, or ''. */
function passwordProblem(oldPassword, newPassword, confirm) {
  if (!oldPassword) return '请输入当前密码。';
  if (newPassword.length < 8 || !/[A-Za-z]/.test(newPassword) || !/[0-9]/.test(newPassword)) return '新密码' + RULE;
  if (newPassword === oldPassword) return '新密码不能与当前密码相同。';
  if (newPassword !== confirm) return '两次输入的新密码不一致。';
  return '';
}

function passwordInput(name, autocomplete, testid) {
  return h('input', { type: 'password', name, autocomplete, required: true, maxlength: '128', 'data-testid': testid });
}

export function render(ctx) {
  ctx.setTitle('修改密码');
  const forced = Boolean(ctx.user.must_change_password);
  const next = safePath(ctx.query.get('next')) || '/';

  const oldPassword = passwordInput('old_password', 'current-password', 'password-old');
  const newPassword = passwordInput('new_password', 'new-password', 'password-new');
  const confirm = passwordInput('confirm_password', 'new-password', 'password-confirm');
  newPassword.setAttribute('aria-describedby', 'password-new-hint');
  const error = messageBox('password-error');
  const done = messageBox('password-done', 'ok');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'password-submit' }, '确认修改');

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    const problem = passwordProblem(oldPassword.value, newPassword.value, confirm.value);
    showMessage(error, problem);
    if (problem) return;
    setBusy(submit, true, '提交中…');
    try {
      await api('/api/auth/password', {
        method: 'POST',
        body: { old_password: oldPassword.value, new_password: newPassword.value },
      });
    } catch (e) {
      setBusy(submit, false);
      if (!e.handled) showMessage(error, e.detail);
      return;
    }
    form.reset();
    showMessage(done, '密码已修改。其他设备上的登录已失效。');
    const user = await loadUser({ force: true }).catch(() => null);
    setTimeout(() => {
      if (location.pathname === '/password') navigate(user ? next : '/login', { replace: true });
    }, 1200);
  }

  const form = h(
    'form',
    { class: 'card form', 'data-testid': 'password-form', novalidate: true, onsubmit: onSubmit },
    forced ? h('p', { class: 'msg msg-info', 'data-testid': 'password-forced' }, '为了账号安全，请先修改初始密码后再使用。') : null,
    field('password-old', '当前密码', oldPassword),
    field('password-new', '新密码', newPassword, RULE),
    field('password-confirm', '确认新密码', confirm),
    error,
    done,
    submit,
    forced ? null : h('p', { class: 'form-links' }, h('a', { href: '/' }, '返回首页')),
  );
  mount(ctx.main, pageTitle('修改密码'), form);
}

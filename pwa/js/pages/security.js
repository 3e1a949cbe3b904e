// /security (安全设置, admins): turn two-step verification (an authenticator app, TOTP) on or off.
// On: get a QR + secret, add it in the app, confirm with the app's current code.
// Off: a current code or the login password.

import { api } from '../api.js';
import { digitsOnly } from './account-common.js';
import { field, h, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';

function codeField(id, testid) {
  const input = h('input', {
    type: 'text',
    name: 'code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]*',
    placeholder: '6 位数字',
    'data-testid': testid,
  });
  digitsOnly(input, 6);
  return input;
}

export function render(ctx) {
  ctx.setTitle('安全设置');
  const body = h('div', { class: 'card form security', 'data-testid': 'security' }, h('p', { class: 'muted' }, '加载中…'));
  const contactsLink =
    ctx.role && (ctx.role.role === 'dept_admin' || ctx.role.role === 'unit_admin')
      ? h('p', { class: 'form-links form-links-more' }, h('a', { href: '/admin-contacts', 'data-testid': 'security-contacts' }, '管理员信息（短信验证码登录）'))
      : null;
  mount(ctx.main, pageTitle('安全设置'), body, contactsLink);

  async function load() {
    let status;
    try {
      status = await api('/api/me/totp');
    } catch (e) {
      if (e && e.handled) return;
      mount(body, notice({ iconName: 'alert', title: '无法加载', text: (e && e.detail) || '请稍后再试。' }));
      return;
    }
    if (status.enabled) showEnabled();
    else showDisabled();
  }

  function showDisabled(message) {
    const error = messageBox('security-error');
    const start = h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-testid': 'totp-start' }, '开启两步验证');
    start.addEventListener('click', async () => {
      showMessage(error, '');
      setBusy(start, true, '生成中…');
      try {
        showEnrol(await api('/api/me/totp', { method: 'POST' }));
      } catch (e) {
        setBusy(start, false);
        if (!(e && e.handled)) showMessage(error, (e && e.detail) || '操作失败，请稍后再试。');
      }
    });
    const done = messageBox('security-done', 'ok');
    mount(
      body,
      h('h2', { class: 'section-title' }, '两步验证'),
      h('p', { 'data-testid': 'totp-status' }, '状态：', h('strong', null, '未开启')),
      h('p', { class: 'muted' }, '开启后，用密码登录时还需输入手机验证器应用（如 Microsoft Authenticator、Google 身份验证器）上的 6 位动态验证码。'),
      done,
      error,
      start,
    );
    if (message) showMessage(done, message);
  }

  function showEnrol(enrolment) {
    const error = messageBox('security-error');
    const code = codeField('totp-confirm-code', 'totp-confirm-code');
    const confirm = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'totp-confirm' }, '确认开启');
    async function onSubmit(event) {
      event.preventDefault();
      if (confirm.disabled) return;
      if (!/^[0-9]{6}$/.test(code.value)) {
        showMessage(error, '请输入验证器上显示的 6 位数字。');
        code.focus();
        return;
      }
      showMessage(error, '');
      setBusy(confirm, true, '确认中…');
      try {
        await api('/api/me/totp/confirm', { method: 'POST', body: { code: code.value } });
        showEnabled('两步验证已开启。');
      } catch (e) {
        setBusy(confirm, false);
        if (!(e && e.handled)) showMessage(error, (e && e.detail) || '操作失败，请稍后再试。');
        code.value = '';
        code.focus();
      }
    }
    mount(
      body,
      h(
        'form',
        { novalidate: true, onsubmit: onSubmit, 'data-testid': 'totp-enrol' },
        h('h2', { class: 'section-title' }, '开启两步验证'),
        h('p', null, '1. 用验证器应用扫描下方二维码：'),
        h('img', { class: 'totp-qr', src: enrolment.qr_image, alt: '两步验证二维码', width: 200, height: 200, 'data-testid': 'totp-qr' }),
        h('p', { class: 'muted' }, '无法扫码时，可在应用中手动输入密钥：'),
        h('p', { class: 'totp-secret', 'data-testid': 'totp-secret' }, enrolment.secret.replace(/(.{4})/g, '$1 ').trim()),
        h('p', null, '2. 输入应用上显示的 6 位数字：'),
        field('totp-confirm-code', '动态验证码', code),
        error,
        confirm,
      ),
    );
    code.focus();
  }

  function showEnabled(message) {
    const error = messageBox('security-error');
    const done = messageBox('security-done', 'ok');
    const code = codeField('totp-off-code', 'totp-off-code');
    const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', maxlength: '128', 'data-testid': 'totp-off-password' });
    const off = h('button', { type: 'submit', class: 'btn btn-danger-outline btn-block', 'data-testid': 'totp-off' }, '关闭两步验证');
    async function onSubmit(event) {
      event.preventDefault();
      if (off.disabled) return;
      if (!code.value && !password.value) {
        showMessage(error, '请输入动态验证码或登录密码。');
        code.focus();
        return;
      }
      showMessage(error, '');
      setBusy(off, true, '关闭中…');
      try {
        await api('/api/me/totp', { method: 'DELETE', body: code.value ? { code: code.value } : { password: password.value } });
        showDisabled('两步验证已关闭。');
      } catch (e) {
        setBusy(off, false);
        if (!(e && e.handled)) showMessage(error, (e && e.detail) || '操作失败，请稍后再试。');
      }
    }
    mount(
      body,
      h('h2', { class: 'section-title' }, '两步验证'),
      h('p', { 'data-testid': 'totp-status' }, '状态：', h('strong', null, '已开启')),
      done,
      h(
        'form',
        { novalidate: true, onsubmit: onSubmit },
        h('p', { class: 'muted' }, '如需关闭，请输入验证器上的动态验证码，或输入登录密码。'),
        field('totp-off-code', '动态验证码', code),
        field('totp-off-password', '或登录密码', password),
        error,
        off,
      ),
    );
    if (message) showMessage(done, message);
  }

  load();
}

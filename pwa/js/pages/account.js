// /account: 账号与设备 (issue 13): where this account is logged in (GET /api/me/devices), each device
// with when it logged in, when it was last used and whether it stays logged in (保持登录), and a way to
// log any of them out at once (DELETE /api/me/devices/{id}) — a lost phone, a lecture-hall PC.

import { api } from '../api.js';
import { fmtDateTime } from '../format.js';
import { navigate } from '../router.js';
import { logout } from '../session.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';

export function render(ctx) {
  ctx.setTitle('账号与设备');
  const list = h('ul', { class: 'device-list', 'data-testid': 'devices' }, h('li', { class: 'muted' }, '加载中…'));
  const error = messageBox('devices-error');

  async function end(device, button) {
    setBusy(button, true, '正在退出…');
    try {
      await api('/api/me/devices/' + encodeURIComponent(device.id), { method: 'DELETE', redirect: false });
    } catch (e) {
      if (e.status !== 404) {
        setBusy(button, false);
        showMessage(error, e.detail);
        return;
      }
    }
    if (device.current) {
      await logout();
      navigate('/login', { replace: true });
      return;
    }
    load();
  }

  function row(device) {
    const button = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'device-end' }, device.current ? '退出本机' : '退出该设备');
    button.addEventListener('click', () => end(device, button));
    return h(
      'li',
      { class: 'card device', 'data-testid': 'device', 'data-current': device.current ? 'true' : 'false' },
      h(
        'div',
        { class: 'device-main' },
        h('p', { class: 'device-name' }, device.device, device.current ? h('span', { class: 'chip chip-ok' }, '本机') : null, device.remember ? h('span', { class: 'chip chip-muted', 'data-testid': 'device-remember' }, '保持登录') : null),
        h('p', { class: 'muted small' }, '登录于 ' + fmtDateTime(device.created_at) + ' · 最近使用 ' + fmtDateTime(device.last_seen_at) + (device.ip ? ' · ' + device.ip : '')),
        h('p', { class: 'muted small' }, '如不再使用，将于 ' + fmtDateTime(device.expires_at) + ' 自动退出'),
      ),
      button,
    );
  }

  async function load() {
    showMessage(error, '');
    let data;
    try {
      data = await api('/api/me/devices');
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
      return;
    }
    mount(list, data.items.map(row));
  }

  mount(
    ctx.main,
    h('div', { class: 'page-head' }, pageTitle('账号与设备', 'account-title')),
    h('p', { class: 'muted' }, '以下是当前登录本账号的手机和电脑。发现不认识的设备，或手机丢失时，请立即退出该设备并修改密码。'),
    error,
    list,
    h('p', null, h('a', { class: 'btn btn-secondary btn-block', href: '/password', 'data-testid': 'account-password' }, '修改密码')),
  );
  load();
}

// The organiser's 投屏 dialog (from the check-in screen): make a display link for the lecture-hall PC or
// projector (POST /api/sessions/{id}/display-links), copy it, and end live ones at once
// (DELETE /api/display-links/{id}). A link's address is shown only when it is made (the server keeps
// only its hash): a lost one is ended and a new one made.

import { api } from '../api.js';
import { h, messageBox, mount, setBusy, showMessage } from '../ui.js';
import { fmtTime } from '../format.js';

const PHASE_WORDS = { checkin: '签到码', checkout: '签退码' };

export function displayLinksDialog(sessionId, phase) {
  const base = '/api/sessions/' + encodeURIComponent(sessionId) + '/display-links';
  const error = messageBox('display-links-error');
  const made = h('div', { class: 'display-link-made', 'data-testid': 'display-link-made', hidden: true });
  const list = h('ul', { class: 'display-link-list', 'data-testid': 'display-link-list' });
  const create = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'display-link-create' }, '生成投屏链接（' + PHASE_WORDS[phase] + '）');
  const close = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'display-links-close' }, '关闭');
  const dialog = h(
    'dialog',
    { class: 'dialog dialog-wide', 'data-testid': 'display-links', 'aria-label': '投屏' },
    h(
      'div',
      { class: 'dialog-form' },
      h('h2', { class: 'dialog-title' }, '投屏到教室电脑或投影'),
      h('p', { class: 'muted' }, '在教室电脑的浏览器中打开投屏链接，无需登录，即全屏显示本场次的签到二维码和签到人数（不显示姓名）。链接在场次结束时自动失效，也可随时结束。'),
      error,
      create,
      made,
      h('h3', { class: 'pane-sub' }, '正在使用的投屏链接'),
      list,
      h('div', { class: 'dialog-actions' }, close),
    ),
  );

  async function refresh() {
    let data;
    try {
      data = await api(base);
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
      return;
    }
    const items = data.items || [];
    mount(
      list,
      items.length
        ? items.map((link) =>
            h(
              'li',
              { 'data-testid': 'display-link', 'data-id': String(link.id) },
              h('span', null, PHASE_WORDS[link.phase] + ' · ' + fmtTime(link.created_at) + ' 生成 · ' + fmtTime(link.expires_at) + ' 失效'),
              h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'display-link-end', onclick: (event) => end(link, event.currentTarget) }, '结束'),
            ),
          )
        : h('li', { class: 'muted' }, '暂无'),
    );
  }

  async function end(link, button) {
    setBusy(button, true, '正在结束…');
    try {
      await api('/api/display-links/' + encodeURIComponent(link.id), { method: 'DELETE' });
    } catch (e) {
      if (e.handled) return;
      if (e.status !== 404) {
        setBusy(button, false);
        showMessage(error, e.detail);
        return;
      }
    }
    showMessage(error, '');
    refresh();
  }

  create.addEventListener('click', async () => {
    setBusy(create, true, '正在生成…');
    showMessage(error, '');
    let link;
    try {
      link = await api(base, { method: 'POST', body: { phase } });
    } catch (e) {
      setBusy(create, false);
      if (!e.handled) showMessage(error, e.detail);
      return;
    }
    setBusy(create, false);
    const address = h('input', { class: 'display-link-url', type: 'text', readonly: true, value: link.url, 'aria-label': '投屏链接', 'data-testid': 'display-link-url' });
    const copy = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-secondary btn-sm',
        'data-testid': 'display-link-copy',
        onclick: async (event) => {
          const button = event.currentTarget;
          try {
            await navigator.clipboard.writeText(link.url);
            button.textContent = '已复制';
          } catch (e) {
            address.select(); // no clipboard permission: selected for a manual copy
          }
        },
      },
      '复制链接',
    );
    mount(made, h('p', null, '请在教室电脑的浏览器地址栏输入：'), h('div', { class: 'display-link-row' }, address, copy), h('p', { class: 'muted small' }, '链接仅显示这一次，请勿发到群里；不用时请结束。'));
    made.hidden = false;
    refresh();
  });

  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
  refresh();
}

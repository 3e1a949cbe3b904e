// /d/:token: the display link on the lecture-hall PC or projector, opened with no login (issue 13).
// Shows only the session's rotating check-in QR, a countdown and the live count: no names, no buttons.
// - GET /api/display/{token} every 3 s (and at each code change): code, url, counts, whether open
// - the QR is /api/display/{token}/qr.svg, swapped only once the next one has loaded (no flicker)
// - the QR is as large as the screen allows (the lowest error correction that scans: fewer, larger
//   modules; see README "Lecture-hall QR"), the count legible from the back rows (its size is in vh)
// - 404: the link was ended or its session is over: say so and stop; offline: keep the last QR, say so

import { api } from '../api.js';
import { h, loadStyle, mount } from '../ui.js';

const POLL_MS = 3000;
const RETRY_MS = 5000;

export async function render(ctx) {
  await loadStyle('/css/display.css');
  const token = ctx.params.token;
  const base = '/api/display/' + encodeURIComponent(token);
  ctx.setTitle('签到投屏');
  document.documentElement.classList.add('display-mode');

  let qrImg = h('img', { class: 'display-qr-img', alt: '签到二维码', 'data-testid': 'display-qr', hidden: true });
  const frame = h('div', { class: 'display-qr', 'data-testid': 'display-qr-frame' }, qrImg);
  const barFill = h('span', { class: 'display-bar-fill' });
  const bar = h('div', { class: 'display-bar', 'aria-hidden': 'true' }, barFill);
  const hint = h('p', { class: 'display-hint', 'data-testid': 'display-hint' }, '微信“扫一扫”或手机相机扫码签到');
  const title = h('p', { class: 'display-title', 'data-testid': 'display-title' });
  const countNum = h('strong', { class: 'display-count-num', 'data-testid': 'display-count' }, '–');
  const countLabel = h('span', { class: 'display-count-label', 'data-testid': 'display-count-label' }, '已签到');
  const countSub = h('p', { class: 'display-count-sub', 'data-testid': 'display-count-sub', hidden: true });
  const banner = h('p', { class: 'display-banner', role: 'status', 'data-testid': 'display-banner', hidden: true });
  const screen = h(
    'div',
    { class: 'display', 'data-testid': 'display' },
    h('section', { class: 'display-code', 'aria-label': '签到二维码' }, frame, bar, hint),
    h('section', { class: 'display-side', 'aria-live': 'polite' }, title, h('p', { class: 'display-count' }, countLabel, countNum, h('span', { class: 'display-count-unit' }, '人')), countSub),
    banner,
  );
  mount(ctx.main, screen);

  let timer = null;
  let alive = true;
  let shownCode = null;

  function stop(text) {
    alive = false;
    clearTimeout(timer);
    document.documentElement.classList.remove('display-mode');
    mount(ctx.main, h('div', { class: 'display display-ended', 'data-testid': 'display-ended' }, h('p', { class: 'display-ended-title' }, text), h('p', null, '如需继续投屏，请组织者重新生成投屏链接。')));
  }

  function startBar(expiresIn, interval) {
    barFill.style.transition = 'none';
    barFill.style.transform = 'scaleX(' + Math.min(1, expiresIn / interval) + ')';
    // eslint-disable-next-line no-unused-expressions
    barFill.offsetWidth; // restart the transition from here
    barFill.style.transition = 'transform ' + expiresIn + 's linear';
    barFill.style.transform = 'scaleX(0)';
  }

  async function showQr(data) {
    if (data.code === shownCode) return;
    const next = new Image();
    next.className = 'display-qr-img';
    next.alt = data.phase === 'checkout' ? '签退二维码' : '签到二维码';
    next.setAttribute('data-testid', 'display-qr');
    next.setAttribute('data-code', data.code);
    next.src = base + '/qr.svg?v=' + encodeURIComponent(data.code);
    try {
      await (next.decode ? next.decode() : new Promise((resolve, reject) => ((next.onload = resolve), (next.onerror = reject))));
    } catch (e) {
      return; // the next poll tries again
    }
    if (!alive) return;
    qrImg.replaceWith(next);
    qrImg = next;
    shownCode = data.code;
    startBar(data.expires_in, data.interval);
  }

  function paint(data) {
    title.textContent = data.title;
    const out = data.phase === 'checkout';
    countLabel.textContent = out ? '已签退' : '已签到';
    countNum.textContent = String(out ? data.checked_out : data.checked_in);
    countSub.hidden = !out;
    countSub.textContent = '已签到 ' + data.checked_in + ' 人';
    screen.classList.toggle('display-checkout', out);
    if (!data.open) {
      shownCode = null;
      qrImg.hidden = true;
      frame.classList.add('display-qr-closed');
      hint.textContent = '培训尚未审核通过或已结束，暂不能签到';
      return;
    }
    frame.classList.remove('display-qr-closed');
    hint.textContent = (out ? '离场请用微信“扫一扫”或手机相机扫码签退' : '微信“扫一扫”或手机相机扫码签到') + ' · 每 ' + data.interval + ' 秒更新';
    showQr(data);
  }

  async function poll() {
    clearTimeout(timer);
    if (!alive || !ctx.main.isConnected) return;
    let data;
    try {
      data = await api(base, { redirect: false });
    } catch (e) {
      if (!alive) return;
      if (e.status === 404) {
        stop('投屏已结束');
        return;
      }
      banner.hidden = false;
      banner.textContent = e.status === 0 ? '网络已断开，恢复后自动刷新。' : e.detail;
      timer = setTimeout(poll, RETRY_MS);
      return;
    }
    if (!alive) return;
    banner.hidden = true;
    paint(data);
    // Ask again at the next code change, and every few seconds for the count.
    timer = setTimeout(poll, Math.min(POLL_MS, Math.max(500, data.expires_in * 1000 + 200)));
  }

  document.addEventListener('visibilitychange', () => {
    if (!document.hidden && alive) poll();
  });
  poll();
}

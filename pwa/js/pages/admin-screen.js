// /sessions/:id/screen: the organiser's tablet at the front of the hall (landscape ~1180x820).
// - the rotating check-in QR as large as the screen allows: /qr gives interval and expires_in, the
//   <img> of qr.svg is swapped only once the next one has loaded (no flicker), a countdown bar
// - 签到 / 签退 phase (phase=checkout), live count and newest names (poll /attendance every 3 s,
//   paused while the page is hidden), 补签 (people search + reason), 撤销 per row (reason), CSV export
// - 全屏 (Fullscreen API) and a screen Wake Lock where supported
// - offline: the last QR stays up with a 网络已断开 banner (the code cannot rotate without the server)
// The title, time and place come from GET /api/sessions/{id} (404: not this admin's session).
// An old link's ?training=<id> is ignored.

import { fmtRange, fmtTime, num } from '../format.js';
import { api } from '../api.js';
import { h, mount, notice, show } from '../ui.js';
import { CHECKIN_METHOD, CREDIT_CLASS, label } from '../labels.js';
import { displayLinksDialog } from './admin-display-links.js';
import { formDialog, peoplePicker, reasonDialog, reasonField, screenMessage, whenLeft } from './admin-common.js';

const POLL_MS = 3000;
// With the live stream open the list is re-read when the server says it changed
// (services/live.py); this slow poll only covers a signal lost on the way.
const POLL_LIVE_MS = 15000;
const RETRY_MS = 3000;
const NAMES_SHOWN = 60;

export async function render(ctx) {
  const sid = ctx.params.id;
  const shellEl = ctx.main.parentElement;
  if (shellEl) shellEl.classList.add('shell-screen');
  ctx.setTitle('签到屏');

  // -- what is being run: the session (time, place, code interval) with its training
  let session = null;
  try {
    session = await api('/api/sessions/' + encodeURIComponent(sid));
  } catch (e) {
    if (e.handled) throw e;
    if (e.status === 403 || e.status === 404) {
      if (shellEl) shellEl.classList.remove('shell-screen');
      mount(ctx.main, notice({ title: '无法打开签到屏', text: e.detail, href: '/trainings', linkText: '返回院内培训', testid: 'screen-missing' }));
      return;
    }
    // Offline or a server hiccup: the QR and the list below still try; the header stays generic.
  }
  const training = session ? session.training : null;
  if (training) ctx.setTitle('签到屏 · ' + training.title);
  const open = !training || training.status === 'approved';
  // A provider's class: its people are its confirmed enrolments, not a unit's staff to search
  // (补签 and the reverse roster are the hospital's tools); back goes to the class.
  const classId = training && training.class_id ? training.class_id : null;

  const state = {
    phase: 'checkin',
    offline: false,
    lastExpiry: 0, // ms epoch when the shown code stops being current
    interval: session && session.interval > 0 ? session.interval : 20,
    items: [],
    signature: '',
    alive: true,
  };
  let qrTimer = null;
  let pollTimer = null;
  let tickTimer = null;
  let wakeLock = null;
  let rotateSeq = 0;
  let pollSeq = 0;
  let live = null; // EventSource of /api/sessions/{id}/live, when the browser has one
  let liveOpen = false;

  // -- header
  const clock = h('span', { class: 'screen-clock', 'aria-hidden': 'true' });
  const phaseIn = h('button', { type: 'button', class: 'seg seg-on', 'aria-pressed': 'true', 'data-testid': 'phase-checkin' }, '签到码');
  const phaseOut = h('button', { type: 'button', class: 'seg', 'aria-pressed': 'false', 'data-testid': 'phase-checkout' }, '签退码');
  const fullBtn = h('button', { type: 'button', class: 'screen-btn', 'data-testid': 'screen-fullscreen', hidden: !document.fullscreenEnabled }, '全屏');
  const addBtn = h('button', { type: 'button', class: 'screen-btn', 'data-testid': 'screen-manual', disabled: !open, hidden: Boolean(classId) }, '补签');
  const exportLink = h('a', { class: 'screen-btn', href: '/api/sessions/' + encodeURIComponent(sid) + '/attendance.csv', download: '', 'data-testid': 'screen-export' }, '导出签到表');
  const displayBtn = h('button', { type: 'button', class: 'screen-btn', 'data-testid': 'screen-display-links', disabled: !open }, '投屏');
  const reverseLink = open && !classId
    ? h('a', { class: 'screen-btn', href: '/sessions/' + encodeURIComponent(sid) + '/reverse', 'data-testid': 'screen-reverse' }, '反扫模式')
    : null;
  const backTo = classId ? '/provider/classes/' + encodeURIComponent(classId) : training ? '/trainings/' + encodeURIComponent(training.id) : '/trainings';
  const back = h('a', { class: 'screen-back', href: backTo, 'data-testid': 'screen-back' }, '‹ 返回');
  const bar = h(
    'header',
    { class: 'screen-bar' },
    back,
    h('div', { class: 'segs segs-dark', role: 'group', 'aria-label': '签到或签退' }, phaseIn, phaseOut),
    clock,
    h('div', { class: 'screen-tools' }, addBtn, displayBtn, exportLink, reverseLink, fullBtn),
  );
  const banner = h('div', { class: 'screen-banner', role: 'alert', 'data-testid': 'screen-offline', hidden: true });
  const { node: message, say, stop: stopMessage } = screenMessage('screen-msg');

  // -- the QR
  let qrImg = h('img', { class: 'qr-img', alt: '签到二维码', 'data-testid': 'screen-qr', hidden: true });
  const qrFrame = h('div', { class: 'qr-frame', 'data-testid': 'qr-frame' }, qrImg, h('p', { class: 'qr-loading' }, '正在生成二维码…'));
  const barFill = h('span', { class: 'qr-bar-fill' });
  const countdown = h('div', { class: 'qr-bar', 'aria-hidden': 'true' }, barFill);
  const qrHint = h('p', { class: 'qr-hint', 'data-testid': 'qr-hint' });
  const qrSection = h('section', { class: 'screen-qr', 'aria-label': '签到二维码' }, qrFrame, countdown, qrHint);
  if (!open) {
    const why = training && training.status === 'closed' ? '培训已结束，签到已关闭。' : '培训尚未审核通过，暂不能签到。';
    mount(qrSection, h('div', { class: 'qr-closed', 'data-testid': 'screen-closed' }, h('p', { class: 'qr-closed-title' }, why), h('p', null, '签到名单仍可查看和导出。')));
  }

  // -- the side panel
  const countNum = h('strong', { class: 'count-num', 'data-testid': 'screen-count' }, '0');
  const countLabel = h('span', { class: 'count-label' }, '已签到');
  const countSub = h('p', { class: 'count-sub', 'data-testid': 'screen-count-sub', hidden: true });
  const names = h('ol', { class: 'screen-names', 'data-testid': 'screen-names', 'aria-label': '最新签到' });
  const side = h(
    'aside',
    { class: 'screen-side' },
    h('h1', { class: 'screen-title', tabindex: '-1', 'data-testid': 'screen-title' }, training ? training.title : '场次 ' + sid),
    h('p', { class: 'screen-when', 'data-testid': 'screen-when' }, session ? fmtRange(session.starts_at, session.ends_at) : '', session && session.location ? h('span', { class: 'screen-where' }, session.location) : null),
    training
      ? h(
          'p',
          { class: 'screen-meta', 'data-testid': 'screen-meta' },
          label(CREDIT_CLASS, training.credit_class) + '学分 ' + num(training.credits) + ' 分 · ' + num(training.hours) + ' 学时' + (training.requires_checkout ? ' · 需签到和签退' : ''),
        )
      : null,
    h('div', { class: 'screen-count', 'aria-live': 'polite' }, countLabel, countNum, h('span', { class: 'count-unit' }, '人')),
    countSub,
    h('h2', { class: 'names-title' }, '最新签到'),
    names,
  );

  const screen = h('div', { class: 'screen', 'data-testid': 'screen' }, bar, banner, message, h('div', { class: 'screen-body' + (open ? '' : ' screen-body-closed') }, qrSection, side));
  mount(ctx.main, screen);

  // ---------------------------------------------------------------- helpers

  // `from`: which loop noticed ('qr' or 'list'); coming back online, the other one catches up at once.
  function setOffline(offline, from) {
    if (state.offline === offline) return;
    state.offline = offline;
    screen.classList.toggle('is-offline', offline);
    paintBanner();
    if (!offline) {
      if (from !== 'qr') rotate();
      if (from !== 'list') poll();
    }
  }

  function paintBanner() {
    banner.hidden = !state.offline;
    if (!state.offline) return;
    // The server accepts the current and the previous code: the shown code works one interval past its expiry.
    const left = Math.max(0, Math.round((state.lastExpiry + state.interval * 1000 - Date.now()) / 1000));
    banner.textContent =
      '网络已断开：二维码需联网才能更新，' +
      (open && left > 0 ? '当前二维码约 ' + left + ' 秒后失效，' : open ? '当前二维码已失效，' : '') +
      '学员手机也需联网才能签到。恢复网络后自动刷新。';
  }

  function startBar(expiresIn, interval) {
    barFill.style.transition = 'none';
    barFill.style.transform = 'scaleX(' + Math.min(1, expiresIn / interval) + ')';
    // eslint-disable-next-line no-unused-expressions
    barFill.offsetWidth; // restart the transition from here
    barFill.style.transition = 'transform ' + expiresIn + 's linear';
    barFill.style.transform = 'scaleX(0)';
  }

  function qrPath(ext) {
    return '/api/sessions/' + encodeURIComponent(sid) + '/' + ext + (state.phase === 'checkout' ? '?phase=checkout' : '');
  }

  // Not this caller's session (or gone): say so once, and stop asking.
  function fatal(detail) {
    if (!state.alive) return;
    state.alive = false;
    clearTimeout(qrTimer);
    clearTimeout(pollTimer);
    stopListening();
    addBtn.disabled = true;
    mount(qrSection, h('div', { class: 'qr-closed', 'data-testid': 'screen-closed' }, h('p', { class: 'qr-closed-title' }, '无法打开签到屏'), h('p', null, detail)));
  }

  // ---------------------------------------------------------------- the rotating QR

  async function rotate() {
    clearTimeout(qrTimer);
    if (!state.alive || !open) return;
    const seq = (rotateSeq += 1);
    const phase = state.phase;
    let qr;
    try {
      qr = await api(qrPath('qr'));
    } catch (e) {
      if (e.handled || seq !== rotateSeq) return;
      if (e.status === 403 || e.status === 404) {
        fatal(e.detail);
        return;
      }
      if (e.status === 0) {
        setOffline(true, 'qr');
      } else {
        say(e.detail, 'error');
      }
      qrTimer = setTimeout(rotate, RETRY_MS);
      return;
    }
    if (seq !== rotateSeq || !state.alive) return;
    setOffline(false, 'qr');
    state.interval = qr.interval;
    const next = new Image();
    next.className = 'qr-img';
    next.alt = phase === 'checkout' ? '签退二维码' : '签到二维码';
    next.setAttribute('data-testid', 'screen-qr');
    next.setAttribute('data-code', qr.code);
    next.setAttribute('data-phase', phase);
    next.src = qrPath('qr.svg') + (phase === 'checkout' ? '&' : '?') + 'v=' + encodeURIComponent(qr.code);
    const loaded = next.decode ? next.decode() : new Promise((resolve, reject) => ((next.onload = resolve), (next.onerror = reject)));
    qrTimer = setTimeout(rotate, Math.max(1000, qr.expires_in * 1000 + 200));
    try {
      await loaded;
    } catch (e) {
      if (seq === rotateSeq) {
        setOffline(true, 'qr');
        clearTimeout(qrTimer);
        qrTimer = setTimeout(rotate, RETRY_MS);
      }
      return;
    }
    if (seq !== rotateSeq || !state.alive) return;
    // Swap only now: the old image stays until the new one is ready.
    qrImg.replaceWith(next);
    qrImg = next;
    const loading = qrFrame.querySelector('.qr-loading');
    if (loading) loading.remove();
    state.lastExpiry = Date.now() + qr.expires_in * 1000;
    startBar(qr.expires_in, qr.interval);
    qrHint.textContent =
      (phase === 'checkout' ? '离场请用手机扫码签退' : '请用手机微信或浏览器扫码签到') + ' · 二维码每 ' + qr.interval + ' 秒自动更新';
  }

  function setPhase(phase) {
    if (state.phase === phase) return;
    state.phase = phase;
    [phaseIn, phaseOut].forEach((b) => {
      const on = (b === phaseOut) === (phase === 'checkout');
      b.classList.toggle('seg-on', on);
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
    });
    screen.classList.toggle('phase-checkout', phase === 'checkout');
    paintCount();
    rotate();
  }

  // ---------------------------------------------------------------- attendance

  function paintCount() {
    const total = state.items.length;
    const out = state.items.filter((r) => r.checked_out_at).length;
    if (state.phase === 'checkout') {
      countLabel.textContent = '已签退';
      countNum.textContent = String(out);
      countSub.hidden = false;
      countSub.textContent = '已签到 ' + total + ' 人';
    } else {
      countLabel.textContent = '已签到';
      countNum.textContent = String(total);
      countSub.hidden = out === 0;
      countSub.textContent = '已签退 ' + out + ' 人';
    }
  }

  function nameRow(r) {
    const tag = r.method === 'manual' || r.method === 'reverse' ? h('span', { class: 'tag' }, CHECKIN_METHOD[r.method]) : null;
    const undo = open
      ? h(
          'button',
          {
            type: 'button',
            class: 'name-undo',
            'data-testid': 'screen-undo',
            'aria-label': '撤销 ' + r.name + ' 的签到',
            onclick: () => undoCheckin(r),
          },
          '撤销',
        )
      : null;
    return h(
      'li',
      { class: 'name-row', 'data-testid': 'screen-name', 'data-id': String(r.id) },
      h('span', { class: 'name-main' }, h('span', { class: 'name-text' }, show(r.name)), tag),
      h('span', { class: 'name-sub' }, [r.department_name, fmtTime(r.checked_in_at) + (r.checked_out_at ? ' – ' + fmtTime(r.checked_out_at) + ' 签退' : '')].filter(Boolean).join(' · ')),
      undo,
    );
  }

  function paintAttendance(data) {
    state.items = data.items || [];
    paintCount();
    const signature = JSON.stringify(state.items.slice(0, NAMES_SHOWN).map((r) => [r.id, r.checked_out_at, r.name]));
    if (signature === state.signature) return; // keep focus and scroll when nothing changed
    state.signature = signature;
    mount(names, state.items.slice(0, NAMES_SHOWN).map(nameRow));
    if (!state.items.length) names.appendChild(h('li', { class: 'name-empty' }, '暂无签到'));
  }

  async function poll() {
    clearTimeout(pollTimer);
    if (!state.alive || document.hidden) return; // resumed by visibilitychange
    const seq = (pollSeq += 1);
    try {
      const data = await api('/api/sessions/' + encodeURIComponent(sid) + '/attendance');
      if (seq !== pollSeq || !state.alive) return;
      paintAttendance(data);
      setOffline(false, 'list');
    } catch (e) {
      if (e.handled || seq !== pollSeq) return;
      if (e.status === 403 || e.status === 404) {
        fatal(e.detail);
        return;
      }
      if (e.status === 0) setOffline(true, 'list');
    }
    if (state.alive && seq === pollSeq) pollTimer = setTimeout(poll, liveOpen ? POLL_LIVE_MS : POLL_MS);
  }

  // Told at once of every check-in, whichever server process took it.
  function listen() {
    if (live || !('EventSource' in window)) return;
    live = new EventSource('/api/sessions/' + encodeURIComponent(sid) + '/live');
    live.addEventListener('ready', () => {
      liveOpen = true;
      screen.dataset.live = 'on';
    });
    live.addEventListener('changed', () => poll());
    // The browser reconnects by itself; until then the list is polled at the fast rate.
    live.addEventListener('error', () => {
      liveOpen = false;
      screen.dataset.live = 'off';
    });
  }

  function stopListening() {
    if (live) live.close();
    live = null;
    liveOpen = false;
  }

  async function undoCheckin(r) {
    const done = await reasonDialog({
      title: '撤销签到',
      intro: '撤销 ' + r.name + ' 的签到（' + fmtTime(r.checked_in_at) + '），其待审核学分一并删除。',
      labelText: '撤销原因',
      submitText: '撤销签到',
      testid: 'undo-dialog',
      action: (reason) => api('/api/checkins/' + encodeURIComponent(r.id) + '/undo', { method: 'POST', body: { reason } }),
    });
    if (done) {
      say('已撤销 ' + r.name + ' 的签到。');
      poll();
    }
  }

  async function manualAdd() {
    const picker = peoplePicker({ id: 'manual-person', label: '签到人员' });
    const reason = reasonField('manual-reason', '补签原因', '如：手机没电、未带手机');
    let person = null;
    const done = await formDialog({
      title: '补签',
      testid: 'manual-dialog',
      submitText: '确认补签',
      wide: true,
      body: [picker.node, reason.node],
      onSubmit: async () => {
        person = picker.selected();
        if (!person) throw { detail: '请搜索并选择要补签的人员。' };
        if (!reason.input.value.trim()) throw { detail: '请填写补签原因。' };
        return api('/api/sessions/' + encodeURIComponent(sid) + '/checkins', {
          method: 'POST',
          body: { person_id: person.id, reason: reason.input.value.trim() },
        });
      },
    });
    if (done && person) {
      say('已补签：' + person.name);
      poll();
    }
  }

  // ---------------------------------------------------------------- full screen and wake lock

  async function requestWakeLock() {
    if (!('wakeLock' in navigator) || document.hidden || !state.alive) return;
    try {
      wakeLock = await navigator.wakeLock.request('screen');
      wakeLock.addEventListener('release', () => {
        wakeLock = null;
      });
    } catch (e) {
      wakeLock = null; // not allowed (battery saver, no user gesture yet): the screen may dim
    }
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen().catch(() => {});
    } else {
      screen.requestFullscreen({ navigationUI: 'hide' }).catch(() => say('浏览器不允许全屏。', 'error'));
    }
    requestWakeLock(); // a user gesture: the best moment to ask again
  }

  function onFullscreenChange() {
    const on = document.fullscreenElement === screen;
    fullBtn.textContent = on ? '退出全屏' : '全屏';
    screen.classList.toggle('is-fullscreen', on);
  }

  function onVisibility() {
    if (document.hidden) {
      clearTimeout(pollTimer);
      return;
    }
    poll();
    rotate(); // timers were throttled while hidden
    if (!wakeLock) requestWakeLock();
  }

  function onOnline() {
    if (state.offline) setOffline(false);
    else {
      rotate();
      poll();
    }
  }

  function onOffline() {
    setOffline(true);
  }

  function tick() {
    clock.textContent = fmtTime(Date.now(), true);
    if (state.offline) paintBanner();
  }

  // ---------------------------------------------------------------- wiring

  phaseIn.addEventListener('click', () => setPhase('checkin'));
  phaseOut.addEventListener('click', () => setPhase('checkout'));
  fullBtn.addEventListener('click', toggleFullscreen);
  addBtn.addEventListener('click', manualAdd);
  displayBtn.addEventListener('click', () => displayLinksDialog(sid, state.phase));
  document.addEventListener('visibilitychange', onVisibility);
  document.addEventListener('fullscreenchange', onFullscreenChange);
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  tickTimer = setInterval(tick, 1000);
  tick();
  listen();

  whenLeft(screen, () => {
    state.alive = false;
    clearTimeout(qrTimer);
    clearTimeout(pollTimer);
    stopMessage();
    clearInterval(tickTimer);
    stopListening();
    document.removeEventListener('visibilitychange', onVisibility);
    document.removeEventListener('fullscreenchange', onFullscreenChange);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    if (wakeLock) wakeLock.release().catch(() => {});
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  });

  if (!navigator.onLine) setOffline(true);
  rotate();
  poll();
  requestWakeLock();
}

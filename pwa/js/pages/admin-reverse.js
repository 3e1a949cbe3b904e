// /sessions/:id/reverse: reverse mode — the organiser's tablet scans each trainee's personal code
// (payload 'JJ1.{person_id}.{counter}.{code}'), works offline, and syncs later without duplicates.
//
// - every scan is queued in localStorage ('jijiao.scans.<sessionId>') before anything else, so a
//   reload never loses one; the queue is sent in batches to POST /api/sessions/{id}/scans on
//   'online' events and every 5 s (the server is idempotent by person, so resending is safe)
// - the same person again within 60 s is ignored locally
// - names come from the roster of the admin's scope, prefetched while online and kept in
//   localStorage ('jijiao.roster.<role>', removed on logout), else the scan shows 已记录
// - the session and its training (GET /api/sessions/{id}) are kept in localStorage too
//   ('jijiao.reverse.<sessionId>'), so that a reload offline still shows the title, time and place
// - test hook: window.__jijiaoTestScan(text) when localStorage['jijiao.test'] === '1'

import { fmtRange, fmtTime } from '../format.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { ROSTER_KEY_PREFIX, activeRole, isAdminRole, loadUser, roleKey } from '../session.js';
import { h, mount, notice } from '../ui.js';
import { fullscreenButton, loadJson, randomId, saveJson, screenMessage, whenLeft } from './admin-common.js';

const SYNC_MS = 5000;
const BATCH = 200;
const REPEAT_MS = 60 * 1000;
const KEEP_SYNCED = 500; // synced scans kept for the on-screen list
const ROSTER_MAX_AGE_MS = 12 * 3600 * 1000;
const PAYLOAD = /^JJ1\.(0|[1-9]\d{0,18})\.(0|[1-9]\d{0,18})\.([0-9A-Za-z]{4,16})$/;

/** The person id in a personal-code payload, or null when the text is not one. */
export function parsePayload(text) {
  const m = PAYLOAD.exec(String(text || '').trim());
  return m ? m[1] : null;
}

// A short high tone for a good scan (issue 13): the organiser looks at the queue, not the tablet.
let audio = null;
let beeps = 0;

function beep() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  try {
    if (!audio) audio = new Context();
    if (audio.state === 'suspended') audio.resume().catch(() => {}); // allowed after the first touch
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.type = 'sine';
    tone.frequency.value = 1760; // A6: cuts through a hall's chatter
    gain.gain.setValueAtTime(0.25, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.15);
    tone.connect(gain).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.15);
    beeps += 1;
    document.documentElement.setAttribute('data-beeps', String(beeps)); // what a test can see of a sound
  } catch (e) {
    // no audio here: the flash and the list still say it
  }
}

export async function render(ctx) {
  const sid = String(ctx.params.id);
  const queueKey = 'jijiao.scans.' + sid;
  const metaKey = 'jijiao.reverse.' + sid; // what this device last knew of the session, for offline starts
  const shellEl = ctx.main.parentElement;
  if (shellEl) shellEl.classList.add('shell-screen');
  ctx.setTitle('反扫签到');

  // The route is public so that a reload works offline (from the service worker's shell): the
  // login is checked here, and without a network the page starts from what this device knows.
  let role = ctx.role;
  let offlineStart = false;
  if (!ctx.user) {
    let user = null;
    try {
      user = await loadUser();
    } catch (e) {
      offlineStart = true;
    }
    if (!offlineStart) {
      if (!user || user.must_change_password) {
        navigate(user ? '/password' : '/login?next=' + encodeURIComponent(location.pathname + location.search), { replace: true });
        return;
      }
      role = activeRole(user);
      if (!isAdminRole(role)) {
        mount(ctx.main, notice({ iconName: 'lock', title: '无权访问', text: '当前身份不能使用反扫签到。', href: '/', linkText: '返回首页', testid: 'forbidden' }));
        return;
      }
    }
  }
  // Not this admin's session (or gone): say so. Scans already taken here stay on this device.
  function refuse(detail) {
    const stored = loadJson(queueKey, []);
    const pending = Array.isArray(stored) ? stored.filter((s) => s && s.state === 'pending').length : 0;
    if (shellEl) shellEl.classList.remove('shell-screen');
    const kept = pending ? '本机有 ' + pending + ' 条未同步的扫码记录，已保留在本机。' : '';
    const text = kept ? String(detail).replace(/[。.]?$/, '。') + kept : detail;
    mount(ctx.main, notice({ iconName: 'lock', title: '无法使用反扫签到', text, href: '/trainings', linkText: '返回院内培训', testid: 'reverse-missing' }));
  }

  const meta = loadJson(metaKey, null) || {};
  if (meta.title && meta.session && !meta.session.training) {
    meta.session = Object.assign({}, meta.session, { training: { id: meta.training_id, title: meta.title } }); // saved by v5
  }
  const rosterKey = role ? ROSTER_KEY_PREFIX + roleKey(role) : meta.roster_key || ROSTER_KEY_PREFIX + 'none';

  // The session and its training: from the server, else (offline) as this device last saw them.
  let session = null;
  if (!offlineStart) {
    try {
      session = await api('/api/sessions/' + encodeURIComponent(sid));
    } catch (e) {
      if (e.handled) throw e;
      if (e.status === 403 || e.status === 404) {
        refuse(e.detail);
        return;
      }
      // Offline or a server hiccup: go on with what this device knows.
    }
  }
  if (session) saveJson(metaKey, { session, roster_key: rosterKey });
  else if (meta.session && meta.session.training) session = meta.session;
  else if (role) saveJson(metaKey, Object.assign({}, meta, { roster_key: rosterKey }));
  const training = session ? session.training : null;
  if (training) ctx.setTitle('反扫签到 · ' + training.title);

  /** Queue entries: {payload, scanned_at, client_id, person_id, state: pending|synced|failed, name?, detail?, created?} */
  let queue = loadJson(queueKey, []);
  if (!Array.isArray(queue)) queue = [];
  let roster = loadJson(rosterKey, null);
  let syncing = false;
  let syncTimer = null;
  let alive = true;
  let offline = offlineStart || navigator.onLine === false;
  let stopCamera = null;
  let lastClientId = null; // the scan the big card shows

  function saveQueue() {
    const synced = queue.filter((s) => s.state !== 'pending');
    if (synced.length > KEEP_SYNCED) {
      const drop = new Set(synced.slice(0, synced.length - KEEP_SYNCED).map((s) => s.client_id));
      queue = queue.filter((s) => !drop.has(s.client_id));
    }
    if (!saveJson(queueKey, queue)) say('本机存储已满或被禁用，扫码记录可能无法离线保存，请尽快联网同步。', 'error');
  }

  function rosterName(personId) {
    const p = roster && roster.people ? roster.people[personId] : null;
    return p ? p[0] : null;
  }

  // -- layout
  const video = h('video', { class: 'rev-video', playsinline: true, muted: true, autoplay: true, 'aria-label': '摄像头画面' });
  const camStatus = h('p', { class: 'rev-cam-status', 'data-testid': 'reverse-camera' }, '正在打开摄像头…');
  const camRetry = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', hidden: true, onclick: () => openCamera() }, '重试');
  const flash = h('div', { class: 'rev-flash', 'aria-hidden': 'true' });
  const wedge = h('input', {
    type: 'text',
    class: 'rev-wedge',
    autocomplete: 'off',
    placeholder: '扫码枪 / 手动输入个人码后按回车',
    'aria-label': '扫码枪或手动输入个人签到码',
    'data-testid': 'reverse-input',
  });
  const camera = h('section', { class: 'rev-camera', 'aria-label': '扫码' }, video, h('div', { class: 'rev-aim', 'aria-hidden': 'true' }), flash, h('div', { class: 'rev-cam-foot' }, camStatus, camRetry));

  const lastName = h('p', { class: 'rev-last-name', 'data-testid': 'reverse-last' }, '请学员出示“我的签到码”');
  const lastSub = h('p', { class: 'rev-last-sub', 'data-testid': 'reverse-last-sub' }, '对准摄像头即可，无需联网');
  const lastCard = h('div', { class: 'rev-last rev-last-idle', 'aria-live': 'assertive' }, lastName, lastSub);
  const pendingCount = h('strong', { 'data-testid': 'reverse-pending' }, '0');
  const syncedCount = h('strong', { 'data-testid': 'reverse-synced' }, '0');
  const failedCount = h('strong', { 'data-testid': 'reverse-failed' }, '0');
  const netState = h('span', { class: 'rev-net', 'data-testid': 'reverse-net' });
  const syncBtn = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'reverse-sync', onclick: () => sync() }, '立即同步');
  const rosterInfo = h('p', { class: 'hint', 'data-testid': 'reverse-roster' });
  const list = h('ol', { class: 'rev-list', 'data-testid': 'reverse-list' });
  const { node: message, say, stop: stopMessage } = screenMessage('reverse-msg');

  const back = h('a', { class: 'screen-back', href: training && training.id ? '/trainings/' + encodeURIComponent(training.id) : '/trainings', 'data-testid': 'screen-back' }, '‹ 返回');
  const screenLink = h('a', { class: 'screen-btn', href: '/sessions/' + encodeURIComponent(sid) + '/screen', 'data-testid': 'reverse-screen' }, '签到屏');
  const tools = h('div', { class: 'screen-tools' }, screenLink);
  const bar = h('header', { class: 'screen-bar' }, back, h('span', { class: 'screen-bar-title' }, '反扫签到'), netState, tools);

  const side = h(
    'aside',
    { class: 'screen-side rev-side' },
    h('h1', { class: 'screen-title rev-title', tabindex: '-1', 'data-testid': 'reverse-title' }, training ? training.title : '场次 ' + sid),
    session ? h('p', { class: 'screen-when' }, fmtRange(session.starts_at, session.ends_at), session.location ? h('span', { class: 'screen-where' }, session.location) : null) : null,
    lastCard,
    h(
      'div',
      { class: 'rev-stats' },
      h('span', { class: 'rev-stat rev-stat-pending' }, '待同步 ', pendingCount, ' 人'),
      h('span', { class: 'rev-stat' }, '已同步 ', syncedCount),
      h('span', { class: 'rev-stat rev-stat-failed' }, '失败 ', failedCount),
      syncBtn,
    ),
    wedge,
    rosterInfo,
    h('h2', { class: 'names-title' }, '本机扫码记录'),
    list,
  );
  const screen = h('div', { class: 'screen screen-reverse', 'data-testid': 'reverse' }, bar, message, h('div', { class: 'screen-body' }, camera, side));
  tools.appendChild(fullscreenButton(screen, 'screen-btn', (text) => say(text, 'error')));
  mount(ctx.main, screen);

  // -- feedback
  let flashTimer = null;
  function pulse(kind) {
    clearTimeout(flashTimer);
    screen.classList.remove('flash-ok', 'flash-warn', 'flash-error');
    // eslint-disable-next-line no-unused-expressions
    screen.offsetWidth;
    screen.classList.add('flash-' + kind);
    flashTimer = setTimeout(() => screen.classList.remove('flash-' + kind), 700);
    // Chrome refuses (and logs an intervention) until the user has touched the page;
    // a scan driven by the camera alone is not such a touch.
    const activated = !navigator.userActivation || navigator.userActivation.hasBeenActive;
    if (kind === 'ok') beep();
    if (navigator.vibrate && activated) {
      try {
        navigator.vibrate(kind === 'ok' ? 80 : [60, 60, 60]);
      } catch (e) {
        // not allowed without a user gesture on some browsers
      }
    }
  }

  function showLast(name, sub, kind) {
    lastName.textContent = name;
    lastSub.textContent = sub;
    lastCard.className = 'rev-last rev-last-' + kind;
  }

  const STATE_WORDS = { pending: '待同步', synced: '已同步', failed: '失败' };

  function paint() {
    const pending = queue.filter((s) => s.state === 'pending').length;
    pendingCount.textContent = String(pending);
    syncedCount.textContent = String(queue.filter((s) => s.state === 'synced').length);
    failedCount.textContent = String(queue.filter((s) => s.state === 'failed').length);
    syncBtn.disabled = pending === 0 || syncing;
    netState.textContent = offline ? '离线 · 扫码照常记录，联网后自动同步' : syncing ? '同步中…' : '在线';
    netState.className = 'rev-net' + (offline ? ' rev-net-off' : '');
    const recent = queue.slice(-80).reverse();
    mount(
      list,
      recent.map((s) =>
        h(
          'li',
          { class: 'rev-row rev-row-' + s.state, 'data-testid': 'reverse-row', 'data-state': s.state, 'data-client-id': s.client_id },
          h('span', { class: 'rev-row-name' }, s.name || rosterName(s.person_id) || '人员 #' + s.person_id),
          h('span', { class: 'rev-row-time' }, fmtTime(s.scanned_at)),
          h('span', { class: 'rev-row-state' }, s.state === 'failed' ? s.detail || '失败' : s.state === 'synced' && s.created === false ? '已签到过' : STATE_WORDS[s.state]),
        ),
      ),
    );
    if (!recent.length) list.appendChild(h('li', { class: 'name-empty' }, '暂无扫码记录'));
  }

  // -- scanning
  function onScan(text) {
    if (!alive) return false;
    const personId = parsePayload(text);
    if (!personId) {
      pulse('error');
      showLast('无法识别', '这不是“继教”个人签到码，请学员打开“我的签到码”。', 'error');
      return false;
    }
    const now = Date.now();
    const recent = queue.find((s) => s.person_id === personId && s.state !== 'failed' && now - Date.parse(s.scanned_at) < REPEAT_MS);
    const name = rosterName(personId);
    if (recent) {
      pulse('warn');
      showLast(name || '已记录', '刚刚已扫过，无需重复扫码', 'warn');
      return false;
    }
    const item = {
      payload: String(text).trim(),
      scanned_at: new Date(now).toISOString(),
      client_id: randomId(),
      person_id: personId,
      state: 'pending',
    };
    queue.push(item);
    saveQueue(); // before anything else: a reload must not lose it
    lastClientId = item.client_id;
    pulse('ok');
    showLast(name || '已记录', name ? '签到已记录 · ' + fmtTime(item.scanned_at) : '签到已记录，联网同步后显示姓名', 'ok');
    paint();
    if (!offline) setTimeout(sync, 300); // gather a burst into one request
    return true;
  }

  async function sync() {
    if (syncing || !alive) return;
    const batch = queue.filter((s) => s.state === 'pending').slice(0, BATCH);
    if (!batch.length) return;
    syncing = true;
    paint();
    try {
      const data = await api('/api/sessions/' + encodeURIComponent(sid) + '/scans', {
        method: 'POST',
        body: { items: batch.map((s) => ({ payload: s.payload, scanned_at: s.scanned_at, client_id: s.client_id })) },
      });
      offline = false;
      // Re-read: a scan taken during the request must not be overwritten.
      const byId = {};
      queue.forEach((s) => {
        byId[s.client_id] = s;
      });
      (data.results || []).forEach((r) => {
        const s = byId[r.client_id];
        if (!s) return;
        if (r.ok) {
          s.state = 'synced';
          s.name = r.name || s.name;
          s.created = r.created;
          if (r.person_id !== undefined) s.person_id = String(r.person_id);
        } else {
          s.state = 'failed';
          s.code = r.code;
          s.detail = r.detail || r.code;
        }
        if (s.client_id === lastClientId) {
          // The big card still shows this scan: now with the server's word on it.
          if (s.state === 'synced') showLast(s.name || '已签到', s.created === false ? '此前已签到 · 已同步' : '签到成功 · 已同步', 'ok');
          else {
            pulse('error');
            showLast(s.name || rosterName(s.person_id) || '签到失败', s.detail, 'error');
          }
        }
      });
      saveQueue();
      const failed = (data.results || []).filter((r) => !r.ok);
      if (failed.length) say(failed.length + ' 条扫码未通过：' + (failed[0].detail || failed[0].code), 'error');
    } catch (e) {
      if (e.status === 0) offline = true;
      else if (!e.handled) say('同步失败：' + e.detail, 'error'); // e.g. the training was closed: kept to show the reason
    } finally {
      syncing = false;
      if (alive) paint();
    }
    // More than one batch waiting: go on at once.
    if (alive && !offline && queue.some((s) => s.state === 'pending') && batch.length === BATCH) sync();
  }

  async function fetchRoster() {
    if (offline || (roster && Date.now() - roster.saved_at < ROSTER_MAX_AGE_MS)) {
      rosterInfo.textContent = roster && roster.people ? '已缓存人员名单 ' + Object.keys(roster.people).length + ' 人，可离线显示姓名。' : '';
      return;
    }
    const people = {};
    try {
      for (let page = 1; page <= 50; page += 1) {
        const data = await api('/api/people', { query: { page, page_size: 100 } });
        (data.items || []).forEach((p) => {
          people[p.id] = [p.name, p.department_name || ''];
        });
        if (!data.items || data.items.length < 100 || page * 100 >= data.total) break;
      }
    } catch (e) {
      if (!roster) rosterInfo.textContent = '人员名单未能缓存：离线时扫码只显示“已记录”。';
      return;
    }
    roster = { saved_at: Date.now(), people };
    saveJson(rosterKey, roster);
    rosterInfo.textContent = '已缓存人员名单 ' + Object.keys(people).length + ' 人，可离线显示姓名。';
    if (alive) paint();
  }

  async function openCamera() {
    camRetry.hidden = true;
    camStatus.textContent = '正在打开摄像头…';
    let mod;
    try {
      mod = await import('../scanner.js');
    } catch (e) {
      camStatus.textContent = '扫码组件加载失败，可使用扫码枪或手动输入。';
      camRetry.hidden = false;
      return;
    }
    try {
      const stop = await mod.startScanner(video, onScan, {
        repeatAfterMs: 3000,
        onEnded: () => {
          stopCamera = null;
          camStatus.textContent = '摄像头已断开。';
          camRetry.hidden = false;
        },
      });
      if (!alive) {
        stop();
        return;
      }
      stopCamera = stop;
      camStatus.textContent = '将学员的个人签到码对准框内';
    } catch (e) {
      camStatus.textContent = (e && e.detail) || '无法打开摄像头。';
      camRetry.hidden = false;
    }
  }

  // -- wiring
  wedge.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    const text = wedge.value.trim();
    wedge.value = '';
    if (text) onScan(text);
  });

  function onOnline() {
    offline = false;
    paint();
    sync();
    fetchRoster();
  }
  function onOffline() {
    offline = true;
    paint();
  }
  function onStorage(event) {
    // Another tab of this app on the same device scanned into the same queue.
    if (event.key === queueKey) {
      const fresh = loadJson(queueKey, []);
      if (Array.isArray(fresh)) {
        queue = fresh;
        paint();
      }
    }
  }
  window.addEventListener('online', onOnline);
  window.addEventListener('offline', onOffline);
  window.addEventListener('storage', onStorage);
  syncTimer = setInterval(() => {
    if (!syncing) sync();
  }, SYNC_MS);

  let testHook = false;
  try {
    testHook = localStorage.getItem('jijiao.test') === '1';
  } catch (e) {
    testHook = false;
  }
  if (testHook) window.__jijiaoTestScan = (text) => onScan(text);

  whenLeft(screen, () => {
    alive = false;
    clearInterval(syncTimer);
    stopMessage();
    clearTimeout(flashTimer);
    window.removeEventListener('online', onOnline);
    window.removeEventListener('offline', onOffline);
    window.removeEventListener('storage', onStorage);
    if (testHook && window.__jijiaoTestScan) delete window.__jijiaoTestScan;
    if (stopCamera) stopCamera();
  });

  paint();
  sync();
  fetchRoster();
  openCamera();
}

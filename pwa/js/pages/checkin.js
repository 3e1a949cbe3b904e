// /c/:sessionId?t=CODE[&p=out]: what the QR on the lecture-hall screen opens, in any phone browser
// or WeChat, logged in or not.
//
// Check-in: the code is exchanged at once for a claim (POST /api/claims, no login), kept in
// sessionStorage under the session id, and the training is shown so nobody checks into the wrong
// session. Logged in as a trainee, the claim is redeemed (POST /api/checkins {claim}); logged out,
// the page asks to log in and comes back here (?next=), where the stored claim finishes the job:
// the code itself has expired by then and is never sent again. A redeemed claim is kept (marked
// used) so that a reload shows 您已签到 (the server answers a spent claim's own trainee with the
// existing check-in). The code is removed from the address bar as soon as it is read.
//
// Check-out (p=out) needs a login and a fresh code: POST /api/checkouts {session_id, code}.
//
// A blip (issue 13): when the code's own request fails for want of a network, the code has usually
// expired (it rotates every 20 s) by the time the network is back, so the page says so and makes
// 重新扫码 the main action, with 我的签到码 (the organiser scans it, no network needed) beside it.
// When only the redeeming request failed, the claim still holds for 10 minutes: 重试 stays the
// main action, and coming back online retries by itself. Opened offline, it says so at once.

import { dateTimeWords, num, sessionWhen, timeWords } from '../format.js';
import { api } from '../api.js';
import { CLAIM_KEY_PREFIX, loadUser, logout } from '../session.js';
import { navigate } from '../router.js';
import { h, icon, mount, pageTitle } from '../ui.js';
import { classWord, statusChip } from './trainee-common.js';

const RESCAN = '二维码已过期或无效，请重新扫描现场二维码';
const CODE_RE = /^[0-9]{8}$/;
const memory = {}; // where claims go when sessionStorage is unavailable (some in-app browsers)

function claimKey(sessionId) {
  return CLAIM_KEY_PREFIX + sessionId;
}

function readClaim(sessionId) {
  let raw = null;
  try {
    raw = sessionStorage.getItem(claimKey(sessionId));
  } catch (e) {
    raw = memory[sessionId] || null;
  }
  if (!raw) return null;
  try {
    const entry = JSON.parse(raw);
    return entry && typeof entry.claim === 'string' ? entry : null;
  } catch (e) {
    return null;
  }
}

function saveClaim(sessionId, entry) {
  const raw = JSON.stringify(entry);
  try {
    sessionStorage.setItem(claimKey(sessionId), raw);
  } catch (e) {
    memory[sessionId] = raw;
  }
}

function dropClaim(sessionId) {
  try {
    sessionStorage.removeItem(claimKey(sessionId));
  } catch (e) {
    // storage unavailable
  }
  delete memory[sessionId];
}

/** POST without api()'s redirects (this page says what to do itself), resolving to {status, body}. */
function post(path, body) {
  return api(path, { method: 'POST', body, redirect: false, withStatus: true });
}

function expired(entry) {
  const at = Date.parse(entry.expires_at);
  return !isNaN(at) && at <= Date.now();
}

/** The training and session the code belongs to: what the trainee confirms at a glance. */
function trainingCard(training, session) {
  return h(
    'section',
    { class: 'card checkin-card', 'data-testid': 'checkin-training', 'aria-label': '培训信息' },
    h('p', { class: 'checkin-kicker' }, '培训'),
    h('h2', { class: 'checkin-title', 'data-testid': 'checkin-training-title' }, training.title),
    h(
      'dl',
      { class: 'checkin-facts' },
      h('div', null, h('dt', null, '时间'), h('dd', { 'data-testid': 'checkin-when' }, sessionWhen(session))),
      h('div', null, h('dt', null, '地点'), h('dd', { 'data-testid': 'checkin-where' }, session.location || '—')),
      h(
        'div',
        null,
        h('dt', null, '学分'),
        h('dd', { 'data-testid': 'checkin-credits' }, classWord(training.credit_class) + ' ' + num(training.credits) + ' 分 · ' + num(training.hours) + ' 学时'),
      ),
    ),
  );
}

function link(href, text, primary, testid) {
  return h('a', { class: 'btn btn-block ' + (primary ? 'btn-primary' : 'btn-secondary'), href, 'data-testid': testid }, text);
}

function button(text, onclick, primary, testid) {
  return h('button', { type: 'button', class: 'btn btn-block ' + (primary ? 'btn-primary' : 'btn-secondary'), onclick, 'data-testid': testid }, text);
}

/** The result panel: state drives the icon and colour ('busy', 'ok', 'info', 'error'). */
function panel(state, title, lines, actions, kind) {
  const iconName = { ok: 'check', error: 'alert', info: 'lock', busy: 'clock' }[kind] || 'clock';
  return h(
    'section',
    { class: 'card checkin-status checkin-' + kind, 'data-testid': 'checkin-status', 'data-state': state, role: kind === 'busy' ? 'status' : 'alert' },
    icon(iconName, 'checkin-icon'),
    h('p', { class: 'checkin-status-title', 'data-testid': 'checkin-status-title' }, title),
    (lines || []).filter(Boolean).map((line) => (line instanceof Node ? line : h('p', { class: 'checkin-line' }, line))),
    actions && actions.length ? h('div', { class: 'checkin-actions' }, actions) : null,
  );
}

export function render(ctx) {
  const sessionId = ctx.params.sessionId;
  const checkout = ctx.query.get('p') === 'out';
  let code = ctx.query.get('t');
  ctx.setTitle(checkout ? '扫码签退' : '扫码签到');

  // Forget the code in the address bar: a reload or a shared screenshot must not resubmit it.
  if (code !== null) history.replaceState(history.state, '', location.pathname + (checkout ? '?p=out' : ''));
  if (code !== null && !CODE_RE.test(code)) code = '';

  const here = '/c/' + encodeURIComponent(sessionId);
  const cardSlot = h('div', { class: 'checkin-card-slot' });
  const statusSlot = h('div', { class: 'checkin-status-slot', 'aria-live': 'polite' });
  mount(ctx.main, h('div', { class: 'checkin' }, pageTitle(checkout ? '扫码签退' : '扫码签到', 'checkin-heading'), cardSlot, statusSlot));

  const alive = () => statusSlot.isConnected;
  const show = (...args) => {
    if (alive()) mount(statusSlot, panel(...args));
  };
  const showCard = (training, session) => {
    if (alive() && training && session) mount(cardSlot, trainingCard(training, session));
  };
  const busy = (text) => show('busy', text, [], [], 'busy');

  if (!/^[0-9]{1,18}$/.test(sessionId)) {
    show('bad_link', '签到链接无效', ['请重新扫描培训现场的二维码。'], [link('/', '返回首页', false, 'checkin-home')], 'error');
    return;
  }

  const home = () => link('/', '返回首页', false, 'checkin-home');
  const rescan = (user) => (user ? link('/scan', '重新扫码', true, 'checkin-rescan') : null);
  const retry = (fn, primary) => button('重试', fn, primary, 'checkin-retry');
  const myCode = () => link('/my-code', '我的签到码', false, 'checkin-my-code');
  const networkError = (fn) =>
    show('network', '网络连接失败', ['请检查网络后重试。'], [retry(fn, true), myCode()], 'error');

  // The code never reached the server: by the time the network is back it has rotated away.
  function codeLost(fn) {
    const offlineNow = !navigator.onLine;
    show(
      offlineNow ? 'offline' : 'code_not_sent',
      offlineNow ? '当前没有网络，未能签到' : '网络中断，未能签到',
      [
        '现场二维码每 20 秒更新一次，请联网后重新扫描现场二维码。',
        '无法联网时，可打开“我的签到码”，请组织者用平板扫码为您签到。',
      ],
      [link('/scan', '重新扫码', true, 'checkin-rescan'), myCode(), retry(fn, false)],
      'error',
    );
  }

  // Only the redeeming request failed: the claim holds, so retrying (or coming back online) finishes it.
  function claimHeld(entry, fn) {
    const until = timeWords(entry.expires_at);
    show(
      'network',
      '网络中断，签到尚未完成',
      ['签到码已确认' + (until ? '，请在 ' + until + ' 前联网点“重试”完成签到' : '，联网后点“重试”即可完成签到') + '，无需重新扫码。', '无法联网时，可打开“我的签到码”请组织者扫码。'],
      [retry(fn, true), myCode()],
      'error',
    );
    const again = () => {
      window.removeEventListener('online', again);
      if (alive()) fn();
    };
    window.addEventListener('online', again);
  }

  async function switchAccount() {
    await logout();
    navigate('/login?next=' + encodeURIComponent(here), { replace: true });
  }

  // ------------------------------------------------------------------ check-in

  async function checkIn() {
    busy('正在验证签到码…');
    let entry = null;
    let userPromise = loadUser();
    userPromise.catch(() => {}); // awaited below

    if (code) {
      try {
        const { body } = await post('/api/claims', { session_id: Number(sessionId), code });
        entry = { claim: body.claim, expires_at: body.expires_at, training: body.training, session: body.session, used: false };
        saveClaim(sessionId, entry);
        code = null; // spent: a retry goes on with the claim
      } catch (error) {
        if (!alive()) return;
        if (error.status === 0) {
          codeLost(checkIn);
          return;
        }
        const stored = readClaim(sessionId);
        if (error.code === 'invalid_code' && stored && (stored.used || !expired(stored))) {
          entry = stored; // a late re-scan of a session this tab already holds a claim for
          code = null;
        } else {
          code = null;
          let user = null;
          try {
            user = await userPromise;
          } catch (e) {
            user = null;
          }
          show(error.code, '签到未完成', [error.code === 'invalid_code' ? RESCAN : error.detail], [rescan(user), home()], 'error');
          return;
        }
      }
    } else {
      entry = readClaim(sessionId);
      if (!entry || (!entry.used && expired(entry))) {
        if (entry) dropClaim(sessionId);
        let user = null;
        try {
          user = await userPromise;
        } catch (e) {
          user = null;
        }
        if (!alive()) return;
        show(
          entry ? 'claim_expired' : 'no_claim',
          entry ? '签到凭证已过期' : '请重新扫码',
          code === '' ? [RESCAN] : [entry ? '登录用时过长，签到凭证已失效。' : '没有找到本次签到的信息。', '请重新扫描培训现场的二维码。'],
          [rescan(user), home()],
          'error',
        );
        return;
      }
    }
    if (!alive()) return;
    showCard(entry.training, entry.session);

    let user;
    try {
      user = await userPromise;
    } catch (error) {
      if (alive()) networkError(checkIn);
      return;
    }
    if (!alive()) return;
    if (!user) {
      askToLogIn(entry);
      return;
    }
    if (user.must_change_password) {
      show('password', '请先修改初始密码', ['修改密码后将自动完成签到。'], [link('/password?next=' + encodeURIComponent(here), '修改密码', true, 'checkin-password')], 'info');
      return;
    }
    await redeem(entry, user);
  }

  function askToLogIn(entry) {
    const until = timeWords(entry.expires_at);
    show(
      'login',
      '请先登录完成签到',
      ['登录后将自动为您签到，无需重新扫码。', until ? '请在 ' + until + ' 前完成登录。' : null],
      [link('/login?next=' + encodeURIComponent(here), '登录并签到', true, 'checkin-login')],
      'info',
    );
  }

  async function redeem(entry, user) {
    busy('正在签到…');
    let result;
    try {
      result = await post('/api/checkins', { claim: entry.claim });
    } catch (error) {
      if (!alive()) return;
      if (error.status === 0) {
        claimHeld(entry, () => redeem(entry, user));
      } else if (error.status === 401) {
        await loadUser({ force: true }).catch(() => null);
        if (alive()) askToLogIn(entry);
      } else if (error.code === 'password_change_required') {
        show('password', '请先修改初始密码', ['修改密码后将自动完成签到。'], [link('/password?next=' + encodeURIComponent(here), '修改密码', true, 'checkin-password')], 'info');
      } else if (error.code === 'invalid_code') {
        dropClaim(sessionId);
        show('invalid_code', '签到未完成', [RESCAN], [rescan(user), home()], 'error');
      } else if (error.code === 'not_eligible') {
        // The claim stays: logging in with the right account still checks in.
        show('not_eligible', '无法签到', [error.detail], [button('切换账号', switchAccount, true, 'checkin-switch'), home()], 'error');
      } else {
        if (error.code === 'training_not_open') dropClaim(sessionId);
        show(error.code, '签到未完成', [error.detail], [home()], 'error');
      }
      return;
    }
    entry.used = true;
    saveClaim(sessionId, entry);
    if (!alive()) return;
    const body = result.body;
    showCard(body.training, body.session);
    const fresh = result.status === 201;
    show(
      fresh ? 'created' : 'existing',
      fresh ? '签到成功' : '您已签到',
      [h('p', { class: 'checkin-line checkin-time', 'data-testid': 'checkin-time' }, (fresh ? '签到时间 ' : '您已于 ') + (fresh ? timeWords(body.checked_in_at, true) : dateTimeWords(body.checked_in_at) + ' 签到')), creditLine(body)],
      [link('/credits', '查看我的学分', true, 'checkin-credits-link'), home()],
      'ok',
    );
  }

  // ------------------------------------------------------------------ check-out

  async function checkOut() {
    if (!code) {
      show('no_code', '请重新扫码签退', [code === '' ? RESCAN : '签退二维码已失效，请重新扫描培训现场的签退二维码。'], [link('/scan', '重新扫码', true, 'checkin-rescan')], 'error');
      return;
    }
    busy('正在签退…');
    let user;
    try {
      user = await loadUser();
    } catch (error) {
      if (alive()) networkError(checkOut);
      return;
    }
    if (!alive()) return;
    if (!user) {
      code = null;
      show('login', '请登录后重新扫码签退', ['签退需要先登录。登录后请再次扫描现场的签退二维码。'], [link('/login?next=' + encodeURIComponent('/scan'), '登录', true, 'checkin-login')], 'info');
      return;
    }
    let result;
    try {
      result = await post('/api/checkouts', { session_id: Number(sessionId), code });
    } catch (error) {
      if (!alive()) return;
      if (error.status === 0) {
        networkError(checkOut); // the code may still be valid for a few seconds
        return;
      }
      code = null;
      if (error.status === 401) {
        await loadUser({ force: true }).catch(() => null);
        if (alive()) show('login', '请登录后重新扫码签退', ['登录已过期。登录后请再次扫描现场的签退二维码。'], [link('/login?next=' + encodeURIComponent('/scan'), '登录', true, 'checkin-login')], 'info');
        return;
      }
      const title = error.code === 'too_early' ? '还不能签退' : '签退未完成';
      show(error.code, title, [error.code === 'invalid_code' ? RESCAN : error.detail], [error.code === 'too_early' ? link('/scan', '稍后重新扫码', true, 'checkin-rescan') : rescan(user), home()], 'error');
      return;
    }
    code = null;
    if (!alive()) return;
    const body = result.body;
    showCard(body.training, body.session);
    if (!body.checked_out_at) {
      show('no_checkout', '本培训无需签退', ['您已于 ' + dateTimeWords(body.checked_in_at) + ' 签到。', creditLine(body)], [link('/credits', '查看我的学分', true, 'checkin-credits-link'), home()], 'ok');
      return;
    }
    show(
      'checked_out',
      '签退成功',
      [h('p', { class: 'checkin-line checkin-time', 'data-testid': 'checkin-time' }, '签到 ' + timeWords(body.checked_in_at) + ' · 签退 ' + timeWords(body.checked_out_at)), creditLine(body)],
      [link('/credits', '查看我的学分', true, 'checkin-credits-link'), home()],
      'ok',
    );
  }

  if (checkout) checkOut();
  else checkIn();
}

/** What became of the credit: its state, or the reminder to check out. */
function creditLine(body) {
  if (body.credit) {
    return h(
      'p',
      { class: 'checkin-line checkin-credit', 'data-testid': 'checkin-credit' },
      '学分 ' + num(body.credit.credits) + ' 分 · ',
      statusChip(body.credit.status),
    );
  }
  if (body.requires_checkout && !body.checked_out_at) {
    return h('p', { class: 'checkin-line checkin-credit', 'data-testid': 'checkin-credit' }, '本培训需要签退：结束时请再次扫描现场的签退二维码，签退后登记学分。');
  }
  return null;
}

// /my-code: the trainee's personal rotating code, for reverse mode (the organiser's tablet scans it).
//
// GET /api/me/personal-code gives {person_id, secret, step}; personal-code.js keeps them in
// localStorage (stored at login, kept across 退出 unless the user clears them) and the payload `JJ1.{person_id}.{counter}.{code}` is computed
// here every step with WebCrypto (8-digit HOTP, RFC 4226, of the base32 secret at
// counter = floor(unix time / step)), so the code keeps rotating with the phone offline, and the
// page opens offline too (a public route: it checks the login itself, in the background, when the
// network answers).
//
// Clock: the server's time is estimated from the answer and a phone clock off by more than a few
// seconds is corrected; the code is computed LAG_S seconds behind, because the server never
// accepts a code from the future and takes the previous step as well.

import { navigate } from '../router.js';
import { loadUser } from '../session.js';
import { clearStored, fetchAndStore, loadStored } from '../personal-code.js';
import { h, icon, mount, pageTitle } from '../ui.js';
import { qrSvg } from '../qrcode.js';

const LAG_S = 2;
const DIGITS = 8;

// ---------------------------------------------------------------- HOTP

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (no padding needed, case-insensitive) -> bytes. */
export function base32Decode(text) {
  const clean = String(text).toUpperCase().replace(/[\s=]/g, '');
  const out = [];
  let bits = 0;
  let value = 0;
  for (let i = 0; i < clean.length; i += 1) {
    const index = B32.indexOf(clean.charAt(i));
    if (index === -1) throw new Error('invalid base32');
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

export function hmacKey(secret) {
  return crypto.subtle.importKey('raw', base32Decode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
}

/** The DIGITS-long HOTP of `key` (a CryptoKey from hmacKey) at `counter`. */
export async function hotp(key, counter) {
  const message = new Uint8Array(8);
  let high = Math.floor(counter / 0x100000000);
  let low = counter >>> 0;
  for (let i = 7; i >= 4; i -= 1) {
    message[i] = low & 0xff;
    low >>>= 8;
  }
  for (let i = 3; i >= 0; i -= 1) {
    message[i] = high & 0xff;
    high = Math.floor(high / 256);
  }
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = (((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3]) >>> 0;
  const code = String(binary % Math.pow(10, DIGITS));
  return '00000000'.slice(code.length) + code;
}

// ---------------------------------------------------------------- page

export function render(ctx) {
  ctx.setTitle('我的签到码');

  const qrBox = h('div', { class: 'mycode-qr', 'data-testid': 'my-code-qr', 'aria-live': 'off' });
  const name = h('p', { class: 'mycode-name', 'data-testid': 'my-code-name' });
  const countdown = h('span', { class: 'mycode-countdown', 'data-testid': 'my-code-countdown' });
  const bar = h('span', { class: 'mycode-bar-fill' });
  const state = h('p', { class: 'mycode-state muted', 'data-testid': 'my-code-state' });
  const display = h(
    'div',
    { class: 'card mycode-card', hidden: true },
    name,
    qrBox,
    h('div', { class: 'mycode-timer' }, h('span', { class: 'mycode-bar', 'aria-hidden': 'true' }, bar), countdown),
    state,
  );
  const message = h('div', { class: 'mycode-message' });
  mount(
    ctx.main,
    h(
      'div',
      { class: 'mycode' },
      pageTitle('我的签到码', 'my-code-title'),
      h('p', { class: 'page-sub muted' }, '请向培训组织者出示，由平板扫码签到。二维码每隔一段时间自动更新，截图无效。'),
      display,
      message,
      h('a', { class: 'btn btn-secondary btn-block mycode-home', href: '/', 'data-testid': 'my-code-home' }, icon('back'), '返回首页'),
    ),
  );

  if (!window.crypto || !crypto.subtle) {
    showMessage('当前浏览器无法生成签到码', '请使用 HTTPS 访问本系统，或升级浏览器 / 微信后重试。');
    return;
  }

  let current = null; // {person_id, secret, step, offset, name, account_id}
  let key = null;
  let shownCounter = null;
  let ticking = null;
  let wakeLock = null;
  let computing = 0;

  function showMessage(title, text) {
    display.hidden = true;
    mount(message, h('div', { class: 'card notice', 'data-testid': 'my-code-error' }, icon('alert', 'notice-icon'), h('p', { class: 'notice-title' }, title), text ? h('p', { class: 'muted' }, text) : null));
  }

  function now() {
    return Date.now() / 1000 + (current.offset || 0) - LAG_S;
  }

  async function use(code) {
    if (!current || current.secret !== code.secret) {
      const newKey = await hmacKey(code.secret);
      key = newKey;
      shownCounter = null;
    }
    current = code;
    name.textContent = code.name || '';
    display.hidden = false;
    mount(message);
    if (!ticking) {
      ticking = setInterval(tick, 250);
      document.addEventListener('visibilitychange', onVisibility);
      keepAwake();
    }
    await tick();
  }

  async function tick() {
    if (!qrBox.isConnected) {
      leave();
      return;
    }
    const t = now();
    const step = current.step;
    const counter = Math.floor(t / step);
    const left = Math.max(1, Math.ceil(step - (t - counter * step)));
    countdown.textContent = left + ' 秒后更新';
    bar.style.width = Math.round((left / step) * 100) + '%';
    if (counter === shownCounter) return;
    const mine = (computing += 1);
    const code = await hotp(key, counter);
    if (mine !== computing || !qrBox.isConnected) return;
    shownCounter = counter;
    const payload = 'JJ1.' + current.person_id + '.' + counter + '.' + code;
    mount(qrBox, qrSvg(payload, { border: 3, title: '个人签到码' }));
    qrBox.setAttribute('data-payload', payload);
    qrBox.setAttribute('data-counter', String(counter));
  }

  async function keepAwake() {
    // Keep the screen on while the code is shown (where supported); never an error when refused.
    if (!('wakeLock' in navigator) || document.hidden || wakeLock) return;
    try {
      wakeLock = await navigator.wakeLock.request('screen');
      wakeLock.addEventListener('release', () => {
        wakeLock = null;
      });
    } catch (e) {
      wakeLock = null;
    }
  }

  function onVisibility() {
    if (!qrBox.isConnected) {
      leave();
      return;
    }
    if (!document.hidden) {
      keepAwake();
      tick();
    }
  }

  function leave() {
    clearInterval(ticking);
    document.removeEventListener('visibilitychange', onVisibility);
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
  }

  async function start() {
    const stored = loadStored();
    if (stored) await use(stored).catch(() => {}); // shown at once, even with no network

    let user;
    try {
      user = await loadUser();
    } catch (error) {
      // Offline (or the server unreachable): the stored code carries on.
      if (!qrBox.isConnected) return;
      if (current) state.textContent = '当前离线，签到码仍可正常使用。';
      else showMessage('首次使用需要联网', '请连接网络后打开本页，之后离线也可使用。');
      return;
    }
    if (!qrBox.isConnected) return;
    if (!user) {
      // Logged out: the code kept on this phone still works (退出 keeps it), with a way back in.
      if (current) {
        state.textContent = '您已退出登录，本机保留的签到码仍可使用。';
        state.appendChild(h('a', { href: '/login?next=' + encodeURIComponent('/my-code'), 'data-testid': 'my-code-login' }, ' 登录'));
      } else {
        navigate('/login?next=' + encodeURIComponent('/my-code'), { replace: true });
      }
      return;
    }
    if (user.must_change_password) {
      navigate('/password?next=' + encodeURIComponent('/my-code'), { replace: true });
      return;
    }
    if (current && current.account_id !== user.id) {
      // Another account's code on this phone: never show it for this one.
      clearStored();
      leave();
      ticking = null;
      current = null;
      display.hidden = true;
    }

    let code;
    try {
      code = await fetchAndStore(user);
    } catch (error) {
      if (!qrBox.isConnected) return;
      if (error.status === 401) {
        navigate('/login?next=' + encodeURIComponent('/my-code'), { replace: true });
      } else if (error.status === 403) {
        clearStored();
        leave();
        showMessage('无法使用个人签到码', error.detail);
      } else if (!current) {
        showMessage('签到码加载失败', error.detail);
      } else {
        state.textContent = '暂时无法连接服务器，签到码仍可正常使用。';
      }
      return;
    }
    if (!qrBox.isConnected) return;
    state.textContent = code.offset ? '已按服务器时间校准（手机时间偏差 ' + Math.abs(code.offset) + ' 秒）。离线也可使用。' : '离线也可使用。';
    try {
      await use(code);
    } catch (error) {
      showMessage('无法生成签到码', '请升级浏览器 / 微信后重试。');
    }
  }

  start();
}

// /scan: the in-app scanner. The back camera looks for the check-in QR of a training
// ({origin}/c/{session}?t={code}); one of ours opens that page in the app, anything else is
// named as not a jijiao code. Without a camera (denied, missing, no https) the page says how
// to scan with the phone's own camera or WeChat 扫一扫 instead. The camera stops when the page
// is left (scanner.js notices the video leaving the document).

import { navigate } from '../router.js';
import { h, icon, mount, pageTitle } from '../ui.js';
import { ScannerError, onDecoderLoading, preloadDecoder, startScanner } from '../scanner.js';

const CHECKIN_PATH = /^\/c\/[0-9]{1,18}$/;

/** The in-app path of a check-in URL of this site, else null. */
export function checkinPath(text) {
  let url;
  try {
    url = new URL(String(text).trim());
  } catch (e) {
    return null;
  }
  if (url.origin !== location.origin || !CHECKIN_PATH.test(url.pathname)) return null;
  const code = url.searchParams.get('t');
  if (!code || !/^[0-9]{8}$/.test(code)) return null;
  const query = new URLSearchParams({ t: code });
  if (url.searchParams.get('p') === 'out') query.set('p', 'out');
  return url.pathname + '?' + query.toString();
}

/** A certificate's verification page of this site (/v/{code}, rendered by the server), else null. */
function verifyUrl(text) {
  try {
    const url = new URL(String(text).trim());
    return url.origin === location.origin && /^\/v\/[0-9A-Za-z-]{1,64}$/.test(url.pathname) ? url.href : null;
  } catch (e) {
    return null;
  }
}

function describe(text) {
  const value = String(text).trim();
  if (/^JJ1\./.test(value)) return '这是个人签到码，请扫描培训现场屏幕上的签到二维码。';
  return '这不是继教的签到二维码。';
}

function shorten(text, max) {
  const value = String(text).trim();
  return value.length > max ? value.slice(0, max) + '…' : value;
}

const WECHAT = /MicroMessenger/i;

export function render(ctx) {
  ctx.setTitle('扫码签到');

  const video = h('video', { class: 'scan-video', playsinline: true, muted: true, autoplay: true, 'aria-label': '摄像头画面', 'data-testid': 'scan-video' });
  const frame = h('div', { class: 'scan-frame', 'aria-hidden': 'true' }, h('span', { class: 'scan-corner tl' }), h('span', { class: 'scan-corner tr' }), h('span', { class: 'scan-corner bl' }), h('span', { class: 'scan-corner br' }), h('span', { class: 'scan-line' }));
  const status = h('p', { class: 'scan-status', 'data-testid': 'scan-status', role: 'status', 'aria-live': 'polite' }, '正在打开摄像头…');
  const viewport = h('div', { class: 'scan-viewport', 'data-state': 'starting', 'data-testid': 'scan-viewport' }, video, frame);
  const result = h('div', { class: 'scan-result', 'data-testid': 'scan-result', role: 'alert', hidden: true });
  const errorBox = h('div', { class: 'scan-error-slot' });
  const tips = h(
    'div',
    { class: 'card scan-tips' },
    h('p', { class: 'scan-tips-title' }, '也可以这样签到'),
    h('p', { class: 'muted' }, '用手机自带相机或微信「扫一扫」直接扫描培训现场的二维码，同样可以签到。'),
  );

  const sub = h('p', { class: 'page-sub muted' }, '将培训现场屏幕上的二维码放入框内');
  // In WeChat its own 扫一扫 is quicker and surer than a camera inside its browser: say so first.
  const wechat = WECHAT.test(navigator.userAgent)
    ? h('p', { class: 'msg msg-info', 'data-testid': 'scan-wechat' }, '在微信中请优先使用「扫一扫」：点微信右上角「+」→「扫一扫」，对准现场二维码即可签到。下方扫码框也可使用。')
    : null;
  mount(ctx.main, h('div', { class: 'scan' }, pageTitle('扫码签到', 'scan-title'), wechat, sub, viewport, status, result, errorBox, tips));
  let decoderLoading = false;
  onDecoderLoading((loading) => {
    decoderLoading = loading;
    if (!status.isConnected) return;
    // The decoder is loaded on demand (not in the trainee precache): say what the wait is.
    if (loading) status.textContent = '正在加载识别组件…（仅首次使用需要）';
    else if (status.textContent.indexOf('正在加载识别组件') === 0) status.textContent = '正在识别二维码…';
  });
  preloadDecoder();

  let stop = null;
  let done = false;

  function onText(text) {
    if (done) return;
    const path = checkinPath(text);
    if (path) {
      done = true;
      status.textContent = '已识别，正在签到…';
      if (stop) stop();
      navigate(path);
      return;
    }
    const verify = verifyUrl(text);
    if (verify) {
      done = true;
      status.textContent = '已识别学分证明，正在打开验证页面…';
      if (stop) stop();
      location.assign(verify); // a server page, not part of the app
      return;
    }
    result.hidden = false;
    mount(result, h('p', { class: 'scan-result-title' }, describe(text)), h('p', { class: 'scan-result-text', 'data-testid': 'scan-result-text' }, shorten(text, 120)));
  }

  function showError(error) {
    viewport.setAttribute('data-state', 'error');
    // The error and what to do instead go first; an empty black camera box would only push them down.
    viewport.hidden = true;
    sub.hidden = true;
    status.hidden = true;
    tips.hidden = true;
    result.hidden = true;
    status.textContent = '';
    const detail = error instanceof ScannerError ? error.detail : '无法打开摄像头，请重试。';
    const hint = error && error.code === 'decoder' ? '' : '您也可以用手机自带相机或微信「扫一扫」扫描现场二维码完成签到。';
    mount(
      errorBox,
      h(
        'div',
        { class: 'card notice scan-error', 'data-testid': 'scan-error', 'data-code': (error && error.code) || 'failed' },
        icon('alert', 'notice-icon'),
        h('p', { class: 'notice-title' }, '无法使用摄像头扫码'),
        h('p', { class: 'muted' }, detail),
        hint ? h('p', { class: 'muted' }, hint) : null,
        h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'scan-retry', onclick: begin }, '重试'),
      ),
    );
  }

  async function begin() {
    mount(errorBox);
    viewport.hidden = false;
    sub.hidden = false;
    status.hidden = false;
    tips.hidden = false;
    viewport.setAttribute('data-state', 'starting');
    status.textContent = '正在打开摄像头…';
    try {
      const stopper = await startScanner(video, onText, {
        onEnded: () => {
          if (!done && video.isConnected) showError(new ScannerError('busy', '摄像头已断开，请重试。'));
        },
      });
      if (!video.isConnected || done) {
        stopper(); // left the page (or already navigated) while the camera was starting
        return;
      }
      stop = stopper;
      viewport.setAttribute('data-state', 'scanning');
      status.textContent = decoderLoading ? '正在加载识别组件…（仅首次使用需要）' : '正在识别二维码…';
    } catch (error) {
      if (video.isConnected) showError(error);
    }
  }

  begin();
}

// /certificates?year=: the yearly credit certificate (PDF of the effective credits, with a
// verification code and QR that anyone can scan to check it at /v/{code}).
// Offline: the totals kept on the phone (as of when), and the download waits for the network.

import { num, thisYear } from '../format.js';
import { api, isAbort } from '../api.js';
import { missingWords } from '../compliance.js';
import { asOfNote, isOffline } from '../offline.js';
import { queryString, replaceQuery } from '../router.js';
import { field, h, icon, mount, pageTitle } from '../ui.js';
import { effectiveTotals, keptCredits, totalsTiles, yearFromQuery, yearPicker } from './trainee-common.js';

const WECHAT = /MicroMessenger/i;

/** 出具 I 类、II 类学分证明 (seed 000 §6.4): one class or both, over a chosen period, with a verification code. */
function proofCard() {
  const year = thisYear();
  const klass = h('select', { id: 'proof-class', 'data-testid': 'proof-class' }, h('option', { value: 'all' }, 'I类 II类综合学分证明'), h('option', { value: 'I' }, 'I类学分证明'), h('option', { value: 'II' }, 'II类学分证明'));
  const from = h('input', { type: 'date', id: 'proof-from', value: year + '-01-01', 'data-testid': 'proof-from' });
  const to = h('input', { type: 'date', id: 'proof-to', value: year + '-12-31', 'data-testid': 'proof-to' });
  const link = h('a', { class: 'btn btn-secondary btn-block', 'data-testid': 'proof-download' }, icon('download'), h('span', null, '下载学分证明（PDF）'));
  const update = () => link.setAttribute('href', '/api/me/credit-proof.pdf' + queryString({ class: klass.value, from: from.value, to: to.value }));
  [klass, from, to].forEach((input) => input.addEventListener('change', update));
  update();
  return h(
    'section',
    { class: 'card certificate-card', 'data-testid': 'proof-card' },
    h('h2', { class: 'certificate-heading' }, 'I类、II类学分证明'),
    h('p', { class: 'muted' }, '选择证明类型和时间段，列出期间内已生效的学分，同样附验证码和二维码。'),
    field('proof-class', '证明类型', klass),
    h('div', { class: 'field-pair' }, field('proof-from', '开始日期', from), field('proof-to', '结束日期', to)),
    link,
  );
}

export function render(ctx) {
  ctx.setTitle('证书');
  let year = yearFromQuery(ctx.query);
  let controller = null;

  const download = h(
    'a',
    { class: 'btn btn-primary btn-block', 'data-testid': 'certificate-download' },
    icon('download'),
    h('span', { class: 'certificate-download-text' }),
  );
  const totalsSlot = h('div', { class: 'totals-slot', 'aria-live': 'polite' });
  const count = h('p', { class: 'muted certificate-count', 'data-testid': 'certificate-count' });
  const offlineSlot = h('div', { class: 'offline-slot' });
  // 年度认证情况 (seed 002 §3.3.4, 004 §6): where a standard asks for a pass, the certificate waits for it.
  const certification = h('div', { class: 'certificate-certification', 'data-testid': 'certificate-certification', hidden: true });

  const picker = yearPicker(year, (value) => {
    year = value;
    update();
  }, 'certificate-year');

  mount(
    ctx.main,
    h('div', { class: 'page-head' }, pageTitle('证书', 'certificates-title'), picker),
    offlineSlot,
    h(
      'section',
      { class: 'card certificate-card' },
      h('h2', { class: 'certificate-heading' }, '年度学分证明'),
      h('p', { class: 'muted' }, '列出本年度全部已生效的学分，附验证码和二维码。'),
      totalsSlot,
      count,
      certification,
      download,
      h(
        'p',
        { class: 'certificate-verify', 'data-testid': 'certificate-verify' },
        icon('qrcode'),
        h('span', null, '任何人用手机扫描证明上的二维码，即可在线核验真伪，无需登录。'),
      ),
      WECHAT.test(navigator.userAgent)
        ? h('p', { class: 'msg msg-info', 'data-testid': 'certificate-wechat' }, '微信内可能无法下载文件：请点右上角「…」，选择「在浏览器中打开」后再下载。')
        : null,
    ),
  );

  ctx.main.appendChild(proofCard());

  async function update() {
    replaceQuery({ year });
    download.setAttribute('href', '/api/me/certificate.pdf?year=' + encodeURIComponent(year));
    download.querySelector('.certificate-download-text').textContent = '下载 ' + year + ' 年度学分证明（PDF）';
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    count.textContent = '';
    mount(offlineSlot);
    download.hidden = false;
    certification.hidden = true;
    if (ctx.offlineAt) {
      showOffline();
      return;
    }
    api('/api/me/compliance', { query: { year }, signal: mine.signal })
      .then((answer) => {
        if (mine !== controller) return;
        const gated = answer.results.filter((r) => r.standard.certificate_requires_pass);
        if (!gated.length) return;
        const passed = gated.every((r) => r.passed);
        mount(
          certification,
          h('p', { class: 'certificate-certification-state' }, '年度认证情况：', h('b', { 'data-testid': 'certificate-certification-state', 'data-passed': String(passed) }, passed ? '通过' : '不通过')),
          passed ? null : h('p', { class: 'muted' }, gated.map(missingWords).filter(Boolean).join('；') + '。达到要求后方可打印证书。'),
        );
        certification.hidden = false;
        download.hidden = !passed;
      })
      .catch(() => {}); // offline or failed: the download answers 409 not_passed by itself if it must
    try {
      const totals = await effectiveTotals(year, mine.signal);
      if (mine !== controller || !count.isConnected) return;
      mount(totalsSlot, totalsTiles(totals, 'certificate-totals'));
      count.textContent = totals.count
        ? '共 ' + totals.count + ' 条已生效记录' + (totals.other ? '（另有其他类别 ' + num(totals.other) + ' 分）' : '') + '。'
        : year + ' 年度还没有已生效的学分，证明中将没有学分记录。';
    } catch (e) {
      if (isAbort(e) || e.handled) return;
      if (isOffline(e)) showOffline();
      else mount(totalsSlot);
    }
  }

  function showOffline() {
    const kept = keptCredits(ctx.user, year);
    download.hidden = true;
    mount(offlineSlot, h('p', { class: 'msg msg-info', 'data-testid': 'certificate-offline' }, '当前离线，联网后才能下载学分证明。'), kept ? asOfNote(kept.at, '学分合计', 'certificate-offline-totals') : null);
    mount(totalsSlot, kept ? totalsTiles(kept.data.totals, 'certificate-totals') : null);
  }

  update();
}

// /credits?year=: my credits of one year: the effective totals (I类 / II类 / 学时) and every
// record with its state; more pages load on demand. A record opens /credits/:id.

import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { h, icon, messageBox, mount, pageTitle, showMessage } from '../ui.js';
import { classWord, effectiveTotals, num, sourceWord, statusChip, totalsTiles, yearFromQuery, yearPicker } from './trainee-common.js';

const PAGE_SIZE = 20;

function creditRow(item) {
  const meta = [item.activity_date, sourceWord(item.source)].filter(Boolean).join(' · ');
  const note = item.reason && (item.status === 'returned' || item.status === 'rejected' || item.status === 'revoked') ? item.reason : '';
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'credit-row', href: '/credits/' + encodeURIComponent(item.id), 'data-testid': 'credit-row', 'data-id': String(item.id) },
      h(
        'span',
        { class: 'credit-main' },
        h('span', { class: 'credit-title', 'data-testid': 'credit-row-title' }, item.title || sourceWord(item.source) || '学分记录'),
        h('span', { class: 'credit-meta' }, meta),
        note ? h('span', { class: 'credit-note' }, '原因：' + note) : null,
      ),
      h(
        'span',
        { class: 'credit-side' },
        h('span', { class: 'credit-amount' }, h('b', null, num(item.credits)), ' 分'),
        h('span', { class: 'credit-class' }, [classWord(item.credit_class), num(item.hours) + ' 学时'].filter(Boolean).join(' · ')),
        statusChip(item.status),
      ),
      icon('chevron', 'row-chevron'),
    ),
  );
}

export function render(ctx) {
  ctx.setTitle('我的学分');
  let year = yearFromQuery(ctx.query);
  let page = 1;
  let controller = null;

  const totalsSlot = h('div', { class: 'totals-slot', 'aria-live': 'polite' });
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'credits-total' });
  const list = h('ul', { class: 'credit-list', 'data-testid': 'credits-list' });
  const error = messageBox('credits-error');
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-block', 'data-testid': 'credits-more', hidden: true, onclick: () => load(false) }, '加载更多');

  const picker = yearPicker(year, (value) => {
    year = value;
    load(true);
  }, 'credits-year');

  mount(
    ctx.main,
    h('div', { class: 'page-head' }, pageTitle('我的学分', 'credits-title'), picker),
    h('section', { class: 'section' }, h('h2', { class: 'section-title' }, '已生效合计'), totalsSlot),
    h('section', { class: 'section' }, h('h2', { class: 'section-title' }, '学分记录'), error, summary, list, more),
  );

  async function loadTotals(signal) {
    mount(totalsSlot, totalsTiles({ I: 0, II: 0, hours: 0 }, 'credits-totals'));
    totalsSlot.setAttribute('aria-busy', 'true');
    try {
      const totals = await effectiveTotals(year, signal);
      mount(totalsSlot, totalsTiles(totals, 'credits-totals'));
    } catch (e) {
      if (!isAbort(e)) mount(totalsSlot, h('p', { class: 'muted' }, '合计暂时无法加载。'));
    } finally {
      totalsSlot.removeAttribute('aria-busy');
    }
  }

  async function load(reset) {
    if (!list.isConnected) return;
    if (reset) {
      page = 1;
      replaceQuery({ year });
      if (controller) controller.abort();
      controller = new AbortController();
      mount(list);
      loadTotals(controller.signal);
    }
    const mine = controller;
    summary.textContent = '加载中…';
    more.hidden = true;
    showMessage(error, '');
    let data;
    try {
      data = await api('/api/credits', { query: { year, page, page_size: PAGE_SIZE }, signal: mine.signal });
    } catch (e) {
      if (isAbort(e) || e.handled) return;
      summary.textContent = '';
      showMessage(error, e.detail);
      return;
    }
    if (mine !== controller || !list.isConnected) return;
    data.items.forEach((item) => list.appendChild(creditRow(item)));
    if (data.total === 0) {
      summary.textContent = '';
      mount(list, h('li', { class: 'empty', 'data-testid': 'credits-empty' }, year + ' 年度还没有学分记录。参加院内培训扫码签到后，学分会自动登记。'));
    } else {
      summary.textContent = '共 ' + data.total + ' 条';
    }
    const shown = list.querySelectorAll('[data-testid="credit-row"]').length;
    more.hidden = shown >= data.total || data.items.length === 0;
    page += 1;
  }

  load(true);
}

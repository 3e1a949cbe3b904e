// /credits?year=&status=&q=: my credits of one year (seed 000 §6.5 学分查询): the effective totals
// (I类 / II类 / 学时) and every record with its state, filtered by state and searched by title;
// more pages load on demand. A record opens /credits/:id; 录入学分 opens /credits/new.
// Returned and unread rejected records are pinned on top (issue 13: nothing missed). This year's
// first page is kept on the phone; offline, the kept records are shown, marked as of when.

import { num, thisYear } from '../format.js';
import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { debounce, h, icon, messageBox, mount, pageTitle, showMessage } from '../ui.js';
import { asOfNote, isOffline, save as keep } from '../offline.js';
import {
  classWord,
  creditChip,
  effectiveTotals,
  keptCredits,
  sourceWord,
  totalsTiles,
  yearFromQuery,
  yearPicker,
} from './trainee-common.js';

const PAGE_SIZE = 20;

// The state filter: API status values (comma = any of them) and their words.
const STATUS_FILTERS = [
  ['', '全部状态'],
  ['draft', '草稿'],
  ['pending_dept,pending_unit', '审核中'],
  ['returned', '已退回'],
  ['effective', '已生效'],
  ['rejected,revoked', '未通过 / 已撤销'],
];

function creditRow(item) {
  const meta = [item.activity_date, sourceWord(item.source)].filter(Boolean).join(' · ');
  const note = item.reason && (item.status === 'returned' || item.status === 'rejected' || item.status === 'revoked') ? '原因：' + item.reason : item.status === 'draft' ? '尚未上报' : '';
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
        note ? h('span', { class: item.status === 'draft' ? 'credit-note credit-note-muted' : 'credit-note', 'data-testid': 'credit-row-note' }, note) : null,
      ),
      h(
        'span',
        { class: 'credit-side' },
        h('span', { class: 'credit-amount' }, h('b', null, num(item.credits)), ' 分'),
        h('span', { class: 'credit-class' }, [classWord(item.credit_class), num(item.hours) + ' 学时'].filter(Boolean).join(' · ')),
        creditChip(item),
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
  const statusParam = ctx.query.get('status') || '';
  const statusFilter = h(
    'select',
    { 'aria-label': '状态', 'data-testid': 'credits-status', onchange: () => load(true) },
    STATUS_FILTERS.map(([value, text]) => h('option', { value, selected: value === statusParam }, text)),
  );
  const search = h('input', {
    type: 'search',
    placeholder: '按项目名称搜索',
    'aria-label': '按项目名称搜索',
    enterkeyhint: 'search',
    value: ctx.query.get('q') || '',
    'data-testid': 'credits-search',
  });
  search.addEventListener('input', debounce(() => load(true), 300));

  const totalsSlot = h('div', { class: 'totals-slot', 'aria-live': 'polite' });
  const pinnedSlot = h('div', { class: 'pinned-slot' });
  const offlineSlot = h('div', { class: 'offline-slot' });
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'credits-total' });
  const list = h('ul', { class: 'credit-list', 'data-testid': 'credits-list' });
  const error = messageBox('credits-error');
  const more = h('button', { type: 'button', class: 'btn btn-secondary btn-block', 'data-testid': 'credits-more', hidden: true, onclick: () => load(false) }, '加载更多');

  const picker = yearPicker(year, (value) => {
    year = value;
    load(true);
  }, 'credits-year');

  const newEntry = h('a', { class: 'btn btn-primary btn-block credits-new', href: '/credits/new?year=' + encodeURIComponent(year), 'data-testid': 'credits-new' }, '录入学分');

  mount(
    ctx.main,
    h('div', { class: 'page-head' }, pageTitle('我的学分', 'credits-title'), picker),
    offlineSlot,
    pinnedSlot,
    h('section', { class: 'section' }, h('h2', { class: 'section-title' }, '已生效合计'), totalsSlot),
    newEntry,
    h(
      'section',
      { class: 'section' },
      h('h2', { class: 'section-title' }, '学分记录'),
      h('div', { class: 'filters credits-filters' }, h('label', { class: 'search-box' }, icon('search'), search), statusFilter),
      error,
      summary,
      list,
      more,
    ),
  );

  /** Offline: the records kept at the last online visit, if they are of this year. */
  function showKept() {
    const kept = keptCredits(ctx.user, year);
    if (!kept) return false;
    mount(offlineSlot, asOfNote(kept.at, '学分记录', 'credits-offline'));
    mount(totalsSlot, totalsTiles(kept.data.totals, 'credits-totals'));
    mount(list, kept.data.items.map(creditRow));
    summary.textContent = '共 ' + kept.data.total + ' 条' + (kept.data.total > kept.data.items.length ? '（离线时显示前 ' + kept.data.items.length + ' 条）' : '');
    more.hidden = true;
    return true;
  }

  function showPinned() {
    if (ctx.offlineAt) return;
    ctx
      .attention()
      .then((body) => {
        const rows = body.returned
          .map((r) => ({ id: r.credit_id, title: r.title, note: '已退回：' + (r.reason || '请修改后重新提交'), status: 'returned' }))
          .concat(body.notices.filter((n) => n.kind === 'credit_rejected').map((n) => ({ id: n.credit_id, title: n.title, note: '未通过：' + (n.detail || ''), status: 'rejected' })));
        if (!rows.length || !pinnedSlot.isConnected) return;
        mount(
          pinnedSlot,
          h(
            'section',
            { class: 'section pinned', 'data-testid': 'credits-pinned' },
            h('h2', { class: 'section-title' }, '需要处理'),
            h(
              'ul',
              { class: 'credit-list' },
              rows.map((r) =>
                h('li', null, h('a', { class: 'credit-row credit-row-pinned', href: '/credits/' + encodeURIComponent(r.id), 'data-testid': 'credit-pinned', 'data-id': String(r.id) }, h('span', { class: 'credit-main' }, h('span', { class: 'credit-title' }, r.title), h('span', { class: 'credit-note' }, r.note)), icon('chevron', 'row-chevron'))),
              ),
            ),
          ),
        );
      })
      .catch(() => {});
  }

  async function loadTotals(signal) {
    mount(totalsSlot, totalsTiles({ I: 0, II: 0, hours: 0 }, 'credits-totals'));
    totalsSlot.setAttribute('aria-busy', 'true');
    try {
      const totals = await effectiveTotals(year, signal);
      mount(totalsSlot, totalsTiles(totals, 'credits-totals'));
      const kept = keptCredits(ctx.user, year);
      if (kept && year === thisYear()) keep('credits', ctx.user.id, Object.assign({}, kept.data, { totals }));
    } catch (e) {
      if (isAbort(e)) return;
      const kept = isOffline(e) ? keptCredits(ctx.user, year) : null;
      mount(totalsSlot, kept ? totalsTiles(kept.data.totals, 'credits-totals') : h('p', { class: 'muted' }, '合计暂时无法加载。'));
    } finally {
      totalsSlot.removeAttribute('aria-busy');
    }
  }

  async function load(reset) {
    if (!list.isConnected) return;
    if (ctx.offlineAt) {
      if (!showKept()) summary.textContent = '当前离线，本机没有保存 ' + year + ' 年度的学分记录。';
      return;
    }
    const status = statusFilter.value;
    const term = search.value.trim();
    const searching = term !== '';
    if (reset) {
      page = 1;
      replaceQuery({ year, status, q: term });
      newEntry.setAttribute('href', '/credits/new?year=' + encodeURIComponent(year));
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
      // The server's q matches titles (and, for admins, people).
      data = await api('/api/credits', { query: { year, status, q: term || undefined, page, page_size: PAGE_SIZE }, signal: mine.signal });
    } catch (e) {
      if (isAbort(e) || e.handled) return;
      summary.textContent = '';
      if (isOffline(e) && page === 1 && showKept()) return;
      showMessage(error, e.detail);
      return;
    }
    if (mine !== controller || !list.isConnected) return;
    mount(offlineSlot);
    if (page === 1 && year === thisYear() && !status && !searching) {
      // What the phone shows offline next time (the totals are kept by keepCredits at login).
      const kept = keptCredits(ctx.user, year);
      keep('credits', ctx.user.id, { year, items: data.items, total: data.total, totals: kept ? kept.data.totals : { I: 0, II: 0, hours: 0 } });
    }
    data.items.forEach((item) => list.appendChild(creditRow(item)));
    if (data.total === 0) {
      summary.textContent = '';
      const text = searching || status
        ? '没有符合条件的学分记录。'
        : year + ' 年度还没有学分记录。参加院内培训扫码签到后，学分会自动登记；外出进修、发表论文等可点击“录入学分”。';
      mount(list, h('li', { class: 'empty', 'data-testid': 'credits-empty' }, text));
    } else {
      summary.textContent = (searching ? '找到 ' : '共 ') + data.total + ' 条';
    }
    const shown = list.querySelectorAll('[data-testid="credit-row"]').length;
    more.hidden = shown >= data.total || data.items.length === 0;
    page += 1;
  }

  showPinned();
  load(true);
}

// /credits?year=&status=&q=: my credits of one year (seed 000 §6.5 学分查询): the effective totals
// (I类 / II类 / 学时) and every record with its state, filtered by state and searched by title;
// more pages load on demand. A record opens /credits/:id; 录入学分 opens /credits/new.

import { num } from '../format.js';
import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { debounce, h, icon, messageBox, mount, pageTitle, showMessage } from '../ui.js';
import {
  classWord,
  creditChip,
  effectiveTotals,
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
      showMessage(error, e.detail);
      return;
    }
    if (mine !== controller || !list.isConnected) return;
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

  load(true);
}

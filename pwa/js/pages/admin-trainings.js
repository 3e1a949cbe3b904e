// /trainings: the in-house trainings (院内培训) of the admin's scope, after seed 001 §4.1.
// Tabs 全部 / 已举办 / 未举办 / 待评分 with counts, filters (year, credit class, name), paging.
// The state lives in the query string (?tab=&year=&credit_class=&q=&page=) so back/refresh keep it.

import { fmtDateTime, num, thisYear as yearNow } from '../format.js';
import { api } from '../api.js';
import { replaceQuery } from '../router.js';
import { debounce, h, messageBox, mount, pageTitle } from '../ui.js';
import { CREDIT_CLASS, label, TRAINING_STATUS } from '../labels.js';
import { emptyRow, listLoader, pager, pill, table } from './admin-common.js';

const PAGE_SIZE = 20;
const TABS = [
  { key: 'all', label: '全部' },
  { key: 'held', label: '已举办' },
  { key: 'not_held', label: '未举办' },
  { key: 'to_score', label: '待评分' },
];

function row(training, index, offset) {
  const href = '/trainings/' + encodeURIComponent(training.id);
  return h(
    'tr',
    { 'data-testid': 'training-row', 'data-id': String(training.id) },
    h('td', { class: 'idx' }, String(offset + index + 1)),
    h('td', { class: 'cell-title' }, h('a', { href, 'data-testid': 'training-link' }, training.title)),
    h('td', null, training.department_name || '—'),
    h('td', null, label(CREDIT_CLASS, training.credit_class)),
    h('td', { class: 'num' }, num(training.credits)),
    h('td', { class: 'num' }, num(training.hours)),
    h('td', null, pill(TRAINING_STATUS, training.status, 'training-status')),
    h('td', { class: 'nowrap' }, fmtDateTime(training.created_at)),
    h('td', null, h('a', { class: 'table-action', href }, '查看')),
  );
}

export function render(ctx) {
  ctx.setTitle('院内培训');
  const role = ctx.role;
  const thisYear = yearNow();
  const tabParam = ctx.query.get('tab');
  const state = {
    tab: TABS.some((t) => t.key === tabParam) ? tabParam : 'all',
    year: ctx.query.has('year') ? ctx.query.get('year') : String(thisYear),
    credit_class: ctx.query.get('credit_class') || '',
    q: ctx.query.get('q') || '',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };

  // -- tabs
  const tabButtons = TABS.map((t) =>
    h(
      'button',
      { type: 'button', class: 'seg', role: 'tab', 'data-testid': 'trainings-tab-' + t.key, 'data-tab': t.key },
      h('span', null, t.label),
      h('span', { class: 'seg-count', 'data-testid': 'trainings-count-' + t.key }),
    ),
  );
  const tabBar = h('div', { class: 'segs', role: 'tablist', 'aria-label': '活动进度' }, tabButtons);

  function paintTabs() {
    tabButtons.forEach((b) => {
      const on = b.dataset.tab === state.tab;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.classList.toggle('seg-on', on);
    });
  }

  // -- filters
  const years = [];
  for (let y = thisYear + 1; y >= thisYear - 5; y -= 1) years.push(y);
  const year = h(
    'select',
    { id: 'trainings-year', 'data-testid': 'trainings-year' },
    h('option', { value: '' }, '全部年度'),
    years.map((y) => h('option', { value: String(y), selected: String(y) === state.year }, y + ' 年')),
  );
  if (state.year === '') year.value = '';
  const creditClass = h(
    'select',
    { id: 'trainings-class', 'data-testid': 'trainings-class' },
    h('option', { value: '' }, '全部级别'),
    h('option', { value: 'I', selected: state.credit_class === 'I' }, 'I类学分'),
    h('option', { value: 'II', selected: state.credit_class === 'II' }, 'II类学分'),
  );
  const search = h('input', {
    id: 'trainings-q',
    type: 'search',
    value: state.q,
    placeholder: '请输入院内活动名称',
    autocomplete: 'off',
    'data-testid': 'trainings-search',
  });
  const filters = h(
    'form',
    {
      class: 'admin-filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        state.q = search.value.trim();
        reload();
      },
    },
    h('label', { class: 'af' }, h('span', null, '举办年度'), year),
    h('label', { class: 'af' }, h('span', null, '学分级别'), creditClass),
    h('label', { class: 'af af-grow' }, h('span', null, '活动名称'), search),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'trainings-query' }, '查询'),
  );

  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'trainings-total', 'aria-live': 'polite' });
  const error = messageBox('trainings-error');
  const list = table([['序号', 'idx'], '活动名称', '所在科室', '学分级别', ['总学分', 'num'], ['总学时', 'num'], '状态', '添加时间', '操作'], 'trainings-table');
  const pg = pager('trainings', (delta) => {
    state.page += delta;
    load();
  });

  function filterQuery() {
    return { year: state.year, credit_class: state.credit_class, q: state.q };
  }

  async function loadCounts() {
    const base = filterQuery();
    await Promise.all(
      TABS.map(async (t) => {
        const out = tabBar.querySelector('[data-testid="trainings-count-' + t.key + '"]');
        try {
          const data = await api('/api/trainings', { query: Object.assign({ tab: t.key, page_size: 1 }, base) });
          out.textContent = '(' + data.total + ')';
        } catch (e) {
          out.textContent = '';
        }
      }),
    );
  }

  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  async function load() {
    if (!list.body.isConnected) return;
    replaceQuery({
      tab: state.tab === 'all' ? '' : state.tab,
      year: state.year === String(thisYear) ? '' : state.year === '' ? 'all' : state.year,
      credit_class: state.credit_class,
      q: state.q,
      page: state.page > 1 ? state.page : '',
    });
    paintTabs();
    const data = await loadList((signal) => api('/api/trainings', {
      query: Object.assign({ tab: state.tab, page: state.page, page_size: PAGE_SIZE }, filterQuery()),
      signal,
    }));
    if (!data) return;
    const items = data.items || [];
    const offset = (state.page - 1) * PAGE_SIZE;
    mount(list.body, items.map((t, i) => row(t, i, offset)));
    if (!items.length) list.body.appendChild(emptyRow(9, state.q || state.credit_class ? '没有符合条件的培训。' : '暂无院内培训。'));
    summary.textContent = '共 ' + data.total + ' 项';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  function reload() {
    state.page = 1;
    load();
    loadCounts();
  }

  // A ?year=all in the URL means every year (no year is the current-year default).
  if (state.year === 'all') {
    state.year = '';
    year.value = '';
  }

  tabButtons.forEach((b) =>
    b.addEventListener('click', () => {
      if (state.tab === b.dataset.tab) return;
      state.tab = b.dataset.tab;
      state.page = 1;
      load();
    }),
  );
  year.addEventListener('change', () => {
    state.year = year.value;
    reload();
  });
  creditClass.addEventListener('change', () => {
    state.credit_class = creditClass.value;
    reload();
  });
  search.addEventListener(
    'input',
    debounce(() => {
      if (search.value.trim() === state.q) return;
      state.q = search.value.trim();
      reload();
    }, 400),
  );

  const canCreate = role && role.role === 'dept_admin';
  const head = h(
    'div',
    { class: 'page-head' },
    h('div', null, pageTitle('院内培训', 'trainings-title'), role && role.scope_name ? h('p', { class: 'muted page-sub' }, role.scope_name) : null),
    canCreate ? h('a', { class: 'btn btn-primary', href: '/trainings/new', 'data-testid': 'training-new' }, '+ 新增') : null,
  );
  mount(ctx.main, h('div', { class: 'admin-page' }, head, tabBar, filters, summary, error, list.node, pg.node));
  load();
  loadCounts();
}

// The CME project lists (seed 001 §3), one module for three routes:
// /projects            新项目申报: the department's applications, the unit's and the commission's queues
//                      (status tabs; a department admin starts a new application here);
// /projects/published  已公布项目浏览: the year's published projects of the province, filtered by level,
//                      discipline, unit and dates, so a department sees whether its application succeeded;
// /projects/delegated  代办项目管理: the projects the unit let a department run.
// The state lives in the query string so back/refresh keep it.

import { api } from '../api.js';
import { num, thisYear } from '../format.js';
import { label, PREP_STATUS, PROJECT_LEVEL, PROJECT_STATUS } from '../labels.js';
import { replaceQuery } from '../router.js';
import { debounce, h, messageBox, mount, pageTitle } from '../ui.js';
import { emptyRow, listLoader, pager, pill, table } from './admin-common.js';
import { dateSpan, projectNav } from './admin-project-common.js';

const PAGE_SIZE = 20;

const VIEWS = {
  '/projects': { name: 'apply', title: '项目申报' },
  '/projects/published': { name: 'published', title: '已公布项目' },
  '/projects/delegated': { name: 'delegated', title: '代办项目' },
};

// The status tabs of /projects; each role starts on the queue that waits for it.
const TABS = [
  { key: '', label: '全部' },
  { key: 'draft', label: '草稿' },
  { key: 'submitted', label: '待单位审核' },
  { key: 'pending_region', label: '待立项' },
  { key: 'published', label: '已立项' },
  { key: 'returned', label: '已退回' },
  { key: 'rejected', label: '未通过' },
];
const FIRST_TAB = { unit_admin: 'submitted', region_admin: 'pending_region' };

function selectOf(options, current, attrs) {
  return h('select', attrs, options.map(([value, text]) => h('option', { value, selected: value === current }, text)));
}

function yearOptions() {
  const now = thisYear();
  const years = [['', '全部年度']];
  for (let y = now + 1; y >= now - 5; y -= 1) years.push([String(y), y + ' 年']);
  return years;
}

export async function render(ctx) {
  const view = VIEWS[ctx.route.path] || VIEWS['/projects'];
  ctx.setTitle(view.title);
  const role = ctx.role;
  const q = ctx.query;
  const state = {
    status: q.has('status') ? q.get('status') : view.name === 'apply' ? FIRST_TAB[role && role.role] || '' : '',
    // ?year=all in the URL means every year (no year is the current-year default).
    year: q.has('year') ? (q.get('year') === 'all' ? '' : q.get('year')) : String(thisYear()),
    level: q.get('level') || '',
    discipline: q.get('discipline') || '',
    unit_id: q.get('unit_id') || '',
    date_from: q.get('date_from') || '',
    date_to: q.get('date_to') || '',
    q: q.get('q') || '',
    page: Math.max(1, parseInt(q.get('page'), 10) || 1),
  };

  // -- tabs (the application view only)
  const tabButtons = view.name === 'apply'
    ? TABS.map((t) => h('button', { type: 'button', class: 'seg', role: 'tab', 'data-tab': t.key, 'data-testid': 'projects-tab-' + (t.key || 'all') }, t.label))
    : [];
  const tabBar = tabButtons.length ? h('div', { class: 'segs', role: 'tablist', 'aria-label': '项目状态' }, tabButtons) : null;
  function paintTabs() {
    tabButtons.forEach((b) => {
      const on = b.dataset.tab === state.status;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.classList.toggle('seg-on', on);
    });
  }
  tabButtons.forEach((b) => b.addEventListener('click', () => {
    state.status = b.dataset.tab;
    state.page = 1;
    load();
  }));

  // -- filters
  const year = selectOf(yearOptions(), state.year, { id: 'projects-year', 'data-testid': 'projects-year' });
  const level = selectOf([['', '全部级别'], ['provincial', '省级'], ['city', '地市级']], state.level, { id: 'projects-level', 'data-testid': 'projects-level' });
  const search = h('input', { id: 'projects-q', type: 'search', value: state.q, placeholder: '项目名称、编号或负责人', autocomplete: 'off', 'data-testid': 'projects-search' });
  const discipline = h('input', { id: 'projects-discipline', type: 'search', value: state.discipline, placeholder: '如：心血管', maxlength: 50, 'data-testid': 'projects-discipline' });
  const unit = selectOf([['', '全部单位']], state.unit_id, { id: 'projects-unit', 'data-testid': 'projects-unit' });
  const from = h('input', { id: 'projects-from', type: 'date', value: state.date_from, 'data-testid': 'projects-from' });
  const to = h('input', { id: 'projects-to', type: 'date', value: state.date_to, 'data-testid': 'projects-to' });
  const published = view.name === 'published';
  const filters = h(
    'form',
    { class: 'admin-filters', role: 'search', onsubmit: (event) => { event.preventDefault(); readFilters(); reload(); } },
    h('label', { class: 'af' }, h('span', null, '举办年度'), year),
    h('label', { class: 'af' }, h('span', null, '项目级别'), level),
    published ? h('label', { class: 'af' }, h('span', null, '学科'), discipline) : null,
    published ? h('label', { class: 'af' }, h('span', null, '举办单位'), unit) : null,
    published ? h('label', { class: 'af' }, h('span', null, '举办日期自'), from) : null,
    published ? h('label', { class: 'af' }, h('span', null, '至'), to) : null,
    h('label', { class: 'af af-grow' }, h('span', null, '项目'), search),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'projects-query' }, '查询'),
  );
  function readFilters() {
    Object.assign(state, { year: year.value, level: level.value, discipline: discipline.value.trim(), unit_id: unit.value, date_from: from.value, date_to: to.value, q: search.value.trim() });
  }
  [year, level, unit, from, to].forEach((el) => el.addEventListener('change', () => { readFilters(); reload(); }));
  [search, discipline].forEach((el) => el.addEventListener('input', debounce(() => { readFilters(); reload(); }, 400)));
  if (published) {
    // The units of the province to filter by (a department sees its whole province's list).
    api('/api/units', { query: { page_size: 100 } })
      .then((data) => {
        (data.items || []).forEach((u) => unit.appendChild(h('option', { value: String(u.id), selected: String(u.id) === state.unit_id }, u.name)));
      })
      .catch(() => {});
  }

  // -- the table
  const headers = view.name === 'delegated'
    ? ['项目名称', '项目编号', '级别', '举办日期', '代办科室', '举办前信息', '操作']
    : published
      ? ['项目名称', '项目编号', '级别', '学科', '举办单位', '举办日期', ['学分', 'num'], '负责人', '操作']
      : ['项目名称', '级别', '申报科室', '举办日期', ['学分', 'num'], '状态', '操作'];
  const list = table(headers, 'projects-table');
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'projects-total', 'aria-live': 'polite' });
  const error = messageBox('projects-error');
  const pg = pager('projects', (delta) => { state.page += delta; load(); });
  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  function row(p) {
    const href = '/projects/' + encodeURIComponent(p.id);
    const open = h('a', { class: 'table-action', href }, '查看');
    const title = h('td', { class: 'cell-title' }, h('a', { href, 'data-testid': 'project-link' }, p.title));
    const levelCell = h('td', null, label(PROJECT_LEVEL, p.level));
    const dates = h('td', { class: 'nowrap' }, dateSpan(p.starts_on, p.ends_on));
    let cells;
    if (view.name === 'delegated') {
      cells = [title, h('td', null, p.project_no || '—'), levelCell, dates, h('td', null, p.delegated_department_name || '—'), h('td', null, pill(PREP_STATUS, p.prep_status, 'project-prep-status')), h('td', { class: 'nowrap' }, open)];
    } else if (published) {
      cells = [title, h('td', { class: 'nowrap', 'data-testid': 'project-no' }, p.project_no || '—'), levelCell, h('td', null, [p.discipline, p.subdiscipline].filter(Boolean).join(' / ') || '—'), h('td', null, p.unit_name + ' / ' + p.department_name), dates, h('td', { class: 'num' }, num(p.credits)), h('td', null, p.leader), h('td', { class: 'nowrap' }, open)];
    } else {
      cells = [title, levelCell, h('td', null, p.department_name), dates, h('td', { class: 'num' }, num(p.credits)), h('td', null, pill(PROJECT_STATUS, p.status, 'project-status')), h('td', { class: 'nowrap' }, open)];
    }
    return h('tr', { 'data-testid': 'project-row', 'data-id': String(p.id) }, cells);
  }

  async function load() {
    if (!list.body.isConnected) return;
    const query = { year: state.year, level: state.level, q: state.q, page: state.page > 1 ? state.page : '' };
    if (view.name === 'apply') query.status = state.status;
    if (published) Object.assign(query, { status: 'published', discipline: state.discipline, unit_id: state.unit_id, date_from: state.date_from, date_to: state.date_to });
    if (view.name === 'delegated') Object.assign(query, { delegated: 'true', status: 'published' });
    replaceQuery(Object.assign({}, query, { year: state.year === String(thisYear()) ? '' : state.year === '' ? 'all' : state.year, delegated: '', status: view.name === 'apply' ? state.status : '' }));
    paintTabs();
    const data = await loadList((signal) => api('/api/projects', { query: Object.assign({}, query, { page: state.page, page_size: PAGE_SIZE }), signal }));
    if (!data) return;
    const items = data.items || [];
    mount(list.body, items.map(row));
    if (!items.length) list.body.appendChild(emptyRow(headers.length, view.name === 'delegated' ? '暂无代办项目。' : published ? '没有符合条件的已公布项目。' : '暂无项目。'));
    summary.textContent = '共 ' + data.total + ' 项';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  function reload() {
    state.page = 1;
    load();
  }

  const canApply = role && role.role === 'dept_admin' && view.name === 'apply';
  const head = h(
    'div',
    { class: 'page-head' },
    h('div', null, pageTitle(view.title, 'projects-title'), role && role.scope_name ? h('p', { class: 'muted page-sub' }, role.scope_name) : null),
    canApply ? h('a', { class: 'btn btn-primary', href: '/projects/new', 'data-testid': 'project-new' }, '+ 新项目申报') : null,
  );
  mount(ctx.main, h('div', { class: 'admin-page' }, head, projectNav(view.name), tabBar, filters, summary, error, list.node, pg.node));
  load();
}

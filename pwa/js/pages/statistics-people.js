// /statistics/people: 人员学分情况查询 (seed 001 §6.1) — each person's year: I类, II类, total, hours,
// what waits for approval and whether they pass; ?view=compliance is 人员达标情况查询 (§6.2): each
// standard's lines. Filters as the seed's: year, department, name or number, title level, staffing,
// result. A row opens the person's records. State in the query string; the workbook follows the filters.

import { api } from '../api.js';
import { num } from '../format.js';
import { replaceQuery } from '../router.js';
import { debounce, h, messageBox, mount, pageTitle } from '../ui.js';
import { emptyRow, listLoader, pager, table } from './admin-common.js';
import { downloadLink, lineChips, queryYear, sectionTabs, yearSelect } from './statistics-common.js';

const PAGE_SIZE = 20;
const LEVELS = ['正高', '副高', '中级', '初级', '无'];

function verdict(person) {
  if (!person.results.length) return h('span', { class: 'pill pill-none', 'data-testid': 'person-result' }, '无适用标准');
  return person.passed
    ? h('span', { class: 'pill pill-effective', 'data-testid': 'person-result', 'data-passed': 'true' }, '达标')
    : h('span', { class: 'pill pill-rejected', 'data-testid': 'person-result', 'data-passed': 'false' }, '未达标');
}

export function render(ctx) {
  const compliance = ctx.query.get('view') === 'compliance';
  ctx.setTitle(compliance ? '人员达标情况' : '人员学分情况');
  const role = ctx.role;
  const state = {
    year: queryYear(ctx.query),
    department_id: ctx.query.get('department_id') || '',
    q: ctx.query.get('q') || '',
    title_level: ctx.query.get('title_level') || '',
    staffing: ctx.query.get('staffing') || '',
    passed: ctx.query.get('passed') || '',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };
  const year = yearSelect('people-year', state.year);
  const department = role.role === 'unit_admin' ? h('select', { id: 'people-department', 'data-testid': 'people-department' }, h('option', { value: '' }, '全部科室')) : null;
  const search = h('input', { id: 'people-q', type: 'search', value: state.q, placeholder: '姓名或人员编号', autocomplete: 'off', 'data-testid': 'people-q' });
  const level = h('select', { id: 'people-level', 'data-testid': 'people-level' }, h('option', { value: '' }, '全部'), LEVELS.map((l) => h('option', { value: l, selected: l === state.title_level }, l)));
  const staffing = h('select', { id: 'people-staffing', 'data-testid': 'people-staffing' }, h('option', { value: '' }, '全部'), ['在编', '编外'].map((s) => h('option', { value: s, selected: s === state.staffing }, s)));
  const passed = h(
    'select',
    { id: 'people-passed', 'data-testid': 'people-passed' },
    h('option', { value: '' }, '全部'),
    h('option', { value: 'true', selected: state.passed === 'true' }, '达标'),
    h('option', { value: 'false', selected: state.passed === 'false' }, '未达标'),
  );
  const filters = h(
    'form',
    { class: 'admin-filters', role: 'search', onsubmit: (e) => { e.preventDefault(); state.q = search.value.trim(); reload(); } },
    h('label', { class: 'af' }, h('span', null, '年度'), year),
    department ? h('label', { class: 'af' }, h('span', null, '科室'), department) : null,
    h('label', { class: 'af af-grow' }, h('span', null, '姓名 / 人员编号'), search),
    h('label', { class: 'af' }, h('span', null, '职称级别'), level),
    h('label', { class: 'af' }, h('span', null, '是否在编'), staffing),
    h('label', { class: 'af' }, h('span', null, '达标结果'), passed),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'people-query' }, '查询'),
  );
  const workbook = downloadLink('/api/statistics/people.xlsx', {}, '导出 Excel', 'people-xlsx');
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'people-total', 'aria-live': 'polite' });
  const error = messageBox('people-error');
  const headers = compliance
    ? [['序号', 'idx'], '人员编号', '姓名', '科室', '职称', '达标结果', '各项要求（已获）']
    : [['序号', 'idx'], '人员编号', '姓名', '科室', '职称', ['I类', 'num'], ['II类', 'num'], ['总学分', 'num'], ['学时', 'num'], ['待审核', 'num'], '达标'];
  const list = table(headers, 'people-table');
  const pg = pager('people', (delta) => {
    state.page += delta;
    load();
  });
  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  function params() {
    return { year: state.year, department_id: state.department_id, q: state.q, title_level: state.title_level, staffing: state.staffing, passed: state.passed };
  }

  function row(person, index) {
    const href = '/statistics/person/' + encodeURIComponent(person.id) + '?year=' + state.year;
    const cells = [
      h('td', { class: 'idx' }, String((state.page - 1) * PAGE_SIZE + index + 1)),
      h('td', null, person.person_no),
      h('td', { class: 'cell-title' }, h('a', { href, 'data-testid': 'people-link' }, person.name)),
      h('td', null, person.department_name || '—'),
      h('td', null, person.title || '—'),
    ];
    if (compliance) {
      cells.push(h('td', null, verdict(person)), h('td', null, person.results.map((r) => h('div', { class: 'result-block' }, h('span', { class: 'muted small' }, r.standard.name + '：'), lineChips(r.lines)))));
    } else {
      cells.push(
        h('td', { class: 'num', 'data-testid': 'people-i' }, num(person.credits_i)),
        h('td', { class: 'num', 'data-testid': 'people-ii' }, num(person.credits_ii)),
        h('td', { class: 'num', 'data-testid': 'people-sum' }, num(person.credits_total)),
        h('td', { class: 'num' }, num(person.hours)),
        h('td', { class: 'num' }, person.pending_records ? person.pending_records + ' 项' : '—'),
        h('td', null, verdict(person)),
      );
    }
    return h('tr', { 'data-testid': 'people-row', 'data-id': String(person.id), class: 'row-link', onclick: (e) => { if (e.target.tagName !== 'A') e.currentTarget.querySelector('a').click(); } }, cells);
  }

  async function load() {
    if (!list.body.isConnected) return;
    replaceQuery(Object.assign({ view: compliance ? 'compliance' : '', page: state.page > 1 ? state.page : '' }, params()));
    workbook.update(params());
    const data = await loadList((signal) => api('/api/statistics/people', { query: Object.assign({ page: state.page, page_size: PAGE_SIZE }, params()), signal }));
    if (!data) return;
    const items = data.items || [];
    mount(list.body, items.map(row));
    if (!items.length) list.body.appendChild(emptyRow(headers.length, '没有符合条件的人员。'));
    summary.textContent = state.year + ' 年度，共 ' + data.total + ' 人';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  function reload() {
    state.page = 1;
    load();
  }

  year.addEventListener('change', () => { state.year = parseInt(year.value, 10); reload(); });
  level.addEventListener('change', () => { state.title_level = level.value; reload(); });
  staffing.addEventListener('change', () => { state.staffing = staffing.value; reload(); });
  passed.addEventListener('change', () => { state.passed = passed.value; reload(); });
  search.addEventListener('input', debounce(() => { if (search.value.trim() !== state.q) { state.q = search.value.trim(); reload(); } }, 400));
  if (department) {
    department.addEventListener('change', () => { state.department_id = department.value; reload(); });
    api('/api/units/' + encodeURIComponent(role.scope_id) + '/departments')
      .then((data) => (data.items || []).forEach((d) => department.appendChild(h('option', { value: String(d.id), selected: String(d.id) === state.department_id }, d.name))))
      .catch(() => {});
  }

  const head = h(
    'div',
    { class: 'page-head' },
    h('div', null, pageTitle(compliance ? '人员达标情况查询' : '人员学分情况查询', 'people-stats-title'), role.scope_name ? h('p', { class: 'muted page-sub' }, role.scope_name) : null),
    h('div', { class: 'head-actions' }, workbook.node),
  );
  mount(ctx.main, h('div', { class: 'admin-page' }, head, sectionTabs(compliance ? 'compliance' : 'people'), filters, summary, error, list.node, pg.node));
  load();
}

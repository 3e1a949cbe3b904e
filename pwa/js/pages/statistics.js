// /statistics: 学分完成情况统计 (seed 001 §6.3) — people, passes and counted credits by title level,
// title, department or staffing (the unit by department; the health commission by city and by unit),
// a bar chart of pass rates, and the workbook. State in the query string (?year=&by=&standard_id=).

import { api } from '../api.js';
import { num } from '../format.js';
import { replaceQuery } from '../router.js';
import { h, messageBox, mount, pageTitle } from '../ui.js';
import { emptyRow, listLoader, table } from './admin-common.js';
import { downloadLink, passRateChart, queryYear, rate, sectionTabs, yearSelect } from './statistics-common.js';

const DIMENSIONS = {
  department: '科室',
  unit: '单位',
  city: '地市',
  title_level: '职称级别',
  title: '职称',
  staffing: '是否在编',
};

function dimensionsFor(role) {
  if (role.role === 'region_admin') return ['city', 'unit', 'title_level', 'title', 'staffing'];
  if (role.role === 'unit_admin') return ['department', 'title_level', 'title', 'staffing'];
  return ['title_level', 'title', 'staffing', 'department'];
}

export function render(ctx) {
  ctx.setTitle('学分完成情况统计');
  const dims = dimensionsFor(ctx.role);
  const state = {
    year: queryYear(ctx.query),
    by: dims.indexOf(ctx.query.get('by')) >= 0 ? ctx.query.get('by') : dims[0],
    standard_id: ctx.query.get('standard_id') || '',
  };
  const year = yearSelect('stats-year', state.year);
  const by = h('select', { id: 'stats-by', 'data-testid': 'stats-by' }, dims.map((d) => h('option', { value: d, selected: d === state.by }, DIMENSIONS[d])));
  const standard = h('select', { id: 'stats-standard', 'data-testid': 'stats-standard' }, h('option', { value: '' }, '各人适用的标准'));
  const filters = h(
    'div',
    { class: 'admin-filters' },
    h('label', { class: 'af' }, h('span', null, '年度'), year),
    h('label', { class: 'af' }, h('span', null, '统计维度'), by),
    h('label', { class: 'af af-grow' }, h('span', null, '达标标准'), standard),
  );
  const workbook = downloadLink('/api/statistics/compliance.xlsx', {}, '导出 Excel', 'stats-xlsx');
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'stats-total', 'aria-live': 'polite' });
  const error = messageBox('stats-error');
  const chartBox = h('div', { class: 'section-card chart-card', 'data-testid': 'stats-chart-card' });
  const list = table([DIMENSIONS[state.by], ['人数', 'num'], ['达标人数', 'num'], ['达标率', 'num'], ['计入达标学分', 'num']], 'stats-table');
  const loadTable = listLoader({ body: list.body, summary, error, retry: () => load() });

  function params() {
    return { year: state.year, by: state.by, standard_id: state.standard_id };
  }

  async function loadStandards() {
    try {
      const data = await api('/api/standards', { query: { year: state.year, page_size: 100 } });
      const keep = state.standard_id;
      mount(standard, h('option', { value: '' }, '各人适用的标准'), (data.items || []).map((s) => h('option', { value: String(s.id), selected: String(s.id) === keep }, s.name)));
    } catch (e) {
      // The table still loads with each person's own standards.
    }
  }

  async function load() {
    if (!list.body.isConnected) return;
    replaceQuery(params());
    workbook.update(params());
    list.node.querySelector('th').textContent = DIMENSIONS[state.by];
    const data = await loadTable((signal) => api('/api/statistics/compliance', { query: params(), signal }));
    if (!data) return;
    const items = data.items || [];
    const people = items.reduce((n, g) => n + g.people, 0);
    const passed = items.reduce((n, g) => n + g.passed, 0);
    const credits = items.reduce((n, g) => n + g.credits, 0);
    mount(
      list.body,
      items.map((g) =>
        h(
          'tr',
          { 'data-testid': 'stats-row', 'data-key': g.key === null ? '' : String(g.key) },
          h('td', null, g.label),
          h('td', { class: 'num', 'data-testid': 'stats-people' }, String(g.people)),
          h('td', { class: 'num', 'data-testid': 'stats-passed' }, String(g.passed)),
          h('td', { class: 'num' }, rate(g.passed, g.people)),
          h('td', { class: 'num' }, num(g.credits)),
        ),
      ),
    );
    if (items.length) {
      list.body.appendChild(h('tr', { class: 'total-row', 'data-testid': 'stats-sum' }, h('td', null, '合计'), h('td', { class: 'num' }, String(people)), h('td', { class: 'num' }, String(passed)), h('td', { class: 'num' }, rate(passed, people)), h('td', { class: 'num' }, num(credits))));
    } else {
      list.body.appendChild(emptyRow(5, '没有参加继续医学教育的人员。'));
    }
    summary.textContent = state.year + ' 年度，共 ' + people + ' 人，达标 ' + passed + ' 人（' + rate(passed, people) + '）';
    mount(chartBox, h('h2', { class: 'card-title' }, '达标率（按' + DIMENSIONS[state.by] + '）'), items.length ? passRateChart(items, 'stats-chart') : h('p', { class: 'muted' }, '暂无数据。'));
  }

  year.addEventListener('change', () => {
    state.year = parseInt(year.value, 10);
    state.standard_id = '';
    loadStandards();
    load();
  });
  by.addEventListener('change', () => {
    state.by = by.value;
    load();
  });
  standard.addEventListener('change', () => {
    state.standard_id = standard.value;
    load();
  });

  const head = h(
    'div',
    { class: 'page-head' },
    h('div', null, pageTitle('学分完成情况统计', 'stats-title'), ctx.role.scope_name ? h('p', { class: 'muted page-sub' }, ctx.role.scope_name) : null),
    h('div', { class: 'head-actions' }, workbook.node),
  );
  mount(ctx.main, h('div', { class: 'admin-page' }, head, sectionTabs('completion'), filters, summary, error, chartBox, list.node));
  loadStandards();
  load();
}

// /activity-stats: 已举办院内活动查看统计 (seed 001 §4.2) — for in-house trainings and CME projects:
// approval status, held or not, sessions, people and check-ins, credits (effective / in review),
// expected people and no-shows; a row opens its detail (attendance per session and per department,
// the absent staff of an in-house training). 导出 downloads the same tables as a workbook.

import { api } from '../api.js';
import { fmtRange, num, thisYear } from '../format.js';
import { PROJECT_STATUS, TRAINING_STATUS } from '../labels.js';
import { queryString, replaceQuery } from '../router.js';
import { debounce, h, messageBox, mount, pageTitle, show, showMessage } from '../ui.js';
import { emptyRow, listLoader, pager, pill, table } from './admin-common.js';
import { projectNav } from './admin-project-common.js';

const PAGE_SIZE = 20;
const KINDS = [
  { key: 'inhouse', label: '院内培训' },
  { key: 'project', label: '继教项目' },
];
const STATUS = { inhouse: TRAINING_STATUS, project: PROJECT_STATUS };

function count(value) {
  return value === null || value === undefined ? '—' : String(value);
}

export function render(ctx) {
  ctx.setTitle('举办统计');
  const q = ctx.query;
  const state = {
    kind: q.get('kind') === 'project' ? 'project' : 'inhouse',
    year: q.has('year') ? (q.get('year') === 'all' ? '' : q.get('year')) : String(thisYear()),
    q: q.get('q') || '',
    page: Math.max(1, parseInt(q.get('page'), 10) || 1),
  };

  const kindButtons = KINDS.map((k) => h('button', { type: 'button', class: 'seg', role: 'tab', 'data-kind': k.key, 'data-testid': 'stats-kind-' + k.key }, k.label));
  const kindBar = h('div', { class: 'segs', role: 'tablist', 'aria-label': '活动类型' }, kindButtons);
  kindButtons.forEach((b) => b.addEventListener('click', () => {
    state.kind = b.dataset.kind;
    state.page = 1;
    load();
  }));

  const years = [['', '全部年度']];
  for (let y = thisYear() + 1; y >= thisYear() - 5; y -= 1) years.push([String(y), y + ' 年']);
  const year = h('select', { id: 'stats-year', 'data-testid': 'stats-year' }, years.map(([v, t]) => h('option', { value: v, selected: v === state.year }, t)));
  const search = h('input', { id: 'stats-q', type: 'search', value: state.q, placeholder: '活动名称', autocomplete: 'off', 'data-testid': 'stats-search' });
  const exportLink = h('a', { class: 'btn btn-secondary btn-sm', download: '', 'data-testid': 'stats-export' }, '导出');
  const filters = h(
    'form',
    { class: 'admin-filters', role: 'search', onsubmit: (event) => { event.preventDefault(); state.q = search.value.trim(); reload(); } },
    h('label', { class: 'af' }, h('span', null, '举办年度'), year),
    h('label', { class: 'af af-grow' }, h('span', null, '活动名称'), search),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'stats-query' }, '查询'),
    exportLink,
  );
  year.addEventListener('change', () => { state.year = year.value; reload(); });
  search.addEventListener('input', debounce(() => { state.q = search.value.trim(); reload(); }, 400));

  const headers = ['活动名称', '科室', '审核状态', '是否举办', ['场次', 'num'], ['参加人数', 'num'], ['签到人次', 'num'], ['已生效学分', 'num'], ['审核中学分', 'num'], ['应到', 'num'], ['未到', 'num'], '操作'];
  const list = table(headers, 'stats-table');
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'stats-total', 'aria-live': 'polite' });
  const error = messageBox('stats-error');
  const detail = h('section', { class: 'card section-card', 'data-testid': 'stats-detail', hidden: true });
  const pg = pager('stats', (delta) => { state.page += delta; load(); });
  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  function row(a) {
    const open = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'stats-open' }, '查看');
    open.addEventListener('click', () => openDetail(a));
    return h(
      'tr',
      { 'data-testid': 'stats-row', 'data-id': String(a.id) },
      h('td', { class: 'cell-title' }, a.title, a.project_no ? h('span', { class: 'tag' }, a.project_no) : null),
      h('td', null, show(a.department_name)),
      h('td', null, pill(STATUS[a.kind], a.status, 'stats-status')),
      h('td', { 'data-testid': 'stats-held' }, a.held ? '已举办' : '未举办'),
      h('td', { class: 'num' }, String(a.sessions)),
      h('td', { class: 'num', 'data-testid': 'stats-attendees' }, String(a.attendees)),
      h('td', { class: 'num' }, String(a.checkins)),
      h('td', { class: 'num', 'data-testid': 'stats-credits' }, num(a.credits_effective)),
      h('td', { class: 'num' }, num(a.credits_pending)),
      h('td', { class: 'num', 'data-testid': 'stats-expected' }, count(a.expected)),
      h('td', { class: 'num', 'data-testid': 'stats-no-shows' }, count(a.no_shows)),
      h('td', { class: 'nowrap' }, open),
    );
  }

  async function openDetail(a) {
    showMessage(error, '');
    let data;
    try {
      data = await api('/api/activity-stats/' + a.kind + '/' + a.id);
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
      return;
    }
    const sessions = table([['场次', 'idx'], '时间', '地点', ['签到人数', 'num'], ['未到', 'num']], 'stats-sessions');
    data.sessions.forEach((s, i) => sessions.body.appendChild(h('tr', { 'data-testid': 'stats-session-row' }, h('td', { class: 'idx' }, String(i + 1)), h('td', { class: 'nowrap' }, fmtRange(s.starts_at, s.ends_at)), h('td', null, show(s.location)), h('td', { class: 'num' }, String(s.attended)), h('td', { class: 'num' }, count(s.no_shows)))));
    if (!data.sessions.length) sessions.body.appendChild(emptyRow(5, '尚未安排场次。'));
    const departments = table(['单位', '科室', ['参加人数', 'num']], 'stats-departments');
    data.departments.forEach((d) => departments.body.appendChild(h('tr', { 'data-testid': 'stats-department-row' }, h('td', null, d.unit_name), h('td', null, show(d.department_name)), h('td', { class: 'num' }, String(d.attended)))));
    if (!data.departments.length) departments.body.appendChild(emptyRow(3, '暂无签到。'));
    mount(
      detail,
      h('div', { class: 'card-head' }, h('h2', { class: 'card-title', 'data-testid': 'stats-detail-title' }, a.title), h('button', { type: 'button', class: 'link-btn', onclick: () => { detail.hidden = true; } }, '收起')),
      h('h3', { class: 'sub-title' }, '各场次签到'),
      sessions.node,
      h('h3', { class: 'sub-title' }, '各科室参加人数'),
      departments.node,
      a.kind === 'inhouse'
        ? [h('h3', { class: 'sub-title' }, '未到人员（' + data.absent.length + '）'), h('p', { class: 'absent-list', 'data-testid': 'stats-absent' }, data.absent.length ? data.absent.map((p) => p.name).join('、') : '无')]
        : null,
    );
    detail.hidden = false;
    detail.scrollIntoView({ block: 'nearest' });
  }

  async function load() {
    if (!list.body.isConnected) return;
    const query = { kind: state.kind, year: state.year, q: state.q };
    replaceQuery({ kind: state.kind === 'inhouse' ? '' : state.kind, year: state.year === String(thisYear()) ? '' : state.year === '' ? 'all' : state.year, q: state.q, page: state.page > 1 ? state.page : '' });
    exportLink.setAttribute('href', '/api/activity-stats.xlsx' + queryString(query));
    kindButtons.forEach((b) => {
      const on = b.dataset.kind === state.kind;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.classList.toggle('seg-on', on);
    });
    detail.hidden = true;
    const data = await loadList((signal) => api('/api/activity-stats', { query: Object.assign({ page: state.page, page_size: PAGE_SIZE }, query), signal }));
    if (!data) return;
    const items = data.items || [];
    mount(list.body, items.map(row));
    if (!items.length) list.body.appendChild(emptyRow(headers.length, '暂无活动。'));
    summary.textContent = '共 ' + data.total + ' 项';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  function reload() {
    state.page = 1;
    load();
  }

  mount(
    ctx.main,
    h('div', { class: 'admin-page' },
      h('div', { class: 'page-head' }, h('div', null, pageTitle('举办统计', 'stats-title'), h('p', { class: 'muted page-sub' }, '已举办活动的审核、开展和参加人员情况'))),
      projectNav('stats'), kindBar, filters, summary, error, list.node, pg.node, detail),
  );
  load();
}

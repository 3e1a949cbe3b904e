// /people/changes: the change log of people (seed 001 §2.3 人员信息变动日志): time, account number and
// name, IP, and what changed as before → after; filters by person, account, kind and dates.
// ?person_id= shows one person's log (变动记录 on the person's page).

import { api } from '../api.js';
import { replaceQuery } from '../router.js';
import { fmtDateTime } from '../format.js';
import { h, messageBox, mount, pageTitle, show } from '../ui.js';
import { backLink, emptyRow, listLoader, pager, table } from './admin-common.js';
import { filterField, loadChoices } from './people-common.js';

const PAGE_SIZE = 20;
const KEYS = ['q', 'account', 'action', 'date_from', 'date_to', 'person_id'];

function value(v) {
  return v === null || v === undefined || v === '' ? '空' : String(v);
}

/** before → after, one line per changed field (labels from the summary's own words). */
function diff(change, labels) {
  const before = change.before || {};
  const after = change.after || {};
  const keys = Object.keys(after).concat(Object.keys(before).filter((k) => !(k in after)));
  if (!keys.length) return h('span', null, change.summary);
  return h(
    'ul',
    { class: 'diff' },
    keys.map((k) => h('li', { 'data-testid': 'change-diff' }, h('span', { class: 'diff-key' }, (labels[k] || k) + '：'), h('del', null, value(before[k])), ' → ', h('ins', null, value(after[k])))),
  );
}

export function render(ctx) {
  ctx.setTitle('人员信息变动日志');
  const state = { page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1) };
  KEYS.forEach((k) => {
    state[k] = ctx.query.get(k) || '';
  });
  const q = h('input', { type: 'search', value: state.q, placeholder: '姓名或人员编号', 'data-testid': 'changes-q' });
  const account = h('input', { type: 'search', value: state.account, placeholder: '操作账号', 'data-testid': 'changes-account' });
  const action = h('select', { 'data-testid': 'changes-action' }, h('option', { value: '' }, '全部操作'));
  const from = h('input', { type: 'date', value: state.date_from, 'data-testid': 'changes-from' });
  const to = h('input', { type: 'date', value: state.date_to, 'data-testid': 'changes-to' });
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'changes-total', 'aria-live': 'polite' });
  const error = messageBox('changes-error');
  const list = table(['操作时间', '操作账号', '操作账号名称', 'IP地址', '人员', '操作', '操作内容'], 'changes-table');
  const pg = pager('changes', (delta) => {
    state.page += delta;
    load();
  });
  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  async function load() {
    if (!list.body.isConnected) return;
    const query = {};
    KEYS.forEach((k) => {
      if (state[k]) query[k] = state[k];
    });
    replaceQuery(Object.assign({}, query, { page: state.page > 1 ? state.page : '' }));
    const path = state.person_id ? '/api/people/' + encodeURIComponent(state.person_id) + '/changes' : '/api/people/changes';
    let labels = {};
    try {
      labels = (await loadChoices()).field_labels || {};
    } catch (e) {
      labels = {}; // the field names then show as they come
    }
    const data = await loadList((signal) => api(path, { query: Object.assign(state.person_id ? {} : query, { page: state.page, page_size: PAGE_SIZE }), signal }));
    if (!data) return;
    const rows = (data.items || []).map((c) =>
      h(
        'tr',
        { 'data-testid': 'changes-row' },
        h('td', { class: 'nowrap' }, fmtDateTime(c.at)),
        h('td', { 'data-testid': 'changes-account-cell' }, c.account),
        h('td', null, show(c.account_name)),
        h('td', { 'data-testid': 'changes-ip' }, show(c.ip)),
        h('td', null, h('a', { href: '/people/' + encodeURIComponent(c.person_id) }, c.person_name)),
        h('td', null, c.action_label),
        h('td', { 'data-testid': 'changes-summary' }, h('p', { class: 'change-summary' }, c.summary), diff(c, labels)),
      ),
    );
    mount(list.body, rows.length ? rows : emptyRow(7, '暂无变动记录。'));
    summary.textContent = '共 ' + data.total + ' 条';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  const form = h(
    'form',
    {
      class: 'admin-filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        state.q = q.value.trim();
        state.account = account.value.trim();
        state.action = action.value;
        state.date_from = from.value;
        state.date_to = to.value;
        state.page = 1;
        load();
      },
    },
    filterField('人员', q),
    filterField('操作账号', account),
    filterField('操作', action),
    filterField('开始日期', from),
    filterField('结束日期', to),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'changes-query' }, '查询'),
  );
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      backLink(state.person_id ? '/people/' + encodeURIComponent(state.person_id) : '/people', state.person_id ? '返回人员信息' : '返回人员列表'),
      pageTitle(state.person_id ? '人员变动记录' : '人员信息变动日志', 'changes-title'),
      state.person_id ? null : form,
      summary,
      error,
      list.node,
      pg.node,
    ),
  );
  load();
  loadChoices()
    .then((choices) => {
      Object.keys(choices.change_actions).forEach((k) => {
        action.appendChild(h('option', { value: k, selected: k === state.action }, choices.change_actions[k]));
      });
    })
    .catch(() => {}); // the log still lists every kind
}

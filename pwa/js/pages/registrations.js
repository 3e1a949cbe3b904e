// /registrations: 注册审核 for a unit admin (issue 4 item 4, seed 002 §3.2.1). Two tabs: 注册申请
// (self-registrations naming this unit) and 单位变更申请 (trainees asking to be bound to it). A status
// filter (待审 / 已通过 / 不通过); select rows for 批量通过 / 批量不通过 (reason), or act on one row.
// ID numbers and phones arrive masked. State lives in the query string (?kind=&status=&page=).

import { fmtDateTime } from '../format.js';
import { api } from '../api.js';
import { replaceQuery } from '../router.js';
import { h, messageBox, mount, notice, pageTitle, show } from '../ui.js';
import { confirmDialog, emptyRow, listLoader, pager, reasonDialog } from './admin-common.js';

const PAGE_SIZE = 20;
const STATUS_WORDS = { pending: '待审', approved: '已通过', rejected: '不通过' };
const KINDS = {
  registrations: {
    label: '注册申请',
    path: '/api/registrations',
    headers: ['姓名', '用户名', '身份证号', '手机', '科室', '提交时间', '状态', '操作'],
    cells: (r) => [show(r.username), show(r.id_number), show(r.phone), show(r.department_name), fmtDateTime(r.updated_at || r.created_at)],
  },
  binding: {
    label: '单位变更申请',
    path: '/api/binding-requests',
    headers: ['姓名', '身份证号', '手机', '原单位 / 科室', '申请科室', '提交时间', '状态', '操作'],
    cells: (r) => [show(r.id_number), show(r.phone), show(r.from_unit_name) + (r.from_department_name ? ' / ' + r.from_department_name : ''), show(r.department_name), fmtDateTime(r.created_at)],
  },
};

export function render(ctx) {
  ctx.setTitle('注册审核');
  const role = ctx.role;
  if (!role || role.role !== 'unit_admin') {
    mount(ctx.main, pageTitle('注册审核', 'registrations-title'), notice({ iconName: 'lock', title: '无需审核', text: '注册和单位变更申请由单位管理员审核。', href: '/', linkText: '返回首页', testid: 'registrations-none' }));
    return;
  }
  const state = {
    kind: KINDS[ctx.query.get('kind')] ? ctx.query.get('kind') : 'registrations',
    status: STATUS_WORDS[ctx.query.get('status')] ? ctx.query.get('status') : 'pending',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };
  let items = [];
  const selected = new Set();

  const tabButtons = Object.keys(KINDS).map((kind) =>
    h('button', { type: 'button', role: 'tab', class: 'seg', 'data-kind': kind, 'data-testid': 'registrations-tab-' + kind, onclick: () => switchTo({ kind }) }, KINDS[kind].label),
  );
  const statusSelect = h(
    'select',
    { id: 'registrations-status', 'data-testid': 'registrations-status', onchange: () => switchTo({ status: statusSelect.value }) },
    Object.keys(STATUS_WORDS).map((s) => h('option', { value: s, selected: s === state.status }, STATUS_WORDS[s])),
  );
  const selCount = h('span', { class: 'batch-count', 'data-testid': 'registrations-selected' }, '未选择');
  const batchApprove = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'registrations-batch-approve', disabled: true, onclick: () => act(Array.from(selected), 'approve') }, '批量通过');
  const batchReject = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'registrations-batch-reject', disabled: true, onclick: () => act(Array.from(selected), 'reject') }, '批量不通过');
  const batchBar = h('div', { class: 'batch-bar', 'data-testid': 'registrations-batch' }, selCount, batchApprove, batchReject);
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'registrations-total', 'aria-live': 'polite' });
  const result = h('div', { class: 'msg', role: 'status', 'data-testid': 'registrations-result', hidden: true });
  const error = messageBox('registrations-error');
  const selectAll = h('input', { type: 'checkbox', 'aria-label': '全选本页', 'data-testid': 'registrations-select-all' });
  const head = h('thead');
  const body = h('tbody', { 'data-testid': 'registrations-body' });
  const tableNode = h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': 'registrations-table' }, head, body));
  const pg = pager('registrations', (delta) => {
    state.page += delta;
    selected.clear();
    load();
  });

  function switchTo(change) {
    Object.assign(state, change, { page: 1 });
    selected.clear();
    result.hidden = true;
    paintTabs();
    load();
  }

  function paintTabs() {
    tabButtons.forEach((b) => {
      b.setAttribute('aria-selected', String(b.dataset.kind === state.kind));
      b.classList.toggle('seg-on', b.dataset.kind === state.kind);
    });
    const pendingOnly = state.status === 'pending';
    batchBar.hidden = !pendingOnly;
    const headers = KINDS[state.kind].headers;
    mount(head, h('tr', null, h('th', { class: 'col-check' }, pendingOnly ? selectAll : null), headers.map((t) => h('th', { scope: 'col' }, t))));
  }

  function paintSelection() {
    const n = selected.size;
    selCount.textContent = n ? '已选 ' + n + ' 条' : '未选择';
    batchApprove.disabled = batchReject.disabled = n === 0;
    const onPage = items.filter((r) => selected.has(r.id)).length;
    selectAll.checked = items.length > 0 && onPage === items.length;
    selectAll.indeterminate = onPage > 0 && onPage < items.length;
    body.querySelectorAll('input[data-id]').forEach((box) => {
      box.checked = selected.has(Number(box.dataset.id));
    });
  }

  function rowOf(r) {
    const pending = r.status === 'pending';
    const box = pending
      ? h('input', {
          type: 'checkbox',
          'data-id': String(r.id),
          'data-testid': 'registrations-check',
          'aria-label': '选择 ' + r.name,
          onchange: (event) => {
            if (event.target.checked) selected.add(r.id);
            else selected.delete(r.id);
            paintSelection();
          },
        })
      : null;
    const actions = pending
      ? h(
          'span',
          { class: 'row-actions' },
          h('button', { type: 'button', class: 'link-act', 'data-testid': 'registrations-approve', onclick: () => act([r.id], 'approve', r) }, '通过'),
          h('button', { type: 'button', class: 'link-act link-danger', 'data-testid': 'registrations-reject', onclick: () => act([r.id], 'reject', r) }, '不通过'),
        )
      : null;
    const statusCell = h('td', { class: 'nowrap', 'data-testid': 'registrations-row-status' }, STATUS_WORDS[r.status] || r.status, r.reason ? h('span', { class: 'muted' }, '（' + r.reason + '）') : null);
    return h(
      'tr',
      { 'data-testid': 'registrations-row', 'data-id': String(r.id) },
      h('td', { class: 'col-check' }, box),
      h('td', { class: 'nowrap' }, show(r.name)),
      KINDS[state.kind].cells(r).map((text) => h('td', { class: 'nowrap' }, text)),
      statusCell,
      h('td', null, actions),
    );
  }

  const loadList = listLoader({ body, summary, error });

  async function load() {
    if (!body.isConnected) return;
    replaceQuery({ kind: state.kind === 'registrations' ? '' : state.kind, status: state.status === 'pending' ? '' : state.status, page: state.page > 1 ? state.page : '' });
    const data = await loadList((signal) => api(KINDS[state.kind].path, { query: { status: state.status, page: state.page, page_size: PAGE_SIZE }, signal }));
    if (!data) return;
    items = data.items || [];
    const ids = new Set(items.map((r) => r.id));
    Array.from(selected).forEach((id) => {
      if (!ids.has(id)) selected.delete(id);
    });
    mount(body, items.map(rowOf));
    if (!items.length) body.appendChild(emptyRow(KINDS[state.kind].headers.length + 1, '暂无' + STATUS_WORDS[state.status] + '的' + KINDS[state.kind].label + '。'));
    summary.textContent = STATUS_WORDS[state.status] + ' ' + data.total + ' 条';
    pg.update(state.page, data.total, PAGE_SIZE);
    paintSelection();
  }

  function describe(id) {
    const r = items.find((x) => x.id === id);
    return r ? r.name : '记录 #' + id;
  }

  function showResults(action, results) {
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    mount(
      result,
      h('p', { class: 'result-line' }, (action === 'approve' ? '通过' : '不通过') + '：成功 ' + ok.length + ' 条' + (failed.length ? '，失败 ' + failed.length + ' 条' : '') + '。'),
      failed.length ? h('ul', { class: 'result-failures', 'data-testid': 'registrations-failures' }, failed.map((r) => h('li', null, describe(r.id) + '：' + (r.detail || r.code)))) : null,
    );
    result.className = 'msg ' + (failed.length ? (ok.length ? 'msg-info' : 'msg-error') : 'msg-ok');
    result.hidden = false;
  }

  async function act(ids, action, one) {
    if (!ids.length) return;
    let results = null;
    const run = async (reason) => {
      const data = await api(KINDS[state.kind].path + '/batch', { method: 'POST', body: { ids, action, reason: reason || '' } });
      results = data.results || [];
    };
    const what = one ? one.name + ' 的' + KINDS[state.kind].label : '选中的 ' + ids.length + ' 条' + KINDS[state.kind].label;
    const done =
      action === 'approve'
        ? await confirmDialog({ title: '审核通过', text: '确定通过' + what + '吗？', submitText: '通过', testid: 'registrations-approve-dialog', action: () => run('') })
        : await reasonDialog({ title: '审核不通过', intro: what, labelText: '不通过原因（申请人可见）', submitText: '不通过', testid: 'registrations-reject-dialog', action: run });
    if (!done || !results) return;
    showResults(action, results);
    results.forEach((r) => selected.delete(r.id));
    await load();
  }

  selectAll.addEventListener('change', () => {
    items.forEach((r) => {
      if (selectAll.checked) selected.add(r.id);
      else selected.delete(r.id);
    });
    paintSelection();
  });

  paintTabs();
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      h('div', { class: 'page-head' }, h('div', null, pageTitle('注册审核', 'registrations-title'), h('p', { class: 'muted page-sub' }, show(role.scope_name)))),
      h('div', { class: 'segs', role: 'tablist', 'aria-label': '申请类别' }, tabButtons),
      h('form', { class: 'admin-filters', onsubmit: (event) => event.preventDefault() }, h('label', { class: 'af' }, h('span', null, '状态'), statusSelect)),
      result,
      error,
      h('div', { class: 'list-head' }, summary, batchBar),
      tableNode,
      pg.node,
    ),
  );
  load();
}

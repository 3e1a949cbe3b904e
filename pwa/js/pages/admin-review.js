// /review: the credit review queue (seed 001 §5.3). A department admin reviews status=pending_dept,
// a unit admin pending_unit (the active role of the shell's role switcher). Search by 姓名 / 人员编号 /
// 证件号 / 手机号, activity date range and source; select rows (or all on the page) for 批量通过,
// 退回 (reason) or 不通过 (reason), or act on one row. After each action the list is reloaded and
// every record that failed (say, someone else handled it first: 409) is listed with its reason.

import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { debounce, h, messageBox, mount, notice, pageTitle, show, showMessage } from '../ui.js';
import {
  CREDIT_CLASS,
  CREDIT_SOURCE,
  CREDIT_STATUS,
  confirmDialog,
  dl,
  emptyRow,
  fmtDateTime,
  formDialog,
  num,
  pager,
  pill,
  reasonDialog,
  word,
} from './admin-common.js';

const PAGE_SIZE = 20;
const QUEUE = { dept_admin: 'pending_dept', unit_admin: 'pending_unit' };
const ACTION_WORDS = { approve: '通过', return: '退回', reject: '不通过' };

export function render(ctx) {
  ctx.setTitle('学分审核');
  const role = ctx.role;
  const status = role ? QUEUE[role.role] : null;
  if (!status) {
    mount(
      ctx.main,
      pageTitle('学分审核', 'review-title'),
      notice({ iconName: 'lock', title: '无需审核', text: '学分由科室管理员和单位管理员两级审核。当前身份没有待审核的学分。', href: '/', linkText: '返回首页', testid: 'review-none' }),
    );
    return;
  }

  const state = {
    q: ctx.query.get('q') || '',
    date_from: ctx.query.get('date_from') || '',
    date_to: ctx.query.get('date_to') || '',
    source: ctx.query.get('source') || '',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };
  let items = [];
  const selected = new Set();
  let controller = null;

  // -- filters
  const search = h('input', { id: 'review-q', type: 'search', value: state.q, placeholder: '姓名 / 人员编号 / 证件号 / 手机号', autocomplete: 'off', 'data-testid': 'review-search' });
  const dateFrom = h('input', { id: 'review-from', type: 'date', value: state.date_from, 'data-testid': 'review-from' });
  const dateTo = h('input', { id: 'review-to', type: 'date', value: state.date_to, 'data-testid': 'review-to' });
  const source = h(
    'select',
    { id: 'review-source', 'data-testid': 'review-source' },
    h('option', { value: '' }, '全部来源'),
    Object.keys(CREDIT_SOURCE).map((k) => h('option', { value: k, selected: k === state.source }, CREDIT_SOURCE[k])),
  );
  const filters = h(
    'form',
    {
      class: 'admin-filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        readFilters();
        reload();
      },
    },
    h('label', { class: 'af af-grow' }, h('span', null, '人员'), search),
    h('label', { class: 'af' }, h('span', null, '活动日期从'), dateFrom),
    h('label', { class: 'af' }, h('span', null, '至'), dateTo),
    h('label', { class: 'af' }, h('span', null, '来源'), source),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'review-query' }, '查询'),
  );

  function readFilters() {
    state.q = search.value.trim();
    state.date_from = dateFrom.value;
    state.date_to = dateTo.value;
    state.source = source.value;
  }

  // -- batch bar
  const selCount = h('span', { class: 'batch-count', 'data-testid': 'review-selected' }, '未选择');
  const batchApprove = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'review-batch-approve', disabled: true }, '批量通过');
  const batchReturn = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'review-batch-return', disabled: true }, '退回');
  const batchReject = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'review-batch-reject', disabled: true }, '不通过');
  const batchBar = h('div', { class: 'batch-bar', 'data-testid': 'review-batch' }, selCount, batchApprove, batchReturn, batchReject);

  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'review-total', 'aria-live': 'polite' });
  const result = h('div', { class: 'msg', role: 'status', 'data-testid': 'review-result', hidden: true });
  const error = messageBox('review-error');
  const selectAll = h('input', { type: 'checkbox', 'aria-label': '全选本页', 'data-testid': 'review-select-all' });
  const body = h('tbody', { 'data-testid': 'review-body' });
  const headers = ['姓名', '人员编号', '科室', '活动名称', '活动日期', '学分级别', '学分', '学时', '来源', '操作'];
  const tableNode = h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'table review-table', 'data-testid': 'review-table' }, h('thead', null, h('tr', null, h('th', { class: 'col-check' }, selectAll), headers.map((t) => h('th', { scope: 'col', class: t === '学分' || t === '学时' ? 'num' : null }, t)))), body),
  );
  const pg = pager('review');

  function paintSelection() {
    const n = selected.size;
    selCount.textContent = n ? '已选 ' + n + ' 条' : '未选择';
    [batchApprove, batchReturn, batchReject].forEach((b) => (b.disabled = n === 0));
    const onPage = items.filter((c) => selected.has(c.id)).length;
    selectAll.checked = items.length > 0 && onPage === items.length;
    selectAll.indeterminate = onPage > 0 && onPage < items.length;
    body.querySelectorAll('input[data-id]').forEach((box) => {
      box.checked = selected.has(Number(box.dataset.id));
      box.closest('tr').classList.toggle('row-selected', box.checked);
    });
  }

  function rowOf(c) {
    const box = h('input', {
      type: 'checkbox',
      'data-id': String(c.id),
      'data-testid': 'review-check',
      'aria-label': '选择 ' + c.person_name + '《' + c.title + '》',
      onchange: (event) => {
        if (event.target.checked) selected.add(c.id);
        else selected.delete(c.id);
        paintSelection();
      },
    });
    const rowActions = h(
      'span',
      { class: 'row-actions' },
      h('button', { type: 'button', class: 'link-act', 'data-testid': 'review-approve', onclick: () => runOne(c, 'approve') }, '通过'),
      h('button', { type: 'button', class: 'link-act', 'data-testid': 'review-return', onclick: () => runOne(c, 'return') }, '退回'),
      h('button', { type: 'button', class: 'link-act link-danger', 'data-testid': 'review-reject', onclick: () => runOne(c, 'reject') }, '不通过'),
    );
    return h(
      'tr',
      { 'data-testid': 'review-row', 'data-id': String(c.id) },
      h('td', { class: 'col-check' }, box),
      h('td', null, h('button', { type: 'button', class: 'link-name', 'data-testid': 'review-detail', onclick: () => openDetail(c) }, show(c.person_name))),
      h('td', { class: 'nowrap' }, show(c.person_no)),
      h('td', { class: 'nowrap' }, show(c.department_name)),
      h('td', { class: 'cell-title' }, c.title),
      h('td', { class: 'nowrap' }, show(c.activity_date)),
      h('td', { class: 'nowrap' }, word(CREDIT_CLASS, c.credit_class)),
      h('td', { class: 'num' }, num(c.credits)),
      h('td', { class: 'num' }, num(c.hours)),
      h('td', { class: 'nowrap' }, word(CREDIT_SOURCE, c.source)),
      h('td', null, rowActions),
    );
  }

  async function load() {
    if (!body.isConnected) return;
    replaceQuery({ q: state.q, date_from: state.date_from, date_to: state.date_to, source: state.source, page: state.page > 1 ? state.page : '' });
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    body.setAttribute('aria-busy', 'true');
    summary.textContent = '加载中…';
    showMessage(error, '');
    let data;
    try {
      data = await api('/api/credits', {
        query: { status, q: state.q, date_from: state.date_from, date_to: state.date_to, source: state.source, page: state.page, page_size: PAGE_SIZE },
        signal: mine.signal,
      });
    } catch (e) {
      if (isAbort(e) || e.handled || mine !== controller) return;
      body.removeAttribute('aria-busy');
      summary.textContent = '';
      showMessage(error, e.detail);
      return;
    }
    if (mine !== controller) return;
    body.removeAttribute('aria-busy');
    items = data.items || [];
    // Keep only selections still in the queue on this page.
    const ids = new Set(items.map((c) => c.id));
    Array.from(selected).forEach((id) => {
      if (!ids.has(id)) selected.delete(id);
    });
    mount(body, items.map(rowOf));
    if (!items.length) body.appendChild(emptyRow(headers.length + 1, state.q || state.date_from || state.date_to || state.source ? '没有符合条件的待审核学分。' : '暂无待审核的学分。'));
    summary.textContent = '待审核 ' + data.total + ' 条';
    pg.update(state.page, data.total, PAGE_SIZE);
    if (state.page > 1 && !items.length && data.total > 0) {
      state.page = Math.max(1, Math.ceil(data.total / PAGE_SIZE)); // the last page emptied by an action
      load();
      return;
    }
    paintSelection();
  }

  function reload() {
    state.page = 1;
    selected.clear();
    load();
  }

  // -- results
  function describe(id) {
    const c = items.find((x) => x.id === id);
    return c ? c.person_name + '《' + c.title + '》' : '记录 #' + id;
  }

  function showResults(action, results) {
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    mount(
      result,
      h('p', { class: 'result-line' }, ACTION_WORDS[action] + '：成功 ' + ok.length + ' 条' + (failed.length ? '，失败 ' + failed.length + ' 条' : '') + '。'),
      failed.length
        ? h(
            'ul',
            { class: 'result-failures', 'data-testid': 'review-failures' },
            failed.map((r) => h('li', { 'data-testid': 'review-failure' }, describe(r.id) + '：' + (r.detail || r.code || '失败'))),
          )
        : null,
    );
    result.className = 'msg ' + (failed.length ? (ok.length ? 'msg-info' : 'msg-error') : 'msg-ok');
    result.hidden = false;
  }

  async function batch(ids, action, reason) {
    const data = await api('/api/credits/batch', { method: 'POST', body: { ids, action, reason: reason || '' } });
    return data.results || [];
  }

  async function runBatch(action) {
    const ids = Array.from(selected);
    if (!ids.length) return;
    let results = null;
    const run = async (reason) => {
      results = await batch(ids, action, reason);
    };
    let done;
    if (action === 'approve') {
      done = await confirmDialog({ title: '批量通过', text: '确定审核通过选中的 ' + ids.length + ' 条学分吗？', submitText: '通过 ' + ids.length + ' 条', testid: 'review-approve-dialog', action: () => run('') });
    } else {
      done = await reasonDialog({
        title: (action === 'return' ? '退回' : '审核不通过') + '（' + ids.length + ' 条）',
        labelText: action === 'return' ? '退回原因（学员可修改后重新提交）' : '不通过原因',
        submitText: action === 'return' ? '退回' : '不通过',
        danger: action === 'reject',
        testid: 'review-' + action + '-dialog',
        action: run,
      });
    }
    if (!done || !results) return;
    showResults(action, results);
    results.forEach((r) => selected.delete(r.id));
    await load();
  }

  async function runOne(c, action) {
    let results = null;
    const run = async (reason) => {
      results = await batch([c.id], action, reason);
    };
    if (action === 'approve') {
      try {
        await run('');
      } catch (e) {
        if (!e.handled) showMessage(error, e.detail);
        return;
      }
    } else {
      const done = await reasonDialog({
        title: (action === 'return' ? '退回' : '审核不通过') + ' · ' + c.person_name,
        intro: '《' + c.title + '》' + num(c.credits) + ' 学分',
        labelText: action === 'return' ? '退回原因' : '不通过原因',
        submitText: action === 'return' ? '退回' : '不通过',
        danger: action === 'reject',
        testid: 'review-' + action + '-dialog',
        action: run,
      });
      if (!done) return;
    }
    if (!results) return;
    showResults(action, results);
    selected.delete(c.id);
    await load();
  }

  async function openDetail(c) {
    let detail = c;
    try {
      detail = await api('/api/credits/' + encodeURIComponent(c.id));
    } catch (e) {
      if (e.handled) return;
    }
    const events = detail.events || [];
    await formDialog({
      title: '学分详情',
      testid: 'credit-detail',
      submitText: '关闭',
      wide: true,
      body: [
        dl([
          ['姓名', detail.person_name],
          ['人员编号', detail.person_no],
          ['科室', detail.department_name],
          ['活动名称', detail.title],
          ['活动日期', detail.activity_date],
          ['学分级别', word(CREDIT_CLASS, detail.credit_class)],
          ['学分 / 学时', num(detail.credits) + ' / ' + num(detail.hours)],
          ['来源', word(CREDIT_SOURCE, detail.source)],
          ['状态', word(CREDIT_STATUS, detail.status)],
        ]),
        events.length
          ? h(
              'ol',
              { class: 'events' },
              events.map((e) =>
                h('li', null, h('span', { class: 'muted' }, fmtDateTime(e.at)), ' ', e.account_name || '系统', '：', e.from_status ? word(CREDIT_STATUS, e.from_status) + ' → ' : '', word(CREDIT_STATUS, e.to_status), e.reason ? '（' + e.reason + '）' : ''),
              ),
            )
          : null,
      ],
      onSubmit: () => true,
    });
  }

  // -- wiring
  selectAll.addEventListener('change', () => {
    items.forEach((c) => {
      if (selectAll.checked) selected.add(c.id);
      else selected.delete(c.id);
    });
    paintSelection();
  });
  batchApprove.addEventListener('click', () => runBatch('approve'));
  batchReturn.addEventListener('click', () => runBatch('return'));
  batchReject.addEventListener('click', () => runBatch('reject'));
  search.addEventListener(
    'input',
    debounce(() => {
      if (search.value.trim() === state.q) return;
      readFilters();
      reload();
    }, 400),
  );
  [dateFrom, dateTo, source].forEach((el) =>
    el.addEventListener('change', () => {
      readFilters();
      reload();
    }),
  );
  pg.prev.addEventListener('click', () => {
    state.page -= 1;
    selected.clear();
    load();
  });
  pg.next.addEventListener('click', () => {
    state.page += 1;
    selected.clear();
    load();
  });

  const sub = (role.scope_name ? role.scope_name + ' · ' : '') + (status === 'pending_dept' ? '科室审核：通过后交单位审核' : '单位审核：通过后学分生效');
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      h('div', { class: 'page-head' }, h('div', null, pageTitle('学分审核', 'review-title'), h('p', { class: 'muted page-sub' }, sub, ' ', pill(CREDIT_STATUS, status)))),
      filters,
      result,
      error,
      h('div', { class: 'list-head' }, summary, batchBar),
      tableNode,
      pg.node,
    ),
  );
  load();
}

// /archive-changes: the unit's queue of technical-archive changes (seed 000 §7 用户档案管理):
// each change shows before → after (000 §7.1.3) and is approved or rejected with a reason.

import { api } from '../api.js';
import { fmtDateTime } from '../format.js';
import { h, messageBox, mount, pageTitle, show, showMessage } from '../ui.js';
import { backLink, emptyRow, listLoader, pager, reasonDialog, table } from './admin-common.js';

const PAGE_SIZE = 20;

/** A two-column before/after table of the fields the change touches. */
export function changeDiff(change, testid) {
  const before = change.before || {};
  const after = change.after || {};
  const keys = Object.keys(change.labels || {}).filter((k) => k in before || k in after);
  return h(
    'table',
    { class: 'table diff-table', 'data-testid': testid },
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, '项目'), h('th', { scope: 'col' }, '变更前'), h('th', { scope: 'col' }, '变更后'))),
    h(
      'tbody',
      null,
      keys.map((k) => {
        const changed = String(before[k] === undefined ? '' : before[k]) !== String(after[k] === undefined ? '' : after[k]);
        return h(
          'tr',
          { class: changed ? 'diff-changed' : null },
          h('th', { scope: 'row' }, change.labels[k]),
          h('td', null, change.before ? show(before[k]) : '—'),
          h('td', null, change.after ? show(after[k]) : '（删除）'),
        );
      }),
    ),
  );
}

export function render(ctx) {
  ctx.setTitle('档案变更审核');
  const state = { page: 1, status: 'pending' };
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'archive-review-total' });
  const error = messageBox('archive-review-error');
  const done = messageBox('archive-review-done', 'ok');
  const list = table(['提交时间', '人员', '科室', '栏目', '操作', '变更详情', '状态', '审核'], 'archive-review-table');
  const status = h(
    'select',
    { 'data-testid': 'archive-review-status' },
    h('option', { value: 'pending' }, '待审核'),
    h('option', { value: 'approved' }, '审核通过'),
    h('option', { value: 'rejected' }, '审核不通过'),
    h('option', { value: '' }, '全部'),
  );
  const pg = pager('archive-review', (delta) => {
    state.page += delta;
    load();
  });
  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  async function decide(change, approve) {
    showMessage(done, '');
    const path = '/api/archive-changes/' + encodeURIComponent(change.id);
    if (approve) {
      try {
        await api(path + '/approve', { method: 'POST' });
        showMessage(done, '已审核通过：' + change.person_name + ' 的' + change.section_label + change.action_label + '。');
      } catch (e) {
        if (!e.handled) showMessage(error, e.detail);
      }
    } else {
      const ok = await reasonDialog({
        title: '审核不通过',
        labelText: '不通过原因',
        testid: 'archive-reject',
        action: (reason) => api(path + '/reject', { method: 'POST', body: { reason } }),
      });
      if (!ok) return;
      showMessage(done, '已退回。');
    }
    load();
  }

  async function load() {
    if (!list.body.isConnected) return;
    const query = { page: state.page, page_size: PAGE_SIZE };
    if (state.status) query.status = state.status;
    const data = await loadList((signal) => api('/api/archive-changes', { query, signal }));
    if (!data) return;
    const rows = (data.items || []).map((c) =>
      h(
        'tr',
        { 'data-testid': 'archive-review-row', 'data-id': String(c.id) },
        h('td', { class: 'nowrap' }, fmtDateTime(c.created_at)),
        h('td', null, c.person_name),
        h('td', null, show(c.department_name)),
        h('td', null, c.section_label),
        h('td', null, c.action_label),
        h('td', null, changeDiff(c, 'archive-review-diff')),
        h('td', null, c.status_label, c.reason ? h('p', { class: 'hint' }, c.reason) : null),
        h(
          'td',
          { class: 'row-actions' },
          c.status === 'pending' ? h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'archive-approve', onclick: () => decide(c, true) }, '通过') : null,
          c.status === 'pending' ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'archive-reject-open', onclick: () => decide(c, false) }, '不通过') : null,
        ),
      ),
    );
    mount(list.body, rows.length ? rows : emptyRow(8, '暂无档案变更。'));
    summary.textContent = '共 ' + data.total + ' 条';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  status.addEventListener('change', () => {
    state.status = status.value;
    state.page = 1;
    load();
  });
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      backLink('/people', '返回人员列表'),
      pageTitle('档案变更审核', 'archive-review-title'),
      h('p', { class: 'muted' }, '学员修改技术档案（含首次登录补全的基本信息）后，须经单位审核通过才生效。'),
      h('form', { class: 'admin-filters', onsubmit: (e) => e.preventDefault() }, h('label', { class: 'af' }, h('span', null, '状态'), status)),
      summary,
      done,
      error,
      list.node,
      pg.node,
    ),
  );
  load();
}

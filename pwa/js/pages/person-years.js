// /people/:id/years: a person's title and status per year (seed 001 §2.2 人员变动情况), newest first,
// with add, edit and delete, and the seed's warning: a new status is a new year, not an edit.

import { api } from '../api.js';
import { thisYear } from '../format.js';
import { field, h, messageBox, mount, pageTitle, show, showMessage } from '../ui.js';
import { backLink, confirmDialog, emptyRow, formDialog, table } from './admin-common.js';
import { choiceSelect, loadChoices } from './people-common.js';

const WARNING = '如需修改人员状态，请检查是否有需要修改的年度，如果没有对应年度的人员状态，请添加不要修改。';

async function yearDialog(personId, choices, row) {
  const years = [];
  for (let y = thisYear() + 1; y >= thisYear() - 30; y -= 1) years.push({ value: y, text: String(y) });
  const year = choiceSelect(years, row ? row.year : thisYear(), { 'data-testid': 'year-year', disabled: Boolean(row) });
  const title = choiceSelect(choices.titles.map((t) => ({ value: t.title, text: t.title + '（' + t.level + '）' })), row ? row.title : '', { 'data-testid': 'year-title' }, '请选择');
  const assessed = h('input', { type: 'date', value: row ? row.title_assessed_on || '' : '', 'data-testid': 'year-assessed' });
  const status = choiceSelect(choices.statuses, row ? row.status : '正常', { 'data-testid': 'year-status' });
  const remark = h('input', { type: 'text', maxlength: '200', value: row ? row.remark : '', 'data-testid': 'year-remark' });
  let saved = null;
  const ok = await formDialog({
    title: row ? '修改 ' + row.year + ' 年度' : '添加年度职称/状态',
    testid: 'year-dialog',
    submitText: '保存',
    body: [
      h('p', { class: 'msg msg-warn' }, WARNING),
      field('year-year', '年度', year),
      field('year-title', '职称', title),
      field('year-assessed', '评定时间', assessed),
      field('year-status', '状态', status),
      field('year-remark', '备注', remark),
    ],
    onSubmit: async () => {
      if (!title.value) throw { detail: '请选择职称。' };
      const body = { title: title.value, status: status.value, title_assessed_on: assessed.value || null, remark: remark.value.trim() };
      const base = '/api/people/' + encodeURIComponent(personId) + '/years';
      saved = row
        ? await api(base + '/' + row.year, { method: 'PUT', body })
        : await api(base, { method: 'POST', body: Object.assign({ year: parseInt(year.value, 10) }, body) });
    },
  });
  return ok ? saved : null;
}

export function render(ctx) {
  ctx.setTitle('人员变动情况');
  const personId = ctx.params.id;
  const canEdit = ctx.role && (ctx.role.role === 'dept_admin' || ctx.role.role === 'unit_admin');
  const who = h('p', { class: 'muted page-sub', 'data-testid': 'years-person' });
  const error = messageBox('years-error');
  const done = messageBox('years-done', 'ok');
  const list = table(['年度', '职称', '评定时间', '状态', '单位编号', '单位名称', '单位级别', '备注', '操作'], 'years-table');
  const add = canEdit ? h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'years-add' }, '添加') : null;

  let choices = null;
  async function load() {
    showMessage(error, '');
    try {
      const [person, data] = await Promise.all([
        api('/api/people/' + encodeURIComponent(personId)),
        api('/api/people/' + encodeURIComponent(personId) + '/years'),
      ]);
      who.textContent = '人员编号：' + person.person_no + '　姓名：' + person.name;
      const rows = (data.items || []).map((row) =>
        h(
          'tr',
          { 'data-testid': 'years-row', 'data-year': String(row.year) },
          h('td', null, String(row.year)),
          h('td', null, show(row.title)),
          h('td', null, show(row.title_assessed_on)),
          h('td', null, row.status),
          h('td', null, show(row.unit_code)),
          h('td', null, row.unit_name),
          h('td', null, row.unit_level),
          h('td', null, show(row.remark)),
          h(
            'td',
            { class: 'row-actions' },
            canEdit ? h('button', { type: 'button', class: 'link-act', 'data-testid': 'years-edit', onclick: () => edit(row) }, '编辑') : null,
            canEdit ? h('button', { type: 'button', class: 'link-act', 'data-testid': 'years-delete', onclick: () => remove(row) }, '删除') : null,
          ),
        ),
      );
      mount(list.body, rows.length ? rows : emptyRow(9, '暂无年度记录。'));
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
    }
  }

  async function edit(row) {
    choices = choices || (await loadChoices());
    if (await yearDialog(personId, choices, row)) {
      showMessage(done, '已保存。');
      load();
    }
  }

  async function remove(row) {
    const ok = await confirmDialog({
      title: '删除年度记录',
      text: '确定删除 ' + row.year + ' 年度的职称/状态记录？',
      danger: true,
      testid: 'years-delete-confirm',
      action: () => api('/api/people/' + encodeURIComponent(personId) + '/years/' + row.year, { method: 'DELETE' }),
    });
    if (ok) {
      showMessage(done, '已删除。');
      load();
    }
  }

  if (add) add.addEventListener('click', () => edit(null));
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      backLink('/people/' + encodeURIComponent(personId), '返回人员信息'),
      pageTitle('人员变动情况', 'years-title'),
      who,
      h('p', { class: 'msg msg-warn', 'data-testid': 'years-warning' }, '（' + WARNING + '）'),
      add ? h('p', { class: 'people-actions' }, add) : null,
      done,
      error,
      list.node,
    ),
  );
  load();
}

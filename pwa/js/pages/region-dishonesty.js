// /dishonesty-records: the region admin's dishonesty records (失信信息, seed 002 §3.4). 记录失信
// picks a person of the region, the reason, the period and the effective credit records it
// concerns (revoked with that reason); 撤销 lifts a record early (what it revoked stays revoked).

import { api } from '../api.js';
import { num } from '../format.js';
import { h, mount, pageTitle } from '../ui.js';
import { emptyRow, formDialog, peoplePicker, reasonDialog, table } from './admin-common.js';

export async function render(ctx) {
  ctx.setTitle('失信信息管理');
  const grid = table(['姓名', '单位', '失信原因', '惩戒期', '状态', ''], 'dishonesty-records');
  const data = await api('/api/dishonesty', { query: { page_size: 100 } });
  data.items.forEach((r) => {
    const lift = r.withdrawn_at
      ? null
      : h('button', {
          type: 'button',
          class: 'btn btn-sm btn-secondary',
          'data-testid': 'dishonesty-withdraw',
          onclick: async () => {
            const done = await reasonDialog({ title: '撤销失信记录 · ' + r.person_name, labelText: '撤销原因', submitText: '撤销', action: (reason) => api('/api/dishonesty/' + r.id + '/withdraw', { method: 'POST', body: { reason } }) });
            if (done) await render(ctx);
          },
        }, '撤销');
    grid.body.appendChild(
      h(
        'tr',
        { 'data-testid': 'dishonesty-record' },
        h('td', null, r.person_name),
        h('td', null, r.unit_name || '—'),
        h('td', null, r.reason, r.credits.length ? h('span', { class: 'cell-sub' }, '撤销学分 ' + r.credits.length + ' 条') : null),
        h('td', { class: 'nowrap' }, r.starts_on + ' 至 ' + r.ends_on),
        h('td', null, r.withdrawn_at ? '已撤销' : r.active ? '惩戒期内' : '不在惩戒期'),
        h('td', null, lift),
      ),
    );
  });
  if (!data.total) grid.body.appendChild(emptyRow(6, '暂无失信记录。'));

  async function record() {
    const credits = h('div', { class: 'field', 'data-testid': 'dr-credits' }, h('p', { class: 'hint' }, '选择人员后列出其已生效的学分记录。'));
    const chosen = new Set();
    const picker = peoplePicker({
      id: 'dr-person',
      onPick: async (person) => {
        chosen.clear();
        const list = await api('/api/credits', { query: { person_id: person.id, status: 'effective', page_size: 100 } });
        mount(
          credits,
          h('p', { class: 'field-label' }, '涉及的学分记录（将被撤销）'),
          list.items.length
            ? list.items.map((c) =>
                h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-testid': 'dr-credit', onchange: (e) => (e.target.checked ? chosen.add(c.id) : chosen.delete(c.id)) }), h('span', null, c.year + ' · ' + c.title + '（' + num(c.hours) + ' 学时）')),
              )
            : h('p', { class: 'hint' }, '该人员没有已生效的学分记录。'),
        );
      },
    });
    const reason = h('textarea', { id: 'dr-reason', rows: 3, required: true, maxlength: 500, 'data-testid': 'dr-reason', 'data-required': '请填写失信原因。' });
    const starts = h('input', { id: 'dr-starts', type: 'date', required: true, 'data-testid': 'dr-starts', 'data-required': '请选择开始日期。' });
    const ends = h('input', { id: 'dr-ends', type: 'date', required: true, 'data-testid': 'dr-ends', 'data-required': '请选择结束日期。' });
    const done = await formDialog({
      title: '记录失信信息',
      testid: 'dishonesty-dialog',
      wide: true,
      submitText: '记录',
      danger: true,
      body: [
        picker.node,
        h('div', { class: 'field' }, h('label', { for: 'dr-reason' }, '失信原因'), reason),
        h('div', { class: 'field-pair' }, h('div', { class: 'field' }, h('label', { for: 'dr-starts' }, '惩戒开始'), starts), h('div', { class: 'field' }, h('label', { for: 'dr-ends' }, '惩戒结束'), ends)),
        credits,
      ],
      onSubmit: () => {
        const person = picker.selected();
        if (!person) return Promise.reject({ detail: '请搜索并选择人员。' });
        return api('/api/dishonesty', { method: 'POST', body: { person_id: person.id, reason: reason.value.trim(), starts_on: starts.value, ends_on: ends.value, credit_ids: Array.from(chosen) } });
      },
    });
    if (done) await render(ctx);
  }

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      h('div', { class: 'page-head' }, pageTitle('失信信息管理', 'dishonesty-records-title'), h('div', { class: 'head-actions' }, h('button', { type: 'button', class: 'btn btn-danger btn-sm', 'data-testid': 'dishonesty-new', onclick: record }, '+ 记录失信'))),
      h('p', { class: 'muted' }, '惩戒期内，当事人不能报名培训班，出具的继续教育证书注明失信信息。'),
      grid.node,
    ),
  );
}

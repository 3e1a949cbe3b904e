// /standards?year=&scheme=: 达标标准浏览 (seed 001 §7.1): every standard of a year — national, the
// provinces' — with who it applies to, its lines and caps. A region admin also keeps their own
// region's: add one, edit or retire (停用) it, and copy a year's into another. The server checks again.

import { api, isAbort } from '../api.js';
import { standardSummary } from '../compliance.js';
import { num, thisYear } from '../format.js';
import { label, STANDARD_SCHEME } from '../labels.js';
import { navigate, replaceQuery } from '../router.js';
import { field, h, messageBox, mount, pageTitle, showMessage } from '../ui.js';
import { confirmDialog, formDialog } from './admin-common.js';

function copyDialog(year) {
  const years = [];
  for (let y = thisYear() + 2; y >= thisYear() - 3; y -= 1) years.push(y);
  const from = h('select', { 'data-testid': 'standards-copy-from' }, years.map((y) => h('option', { value: String(y), selected: y === year }, y + ' 年度')));
  const to = h('select', { 'data-testid': 'standards-copy-to' }, years.map((y) => h('option', { value: String(y), selected: y === year + 1 }, y + ' 年度')));
  return formDialog({
    title: '复制年度达标标准',
    testid: 'standards-copy-dialog',
    submitText: '复制',
    body: [h('p', { class: 'dialog-intro' }, '把本地区一个年度的达标标准复制到另一个年度；目标年度已有的同名标准保持不变。'), h('div', { class: 'field-grid' }, field('standards-copy-from', '来源年度', from), field('standards-copy-to', '目标年度', to))],
    onSubmit: () => api('/api/standards/copy', { method: 'POST', body: { from_year: Number(from.value), to_year: Number(to.value) } }),
  });
}

export function render(ctx) {
  ctx.setTitle('达标标准');
  const editor = Boolean(ctx.role) && ctx.role.role === 'region_admin';
  const state = { year: parseInt(ctx.query.get('year'), 10) || thisYear(), scheme: ctx.query.get('scheme') || '' };
  let controller = null;
  const years = [];
  for (let y = thisYear() + 1; y >= thisYear() - 4; y -= 1) years.push(y);
  if (years.indexOf(state.year) < 0) years.push(state.year);

  const yearSel = h('select', { id: 'standards-year', class: 'year-select', 'data-testid': 'standards-year' }, years.map((y) => h('option', { value: String(y), selected: y === state.year }, y + ' 年度')));
  const schemeSel = h('select', { id: 'standards-scheme', 'data-testid': 'standards-scheme' }, h('option', { value: '' }, '全部类型'), Object.keys(STANDARD_SCHEME).map((k) => h('option', { value: k, selected: k === state.scheme }, STANDARD_SCHEME[k])));
  const list = h('div', { class: 'cstd-list', 'aria-live': 'polite', 'data-testid': 'standards-list' });
  const done = messageBox('standards-done', 'ok');
  const error = messageBox('standards-error');

  async function retire(standard) {
    const ok = await confirmDialog({
      title: '停用达标标准',
      text: '停用后“' + standard.name + '”不再用于任何人的达标判定（已停用的标准仍保留记录）。',
      submitText: '停用',
      danger: true,
      testid: 'standard-retire-dialog',
      action: async () => {
        await api('/api/standards/' + encodeURIComponent(standard.id), { method: 'DELETE' });
        return true; // DELETE answers 204, no body
      },
    });
    if (ok) {
      showMessage(done, '已停用：' + standard.name + '。');
      load();
    }
  }

  function card(standard) {
    return h(
      'section',
      { class: 'card cstd', 'data-testid': 'standard-card', 'data-standard': String(standard.id) },
      h('div', { class: 'cstd-head' }, h('h2', { class: 'cstd-name' }, standard.name), h('span', { class: 'chip chip-muted' }, label(STANDARD_SCHEME, standard.scheme))),
      standardSummary(standard),
      standard.note ? h('p', { class: 'muted small cstd-note' }, standard.note) : null,
      standard.editable
        ? h(
            'p',
            { class: 'cstd-actions' },
            h('a', { class: 'btn btn-secondary btn-sm', href: '/standards/' + encodeURIComponent(standard.id) + '/edit', 'data-testid': 'standard-edit' }, '修改'),
            h('button', { type: 'button', class: 'btn btn-danger btn-sm', 'data-testid': 'standard-retire', onclick: () => retire(standard) }, '停用'),
          )
        : null,
    );
  }

  async function load() {
    replaceQuery({ year: state.year === thisYear() ? '' : state.year, scheme: state.scheme });
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    mount(list, h('p', { class: 'muted' }, '加载中…'));
    try {
      const data = await api('/api/standards', { query: { year: state.year, scheme: state.scheme, page_size: 200 }, signal: mine.signal });
      if (mine !== controller) return;
      mount(list, h('p', { class: 'list-summary muted', 'data-testid': 'standards-total' }, state.year + ' 年度 共 ' + num(data.total) + ' 项标准'), data.items.length ? data.items.map(card) : h('p', { class: 'card muted' }, '该年度没有达标标准。'));
    } catch (e) {
      if (!isAbort(e) && !e.handled) showMessage(error, e.detail);
    }
  }

  yearSel.addEventListener('change', () => {
    state.year = Number(yearSel.value);
    load();
  });
  schemeSel.addEventListener('change', () => {
    state.scheme = schemeSel.value;
    load();
  });

  const actions = editor
    ? h(
        'div',
        { class: 'head-actions' },
        h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'standard-add', onclick: () => navigate('/standards/new?year=' + state.year) }, '新增标准'),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary btn-sm',
            'data-testid': 'standards-copy',
            onclick: async () => {
              const copied = await copyDialog(state.year);
              if (copied) {
                showMessage(done, '已复制 ' + num(copied.copied) + ' 项标准。');
                load();
              }
            },
          },
          '复制年度',
        ),
      )
    : null;
  mount(
    ctx.main,
    h('div', { class: 'page-head' }, h('div', null, pageTitle('达标标准', 'standards-title'), h('p', { class: 'muted page-sub' }, editor ? '维护本地区的达标标准；全国和其他地区的标准只读。' : '各职称、各级机构的年度达标要求。')), actions),
    h('div', { class: 'admin-filters' }, h('label', { class: 'af' }, h('span', null, '年度'), yearSel), h('label', { class: 'af' }, h('span', null, '类型'), schemeSel)),
    done,
    error,
    list,
  );
  load();
}

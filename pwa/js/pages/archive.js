// /archive: the trainee's technical archive (seed 000 §7 技术档案): education, training, papers and
// books, work experience and awards. Every add, edit or removal waits for the unit's approval
// (请等待审核) and the recent changes show before → after; the résumé PDF prints what is approved.
// Below, the 历史记录 imported from the old system (seed 002 §1.5), read-only.

import { api } from '../api.js';
import { fmtDateTime, num } from '../format.js';
import { CREDIT_CLASS, label } from '../labels.js';
import { field, h, messageBox, mount, pageTitle, show, showMessage } from '../ui.js';
import { confirmDialog, formDialog } from './admin-common.js';
import { changeDiff } from './archive-review.js';

function itemForm(section, item) {
  const inputs = {};
  const nodes = section.fields.map((f) => {
    const id = 'archive-' + section.key + '-' + f.name;
    const value = item ? item[f.name] || '' : '';
    if (f.kind === 'choice') {
      inputs[f.name] = h('select', { 'data-testid': id }, h('option', { value: '' }, '请选择'), f.choices.map((c) => h('option', { value: c, selected: c === value }, c)));
    } else {
      inputs[f.name] = h('input', { type: f.kind === 'date' ? 'date' : 'text', maxlength: '200', value, 'data-testid': id });
    }
    return field(id, f.label + (f.required ? ' *' : ''), inputs[f.name]);
  });
  const read = () => {
    const body = {};
    section.fields.forEach((f) => {
      body[f.name] = inputs[f.name].value.trim();
    });
    return body;
  };
  return { nodes, read };
}

export function render(ctx) {
  ctx.setTitle('技术档案');
  const done = messageBox('archive-done', 'ok');
  const error = messageBox('archive-error');
  const body = h('div', { 'aria-busy': 'true' }, h('p', { class: 'muted' }, '加载中…'));
  const history = h('section', { class: 'section', 'data-testid': 'history' });
  const resume = h('a', { class: 'btn btn-primary btn-sm', href: '/api/me/resume.pdf', target: '_blank', rel: 'external', 'data-testid': 'resume-download' }, '生成个人简历（PDF）');

  async function edit(section, item) {
    const form = itemForm(section, item);
    const path = '/api/me/archive/' + section.key + (item ? '/' + encodeURIComponent(item.id) : '');
    const ok = await formDialog({
      title: (item ? '修改' : '新增') + section.label,
      testid: 'archive-item',
      submitText: '提交审核',
      body: form.nodes,
      onSubmit: () => api(path, { method: item ? 'PUT' : 'POST', body: form.read() }),
    });
    if (ok) {
      showMessage(done, '已提交，请等待单位审核。');
      load();
    }
  }

  async function remove(section, item) {
    const ok = await confirmDialog({
      title: '删除' + section.label,
      text: '删除也须单位审核通过后才生效。确定提交删除？',
      danger: true,
      testid: 'archive-delete',
      action: () => api('/api/me/archive/' + section.key + '/' + encodeURIComponent(item.id), { method: 'DELETE' }),
    });
    if (ok) {
      showMessage(done, '已提交，请等待单位审核。');
      load();
    }
  }

  async function withdraw(change) {
    try {
      await api('/api/me/archive-changes/' + encodeURIComponent(change.id), { method: 'DELETE' });
      showMessage(done, '已撤回。');
      load();
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
    }
  }

  function sectionNode(section, items) {
    return h(
      'section',
      { class: 'card section-card', 'data-testid': 'archive-section-' + section.key },
      h('div', { class: 'section-head' }, h('h2', { class: 'section-title' }, section.label), h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'archive-add-' + section.key, onclick: () => edit(section, null) }, '新增')),
      items.length
        ? h(
            'ul',
            { class: 'archive-items' },
            items.map((item) =>
              h(
                'li',
                { 'data-testid': 'archive-item-' + section.key },
                h('span', { class: 'archive-item-text' }, section.fields.map((f) => item[f.name]).filter(Boolean).join(' · ')),
                h('button', { type: 'button', class: 'link-act', 'data-testid': 'archive-edit', onclick: () => edit(section, item) }, '修改'),
                h('button', { type: 'button', class: 'link-act', 'data-testid': 'archive-remove', onclick: () => remove(section, item) }, '删除'),
              ),
            ),
          )
        : h('p', { class: 'muted' }, '暂无。'),
    );
  }

  async function load() {
    showMessage(error, '');
    try {
      const archive = await api('/api/me/archive');
      const changes = archive.changes || [];
      mount(
        body,
        archive.sections.map((s) => sectionNode(s, archive[s.key] || [])),
        h(
          'section',
          { class: 'card section-card', 'data-testid': 'archive-changes' },
          h('h2', { class: 'section-title' }, '变更记录'),
          changes.length
            ? changes.map((c) =>
                h(
                  'div',
                  { class: 'archive-change', 'data-testid': 'archive-change', 'data-status': c.status },
                  h('p', null, h('b', null, c.section_label + ' · ' + c.action_label), ' ', h('span', { class: 'pill pill-' + c.status }, c.status_label), ' ', h('span', { class: 'muted' }, fmtDateTime(c.created_at))),
                  c.reason ? h('p', { class: 'hint' }, '原因：' + c.reason) : null,
                  changeDiff(c, 'archive-change-diff'),
                  c.status === 'pending' ? h('button', { type: 'button', class: 'link-act', 'data-testid': 'archive-withdraw', onclick: () => withdraw(c) }, '撤回') : null,
                ),
              )
            : h('p', { class: 'muted' }, '暂无变更。'),
        ),
      );
      body.removeAttribute('aria-busy');
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
    }
  }

  async function loadHistory() {
    try {
      const data = await api('/api/me/history');
      if (!data.credits.length && !data.certificates.length) return;
      mount(
        history,
        h('h2', { class: 'section-title' }, '历史记录'),
        h('p', { class: 'muted' }, '旧系统中往年已审核通过的学分记录和证书，仅供查看。'),
        data.certificates.map((c) => h('p', { 'data-testid': 'history-certificate' }, c.year + ' 年度证书 ' + c.cert_no + '（' + c.issued_on + '，' + show(c.issuer) + '）')),
        h(
          'ul',
          { class: 'archive-items' },
          data.credits.map((c) => h('li', { 'data-testid': 'history-credit' }, c.activity_date + ' ' + c.title + ' · ' + label(CREDIT_CLASS, c.credit_class) + ' ' + num(c.credits) + ' 分')),
        ),
      );
    } catch (e) {
      // the archive is the page; history is an extra
    }
  }

  mount(ctx.main, pageTitle('技术档案', 'archive-title'), h('p', { class: 'people-actions' }, resume, ' ', h('a', { class: 'btn btn-secondary btn-sm', href: '/profile' }, '个人基本信息')), done, error, body, history);
  load();
  loadHistory();
}

// /provider/courses: a provider's public courses (公需课) with their state; 新建课程 asks for the
// title, hours, pass mark, attempts and time limit, then opens the course editor.

import { api } from '../api.js';
import { num } from '../format.js';
import { COURSE_STATUS } from '../labels.js';
import { navigate } from '../router.js';
import { h, mount, pageTitle } from '../ui.js';
import { emptyRow, formDialog, pill, table } from './admin-common.js';

function numberField(id, text, value, attrs) {
  const input = h('input', Object.assign({ id, type: 'number', required: true, value: String(value), inputmode: 'numeric', 'data-testid': id }, attrs));
  return { input, node: h('div', { class: 'field' }, h('label', { for: id }, text), input) };
}

export async function render(ctx) {
  ctx.setTitle('公需课');
  const data = await api('/api/courses', { query: { page_size: 200 } });
  const grid = table(['课程', ['学时', 'num'], ['课时', 'num'], '状态'], 'pcourses');
  data.items.forEach((c) => {
    grid.body.appendChild(
      h(
        'tr',
        { 'data-testid': 'pcourse-row' },
        h('td', null, h('a', { class: 'link-name', href: '/provider/courses/' + c.id, 'data-testid': 'pcourse-link' }, c.title)),
        h('td', { class: 'num' }, num(c.hours)),
        h('td', { class: 'num' }, String(c.lesson_count || 0)),
        h('td', null, pill(COURSE_STATUS, c.status, 'pcourse-status')),
      ),
    );
  });
  if (!data.total) grid.body.appendChild(emptyRow(4, '还没有公需课。'));

  async function create() {
    const title = h('input', { id: 'nc-title', type: 'text', required: true, maxlength: 200, 'data-testid': 'nc-title', 'data-required': '请填写课程名称。' });
    const hours = numberField('nc-hours', '学时（公需科目）', 6, { min: '0.5', max: '100', step: '0.5' });
    const pass = numberField('nc-pass', '及格分（满分 100）', 60, { min: '1', max: '100', step: '1' });
    const attempts = numberField('nc-attempts', '考试次数', 3, { min: '1', max: '20', step: '1' });
    const minutes = numberField('nc-minutes', '考试时长（分钟）', 30, { min: '1', max: '600', step: '1' });
    const saved = await formDialog({
      title: '新建公需课',
      testid: 'course-create-dialog',
      submitText: '保存并编辑课时',
      body: [h('div', { class: 'field' }, h('label', { for: 'nc-title' }, '课程名称'), title), hours.node, pass.node, attempts.node, minutes.node],
      onSubmit: () =>
        api('/api/courses', {
          method: 'POST',
          body: { title: title.value.trim(), hours: Number(hours.input.value), pass_mark: parseInt(pass.input.value, 10), max_attempts: parseInt(attempts.input.value, 10), time_limit_minutes: parseInt(minutes.input.value, 10) },
        }),
    });
    if (saved) navigate('/provider/courses/' + encodeURIComponent(saved.id));
  }

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      h('div', { class: 'page-head' }, pageTitle('公需课', 'pcourses-title'), h('div', { class: 'head-actions' }, h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'pcourses-new', onclick: create }, '+ 新建课程'))),
      grid.node,
    ),
  );
}

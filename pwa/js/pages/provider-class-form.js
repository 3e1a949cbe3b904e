// /provider/classes/new: a provider's new class (seed 004 §4): title, year, category (公需 / 专业 /
// 选修), hours, dates, online or a place, capacity and a description. Saved as a draft; the class
// page opens it for enrolment. A field the server refuses is named in the message and focused.

import { api } from '../api.js';
import { thisYear } from '../format.js';
import { navigate } from '../router.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink } from './admin-common.js';

function row(id, text, control, hint) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), control, hint ? h('p', { class: 'hint' }, hint) : null);
}

export function render(ctx) {
  ctx.setTitle('新建培训班');
  const year = thisYear();
  const f = {
    title: h('input', { type: 'text', maxlength: 200, required: true, 'data-testid': 'cf-title', 'data-required': '请填写培训班名称。' }),
    year: h('select', { 'data-testid': 'cf-year' }, [year + 1, year, year - 1].map((y) => h('option', { value: String(y), selected: y === year }, String(y)))),
    category: h('select', { 'data-testid': 'cf-category' }, [['professional', '专业科目'], ['elective', '选修科目'], ['public', '公需科目']].map(([v, t]) => h('option', { value: v }, t))),
    hours: h('input', { type: 'number', min: '0.5', max: '1000', step: '0.5', inputmode: 'decimal', required: true, 'data-testid': 'cf-hours', 'data-required': '请填写学时。' }),
    starts_on: h('input', { type: 'date', required: true, 'data-testid': 'cf-starts', 'data-required': '请选择开始日期。' }),
    ends_on: h('input', { type: 'date', required: true, 'data-testid': 'cf-ends', 'data-required': '请选择结束日期。' }),
    online: h('input', { type: 'checkbox', 'data-testid': 'cf-online' }),
    place: h('input', { type: 'text', maxlength: 200, placeholder: '如：示例市继续教育中心三楼报告厅', 'data-testid': 'cf-place' }),
    capacity: h('input', { type: 'number', min: '1', max: '100000', step: '1', inputmode: 'numeric', required: true, 'data-testid': 'cf-capacity', 'data-required': '请填写名额。' }),
    description: h('textarea', { rows: 4, maxlength: 4000, 'data-testid': 'cf-description' }),
  };
  const error = messageBox('cf-error');
  const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'cf-save' }, '保存');
  const placeRow = row('cf-place', '培训地点', f.place);
  f.online.addEventListener('change', () => {
    placeRow.hidden = f.online.checked;
  });
  const form = h(
    'form',
    { class: 'card admin-form', novalidate: true, 'data-testid': 'class-form' },
    error,
    h('div', { class: 'form-grid' }, row('cf-title', '培训班名称', f.title), row('cf-year', '年度', f.year), row('cf-category', '科目类别', f.category), row('cf-hours', '学时', f.hours), row('cf-starts', '开始日期', f.starts_on), row('cf-ends', '结束日期', f.ends_on), row('cf-capacity', '名额', f.capacity)),
    h('div', { class: 'field field-check' }, h('label', { class: 'check' }, f.online, h('span', null, '线上培训'))),
    placeRow,
    row('cf-description', '培训班简介', f.description, '学员报名前可以看到。'),
    h('div', { class: 'form-actions' }, save),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(error, '');
    const invalid = form.querySelector(':invalid');
    if (invalid) {
      showMessage(error, invalid.dataset.required || '请检查填写的内容。');
      invalid.focus();
      return;
    }
    const body = {
      title: f.title.value.trim(),
      year: parseInt(f.year.value, 10),
      category: f.category.value,
      hours: Number(f.hours.value),
      starts_on: f.starts_on.value,
      ends_on: f.ends_on.value,
      online: f.online.checked,
      place: f.online.checked ? '' : f.place.value.trim(),
      capacity: parseInt(f.capacity.value, 10),
      description: f.description.value.trim(),
    };
    setBusy(save, true, '保存中…');
    try {
      const saved = await api('/api/classes', { method: 'POST', body });
      navigate('/provider/classes/' + encodeURIComponent(saved.id), { replace: true });
    } catch (e) {
      if (e.handled) return;
      setBusy(save, false);
      showMessage(error, e.detail);
      const el = e.field && f[e.field];
      if (el) el.focus();
    }
  });
  mount(ctx.main, h('div', { class: 'admin-page admin-narrow' }, backLink('/provider/classes', '培训班'), pageTitle('新建培训班', 'cf-heading'), form));
}

// /trainings/new and /trainings/:id/edit: a department admin's in-house training form (seed 001 §4.1).
// 保存并返回列表, or 下一步完善举办周期 (save, then the detail page where sessions and courses are added).
// A field the server refuses (ApiError.field, e.g. 'hours') is marked invalid and focused.

import { api } from '../api.js';
import { thisYear as yearNow } from '../format.js';
import { navigate } from '../router.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';
import { ASSESSMENTS, FORMATS, backLink } from './admin-common.js';

function input(attrs) {
  return h('input', Object.assign({ type: 'text', autocomplete: 'off' }, attrs));
}

function fieldRow(id, labelText, control, { required = false, hint = '' } = {}) {
  control.id = id;
  if (required) control.required = true;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, labelText, required ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null),
    control,
    hint ? h('p', { class: 'hint' }, hint) : null,
  );
}

function selectOf(values, current, testid) {
  return h(
    'select',
    { 'data-testid': testid },
    values.map((v) => (Array.isArray(v) ? h('option', { value: v[0], selected: v[0] === current }, v[1]) : h('option', { value: v, selected: v === current }, v || '请选择'))),
  );
}

export async function render(ctx) {
  const editing = Boolean(ctx.params.id);
  ctx.setTitle(editing ? '编辑培训' : '新增内部培训');
  const role = ctx.role;
  if (!role || role.role !== 'dept_admin') {
    mount(ctx.main, notice({ iconName: 'lock', title: '无权操作', text: '只有科室管理员可以新增或修改院内培训。', href: '/trainings', linkText: '返回院内培训', testid: 'forbidden' }));
    return;
  }

  let training = null;
  if (editing) {
    const data = await api('/api/trainings/' + encodeURIComponent(ctx.params.id));
    training = data.training;
    if (training.status !== 'draft' && training.status !== 'rejected') {
      mount(ctx.main, notice({ title: '不能修改', text: '培训已提交或已审核，不能再修改。', href: '/trainings/' + training.id, linkText: '返回培训详情', testid: 'not-editable' }));
      return;
    }
  }
  const t = training || {};
  const thisYear = yearNow();
  const years = [];
  for (let y = thisYear + 1; y >= thisYear - 1; y -= 1) years.push([String(y), String(y)]);
  if (t.year && !years.some((y) => y[0] === String(t.year))) years.push([String(t.year), String(t.year)]);

  const f = {
    year: selectOf(years, String(t.year || thisYear), 'tf-year'),
    title: input({ maxlength: 200, value: t.title || '', placeholder: '请输入院内活动名称', 'data-testid': 'tf-title', 'data-required': '请填写活动名称。' }),
    credit_class: selectOf([['', '请选择'], ['I', 'I类学分'], ['II', 'II类学分']], t.credit_class || '', 'tf-class'),
    credits: input({ type: 'number', inputmode: 'decimal', min: '0.01', max: '100', step: '0.01', value: t.credits !== undefined ? String(t.credits) : '', 'data-testid': 'tf-credits', 'data-required': '请填写学分（大于 0，最多两位小数）。' }),
    hours: input({ type: 'number', inputmode: 'decimal', min: '0.01', max: '1000', step: '0.01', value: t.hours !== undefined ? String(t.hours) : '', 'data-testid': 'tf-hours', 'data-required': '请填写学时（大于 0，最多两位小数）。' }),
    discipline: input({ maxlength: 50, value: t.discipline || '', placeholder: '如：内科学', 'data-testid': 'tf-discipline' }),
    subdiscipline: input({ maxlength: 50, value: t.subdiscipline || '', placeholder: '如：心血管病学', 'data-testid': 'tf-subdiscipline' }),
    format: selectOf(FORMATS.concat(t.format && FORMATS.indexOf(t.format) === -1 ? [t.format] : []), t.format || '面授', 'tf-format'),
    assessment: selectOf(ASSESSMENTS.concat(t.assessment && ASSESSMENTS.indexOf(t.assessment) === -1 ? [t.assessment] : []), t.assessment || '', 'tf-assessment'),
    other_no: input({ maxlength: 50, value: t.other_no || '', 'data-testid': 'tf-other-no' }),
    remark: h('textarea', { rows: 3, maxlength: 2000, 'data-testid': 'tf-remark' }),
    requires_checkout: h('input', { type: 'checkbox', checked: Boolean(t.requires_checkout), 'data-testid': 'tf-checkout' }),
    min_minutes: input({ type: 'number', inputmode: 'numeric', min: '0', max: '1440', step: '1', value: String(t.min_minutes || 0), 'data-testid': 'tf-min-minutes' }),
  };
  f.credit_class.setAttribute('data-required', '请选择学分级别。');
  f.remark.value = t.remark || '';
  const minRow = fieldRow('tf-min-minutes', '签到后至少停留（分钟）', f.min_minutes, { hint: '满此时长后方可签退；0 表示不限。' });
  minRow.hidden = !f.requires_checkout.checked;
  f.requires_checkout.addEventListener('change', () => {
    minRow.hidden = !f.requires_checkout.checked;
  });

  const error = messageBox('tf-error');
  error.id = 'tf-error';
  const save = h('button', { type: 'submit', class: 'btn btn-secondary', name: 'back', 'data-testid': 'tf-save' }, '保存并返回列表');
  const next = h('button', { type: 'submit', class: 'btn btn-primary', name: 'next', 'data-testid': 'tf-next' }, editing ? '保存并返回详情' : '下一步完善举办周期');

  const form = h(
    'form',
    { class: 'card admin-form', novalidate: true, 'data-testid': 'training-form' },
    error,
    h(
      'div',
      { class: 'form-grid' },
      fieldRow('tf-year', '举办年度', f.year, { required: true }),
      fieldRow('tf-title', '活动名称', f.title, { required: true }),
      fieldRow('tf-class', '学分级别', f.credit_class, { required: true }),
      fieldRow('tf-credits', '学分', f.credits, { required: true }),
      fieldRow('tf-hours', '学时', f.hours, { required: true }),
      fieldRow('tf-discipline', '二级学科', f.discipline),
      fieldRow('tf-subdiscipline', '三级学科', f.subdiscipline),
      fieldRow('tf-format', '举办方式', f.format, { required: true }),
      fieldRow('tf-assessment', '考核方式', f.assessment),
      fieldRow('tf-other-no', '其他编号', f.other_no),
    ),
    fieldRow('tf-remark', '备注', f.remark),
    h('div', { class: 'field field-check' }, h('label', { class: 'check' }, f.requires_checkout, h('span', null, '需要签退（签到、签退都完成才登记学分）'))),
    minRow,
    h('p', { class: 'hint' }, '带 * 为必填项。'),
    h('div', { class: 'form-actions' }, save, next),
  );

  // The control the server named, marked until it is changed (or the form is sent again).
  let flagged = null;
  function unflag() {
    if (!flagged) return;
    flagged.removeAttribute('aria-invalid');
    flagged.removeAttribute('aria-describedby');
    flagged = null;
  }
  function flag(field) {
    unflag();
    const name = String(field || '').split(/[.[]/)[0];
    const el = Object.prototype.hasOwnProperty.call(f, name) ? f[name] : null;
    if (!el) return false;
    flagged = el;
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', error.id);
    el.focus();
    return true;
  }
  const unflagEdited = (event) => {
    if (event.target === flagged) unflag();
  };
  form.addEventListener('input', unflagEdited);
  form.addEventListener('change', unflagEdited);

  function numberOf(el) {
    const n = Number(el.value);
    return el.value.trim() === '' || isNaN(n) ? null : n;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(error, '');
    unflag();
    const submitter = event.submitter || next;
    const invalid = form.querySelector(':invalid') || (f.credit_class.value === '' ? f.credit_class : null);
    if (invalid || !f.title.value.trim()) {
      const el = invalid || f.title;
      showMessage(error, el.dataset.required || '请检查填写的内容。');
      el.focus();
      return;
    }
    const body = {
      title: f.title.value.trim(),
      year: parseInt(f.year.value, 10),
      credit_class: f.credit_class.value,
      credits: numberOf(f.credits),
      hours: numberOf(f.hours),
      discipline: f.discipline.value.trim(),
      subdiscipline: f.subdiscipline.value.trim(),
      format: f.format.value,
      assessment: f.assessment.value,
      other_no: f.other_no.value.trim(),
      remark: f.remark.value.trim(),
      requires_checkout: f.requires_checkout.checked,
      min_minutes: f.requires_checkout.checked ? Math.max(0, parseInt(f.min_minutes.value, 10) || 0) : 0,
    };
    if (!editing && role.scope_id !== null && role.scope_id !== undefined) body.department_id = role.scope_id;
    setBusy(submitter, true, '保存中…');
    try {
      const saved = editing
        ? await api('/api/trainings/' + encodeURIComponent(training.id), { method: 'PATCH', body })
        : await api('/api/trainings', { method: 'POST', body });
      navigate(submitter === save ? '/trainings' : '/trainings/' + encodeURIComponent(saved.id), { replace: !editing ? false : true });
    } catch (e) {
      if (e.handled) return;
      setBusy(submitter, false);
      showMessage(error, e.detail);
      if (!flag(e.field)) error.scrollIntoView({ block: 'nearest' });
    }
  });

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page admin-narrow' },
      backLink(editing ? '/trainings/' + training.id : '/trainings', editing ? '培训详情' : '院内培训'),
      pageTitle(editing ? '编辑培训' : '新增内部培训', 'tf-title-h'),
      editing && training.status === 'rejected' && training.review_reason ? h('p', { class: 'msg msg-error' }, '未通过原因：' + training.review_reason) : null,
      form,
    ),
  );
}

// /projects/new and /projects/:id/edit: 新项目申报, a department admin's application in five steps
// (seed 001 §3.1 "按要求逐步完成申报信息填写并保存提交"): 基本信息 → 课程安排 → 教学对象与招生 →
// 经费说明 → 附件与提交. The first 下一步 saves a draft; every later step saves what it holds
// (PATCH), so leaving halfway keeps the draft. Every step stays in the DOM (only hidden), so what was
// entered survives moving back and forth; a 422 naming a field goes back to that field's step.

import { api, upload } from '../api.js';
import { num, thisYear } from '../format.js';
import { navigate } from '../router.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { backLink, confirmDialog, formDialog, peoplePicker } from './admin-common.js';
import { EDITABLE, LEVEL_RULE_TEXT } from './admin-project-common.js';

const STEPS = ['基本信息', '课程安排', '教学对象与招生', '经费说明', '附件与提交'];
const FORMATS = ['面授', '线上', '线上线下结合'];
// Which step holds a field the server may name in a 422.
const FIELD_STEP = { title: 1, level: 1, year: 1, credits: 1, hours: 1, starts_on: 1, ends_on: 1, location: 1, leader: 1, discipline: 1, subdiscipline: 1, format: 1, courses: 2, audience: 3, intake: 3, budget_note: 4 };

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

function selectOf(options, current, testid) {
  return h('select', { 'data-testid': testid }, options.map(([value, text]) => h('option', { value, selected: value === current }, text)));
}

function numberOf(el) {
  const n = Number(el.value);
  return el.value.trim() === '' || isNaN(n) ? null : n;
}

/** An attendee's credits by the level's rule (6 hours a credit, at most 10), and never above what is asked. */
function attendeeCredits(hours, credits) {
  if (!hours || !credits) return null;
  return Math.min(Math.round((hours / 6) * 100) / 100, credits, 10);
}

export async function render(ctx) {
  const editing = Boolean(ctx.params.id);
  ctx.setTitle(editing ? '修改项目申报' : '新项目申报');
  if (!ctx.role || ctx.role.role !== 'dept_admin') {
    mount(ctx.main, notice({ iconName: 'lock', title: '无权操作', text: '只有科室管理员可以申报项目。', href: '/projects', linkText: '返回项目申报', testid: 'forbidden' }));
    return;
  }
  let project = null;
  if (editing) {
    project = await api('/api/projects/' + encodeURIComponent(ctx.params.id));
    if (EDITABLE.indexOf(project.status) === -1) {
      mount(ctx.main, notice({ title: '不能修改', text: '项目已提交或已审核，不能再修改。', href: '/projects/' + project.id, linkText: '返回项目详情', testid: 'not-editable' }));
      return;
    }
  }
  const p = project || {};
  const now = thisYear();
  const years = [];
  for (let y = now + 1; y >= now - 1; y -= 1) years.push([String(y), y + ' 年']);

  // ---------------------------------------------------------------- step 1: 基本信息
  const f = {
    title: input({ maxlength: 200, value: p.title || '', placeholder: '如：基层医院心力衰竭规范化诊治培训班', 'data-testid': 'pf-title', 'data-required': '请填写项目名称。' }),
    level: selectOf([['provincial', '省级'], ['city', '地市级']], p.level || 'provincial', 'pf-level'),
    year: selectOf(years, String(p.year || now), 'pf-year'),
    credits: input({ type: 'number', inputmode: 'decimal', min: '0.01', max: '10', step: '0.01', value: p.credits !== undefined ? String(p.credits) : '', 'data-testid': 'pf-credits', 'data-required': '请填写拟授学分（大于 0，不超过 10）。' }),
    hours: input({ type: 'number', inputmode: 'decimal', min: '0.01', max: '1000', step: '0.01', value: p.hours !== undefined ? String(p.hours) : '', 'data-testid': 'pf-hours', 'data-required': '请填写总学时（大于 0）。' }),
    starts_on: input({ type: 'date', value: p.starts_on || '', 'data-testid': 'pf-starts-on', 'data-required': '请选择举办开始日期。' }),
    ends_on: input({ type: 'date', value: p.ends_on || '', 'data-testid': 'pf-ends-on', 'data-required': '请选择举办结束日期。' }),
    location: input({ maxlength: 100, value: p.location || '', placeholder: '如：门诊楼三楼学术报告厅', 'data-testid': 'pf-location', 'data-required': '请填写举办地点。' }),
    leader: input({ maxlength: 50, value: p.leader || '', 'data-testid': 'pf-leader', 'data-required': '请填写项目负责人。' }),
    discipline: input({ maxlength: 50, value: p.discipline || '', placeholder: '如：内科学', 'data-testid': 'pf-discipline' }),
    subdiscipline: input({ maxlength: 50, value: p.subdiscipline || '', placeholder: '如：心血管病学', 'data-testid': 'pf-subdiscipline' }),
    format: selectOf(FORMATS.map((v) => [v, v]), p.format || '面授', 'pf-format'),
    audience: h('textarea', { rows: 4, maxlength: 2000, placeholder: '如：基层医院内科医师、全科医师', 'data-testid': 'pf-audience' }),
    intake: input({ type: 'number', inputmode: 'numeric', min: '0', max: '100000', step: '1', value: p.intake ? String(p.intake) : '', 'data-testid': 'pf-intake' }),
    budget_note: h('textarea', { rows: 5, maxlength: 2000, placeholder: '经费来源、收费标准与主要支出', 'data-testid': 'pf-budget' }),
  };
  f.audience.value = p.audience || '';
  f.budget_note.value = p.budget_note || '';
  const ruleHint = h('p', { class: 'msg msg-info', 'data-testid': 'pf-rule' });
  function paintRule() {
    const each = attendeeCredits(numberOf(f.hours), numberOf(f.credits));
    ruleHint.textContent = LEVEL_RULE_TEXT[f.level.value] + (each !== null ? '。按此计算，每位学员可获 ' + num(each) + ' 学分。' : '。');
  }
  [f.level, f.hours, f.credits].forEach((el) => el.addEventListener('input', paintRule));
  f.level.addEventListener('change', paintRule);
  paintRule();

  // ---------------------------------------------------------------- step 2: 课程安排
  const courses = (p.courses || []).map((c) => Object.assign({}, c));
  const courseList = h('div', { class: 'course-rows', 'data-testid': 'pf-courses' });
  function courseRow(course, index) {
    const title = input({ maxlength: 200, value: course.title || '', placeholder: '课程名称', 'aria-label': '第 ' + (index + 1) + ' 项课程名称', 'data-testid': 'pf-course-title' });
    const hours = input({ type: 'number', inputmode: 'decimal', min: '0.01', max: '100', step: '0.01', value: course.hours ? String(course.hours) : '', placeholder: '学时', 'aria-label': '学时', 'data-testid': 'pf-course-hours' });
    const speaker = input({ maxlength: 50, value: course.speaker_name || '', placeholder: '主讲人姓名', 'aria-label': '主讲人', 'data-testid': 'pf-course-speaker' });
    const speakerTitle = input({ maxlength: 50, value: course.speaker_title || '', placeholder: '职称', 'aria-label': '主讲人职称' });
    const speakerUnit = input({ maxlength: 100, value: course.speaker_unit || '', placeholder: '工作单位', 'aria-label': '主讲人工作单位' });
    const tag = h('span', { class: 'tag', hidden: !course.speaker_id }, '本单位人员');
    title.addEventListener('input', () => { course.title = title.value; });
    hours.addEventListener('input', () => { course.hours = numberOf(hours); });
    speaker.addEventListener('input', () => {
      // A name typed by hand is an outside speaker: no person, no speaker credit here.
      course.speaker_name = speaker.value;
      course.speaker_id = null;
      tag.hidden = true;
    });
    speakerTitle.addEventListener('input', () => { course.speaker_title = speakerTitle.value; });
    speakerUnit.addEventListener('input', () => { course.speaker_unit = speakerUnit.value; });
    const pick = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'pf-course-pick' }, '选本单位人员');
    pick.addEventListener('click', async () => {
      const picker = peoplePicker({ id: 'pf-speaker-picker', label: '主讲人（本单位人员可获授课学分）' });
      const chosen = await formDialog({ title: '选择主讲人', testid: 'speaker-dialog', body: [picker.node], onSubmit: () => picker.selected() || Promise.reject({ detail: '请搜索并选择一位人员。' }) });
      if (!chosen || chosen === true) return;
      course.speaker_id = chosen.id;
      course.speaker_name = chosen.name;
      speaker.value = chosen.name;
      tag.hidden = false;
    });
    const remove = h('button', { type: 'button', class: 'link-btn link-danger', 'data-testid': 'pf-course-remove' }, '删除');
    remove.addEventListener('click', () => {
      courses.splice(courses.indexOf(course), 1);
      paintCourses();
    });
    return h(
      'fieldset',
      { class: 'course-row', 'data-testid': 'pf-course' },
      h('legend', null, '第 ' + (index + 1) + ' 项'),
      h('div', { class: 'form-grid' }, title, hours, speaker, speakerTitle, speakerUnit),
      h('p', { class: 'row-actions' }, tag, pick, remove),
    );
  }
  function paintCourses() {
    mount(courseList, courses.length ? courses.map(courseRow) : h('p', { class: 'muted' }, '尚未添加课程。'));
  }
  const addCourse = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'pf-course-add' }, '+ 添加课程');
  addCourse.addEventListener('click', () => {
    courses.push({ title: '', hours: null, speaker_id: null, speaker_name: '', speaker_title: '', speaker_unit: '' });
    paintCourses();
    const rows = courseList.querySelectorAll('[data-testid="pf-course-title"]');
    rows[rows.length - 1].focus();
  });
  paintCourses();

  // ---------------------------------------------------------------- step 5: 附件
  const files = (p.files || []).filter((file) => file.kind === 'attachment');
  const fileList = h('ul', { class: 'file-list', 'data-testid': 'pf-files' });
  const fileInput = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/heic,application/pdf', 'data-testid': 'pf-file' });
  const fileStatus = h('p', { class: 'hint', 'aria-live': 'polite', 'data-testid': 'pf-file-status' });
  function paintFiles() {
    mount(fileList, files.length ? files.map((file) => h('li', { 'data-testid': 'pf-file-row' }, h('a', { href: file.url, target: '_blank', rel: 'noopener' }, show(file.filename)), ' ', h('span', { class: 'muted small' }, Math.ceil(file.size / 1024) + ' KB'), ' ', h('button', { type: 'button', class: 'link-btn link-danger', onclick: () => removeFile(file) }, '删除'))) : h('li', { class: 'muted' }, '尚未上传附件（可选）。'));
  }
  async function removeFile(file) {
    try {
      await api('/api/project-files/' + file.id, { method: 'DELETE' });
      files.splice(files.indexOf(file), 1);
      paintFiles();
    } catch (e) {
      if (!e.handled) showMessage(error, e.detail);
    }
  }
  fileInput.addEventListener('change', async () => {
    const file = fileInput.files && fileInput.files[0];
    if (!file || !project) return;
    fileStatus.textContent = '上传中…';
    try {
      files.push(await upload('/api/projects/' + project.id + '/files', file, { fields: { kind: 'attachment' }, onprogress: (x) => { fileStatus.textContent = '上传中… ' + Math.round(x * 100) + '%'; } }));
      fileStatus.textContent = '已上传。';
      paintFiles();
    } catch (e) {
      if (!e.handled) fileStatus.textContent = e.detail || '上传失败。';
    }
    fileInput.value = '';
  });
  paintFiles();

  // ---------------------------------------------------------------- the wizard
  const error = messageBox('pf-error');
  error.id = 'pf-error';
  const panels = [
    [
      h('div', { class: 'form-grid' },
        fieldRow('pf-title', '项目名称', f.title, { required: true }),
        fieldRow('pf-level', '项目级别', f.level, { required: true }),
        fieldRow('pf-year', '举办年度', f.year, { required: true }),
        fieldRow('pf-credits', '拟授学分', f.credits, { required: true }),
        fieldRow('pf-hours', '总学时', f.hours, { required: true }),
        fieldRow('pf-starts-on', '举办开始日期', f.starts_on, { required: true }),
        fieldRow('pf-ends-on', '举办结束日期', f.ends_on, { required: true }),
        fieldRow('pf-location', '举办地点', f.location, { required: true }),
        fieldRow('pf-leader', '项目负责人', f.leader, { required: true }),
        fieldRow('pf-discipline', '二级学科', f.discipline),
        fieldRow('pf-subdiscipline', '三级学科', f.subdiscipline),
        fieldRow('pf-format', '举办方式', f.format, { required: true })),
      ruleHint,
    ],
    [h('p', { class: 'muted step-lead' }, '逐项填写授课内容、主讲人和学时。本单位的主讲人请从人员中选择，项目结束后可获授课学分。'), courseList, addCourse],
    [fieldRow('pf-audience', '教学对象', f.audience), fieldRow('pf-intake', '拟招生人数', f.intake, { hint: '用于统计到课情况。' })],
    [fieldRow('pf-budget', '经费说明', f.budget_note)],
    [h('p', { class: 'muted step-lead' }, '上传申报书、课程表等附件（JPEG、PNG、HEIC 图片或 PDF，单个不超过 10 MB），确认无误后提交单位审核。'), fileList, h('div', { class: 'field' }, h('label', { for: 'pf-file-input' }, '添加附件'), fileInput), fileStatus],
  ];
  fileInput.id = 'pf-file-input';
  const stepItems = STEPS.map((name, i) => h('li', { class: 'stepper-item', 'data-testid': 'pf-stepper-' + (i + 1) }, h('span', { class: 'stepper-num', 'aria-hidden': 'true' }, String(i + 1)), h('span', { class: 'stepper-label' }, name)));
  const heading = h('h2', { class: 'step-title', tabindex: '-1', 'data-testid': 'pf-step-title' });
  const body = h('div', { class: 'wizard-body' });
  const back = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'pf-back' }, '上一步');
  const saveDraft = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'pf-save' }, '保存草稿');
  const next = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'pf-next' }, '下一步');
  const form = h('form', { class: 'card wizard admin-form', novalidate: true, 'data-testid': 'project-wizard' }, h('ol', { class: 'stepper', 'aria-label': '申报步骤' }, stepItems), heading, error, body, h('div', { class: 'wizard-actions' }, back, saveDraft, next));
  const panelNodes = panels.map((nodes, i) => h('div', { class: 'wizard-panel', 'data-testid': 'pf-step-' + (i + 1), hidden: true }, nodes));
  mount(body, panelNodes);
  let step = 1;

  function show_(n) {
    step = n;
    panelNodes.forEach((node, i) => { node.hidden = i !== n - 1; });
    stepItems.forEach((item, i) => {
      item.classList.toggle('done', i < n - 1);
      if (i === n - 1) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    });
    heading.textContent = '第 ' + n + ' 步 · ' + STEPS[n - 1];
    back.hidden = n === 1;
    next.textContent = n === STEPS.length ? '提交申报' : '下一步';
    fileInput.disabled = !project;
    heading.focus();
  }

  function stepFields(n) {
    if (n === 1) {
      return { title: f.title.value.trim(), level: f.level.value, year: parseInt(f.year.value, 10), credits: numberOf(f.credits), hours: numberOf(f.hours), starts_on: f.starts_on.value, ends_on: f.ends_on.value, location: f.location.value.trim(), leader: f.leader.value.trim(), discipline: f.discipline.value.trim(), subdiscipline: f.subdiscipline.value.trim(), format: f.format.value };
    }
    if (n === 2) return { courses: courses.map((c) => ({ title: (c.title || '').trim(), hours: c.hours, speaker_id: c.speaker_id || null, speaker_name: (c.speaker_name || '').trim(), speaker_title: (c.speaker_title || '').trim(), speaker_unit: (c.speaker_unit || '').trim() })) };
    if (n === 3) return { audience: f.audience.value.trim(), intake: numberOf(f.intake) || 0 };
    if (n === 4) return { budget_note: f.budget_note.value.trim() };
    return null;
  }

  /** The first thing to fix on step `n`, as {el, text}; null when the step is complete. */
  function check(n) {
    if (n === 1) {
      const invalid = panelNodes[0].querySelector(':invalid') || [f.title, f.location, f.leader].find((el) => !el.value.trim());
      if (invalid) return { el: invalid, text: invalid.dataset.required || '请检查填写的内容。' };
      if (f.ends_on.value < f.starts_on.value) return { el: f.ends_on, text: '结束日期不能早于开始日期。' };
    }
    if (n === 2) {
      const bad = courses.findIndex((c) => !(c.title || '').trim() || !c.hours || !(c.speaker_name || '').trim());
      if (bad !== -1) return { el: courseList.querySelectorAll('[data-testid="pf-course-title"]')[bad], text: '第 ' + (bad + 1) + ' 项课程：请填写课程名称、学时和主讲人。' };
    }
    return null;
  }

  /** Save the step's fields: the first save creates the draft. Returns false when refused. */
  async function save(n, button) {
    showMessage(error, '');
    const invalid = check(n);
    if (invalid) {
      showMessage(error, invalid.text);
      invalid.el.focus();
      return false;
    }
    const fields = stepFields(n);
    if (!fields) return true;
    setBusy(button, true, '保存中…');
    try {
      if (!project) {
        const created = await api('/api/projects', { method: 'POST', body: Object.assign({ department_id: ctx.role.scope_id }, fields) });
        project = created;
        history.replaceState(history.state, '', '/projects/' + created.id + '/edit');
      } else {
        await api('/api/projects/' + project.id, { method: 'PATCH', body: fields });
      }
      return true;
    } catch (e) {
      if (e.handled) return false;
      showMessage(error, e.detail);
      const target = FIELD_STEP[String(e.field || '').split(/[.[]/)[0]];
      if (target && target !== step) show_(target);
      return false;
    } finally {
      setBusy(button, false);
    }
  }

  back.addEventListener('click', () => show_(Math.max(1, step - 1)));
  saveDraft.addEventListener('click', async () => {
    if ((await save(step, saveDraft)) && project) navigate('/projects/' + project.id);
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (step < STEPS.length) {
      if (await save(step, next)) show_(step + 1);
      return;
    }
    const done = await confirmDialog({
      title: '提交申报',
      text: '提交后由单位审核，审核期间不能修改。确定提交《' + (project.title || f.title.value) + '》吗？',
      submitText: '提交',
      testid: 'pf-submit-dialog',
      action: () => api('/api/projects/' + project.id + '/submit', { method: 'POST' }),
    });
    if (done) navigate('/projects/' + project.id, { replace: true });
  });

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page admin-narrow' },
      backLink(project ? '/projects/' + project.id : '/projects', project ? '项目详情' : '项目申报'),
      pageTitle(editing ? '修改项目申报' : '新项目申报', 'pf-heading'),
      project && project.status === 'returned' && project.review_reason ? h('p', { class: 'msg msg-error', 'data-testid': 'pf-reason' }, '退回原因：' + project.review_reason) : null,
      form,
    ),
  );
  show_(1);
}

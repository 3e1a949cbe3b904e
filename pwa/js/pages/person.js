// /people/:id: one person's record (an admin's view of someone in scope, or a trainee's own).
// Department and unit admins edit every field of seed 001 §2.1 (编辑), change the face photo
// (taken or chosen; the server crops it to 3:4 and re-encodes it without EXIF), and open the
// person's per-year title/status history (状态/职称维护) and change log (变动记录).

import { api, upload } from '../api.js';
import { back } from '../router.js';
import { isAdminRole } from '../session.js';
import { h, icon, mount, notice, pageTitle, show, showMessage, messageBox } from '../ui.js';
import { formDialog } from './admin-common.js';
import { errorField, failField, setFieldError } from './account-common.js';
import { choiceSelect, loadChoices, myDepartments } from './people-common.js';

// Sex, title level, staffing and status come as the words the forms print (labels.js).
const FIELDS = [
  ['sex', '性别'],
  ['person_no', '人员编号'],
  ['id_number', '身份证号'],
  ['phone', '手机号'],
  ['birth_date', '出生日期'],
  ['unit_name', '单位'],
  ['department_name', '科室'],
  ['specialty', '专业'],
  ['title', '职称'],
  ['title_level', '职称级别'],
  ['title_assessed_on', '职称评定时间'],
  ['appointment_year', '聘任年度'],
  ['staffing', '编制'],
  ['status', '状态'],
  ['position', '院内职务'],
];

/** The edit form (编辑): every §2.1 field; only what changed is sent (PATCH). */
async function editPerson(person, role) {
  const [choices, departments] = await Promise.all([loadChoices(), myDepartments(role)]);
  const text = (name, value, attrs = {}) => h('input', Object.assign({ type: 'text', name, value: value || '', maxlength: '50', autocomplete: 'off', 'data-testid': 'edit-' + name }, attrs));
  const levelOf = (title) => (choices.titles.find((t) => t.title === title) || {}).level || '';
  const inputs = {
    id_number: text('id_number', '', { maxlength: '18', placeholder: '当前 ' + person.id_number + '，更正时填写完整号码' }),
    name: text('name', person.name),
    department_id: choiceSelect(departments.map((d) => ({ value: d.id, text: d.name })), person.department_id, { name: 'department_id', 'data-testid': 'edit-department_id' }),
    title: choiceSelect(choices.titles.map((t) => ({ value: t.title, text: t.title })), person.title, { name: 'title', 'data-testid': 'edit-title' }, '请选择'),
    title_level: h('input', { type: 'text', name: 'title_level', value: person.title_level, readonly: true, 'data-testid': 'edit-title_level' }),
    title_assessed_on: h('input', { type: 'date', name: 'title_assessed_on', value: person.title_assessed_on || '', 'data-testid': 'edit-title_assessed_on' }),
    appointment_year: h('input', { type: 'number', name: 'appointment_year', min: '1950', max: '2100', value: person.appointment_year || '', placeholder: '年份', 'data-testid': 'edit-appointment_year' }),
    not_appointed: h('input', { type: 'checkbox', name: 'not_appointed', checked: person.appointment_year === null, 'data-testid': 'edit-not_appointed' }),
    staffing: choiceSelect(choices.staffings, person.staffing, { name: 'staffing', 'data-testid': 'edit-staffing' }),
    status: choiceSelect(choices.statuses, person.status, { name: 'status', 'data-testid': 'edit-status' }),
    phone: text('phone', '', { type: 'tel', maxlength: '11', inputmode: 'numeric', placeholder: '当前 ' + show(person.phone) + '，更换时填写' }),
    specialty: choiceSelect(choices.specialties, person.specialty, { name: 'specialty', 'data-testid': 'edit-specialty' }, '请选择'),
    position: text('position', person.position),
  };
  if (person.title && !levelOf(person.title)) inputs.title.appendChild(h('option', { value: person.title, selected: true }, person.title + '（不在列表中）'));
  if (person.specialty && choices.specialties.indexOf(person.specialty) < 0) inputs.specialty.appendChild(h('option', { value: person.specialty, selected: true }, person.specialty));
  inputs.title.addEventListener('change', () => {
    inputs.title_level.value = levelOf(inputs.title.value) || inputs.title_level.value;
  });
  inputs.not_appointed.addEventListener('change', () => {
    inputs.appointment_year.disabled = inputs.not_appointed.checked;
  });
  inputs.appointment_year.disabled = inputs.not_appointed.checked;
  Object.keys(inputs).forEach((name) => inputs[name].addEventListener('input', () => setFieldError(inputs[name], '')));

  let saved = null;
  const ok = await formDialog({
    title: '编辑人员信息',
    testid: 'person-edit',
    submitText: '保存',
    wide: true,
    body: [
      h('p', { class: 'hint' }, '带 * 为必填项；性别和出生日期由身份证号得出。'),
      errorField('edit-id_number', '身份证号', inputs.id_number),
      errorField('edit-name', '姓名 *', inputs.name),
      errorField('edit-department_id', '科室 *', inputs.department_id),
      errorField('edit-title', '当前职称 *', inputs.title),
      errorField('edit-title_level', '职称级别', inputs.title_level, { hint: '由当前职称决定。' }),
      errorField('edit-title_assessed_on', '职称评定时间 *', inputs.title_assessed_on),
      errorField('edit-appointment_year', '职称聘任年度 *', inputs.appointment_year, {
        after: h('label', { class: 'check-inline' }, inputs.not_appointed, ' 未聘任'),
      }),
      errorField('edit-staffing', '在编状态 *', inputs.staffing),
      errorField('edit-status', '人员状态 *', inputs.status),
      errorField('edit-phone', '手机 *', inputs.phone, { hint: '可通过手机号码找回个人密码。' }),
      errorField('edit-specialty', '专业 *', inputs.specialty),
      errorField('edit-position', '院内职务', inputs.position),
    ],
    onSubmit: async () => {
      const changes = {};
      const v = (name) => inputs[name].value.trim();
      if (v('id_number')) changes.id_number = v('id_number').toUpperCase();
      if (v('name') !== person.name) changes.name = v('name');
      if (v('department_id') && parseInt(v('department_id'), 10) !== person.department_id) changes.department_id = parseInt(v('department_id'), 10);
      if (v('title') && v('title') !== person.title) changes.title = v('title');
      if ((v('title_assessed_on') || null) !== person.title_assessed_on) changes.title_assessed_on = v('title_assessed_on') || null;
      const year = inputs.not_appointed.checked ? null : v('appointment_year') ? parseInt(v('appointment_year'), 10) : null;
      if (year !== person.appointment_year) changes.appointment_year = year;
      ['staffing', 'status', 'specialty', 'position'].forEach((name) => {
        if (v(name) !== (person[name] || '') && (v(name) || name === 'position')) changes[name] = v(name);
      });
      if (v('phone')) changes.phone = v('phone');
      if (!Object.keys(changes).length) throw { detail: '没有修改任何内容。' };
      try {
        saved = await api('/api/people/' + encodeURIComponent(person.id), { method: 'PATCH', body: changes });
      } catch (e) {
        if (e.field && inputs[e.field]) failField(inputs[e.field], e.detail);
        throw e;
      }
    },
  });
  return ok ? saved : null;
}

/** 个人免冠照片: take or choose a photo; the server crops it to 3:4 and strips EXIF. */
function photoBlock(person, canEdit, onChanged) {
  const message = messageBox('photo-error');
  const image = person.has_photo
    ? h('img', { class: 'person-photo', alt: person.name + '的照片', src: '/api/people/' + encodeURIComponent(person.id) + '/photo?v=' + Date.now(), 'data-testid': 'person-photo' })
    : h('div', { class: 'person-photo person-photo-none', 'data-testid': 'person-photo-none' }, '无照片');
  const input = h('input', { type: 'file', accept: 'image/*', capture: 'user', hidden: true, 'data-testid': 'photo-input' });
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    showMessage(message, '');
    try {
      onChanged(await upload('/api/people/' + encodeURIComponent(person.id) + '/photo', file));
    } catch (e) {
      if (!e.handled) showMessage(message, e.detail || '照片上传失败。');
    }
  });
  const button = canEdit
    ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'photo-change', onclick: () => input.click() }, person.has_photo ? '更换照片' : '拍照或选择照片')
    : null;
  return h('div', { class: 'photo-block' }, image, button, input, message, canEdit ? h('p', { class: 'hint' }, '免冠正面照，将自动裁剪为 3:4。') : null);
}

export function render(ctx) {
  ctx.setTitle('人员信息');
  const admin = isAdminRole(ctx.role);
  const canEdit = admin && (ctx.role.role === 'dept_admin' || ctx.role.role === 'unit_admin');
  const fallback = admin ? '/people' : '/';
  const backLink = h(
    'a',
    {
      class: 'back-link',
      href: fallback,
      'data-testid': 'person-back',
      onclick: (event) => {
        event.preventDefault();
        back(fallback);
      },
    },
    icon('back'),
    fallback === '/people' ? '返回人员列表' : '返回首页',
  );
  const title = pageTitle('人员信息', 'person-name');
  const done = messageBox('person-saved', 'ok');
  const body = h('div', { class: 'card', 'aria-busy': 'true' }, h('p', { class: 'muted' }, '加载中…'));
  mount(ctx.main, backLink, title, done, body);

  function paint(person) {
    title.textContent = show(person.name);
    ctx.setTitle(person.name || '人员信息');
    const rows = FIELDS.map(([key, name]) => {
      const value = key === 'appointment_year' && person.appointment_year === null ? '未聘任' : person[key];
      return h('div', { class: 'dl-row' }, h('dt', null, name), h('dd', { 'data-field': key }, show(value)));
    });
    const id = encodeURIComponent(person.id);
    const actions = admin
      ? h(
          'p',
          { class: 'people-actions' },
          canEdit
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-primary btn-sm',
                  'data-testid': 'person-edit-open',
                  onclick: async () => {
                    const saved = await editPerson(person, ctx.role);
                    if (saved) {
                      showMessage(done, '已保存。');
                      paint(saved);
                    }
                  },
                },
                '编辑',
              )
            : null,
          ' ',
          h('a', { class: 'btn btn-secondary btn-sm', href: '/people/' + id + '/years', 'data-testid': 'person-years' }, '状态/职称维护'),
          ' ',
          h('a', { class: 'btn btn-secondary btn-sm', href: '/people/changes?person_id=' + id, 'data-testid': 'person-changes' }, '变动记录'),
        )
      : null;
    mount(body, actions, h('div', { class: 'person-card' }, photoBlock(person, canEdit, paint), h('dl', { class: 'dl', 'data-testid': 'person-detail' }, rows)));
    body.removeAttribute('aria-busy');
  }

  api('/api/people/' + encodeURIComponent(ctx.params.id))
    .then(paint)
    .catch((e) => {
      if (e.handled) return;
      const text = e.status === 404 ? '未找到该人员，或您无权查看。' : e.detail;
      body.replaceWith(notice({ iconName: 'people', title: '无法显示', text, href: fallback, linkText: '返回', testid: 'person-error' }));
    });
}

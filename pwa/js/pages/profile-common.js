// Shared by the pages that edit a person's basic information (seed 001 §2.1): the trainee's own
// profile (profile.js), a department adding a person (people.js), and a unit / department picker
// used by binding requests (binding.js) and editing a registration (register-status.js).
// Values are what the API speaks (server/tables/enums.py).

import { api, isAbort } from '../api.js';
import { debounce, h, icon, mount } from '../ui.js';
import { errorField, failField, phoneProblem, setFieldError } from './account-common.js';

export const TITLE_LEVELS = ['正高', '副高', '中级', '初级', '无'];
export const STAFFINGS = ['在编', '编外'];

function options(select, values, selected) {
  values.forEach((v) => select.appendChild(h('option', { value: v, selected: v === selected }, v)));
  return select;
}

/**
 * The title, staffing, specialty and phone fields. values: initial values (a person record).
 * Returns {nodes, inputs, read() → body or null (the first problem shown on its field), fail(field, text)}.
 */
export function profileFields(prefix, values = {}) {
  const input = (name, attrs = {}) =>
    h('input', { type: 'text', name, maxlength: '50', autocomplete: 'off', value: values[name] || '', 'data-testid': prefix + '-' + name, ...attrs });
  const inputs = {
    title: input('title', { placeholder: '如 住院医师、主管护师；无职称填“无”' }),
    title_level: options(h('select', { name: 'title_level', 'data-testid': prefix + '-title_level' }), TITLE_LEVELS, values.title_level || '无'),
    title_assessed_on: h('input', { type: 'date', name: 'title_assessed_on', value: values.title_assessed_on || '', 'data-testid': prefix + '-title_assessed_on' }),
    appointment_year: h('input', { type: 'number', name: 'appointment_year', min: '1950', max: '2100', inputmode: 'numeric', value: values.appointment_year || '', placeholder: '未聘任可不填', 'data-testid': prefix + '-appointment_year' }),
    staffing: options(h('select', { name: 'staffing', 'data-testid': prefix + '-staffing' }), STAFFINGS, values.staffing || '在编'),
    specialty: input('specialty', { placeholder: '如 内科学、护理学' }),
    phone: input('phone', { type: 'tel', inputmode: 'numeric', maxlength: '11', autocomplete: 'tel-national', placeholder: '11 位手机号，可用于找回密码' }),
    position: input('position', { placeholder: '选填' }),
  };
  Object.keys(inputs).forEach((name) => inputs[name].addEventListener('input', () => setFieldError(inputs[name], '')));
  const nodes = [
    errorField(prefix + '-title', '当前职称 *', inputs.title),
    errorField(prefix + '-title_level', '职称级别 *', inputs.title_level),
    errorField(prefix + '-title_assessed_on', '职称评定时间', inputs.title_assessed_on, { hint: '职称级别为“无”时可不填。' }),
    errorField(prefix + '-appointment_year', '职称聘任年度', inputs.appointment_year),
    errorField(prefix + '-staffing', '在编状态 *', inputs.staffing),
    errorField(prefix + '-specialty', '专业 *', inputs.specialty),
    errorField(prefix + '-phone', '手机 *', inputs.phone),
    errorField(prefix + '-position', '院内职务', inputs.position),
  ];

  function fail(name, text) {
    if (inputs[name]) failField(inputs[name], text);
    return null;
  }

  function read({ requirePhone = true } = {}) {
    const v = (name) => inputs[name].value.trim();
    if (!v('title')) return fail('title', '请填写当前职称。');
    if (v('title_level') !== '无' && !v('title_assessed_on')) return fail('title_assessed_on', '请填写职称评定时间。');
    if (!v('specialty')) return fail('specialty', '请填写专业。');
    const phone = v('phone');
    if (requirePhone || phone) {
      const problem = phoneProblem(phone);
      if (problem) return fail('phone', problem);
    }
    const year = v('appointment_year');
    return {
      title: v('title'),
      title_level: v('title_level'),
      title_assessed_on: v('title_assessed_on') || null,
      appointment_year: year ? parseInt(year, 10) : null,
      staffing: v('staffing'),
      specialty: v('specialty'),
      phone,
      position: v('position'),
    };
  }

  return { nodes, inputs, read, fail };
}

/**
 * Pick a unit (search by name) and one of its departments.
 * Returns {node, unitInput, department, value() → {unit_id, department_id} | null (problem shown), set(unit)}.
 */
export function unitDepartmentPicker(prefix, { initial = null } = {}) {
  let unit = null;
  let search = null;
  const query = h('input', { type: 'search', autocomplete: 'off', maxlength: '50', placeholder: '输入单位名称关键字', 'data-testid': prefix + '-unit-q' });
  const list = h('ul', { class: 'pick-list', 'data-testid': prefix + '-unit-list', 'aria-label': '单位' });
  const status = h('p', { class: 'hint pick-status', 'aria-live': 'polite' });
  const chosenName = h('span', { class: 'picked-name', 'data-testid': prefix + '-unit-selected' });
  const change = h('button', { type: 'button', class: 'link-btn', 'data-testid': prefix + '-unit-change' }, '更换');
  const chosen = h('div', { class: 'picked', hidden: true }, icon('check'), chosenName, change);
  const picker = h('div', { class: 'unit-picker' }, h('div', { class: 'search-box' }, icon('search'), query), status, list);
  const department = h('select', { 'data-testid': prefix + '-department', disabled: true }, h('option', { value: '' }, '请先选择单位'));

  function choose(item, departmentId) {
    unit = item;
    setFieldError(query, '');
    chosen.hidden = !unit;
    picker.hidden = Boolean(unit);
    chosenName.textContent = unit ? unit.name : '';
    mount(department, h('option', { value: '' }, unit ? '加载中…' : '请先选择单位'));
    department.disabled = true;
    if (!unit) return;
    const mine = unit;
    api('/api/units/' + encodeURIComponent(mine.id) + '/departments', { redirect: false })
      .then((data) => {
        if (unit !== mine) return;
        const items = data.items || [];
        mount(
          department,
          h('option', { value: '' }, items.length ? '请选择科室' : '该单位暂无科室'),
          items.map((d) => h('option', { value: String(d.id), selected: d.id === departmentId }, d.name)),
        );
        department.disabled = !items.length;
      })
      .catch(() => mount(department, h('option', { value: '' }, '科室列表加载失败')));
  }

  async function find() {
    if (search) search.abort();
    const mine = (search = new AbortController());
    status.textContent = '搜索中…';
    try {
      const data = await api('/api/units', { query: { q: query.value.trim(), page_size: 20 }, signal: mine.signal, redirect: false });
      if (mine !== search) return;
      const items = data.items || [];
      mount(list, items.map((item) => h('li', null, h('button', { type: 'button', class: 'pick-option', 'data-testid': prefix + '-unit-option', onclick: () => choose(item) }, item.name))));
      status.textContent = items.length ? '点击选择单位：' : '没有找到匹配的单位，请换个关键字。';
    } catch (e) {
      if (isAbort(e)) return;
      status.textContent = e.detail || '单位列表加载失败。';
    }
  }

  query.addEventListener('input', debounce(find, 300));
  query.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      find();
    }
  });
  change.addEventListener('click', () => {
    choose(null);
    query.focus();
    if (!list.firstChild) find();
  });
  department.addEventListener('change', () => setFieldError(department, ''));
  if (initial && initial.unit_id) choose({ id: initial.unit_id, name: initial.unit_name }, initial.department_id);

  const node = [
    errorField(prefix + '-unit', '单位 *', query, { control: h('div', null, chosen, picker) }),
    errorField(prefix + '-department', '科室 *', department),
  ];

  function value() {
    if (!unit) return failField(query, '请搜索并选择单位。'), null;
    if (!department.value) return failField(department, '请选择科室。'), null;
    return { unit_id: unit.id, department_id: parseInt(department.value, 10) };
  }

  return { node, unitInput: query, department, value, load: find };
}

// /people: the people in the admin's scope (seed 001 §2.1 人员基本信息查看维护 and §2.2 人员状态/职称变更).
// The seed's filters (status, keyword on name / number / ID / phone, department, title, specialty,
// title level, staffing), masked ID numbers and phones, paging; for department and unit admins
// a checkbox per person and the batch change of a year's title or status, confirmed with how
// many people's compliance results it moves. The state lives in the query string.

import { api } from '../api.js';
import { replaceQuery, queryString } from '../router.js';
import { thisYear } from '../format.js';
import { debounce, field, h, icon, messageBox, mount, pageTitle, show, showMessage } from '../ui.js';
import { formDialog, listLoader, pager } from './admin-common.js';
import { idNumberInput, phoneProblem } from './account-common.js';
import { choiceSelect, filterField, loadChoices } from './people-common.js';

const PAGE_SIZE = 20;
const FILTERS = ['q', 'department_id', 'status', 'title', 'specialty', 'title_level', 'staffing'];

function personRow(person, showUnit, selectable, selected, onToggle) {
  const sub = [person.sex, person.title, person.specialty, person.position, person.person_no ? '编号 ' + person.person_no : '']
    .filter(Boolean)
    .join(' · ');
  const where = [showUnit ? person.unit_name : '', person.department_name].filter(Boolean).join(' · ');
  const check = selectable
    ? h('input', {
        type: 'checkbox',
        class: 'person-check',
        checked: selected.has(person.id),
        'aria-label': '选择 ' + person.name,
        'data-testid': 'people-check',
        onchange: (event) => onToggle(person.id, event.target.checked),
      })
    : null;
  return h(
    'li',
    { class: selectable ? 'person-item selectable' : 'person-item' },
    check,
    h(
      'a',
      { class: 'person-row', href: '/people/' + encodeURIComponent(person.id), 'data-testid': 'people-row', 'data-id': String(person.id) },
      h(
        'span',
        { class: 'person-main' },
        h('span', { class: 'person-name' }, show(person.name)),
        h('span', { class: 'person-sub' }, sub),
        h('span', { class: 'person-tags' }, h('span', { class: 'tag', 'data-testid': 'people-status' }, person.status), h('span', { class: 'tag' }, person.staffing), h('span', { class: 'tag' }, person.has_photo ? '有照片' : '无照片')),
      ),
      h('span', { class: 'person-where' }, show(where)),
      h(
        'span',
        { class: 'person-ids' },
        h('span', null, h('span', { class: 'k' }, '身份证 '), show(person.id_number)),
        h('span', null, h('span', { class: 'k' }, '手机 '), show(person.phone)),
      ),
      icon('chevron', 'row-chevron'),
    ),
  );
}

/**
 * 新增人员 (seed 001 §2.1): ID number, name, department (a unit admin picks it) and phone. The
 * account's username is the ID number and its first password the number's last six characters;
 * the person completes the rest of the basic information at first login, or the department edits it.
 */
async function addPerson(role, departments) {
  const choices = await loadChoices().catch(() => null);
  const more = choices
    ? {
        title: choiceSelect(choices.titles.map((t) => ({ value: t.title, text: t.title + '（' + t.level + '）' })), '', { 'data-testid': 'person-new-title' }, '请选择'),
        title_assessed_on: h('input', { type: 'date', 'data-testid': 'person-new-title_assessed_on' }),
        appointment_year: h('input', { type: 'number', min: '1950', max: '2100', placeholder: '未聘任可不填', 'data-testid': 'person-new-appointment_year' }),
        staffing: choiceSelect(choices.staffings, '在编', { 'data-testid': 'person-new-staffing' }),
        status: choiceSelect(choices.statuses, '正常', { 'data-testid': 'person-new-status' }),
        specialty: choiceSelect(choices.specialties, '', { 'data-testid': 'person-new-specialty' }, '请选择'),
        position: h('input', { type: 'text', maxlength: '50', 'data-testid': 'person-new-position' }),
      }
    : null;
  const idNumber = idNumberInput('person-new-id', 'person-new-id');
  const name = h('input', { type: 'text', maxlength: '50', autocomplete: 'off', 'data-testid': 'person-new-name' });
  const phone = h('input', { type: 'tel', maxlength: '11', inputmode: 'numeric', autocomplete: 'off', placeholder: '选填', 'data-testid': 'person-new-phone' });
  const department =
    role.role === 'unit_admin'
      ? h('select', { 'data-testid': 'person-new-department' }, h('option', { value: '' }, '请选择科室'), departments.map((d) => h('option', { value: String(d.id) }, d.name)))
      : null;
  let created = null;
  const ok = await formDialog({
    title: '新增人员',
    testid: 'person-new',
    submitText: '添加',
    body: [
      field('person-new-id', '身份证号 *', idNumber.input),
      idNumber.derived,
      field('person-new-name', '姓名 *', name),
      department ? field('person-new-department', '科室 *', department) : null,
      field('person-new-phone', '手机', phone),
      more
        ? h(
            'details',
            { class: 'more-fields' },
            h('summary', null, '更多信息（选填，也可由本人首次登录时补全）'),
            field('person-new-title', '当前职称', more.title),
            field('person-new-title_assessed_on', '职称评定时间', more.title_assessed_on),
            field('person-new-appointment_year', '职称聘任年度', more.appointment_year),
            field('person-new-staffing', '在编状态', more.staffing),
            field('person-new-status', '人员状态', more.status),
            field('person-new-specialty', '专业', more.specialty),
            field('person-new-position', '院内职务', more.position),
          )
        : null,
      h('p', { class: 'hint' }, '账号用户名为身份证号，初始密码为身份证号后六位，首次登录须修改密码并补全个人基本信息。'),
    ],
    onSubmit: async () => {
      const id = idNumber.check();
      if (!id) throw { detail: '身份证号码不正确。' };
      if (!name.value.trim()) throw { detail: '请填写姓名。' };
      if (department && !department.value) throw { detail: '请选择科室。' };
      if (phone.value.trim() && phoneProblem(phone.value.trim())) throw { detail: phoneProblem(phone.value.trim()) };
      const body = { id_number: id, name: name.value.trim(), phone: phone.value.trim() };
      if (department) body.department_id = parseInt(department.value, 10);
      if (more) {
        if (more.title.value) body.title = more.title.value;
        if (more.title_assessed_on.value) body.title_assessed_on = more.title_assessed_on.value;
        if (more.appointment_year.value) body.appointment_year = parseInt(more.appointment_year.value, 10);
        body.staffing = more.staffing.value;
        body.status = more.status.value;
        if (more.specialty.value) body.specialty = more.specialty.value;
        if (more.position.value.trim()) body.position = more.position.value.trim();
      }
      created = { person: await api('/api/people', { method: 'POST', body }), username: id };
    },
  });
  if (!ok || !created) return null;
  await formDialog({
    title: '人员已添加',
    testid: 'person-created',
    submitText: '知道了',
    body: [
      h('p', { class: 'dialog-intro' }, created.person.name + '（' + show(created.person.department_name) + '）的账号已创建：'),
      h('p', null, '用户名：', h('b', { 'data-testid': 'person-created-username' }, created.username)),
      h('p', { 'data-testid': 'person-created-rule' }, '初始密码为身份证号后六位，首次登录须修改。'),
    ],
    onSubmit: () => true,
  });
  return created.person;
}

/** 批量修改 (001 §2.2): a year, a title and/or a status for the selected people, after a preview. */
async function batchChange(ids, choices) {
  const years = [];
  for (let y = thisYear() + 1; y >= thisYear() - 10; y -= 1) years.push({ value: y, text: y + ' 年' });
  const year = choiceSelect(years, thisYear(), { 'data-testid': 'batch-year' });
  const title = choiceSelect(choices.titles.map((t) => ({ value: t.title, text: t.title + '（' + t.level + '）' })), '', { 'data-testid': 'batch-title' }, '不修改');
  const status = choiceSelect(choices.statuses, '', { 'data-testid': 'batch-status' }, '不修改');
  const body = () => {
    const value = { ids, year: parseInt(year.value, 10) };
    if (title.value) value.title = title.value;
    if (status.value) value.status = status.value;
    return value;
  };
  let preview = null;
  const chosen = await formDialog({
    title: '批量修改职称/人员状态',
    testid: 'batch',
    submitText: '下一步',
    body: [
      h('p', { class: 'dialog-intro' }, '已选择 ' + ids.length + ' 人。'),
      field('batch-year', '年度', year),
      field('batch-title', '职称修改', title),
      field('batch-status', '人员状态修改', status),
    ],
    onSubmit: async () => {
      if (!title.value && !status.value) throw { detail: '请选择要修改的职称或人员状态。' };
      preview = await api('/api/people/batch/preview', { method: 'POST', body: body() });
    },
  });
  if (!chosen || !preview) return null;
  let result = null;
  const confirmed = await formDialog({
    title: '确认批量修改',
    testid: 'batch-confirm',
    danger: true,
    submitText: '确认修改',
    body: [
      h('p', { class: 'msg msg-warn', 'data-testid': 'batch-warning' }, '点击后将影响达标结果，请慎重批量修改人员。'),
      h(
        'p',
        { class: 'dialog-intro', 'data-testid': 'batch-counts' },
        '将修改 ' + preview.changed + ' 人的 ' + year.value + ' 年度记录（已选 ' + preview.selected + ' 人），其中 ' + preview.affected + ' 人的达标结果可能随之改变。',
      ),
    ],
    onSubmit: async () => {
      result = await api('/api/people/batch', { method: 'POST', body: body() });
    },
  });
  return confirmed ? result : null;
}

export function render(ctx) {
  ctx.setTitle('人员');
  const role = ctx.role;
  const canEdit = role.role === 'dept_admin' || role.role === 'unit_admin';
  const state = { page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1) };
  FILTERS.forEach((key) => {
    state[key] = ctx.query.get(key) || '';
  });
  const selected = new Set();

  const search = h('input', {
    type: 'search',
    name: 'q',
    value: state.q,
    placeholder: '姓名、人员编号、身份证号或手机',
    autocomplete: 'off',
    enterkeyhint: 'search',
    'aria-label': '搜索人员',
    'data-testid': 'people-search',
  });
  const department =
    role.role === 'unit_admin'
      ? h('select', { name: 'department_id', 'aria-label': '科室', 'data-testid': 'people-department' }, h('option', { value: '' }, '全部科室'))
      : null;
  const selects = {
    status: h('select', { 'aria-label': '人员状态', 'data-testid': 'people-filter-status' }, h('option', { value: '' }, '全部状态')),
    title: h('select', { 'aria-label': '当前职称', 'data-testid': 'people-filter-title' }, h('option', { value: '' }, '全部职称')),
    specialty: h('select', { 'aria-label': '专业', 'data-testid': 'people-filter-specialty' }, h('option', { value: '' }, '全部专业')),
    title_level: h('select', { 'aria-label': '职称级别', 'data-testid': 'people-filter-title_level' }, h('option', { value: '' }, '全部级别')),
    staffing: h('select', { 'aria-label': '在编状态', 'data-testid': 'people-filter-staffing' }, h('option', { value: '' }, '全部在编状态')),
  };
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'people-total', 'aria-live': 'polite' });
  const list = h('ul', { class: 'people-list', 'data-testid': 'people-list' });
  const error = messageBox('people-error');
  const done = messageBox('people-done', 'ok');
  const pg = pager('people', (delta) => {
    state.page += delta;
    load();
    window.scrollTo(0, 0);
  });
  const selectedCount = h('span', { class: 'batch-count', 'data-testid': 'people-selected' }, '未选择');
  const pageAll = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'people-select-page' }, '本页全选');
  const batchButton = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'people-batch', disabled: true }, '批量修改职称/状态');
  const batchBar = canEdit
    ? h('div', { class: 'batch-bar' }, pageAll, selectedCount, batchButton, h('span', { class: 'hint' }, '点击后将影响达标结果，请慎重批量修改人员'))
    : null;
  let pageIds = [];

  function paintSelection() {
    selectedCount.textContent = selected.size ? '已选 ' + selected.size + ' 人' : '未选择';
    batchButton.disabled = !selected.size;
  }

  function toggle(id, on) {
    if (on) selected.add(id);
    else selected.delete(id);
    paintSelection();
  }

  const loadList = listLoader({ body: list, summary, error, retry: () => load() });

  function filterQuery() {
    const query = {};
    FILTERS.forEach((key) => {
      if (state[key]) query[key] = state[key];
    });
    return query;
  }

  async function load() {
    if (!list.isConnected) return; // the user has left the page (e.g. a late debounce)
    replaceQuery(Object.assign(filterQuery(), { page: state.page > 1 ? state.page : '' }));
    exportLink.setAttribute('href', '/api/people.xlsx' + queryString(filterQuery()));
    const data = await loadList((signal) => api('/api/people', { query: Object.assign(filterQuery(), { page: state.page, page_size: PAGE_SIZE }), signal }));
    if (!data) return;
    const items = data.items || [];
    pageIds = items.map((p) => p.id);
    mount(list, items.map((person) => personRow(person, role.role === 'region_admin', canEdit, selected, toggle)));
    if (!items.length) {
      list.appendChild(h('li', { class: 'empty' }, Object.keys(filterQuery()).length ? '没有找到符合条件的人员。' : '暂无人员。'));
    }
    summary.textContent = '共 ' + data.total + ' 人';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  function reload() {
    state.page = 1;
    load();
  }

  search.addEventListener(
    'input',
    debounce(() => {
      if (search.value.trim() === state.q) return;
      state.q = search.value.trim();
      reload();
    }, 350),
  );
  if (department) {
    department.addEventListener('change', () => {
      state.department_id = department.value;
      reload();
    });
  }
  Object.keys(selects).forEach((key) =>
    selects[key].addEventListener('change', () => {
      state[key] = selects[key].value;
      reload();
    }),
  );
  pageAll.addEventListener('click', () => {
    pageIds.forEach((id) => selected.add(id));
    list.querySelectorAll('.person-check').forEach((box) => {
      box.checked = true;
    });
    paintSelection();
  });
  batchButton.addEventListener('click', async () => {
    showMessage(done, '');
    const result = await batchChange(Array.from(selected), await loadChoices());
    if (!result) return;
    selected.clear();
    paintSelection();
    showMessage(done, '已修改 ' + result.updated + ' 人。');
    load();
  });

  const form = h(
    'form',
    {
      class: 'filters admin-filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        state.q = search.value.trim();
        search.blur(); // close the phone keyboard
        reload();
      },
    },
    h('span', { class: 'search-box af-grow' }, icon('search'), search),
    department ? filterField('科室', department) : null,
    filterField('人员状态', selects.status),
    filterField('当前职称', selects.title),
    filterField('专业', selects.specialty),
    filterField('职称级别', selects.title_level),
    filterField('在编状态', selects.staffing),
  );

  const scope = role.scope_name ? h('p', { class: 'muted page-sub' }, role.scope_name) : null;
  let departments = [];
  const add = canEdit
    ? h(
        'button',
        {
          type: 'button',
          class: 'btn btn-primary btn-sm',
          'data-testid': 'people-add',
          onclick: async () => {
            if (await addPerson(role, departments)) reload();
          },
        },
        '新增人员',
      )
    : null;
  const exportLink = h('a', { class: 'btn btn-secondary btn-sm', href: '/api/people.xlsx', download: '人员名单.xlsx', 'data-testid': 'people-export' }, '导出');
  const importLink = canEdit ? h('a', { class: 'btn btn-secondary btn-sm', href: '/people/import', 'data-testid': 'people-import' }, '导入') : null;
  const logLink = h('a', { class: 'btn btn-secondary btn-sm', href: '/people/changes', 'data-testid': 'people-changes' }, '变动日志');
  const regLink = role.role === 'unit_admin' ? h('a', { class: 'btn btn-secondary btn-sm', href: '/registrations', 'data-testid': 'people-registrations' }, '注册审核') : null;
  const archiveLink = role.role === 'unit_admin' ? h('a', { class: 'btn btn-secondary btn-sm', href: '/archive-changes', 'data-testid': 'people-archive-changes' }, '档案审核') : null;
  const actions = h('p', { class: 'people-actions' }, add, ' ', importLink, ' ', exportLink, ' ', logLink, ' ', regLink, ' ', archiveLink);
  mount(ctx.main, pageTitle('人员'), scope, actions, form, batchBar, summary, done, error, list, pg.node);
  load();

  loadChoices()
    .then((choices) => {
      const fill = (select, values, key) => {
        values.forEach((v) => select.appendChild(h('option', { value: v, selected: v === state[key] }, v)));
      };
      fill(selects.status, choices.statuses, 'status');
      fill(selects.title, choices.titles.map((t) => t.title), 'title');
      fill(selects.specialty, choices.specialties, 'specialty');
      fill(selects.title_level, choices.title_levels, 'title_level');
      fill(selects.staffing, choices.staffings, 'staffing');
    })
    .catch(() => {
      Object.keys(selects).forEach((key) => {
        selects[key].hidden = true; // the list still works unfiltered
      });
    });
  if (department) {
    api('/api/units/' + encodeURIComponent(role.scope_id) + '/departments', { query: { page_size: 200 } })
      .then((data) => {
        departments = data.items || [];
        departments.forEach((d) => {
          department.appendChild(h('option', { value: String(d.id), selected: String(d.id) === state.department_id }, d.name));
        });
      })
      .catch(() => {
        department.hidden = true;
      });
  }
}

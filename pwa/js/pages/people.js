// /people: the people in the admin's scope. Search, a department filter for unit admins,
// pagination; the state lives in the query string (?q=&department_id=&page=) so back/refresh keep it.

import { api } from '../api.js';
import { replaceQuery } from '../router.js';
import { debounce, field, h, icon, messageBox, mount, pageTitle, show } from '../ui.js';
import { formDialog, listLoader } from './admin-common.js';
import { idNumberInput, phoneProblem } from './account-common.js';

const PAGE_SIZE = 20;

function personRow(person, showUnit) {
  const sub = [person.sex, person.title, person.person_no ? '编号 ' + person.person_no : '']
    .filter(Boolean)
    .join(' · ');
  const where = [showUnit ? person.unit_name : '', person.department_name].filter(Boolean).join(' · ');
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'person-row', href: '/people/' + encodeURIComponent(person.id), 'data-testid': 'people-row' },
      h('span', { class: 'person-main' }, h('span', { class: 'person-name' }, show(person.name)), h('span', { class: 'person-sub' }, sub)),
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
 * the person completes the rest of the basic information at first login.
 */
async function addPerson(role, departments) {
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

export function render(ctx) {
  ctx.setTitle('人员');
  const role = ctx.role;
  const state = {
    q: ctx.query.get('q') || '',
    department_id: ctx.query.get('department_id') || '',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };

  const search = h('input', {
    type: 'search',
    name: 'q',
    value: state.q,
    placeholder: '姓名或人员编号',
    autocomplete: 'off',
    enterkeyhint: 'search',
    'aria-label': '搜索人员',
    'data-testid': 'people-search',
  });
  const department =
    role.role === 'unit_admin'
      ? h('select', { name: 'department_id', 'aria-label': '科室', 'data-testid': 'people-department' }, h('option', { value: '' }, '全部科室'))
      : null;
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'people-total', 'aria-live': 'polite' });
  const list = h('ul', { class: 'people-list', 'data-testid': 'people-list' });
  const error = messageBox('people-error');
  const prev = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'people-prev', disabled: true }, '上一页');
  const next = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'people-next', disabled: true }, '下一页');
  const pageInfo = h('span', { class: 'pager-info', 'data-testid': 'people-page' });
  const pager = h('div', { class: 'pager', hidden: true }, prev, pageInfo, next);

  const loadList = listLoader({ body: list, summary, error, retry: () => load() });

  async function load() {
    if (!list.isConnected) return; // the user has left the page (e.g. a late debounce)
    replaceQuery({ q: state.q, department_id: state.department_id, page: state.page > 1 ? state.page : '' });
    const data = await loadList((signal) => api('/api/people', {
      query: { q: state.q, department_id: state.department_id, page: state.page, page_size: PAGE_SIZE },
      signal,
    }));
    if (!data) return;
    const items = data.items || [];
    const total = typeof data.total === 'number' ? data.total : items.length;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    mount(list, items.map((person) => personRow(person, role.role === 'region_admin')));
    if (!items.length) {
      list.appendChild(h('li', { class: 'empty' }, state.q || state.department_id ? '没有找到符合条件的人员。' : '暂无人员。'));
    }
    summary.textContent = '共 ' + total + ' 人';
    pageInfo.textContent = '第 ' + state.page + ' / ' + pages + ' 页';
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    pager.hidden = pages <= 1 && state.page <= 1;
  }

  function reload() {
    state.page = 1;
    load();
  }

  const onType = debounce(() => {
    if (search.value.trim() === state.q) return;
    state.q = search.value.trim();
    reload();
  }, 350);
  search.addEventListener('input', onType);
  prev.addEventListener('click', () => {
    state.page -= 1;
    load();
    window.scrollTo(0, 0);
  });
  next.addEventListener('click', () => {
    state.page += 1;
    load();
    window.scrollTo(0, 0);
  });
  if (department) {
    department.addEventListener('change', () => {
      state.department_id = department.value;
      reload();
    });
  }

  const form = h(
    'form',
    {
      class: 'filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        state.q = search.value.trim();
        search.blur(); // close the phone keyboard
        reload();
      },
    },
    h('span', { class: 'search-box' }, icon('search'), search),
    department,
  );

  const scope = role.scope_name ? h('p', { class: 'muted page-sub' }, role.scope_name) : null;
  let departments = [];
  const add =
    role.role === 'dept_admin' || role.role === 'unit_admin'
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
  const regLink = role.role === 'unit_admin' ? h('a', { class: 'btn btn-secondary btn-sm', href: '/registrations', 'data-testid': 'people-registrations' }, '注册审核') : null;
  const actions = add || regLink ? h('p', { class: 'people-actions' }, add, ' ', regLink) : null;
  mount(ctx.main, pageTitle('人员'), scope, actions, form, summary, error, list, pager);
  load();

  if (department) {
    api('/api/units/' + encodeURIComponent(role.scope_id) + '/departments', { query: { page_size: 200 } })
      .then((data) => {
        departments = data.items || [];
        departments.forEach((d) => {
          department.appendChild(h('option', { value: String(d.id), selected: String(d.id) === state.department_id }, d.name));
        });
      })
      .catch(() => {
        department.hidden = true; // the list still works unfiltered
      });
  }
}

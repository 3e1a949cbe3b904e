// /people: the people in the admin's scope. Search, a department filter for unit admins,
// pagination; the state lives in the query string (?q=&department_id=&page=) so back/refresh keep it.

import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { SEX_LABELS, label } from '../labels.js';
import { debounce, h, icon, messageBox, mount, pageTitle, show, showMessage } from '../ui.js';

const PAGE_SIZE = 20;

function personRow(person, showUnit) {
  const sub = [label(SEX_LABELS, person.sex), person.title, person.person_no ? '编号 ' + person.person_no : '']
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

export function render(ctx) {
  ctx.setTitle('人员');
  const role = ctx.role;
  const state = {
    q: ctx.query.get('q') || '',
    department_id: ctx.query.get('department_id') || '',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };
  let controller = null;

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

  async function load() {
    if (!list.isConnected) return; // the user has left the page (e.g. a late debounce)
    replaceQuery({ q: state.q, department_id: state.department_id, page: state.page > 1 ? state.page : '' });
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    list.setAttribute('aria-busy', 'true');
    summary.textContent = '加载中…';
    showMessage(error, '');
    let data;
    try {
      data = await api('/api/people', {
        query: { q: state.q, department_id: state.department_id, page: state.page, page_size: PAGE_SIZE },
        signal: mine.signal,
      });
    } catch (e) {
      if (isAbort(e) || e.handled || mine !== controller) return;
      list.removeAttribute('aria-busy');
      summary.textContent = '';
      showMessage(error, e.detail);
      error.appendChild(h('button', { type: 'button', class: 'link-btn', onclick: load }, '重试'));
      return;
    }
    if (mine !== controller) return;
    list.removeAttribute('aria-busy');
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
  mount(ctx.main, pageTitle('人员'), scope, form, summary, error, list, pager);
  load();

  if (department) {
    api('/api/units/' + encodeURIComponent(role.scope_id) + '/departments', { query: { page_size: 200 } })
      .then((data) => {
        (data.items || []).forEach((d) => {
          department.appendChild(h('option', { value: String(d.id), selected: String(d.id) === state.department_id }, d.name));
        });
      })
      .catch(() => {
        department.hidden = true; // the list still works unfiltered
      });
  }
}

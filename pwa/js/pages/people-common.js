// Shared by the people-maintenance pages (seed 001 §2.1–2.3): the drop-down lists the server
// keeps (GET /api/people/choices), the departments an admin may pick, select builders, and the
// table of an import's row errors. Not a route of its own.

import { api } from '../api.js';
import { h } from '../ui.js';

let choicesPromise = null;

/** {titles: [{title, level}], specialties, title_levels, staffings, statuses, change_actions}, fetched once. */
export function loadChoices() {
  if (!choicesPromise) {
    choicesPromise = api('/api/people/choices').catch((e) => {
      choicesPromise = null;
      throw e;
    });
  }
  return choicesPromise;
}

/** The departments the role may put people in: its own, or every one of its unit. */
export async function myDepartments(role) {
  if (role.role === 'unit_admin') {
    const data = await api('/api/units/' + encodeURIComponent(role.scope_id) + '/departments', { query: { page_size: 200 } });
    return data.items || [];
  }
  if (role.role === 'dept_admin') return [{ id: role.scope_id, name: role.scope_name.split(' / ').pop() }];
  return [];
}

/** A <select> of `values` (strings or {value, text}); `empty` adds a first blank option. */
export function choiceSelect(values, selected, attrs = {}, empty = null) {
  const select = h('select', attrs);
  if (empty !== null) select.appendChild(h('option', { value: '' }, empty));
  values.forEach((v) => {
    const value = typeof v === 'string' ? v : String(v.value);
    const text = typeof v === 'string' ? v : v.text;
    select.appendChild(h('option', { value, selected: value === String(selected === null || selected === undefined ? '' : selected) }, text));
  });
  return select;
}

/** The row errors of a refused import: 行 / 列 / 原因, one table row each. */
export function importErrors(errors, testid) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'table', 'data-testid': testid },
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, '行'), h('th', { scope: 'col' }, '列'), h('th', { scope: 'col' }, '原因'))),
      h(
        'tbody',
        null,
        errors.map((e) =>
          h('tr', { 'data-testid': testid + '-row', 'data-row': String(e.row) }, h('td', { class: 'num' }, String(e.row)), h('td', null, e.column || e.field), h('td', null, e.detail)),
        ),
      ),
    ),
  );
}

/** A labelled control for the admin filter bars. */
export function filterField(text, control) {
  return h('label', { class: 'af' }, h('span', null, text), control);
}

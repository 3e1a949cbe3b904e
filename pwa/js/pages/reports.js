// /reports: 学分打印 (seed 001 §9) — the annual credit register (学分登记表, §9.2) of a department as PDF or
// workbook; the multi-year verification (多年度学分验证表, §9.1): pick a department, move people to 已选,
// pick up to five years, export the PDF; and a person's credit proof (I类 / II类 / 综合, 000 §6.4).
// Every PDF carries a verification code and its QR on each page.

import { api, download, saveBlob } from '../api.js';
import { thisYear } from '../format.js';
import { field, h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { peoplePicker } from './admin-common.js';
import { downloadLink, sectionTabs, yearSelect } from './statistics-common.js';

const MAX_YEARS = 5;
const STATUSES = ['正常', '调出', '退休', '离职', '停用'];

/** A department picker for the role: fixed for a department admin, the unit's for a unit admin,
 *  a unit search first for a region admin. `onChange(departmentId)` runs on every choice. */
function departmentPicker(role, id, onChange) {
  const select = h('select', { id, 'data-testid': id }, h('option', { value: '' }, '请选择科室'));
  select.addEventListener('change', () => onChange(select.value));
  const fill = (unitId) =>
    api('/api/units/' + encodeURIComponent(unitId) + '/departments').then((data) => {
      mount(select, h('option', { value: '' }, '请选择科室'), (data.items || []).map((d) => h('option', { value: String(d.id) }, d.name)));
      onChange('');
    });
  if (role.role === 'dept_admin') {
    mount(select, h('option', { value: String(role.scope_id) }, role.scope_name));
    setTimeout(() => onChange(String(role.scope_id)), 0);
    return { node: h('label', { class: 'af' }, h('span', null, '科室'), select), select };
  }
  if (role.role === 'unit_admin') {
    fill(role.scope_id).catch(() => {});
    return { node: h('label', { class: 'af' }, h('span', null, '科室'), select), select };
  }
  const unit = h('select', { id: id + '-unit', 'data-testid': id + '-unit' }, h('option', { value: '' }, '请选择单位'));
  api('/api/units', { query: { page_size: 100 } })
    .then((data) => (data.items || []).forEach((u) => unit.appendChild(h('option', { value: String(u.id) }, u.name))))
    .catch(() => {});
  unit.addEventListener('change', () => (unit.value ? fill(unit.value).catch(() => {}) : onChange('')));
  return { node: [h('label', { class: 'af' }, h('span', null, '单位'), unit), h('label', { class: 'af' }, h('span', null, '科室'), select)], select };
}

function registerCard(role) {
  const state = { year: thisYear(), department_id: '', title: '', status: '' };
  const year = yearSelect('register-year', state.year);
  const title = h('input', { type: 'text', id: 'register-title', maxlength: '50', placeholder: '全部职称', 'data-testid': 'register-title' });
  const status = h('select', { id: 'register-status', 'data-testid': 'register-status' }, h('option', { value: '' }, '全部'), STATUSES.map((s) => h('option', { value: s }, s)));
  const pdf = downloadLink('/api/reports/register.pdf', {}, '导出 PDF', 'register-pdf');
  const xlsx = downloadLink('/api/reports/register.xlsx', {}, '导出 Excel', 'register-xlsx');
  function update() {
    const params = { year: state.year, department_id: state.department_id, title: state.title, status: state.status };
    [pdf, xlsx].forEach((link) => {
      link.update(params);
      link.node.classList.toggle('is-disabled', !state.department_id);
      link.node.setAttribute('aria-disabled', state.department_id ? 'false' : 'true');
    });
  }
  const department = departmentPicker(role, 'register-department', (value) => {
    state.department_id = value;
    update();
  });
  year.addEventListener('change', () => { state.year = year.value; update(); });
  title.addEventListener('input', () => { state.title = title.value.trim(); update(); });
  status.addEventListener('change', () => { state.status = status.value; update(); });
  [pdf, xlsx].forEach((link) => link.node.addEventListener('click', (e) => { if (!state.department_id) e.preventDefault(); }));
  update();
  return h(
    'section',
    { class: 'section-card', 'data-testid': 'register-card' },
    h('h2', { class: 'card-title' }, '学分登记表'),
    h('p', { class: 'hint' }, '导出科室人员本年度审核通过、已生效的学分明细及达标结果。'),
    h('div', { class: 'admin-filters' }, h('label', { class: 'af' }, h('span', null, '年度'), year), department.node, h('label', { class: 'af' }, h('span', null, '职称'), title), h('label', { class: 'af' }, h('span', null, '人员状态'), status)),
    h('div', { class: 'head-actions' }, pdf.node, xlsx.node),
  );
}

function verificationCard(role) {
  const now = thisYear();
  const years = [];
  for (let y = now; y >= now - 6; y -= 1) years.push(y);
  const picked = new Set([now, now - 1, now - 2]);
  const chosen = new Map(); // id -> person
  const pool = h('select', { multiple: true, size: '8', class: 'shuttle-list', 'aria-label': '待选人员', 'data-testid': 'verify-pool' });
  const selected = h('select', { multiple: true, size: '8', class: 'shuttle-list', 'aria-label': '已选人员', 'data-testid': 'verify-chosen' });
  const poolTitle = h('span', null, '待选人员');
  const chosenTitle = h('span', null, '已选人员(0)');
  const message = messageBox('verify-error');
  const yearBoxes = years.map((y) => {
    const box = h('input', { type: 'checkbox', value: String(y), checked: picked.has(y), 'data-testid': 'verify-year' });
    box.addEventListener('change', () => {
      if (box.checked && picked.size >= MAX_YEARS) {
        box.checked = false;
        showMessage(message, '最多选择 ' + MAX_YEARS + ' 个年度。');
        return;
      }
      showMessage(message, '');
      if (box.checked) picked.add(y);
      else picked.delete(y);
    });
    return h('label', { class: 'check' }, box, h('span', null, String(y)));
  });
  let people = [];
  function paint() {
    mount(pool, people.filter((p) => !chosen.has(p.id)).map((p) => h('option', { value: String(p.id) }, '[' + (p.person_no || '') + '] ' + p.name)));
    mount(selected, Array.from(chosen.values()).map((p) => h('option', { value: String(p.id) }, '[' + (p.person_no || '') + '] ' + p.name)));
    poolTitle.textContent = '待选人员(' + pool.options.length + ')';
    chosenTitle.textContent = '已选人员(' + chosen.size + ')';
  }
  const department = departmentPicker(role, 'verify-department', async (value) => {
    people = [];
    if (value) {
      try {
        const data = await api('/api/people', { query: { department_id: value, page_size: 100 } });
        people = data.items || [];
      } catch (e) {
        showMessage(message, e.detail);
      }
    }
    paint();
  });
  const add = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': '加入已选', 'data-testid': 'verify-add' }, '→');
  const remove = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'aria-label': '移出已选', 'data-testid': 'verify-remove' }, '←');
  add.addEventListener('click', () => {
    Array.from(pool.selectedOptions).forEach((o) => chosen.set(parseInt(o.value, 10), people.find((p) => String(p.id) === o.value)));
    paint();
  });
  remove.addEventListener('click', () => {
    Array.from(selected.selectedOptions).forEach((o) => chosen.delete(parseInt(o.value, 10)));
    paint();
  });
  const exportButton = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'verify-pdf' }, '导出 PDF');
  exportButton.addEventListener('click', async () => {
    showMessage(message, '');
    if (!chosen.size) return showMessage(message, '请先把人员加入“已选人员”。');
    if (!picked.size) return showMessage(message, '请至少选择一个年度。');
    setBusy(exportButton, true, '生成中…');
    try {
      const file = await download('/api/reports/verification.pdf', { method: 'POST', body: { person_ids: Array.from(chosen.keys()), years: Array.from(picked).sort() } });
      saveBlob(file.blob, file.filename);
    } catch (e) {
      if (!e.handled) showMessage(message, e.detail);
    } finally {
      setBusy(exportButton, false);
    }
  });
  return h(
    'section',
    { class: 'section-card', 'data-testid': 'verify-card' },
    h('h2', { class: 'card-title' }, '多年度学分验证表'),
    h('p', { class: 'hint' }, '选择科室，把人员加入“已选人员”，选择年度（最多 ' + MAX_YEARS + ' 个），导出 PDF。'),
    h('div', { class: 'admin-filters' }, department.node),
    h('div', { class: 'shuttle' }, h('div', { class: 'shuttle-side' }, poolTitle, pool), h('div', { class: 'shuttle-buttons' }, add, remove), h('div', { class: 'shuttle-side' }, chosenTitle, selected)),
    h('div', { class: 'radio-row', role: 'group', 'aria-label': '年度' }, h('span', { class: 'muted' }, '年度'), yearBoxes),
    message,
    h('div', { class: 'head-actions' }, exportButton),
  );
}

function proofCard() {
  const picker = peoplePicker({ id: 'proof-person', label: '人员' });
  const klass = h('select', { id: 'proof-class', 'data-testid': 'proof-class' }, h('option', { value: 'all' }, 'I类 II类综合学分证明'), h('option', { value: 'I' }, 'I类学分证明'), h('option', { value: 'II' }, 'II类学分证明'));
  const from = h('input', { type: 'date', id: 'proof-from', value: thisYear() + '-01-01', 'data-testid': 'proof-from' });
  const to = h('input', { type: 'date', id: 'proof-to', value: thisYear() + '-12-31', 'data-testid': 'proof-to' });
  const message = messageBox('proof-error');
  const button = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'proof-pdf' }, '出具学分证明');
  button.addEventListener('click', async () => {
    showMessage(message, '');
    const person = picker.selected();
    if (!person) return showMessage(message, '请先搜索并选择人员。');
    setBusy(button, true, '生成中…');
    try {
      const file = await download('/api/people/' + encodeURIComponent(person.id) + '/credit-proof.pdf', { query: { class: klass.value, from: from.value, to: to.value } });
      saveBlob(file.blob, file.filename);
    } catch (e) {
      if (!e.handled) showMessage(message, e.detail);
    } finally {
      setBusy(button, false);
    }
  });
  return h(
    'section',
    { class: 'section-card', 'data-testid': 'proof-card' },
    h('h2', { class: 'card-title' }, '学分证明'),
    picker.node,
    h('div', { class: 'admin-filters' }, field('proof-class', '证明类型', klass), field('proof-from', '开始日期', from), field('proof-to', '结束日期', to)),
    message,
    h('div', { class: 'head-actions' }, button),
  );
}

export function render(ctx) {
  ctx.setTitle('学分打印');
  const head = h('div', { class: 'page-head' }, h('div', null, pageTitle('学分打印', 'reports-title'), ctx.role.scope_name ? h('p', { class: 'muted page-sub' }, ctx.role.scope_name) : null));
  mount(ctx.main, h('div', { class: 'admin-page' }, head, sectionTabs('reports'), registerCard(ctx.role), verificationCard(ctx.role), proofCard()));
}

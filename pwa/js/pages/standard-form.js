// /standards/new?year= and /standards/:id/edit: the region admin's standard editor — who it applies to
// (title levels, unit levels), its requirement lines (at least N credits or hours, in total, of a class
// or of a category) and its caps (at most M of the records matching class / category / source / rule).
// The server validates everything again and names the bad field (422), shown beside the form.

import { api } from '../api.js';
import { thisYear } from '../format.js';
import { CREDIT_CATEGORY, CREDIT_CLASS, CREDIT_SOURCE, LINE_CATEGORY, MEASURE, STANDARD_SCHEME } from '../labels.js';
import { navigate } from '../router.js';
import { field, h, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink } from './admin-common.js';

const TITLE_LEVELS = ['正高', '副高', '中级', '初级', '无'];
const UNIT_LEVELS = ['省直', '市直属', '区县', '学协会', '其他'];

function options(map, selected, blank) {
  const keys = Object.keys(map);
  return (blank ? [h('option', { value: '' }, blank)] : []).concat(keys.map((k) => h('option', { value: k, selected: k === selected }, map[k])));
}

function checks(name, values, chosen) {
  const boxes = values.map((v) => h('input', { type: 'checkbox', value: v, checked: chosen.indexOf(v) >= 0, 'data-testid': name + '-' + v }));
  const node = h('div', { class: 'check-row', role: 'group' }, boxes.map((box) => h('label', { class: 'check' }, box, ' ' + box.value)));
  return { node, values: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

function numberInput(value, testid) {
  return h('input', { type: 'number', inputmode: 'decimal', min: '0', max: '1000', step: '0.01', value: value === undefined || value === null ? '' : String(value), 'data-testid': testid, required: true, 'data-required': '请填写数值（0–1000，最多两位小数）。' });
}

/** Rows that can be added and removed; each row knows how to read itself. */
function rowList(testid, makeRow, initial, addText) {
  const rows = [];
  const list = h('div', { class: 'sf-rows', 'data-testid': testid });
  function add(value) {
    const row = makeRow(value || null);
    const remove = h('button', { type: 'button', class: 'link-act', 'data-testid': testid + '-remove', onclick: () => {
      rows.splice(rows.indexOf(row), 1);
      row.node.remove();
    } }, '删除');
    row.node.appendChild(remove);
    rows.push(row);
    list.appendChild(row.node);
  }
  initial.forEach(add);
  const button = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': testid + '-add', onclick: () => add(null) }, addText);
  return { node: h('div', null, list, button), read: () => rows.map((r) => r.read()) };
}

function requirementRow(line) {
  const l = line || { measure: 'credits', category: 'total', min: '' };
  const measure = h('select', { 'data-testid': 'sf-req-measure', 'aria-label': '计量' }, options(MEASURE, l.measure));
  const category = h('select', { 'data-testid': 'sf-req-category', 'aria-label': '类别' }, options(LINE_CATEGORY, l.category));
  const min = numberInput(l.min, 'sf-req-min');
  min.setAttribute('aria-label', '至少');
  return {
    node: h('div', { class: 'sf-row', 'data-testid': 'sf-req' }, category, measure, h('span', null, '≥'), min),
    read: () => ({ measure: measure.value, category: category.value, min: Number(min.value) }),
  };
}

function capRow(cap) {
  const c = cap || { measure: 'credits', class: null, category: null, source: null, rule_code: null, max: '' };
  const klass = h('select', { 'data-testid': 'sf-cap-class', 'aria-label': '学分级别' }, options(CREDIT_CLASS, c.class || '', '任意级别'));
  const category = h('select', { 'data-testid': 'sf-cap-category', 'aria-label': '科目' }, options(CREDIT_CATEGORY, c.category || '', '任意科目'));
  const source = h('select', { 'data-testid': 'sf-cap-source', 'aria-label': '来源' }, options(CREDIT_SOURCE, c.source || '', '任意来源'));
  const rule = h('input', { type: 'text', maxlength: 40, placeholder: '规则编码（可空）', value: c.rule_code || '', 'data-testid': 'sf-cap-rule', 'aria-label': '规则编码' });
  const measure = h('select', { 'data-testid': 'sf-cap-measure', 'aria-label': '计量' }, options(MEASURE, c.measure));
  const max = numberInput(c.max, 'sf-cap-max');
  max.setAttribute('aria-label', '最多');
  return {
    node: h('div', { class: 'sf-row', 'data-testid': 'sf-cap' }, klass, category, source, rule, h('span', null, '最多'), max, measure),
    read: () => ({ measure: measure.value, class: klass.value || null, category: category.value || null, source: source.value || null, rule_code: rule.value.trim() || null, max: Number(max.value) }),
  };
}

export async function render(ctx) {
  const editing = Boolean(ctx.params.id);
  ctx.setTitle(editing ? '修改达标标准' : '新增达标标准');
  if (!ctx.role || ctx.role.role !== 'region_admin') {
    mount(ctx.main, notice({ iconName: 'lock', title: '无权访问', text: '只有卫健委管理员可以维护达标标准。', href: '/standards', linkText: '返回', testid: 'forbidden' }));
    return;
  }
  let s = { year: parseInt(ctx.query.get('year'), 10) || thisYear(), name: '', scheme: 'cme', title_levels: [], unit_levels: [], requirements: [{ measure: 'credits', category: 'total', min: 25 }], caps: [], certificate_requires_pass: false, auto_apply: true, note: '' };
  if (editing) {
    try {
      s = await api('/api/standards/' + encodeURIComponent(ctx.params.id));
    } catch (e) {
      if (!e.handled) mount(ctx.main, notice({ title: '无法打开', text: e.detail, href: '/standards', linkText: '返回', testid: 'standard-form-error' }));
      return;
    }
  }
  const year = h('input', { type: 'number', min: '2000', max: '2100', step: '1', value: String(s.year), required: true, 'data-testid': 'sf-year', 'data-required': '请填写年度（2000–2100）。' });
  const name = h('input', { type: 'text', maxlength: 100, value: s.name, required: true, 'data-testid': 'sf-name', 'data-required': '请填写标准名称。' });
  const scheme = h('select', { 'data-testid': 'sf-scheme' }, options(STANDARD_SCHEME, s.scheme));
  const titles = checks('sf-title', TITLE_LEVELS, s.title_levels);
  const units = checks('sf-unit', UNIT_LEVELS, s.unit_levels);
  const requirements = rowList('sf-reqs', requirementRow, s.requirements, '添加要求');
  const caps = rowList('sf-caps', capRow, s.caps, '添加上限');
  const certificate = h('input', { type: 'checkbox', checked: s.certificate_requires_pass, 'data-testid': 'sf-certificate' });
  const auto = h('input', { type: 'checkbox', checked: s.auto_apply, 'data-testid': 'sf-auto' });
  const note = h('textarea', { rows: 2, maxlength: 2000, 'data-testid': 'sf-note' });
  note.value = s.note || '';
  const error = messageBox('sf-error');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'sf-submit' }, '保存');

  const form = h(
    'form',
    { class: 'card admin-form', novalidate: true, 'data-testid': 'standard-form' },
    error,
    h('div', { class: 'form-grid' }, field('sf-year', '年度', year), field('sf-name', '标准名称', name), field('sf-scheme', '类型', scheme)),
    h('fieldset', { class: 'sf-set' }, h('legend', null, '适用职称级别（不选为全部）'), titles.node),
    h('fieldset', { class: 'sf-set' }, h('legend', null, '适用机构等级（不选为全部）'), units.node),
    h('fieldset', { class: 'sf-set' }, h('legend', null, '要求（每项都须达到）'), requirements.node),
    h('fieldset', { class: 'sf-set' }, h('legend', null, '上限（符合条件的记录最多计入）'), caps.node),
    h('label', { class: 'check' }, certificate, ' 达标后方可打印年度证书（年度认证）'),
    h('label', { class: 'check' }, auto, ' 按地区、职称、机构等级自动适用（不勾选则仅在个人选择时适用）'),
    field('sf-note', '依据与说明', note),
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(error, '');
    const invalid = form.querySelector('input:invalid, select:invalid, textarea:invalid'); // not the fieldsets around them
    if (invalid) {
      showMessage(error, invalid.dataset.required || '请检查填写的内容。');
      invalid.focus();
      return;
    }
    const body = {
      year: parseInt(year.value, 10),
      name: name.value.trim(),
      scheme: scheme.value,
      title_levels: titles.values(),
      unit_levels: units.values(),
      requirements: requirements.read(),
      caps: caps.read(),
      certificate_requires_pass: certificate.checked,
      auto_apply: auto.checked,
      note: note.value.trim(),
    };
    setBusy(submit, true, '保存中…');
    try {
      const saved = editing
        ? await api('/api/standards/' + encodeURIComponent(ctx.params.id), { method: 'PUT', body })
        : await api('/api/standards', { method: 'POST', body });
      navigate('/standards?year=' + saved.year, { replace: true });
    } catch (e) {
      setBusy(submit, false);
      if (!e.handled) showMessage(error, e.detail + (e.field && e.detail.indexOf(e.field) < 0 ? '（' + e.field + '）' : ''));
    }
  });
  mount(ctx.main, backLink('/standards', '返回达标标准'), pageTitle(editing ? '修改达标标准' : '新增达标标准', 'standard-form-title'), form);
}

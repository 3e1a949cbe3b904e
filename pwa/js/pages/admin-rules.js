// /rules: the credit rule catalogue (seed 001 §5.2 "依据本省学分管理方法"). Every admin browses the
// rules of a year (national + their province's), filtered by 学分子分类 or a keyword. A province's
// region admin also maintains it: edit a rule, add one, and copy a year's catalogue into another
// year (rules already there are kept). National rules are read-only here. The server checks again.

import { num, thisYear as yearNow } from '../format.js';
import { api } from '../api.js';
import { replaceQuery } from '../router.js';
import { forgetRules, RULE_UNIT, ruleText, subtypes } from '../rules.js';
import { debounce, field, h, messageBox, mount, pageTitle, show } from '../ui.js';
import { CREDIT_CLASS, label } from '../labels.js';
import { emptyRow, formDialog, listLoader } from './admin-common.js';

const EDITOR = 'region_admin';

function numberOrNull(text) {
  const t = String(text).trim();
  return t === '' ? null : Number(t);
}

/** The add / edit dialog; resolves with the saved rule or null. */
function ruleDialog({ year, rule }) {
  const r = rule || { code: '', name: '', subtype: '', class: 'II', unit: 'hour', unit_size: 1, credits_per_step: 1, author_credits: [], cap: null, daily_limit: null, evidence_required: true, guidance: '', active: true, sort: 0 };
  const inp = (key, attrs) => h('input', Object.assign({ 'data-testid': 'rd-' + key, name: key }, attrs));
  const code = inp('code', { type: 'text', maxlength: 40, required: true, pattern: '[A-Za-z0-9_\\-]+', value: r.code, 'data-required': '请填写规则编码（字母、数字、下划线或连字符）。' });
  const name = inp('name', { type: 'text', maxlength: 100, required: true, value: r.name, 'data-required': '请填写规则名称。' });
  const subtype = inp('subtype', { type: 'text', maxlength: 100, value: r.subtype });
  const klass = h('select', { 'data-testid': 'rd-class' }, ['I', 'II'].map((k) => h('option', { value: k, selected: r.class === k }, CREDIT_CLASS[k])));
  const unit = h('select', { 'data-testid': 'rd-unit' }, Object.keys(RULE_UNIT).map((k) => h('option', { value: k, selected: r.unit === k }, '按' + RULE_UNIT[k])));
  const unitSize = inp('unit_size', { type: 'number', min: '0.01', step: '0.01', value: String(r.unit_size) });
  const perStep = inp('credits_per_step', { type: 'number', min: '0.01', step: '0.01', value: String(r.credits_per_step) });
  const authors = inp('author_credits', { type: 'text', maxlength: 60, placeholder: '25,15,10', value: (r.author_credits || []).join(',') });
  const cap = inp('cap', { type: 'number', min: '0.01', step: '0.01', value: r.cap === null ? '' : String(r.cap) });
  const daily = inp('daily_limit', { type: 'number', min: '0.5', max: '24', step: '0.5', value: r.daily_limit === null ? '' : String(r.daily_limit) });
  const evidence = inp('evidence_required', { type: 'checkbox', checked: Boolean(r.evidence_required) });
  const active = inp('active', { type: 'checkbox', checked: r.active !== false });
  const sort = inp('sort', { type: 'number', step: '1', value: String(r.sort || 0) });
  const guidance = h('textarea', { 'data-testid': 'rd-guidance', rows: 3, maxlength: 2000 }, r.guidance || '');
  const stepFields = h('div', { class: 'field-grid' }, field('rd-unit-size', '每（计量单位数）', unitSize), field('rd-per-step', '授予学分', perStep));
  const authorField = field('rd-authors', '按作者位次的学分（逗号分隔）', authors, '第一作者（通讯作者）, 第二作者, 第三作者…');
  const dailyField = field('rd-daily', '每日最多学时（可空）', daily);

  function paintUnit() {
    const byAuthor = unit.value === 'authorship';
    stepFields.hidden = byAuthor;
    authorField.hidden = !byAuthor;
    dailyField.hidden = unit.value !== 'hour';
  }
  unit.addEventListener('change', paintUnit);
  paintUnit();

  return formDialog({
    title: rule ? '修改学分规则' : '新增学分规则（' + year + ' 年度）',
    testid: 'rule-dialog',
    submitText: '保存',
    wide: true,
    body: [
      h('div', { class: 'field-grid' }, field('rd-code', '规则编码', code), field('rd-name', '具体名称', name), field('rd-subtype', '学分子分类', subtype), field('rd-class', '学分级别', klass), field('rd-unit', '计分方式', unit), field('rd-cap', '最高限分（可空）', cap)),
      stepFields,
      authorField,
      dailyField,
      field('rd-guidance', '证明材料说明', guidance),
      h('div', { class: 'field-grid' }, h('label', { class: 'check' }, evidence, ' 须上传证明材料'), h('label', { class: 'check' }, active, ' 启用'), field('rd-sort', '排序', sort)),
    ],
    onSubmit: () => {
      const byAuthor = unit.value === 'authorship';
      const authorList = authors.value
        .split(/[,，\s]+/)
        .filter(Boolean)
        .map(Number);
      if (byAuthor && (!authorList.length || authorList.some((n) => isNaN(n) || n <= 0))) throw new Error('请按作者位次填写学分，例如 25,15,10。');
      const body = {
        code: code.value.trim(),
        name: name.value.trim(),
        subtype: subtype.value.trim(),
        class: klass.value,
        unit: unit.value,
        unit_size: byAuthor ? 1 : Number(unitSize.value),
        credits_per_step: byAuthor ? 0 : Number(perStep.value),
        author_credits: byAuthor ? authorList : [],
        cap: numberOrNull(cap.value),
        daily_limit: unit.value === 'hour' ? numberOrNull(daily.value) : null,
        evidence_required: evidence.checked,
        guidance: guidance.value.trim(),
        active: active.checked,
        sort: Number(sort.value) || 0,
      };
      if (rule) return api('/api/credit-rules/' + encodeURIComponent(rule.id), { method: 'PUT', body });
      return api('/api/credit-rules', { method: 'POST', body: Object.assign({ year }, body) });
    },
  });
}

function copyDialog(year, years) {
  const from = h('select', { 'data-testid': 'copy-from' }, years.map((y) => h('option', { value: String(y), selected: y === year }, y + ' 年度')));
  const to = h('select', { 'data-testid': 'copy-to' }, years.map((y) => h('option', { value: String(y), selected: y === year + 1 }, y + ' 年度')));
  return formDialog({
    title: '复制年度学分规则',
    testid: 'copy-dialog',
    submitText: '复制',
    body: [h('p', { class: 'dialog-intro' }, '把本省一个年度的学分规则复制到另一个年度；目标年度已有的同编码规则保持不变。'), h('div', { class: 'field-grid' }, field('copy-from', '来源年度', from), field('copy-to', '目标年度', to))],
    onSubmit: () => api('/api/credit-rules/copy', { method: 'POST', body: { from_year: Number(from.value), to_year: Number(to.value) } }),
  });
}

export function render(ctx) {
  ctx.setTitle('学分规则');
  const editor = Boolean(ctx.role) && ctx.role.role === EDITOR;
  const thisYear = yearNow();
  const years = [thisYear + 1, thisYear, thisYear - 1, thisYear - 2, thisYear - 3];
  const state = {
    year: parseInt(ctx.query.get('year'), 10) || thisYear,
    subtype: ctx.query.get('subtype') || '',
    q: ctx.query.get('q') || '',
    inactive: editor && ctx.query.get('inactive') === '1',
  };
  if (years.indexOf(state.year) < 0) years.push(state.year);

  const yearSel = h('select', { id: 'rules-year', 'data-testid': 'rules-year' }, years.map((y) => h('option', { value: String(y), selected: y === state.year }, y + ' 年度')));
  const subtypeSel = h('select', { id: 'rules-subtype', 'data-testid': 'rules-subtype' }, h('option', { value: '' }, '全部'));
  const search = h('input', { id: 'rules-q', type: 'search', value: state.q, autocomplete: 'off', placeholder: '名称 / 编码', 'data-testid': 'rules-search' });
  const inactive = h('input', { type: 'checkbox', checked: state.inactive, 'data-testid': 'rules-inactive' });
  const filters = h(
    'form',
    { class: 'admin-filters', role: 'search', onsubmit: (e) => e.preventDefault() },
    h('label', { class: 'af' }, h('span', null, '举办年度'), yearSel),
    h('label', { class: 'af' }, h('span', null, '学分子分类'), subtypeSel),
    h('label', { class: 'af af-grow' }, h('span', null, '关键字'), search),
    editor ? h('label', { class: 'check' }, inactive, ' 含已停用') : null,
  );
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'rules-total', 'aria-live': 'polite' });
  const result = h('div', { class: 'msg msg-ok', role: 'status', 'data-testid': 'rules-result', hidden: true });
  const error = messageBox('rules-error');
  const headers = ['编码', '具体名称', '具体规定', '学分子分类', '级别', '证明材料', '适用', '状态'];
  if (editor) headers.push('操作');
  const body = h('tbody', { 'data-testid': 'rules-body' });
  const tableNode = h('div', { class: 'table-wrap' }, h('table', { class: 'table rules-table', 'data-testid': 'rules-table' }, h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col' }, t)))), body));

  function rowOf(r) {
    return h(
      'tr',
      { 'data-testid': 'rule-row', 'data-code': r.code },
      h('td', { class: 'nowrap' }, r.code),
      h('td', { class: 'cell-title' }, r.name, r.guidance ? h('p', { class: 'muted small' }, r.guidance) : null),
      h('td', { class: 'cell-rule' }, ruleText(r)),
      h('td', null, show(r.subtype)),
      h('td', { class: 'nowrap' }, label(CREDIT_CLASS, r.class)),
      h('td', { class: 'nowrap' }, r.evidence_required ? '须上传' : '不需要'),
      h('td', { class: 'nowrap' }, r.national ? '全国' : '本省'),
      h('td', { class: 'nowrap' }, h('span', { class: 'pill ' + (r.active ? 'pill-effective' : 'pill-revoked') }, r.active ? '启用' : '停用')),
      editor ? h('td', null, r.national ? h('span', { class: 'locked-note' }, '国家规则') : h('button', { type: 'button', class: 'link-act', 'data-testid': 'rule-edit', onclick: () => edit(r) }, '修改')) : null,
    );
  }

  const loadList = listLoader({ body, summary, error });

  async function load() {
    if (!body.isConnected) return;
    replaceQuery({ year: state.year === thisYear ? '' : state.year, subtype: state.subtype, q: state.q, inactive: state.inactive ? '1' : '' });
    const data = await loadList((signal) => api('/api/credit-rules', { query: { year: state.year, q: state.q, include_inactive: state.inactive ? 'true' : '' }, signal }));
    if (!data) return;
    const all = data.items || [];
    // Subtypes come from the whole year; the subtype filter applies here.
    const known = subtypes(all);
    if (state.subtype && known.indexOf(state.subtype) < 0) known.push(state.subtype);
    mount(subtypeSel, h('option', { value: '' }, '全部'), known.map((s) => h('option', { value: s, selected: s === state.subtype }, s)));
    const items = all.filter((r) => !state.subtype || r.subtype === state.subtype);
    mount(body, items.map(rowOf));
    if (!items.length) body.appendChild(emptyRow(headers.length, state.year + ' 年度没有符合条件的学分规则。'));
    summary.textContent = state.year + ' 年度 共 ' + items.length + ' 条规则';
  }

  function done(text) {
    forgetRules();
    result.textContent = text;
    result.hidden = false;
    load();
  }

  async function edit(r) {
    result.hidden = true;
    const saved = await ruleDialog({ year: state.year, rule: r });
    if (saved) done('已保存：' + saved.name + '（' + ruleText(saved) + '）。');
  }

  async function add() {
    result.hidden = true;
    const saved = await ruleDialog({ year: state.year, rule: null });
    if (saved) done('已新增：' + saved.name + '。');
  }

  async function copy() {
    result.hidden = true;
    const copied = await copyDialog(state.year, years.slice().sort());
    if (copied) done('已复制 ' + num(copied.copied) + ' 条规则。');
  }

  yearSel.addEventListener('change', () => {
    state.year = Number(yearSel.value);
    state.subtype = '';
    load();
  });
  subtypeSel.addEventListener('change', () => {
    state.subtype = subtypeSel.value;
    load();
  });
  inactive.addEventListener('change', () => {
    state.inactive = inactive.checked;
    load();
  });
  search.addEventListener(
    'input',
    debounce(() => {
      state.q = search.value.trim();
      load();
    }, 400),
  );

  const actions = editor
    ? h(
        'div',
        { class: 'head-actions' },
        h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'rule-add', onclick: add }, '新增规则'),
        h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'rules-copy', onclick: copy }, '复制年度'),
      )
    : null;
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page admin-wide' },
      h('div', { class: 'page-head' }, h('div', null, pageTitle('学分规则', 'rules-title'), h('p', { class: 'muted page-sub' }, editor ? '维护本省学分规则；全国规则只读。' : '本省及全国适用的学分规则（只读）。')), actions),
      filters,
      result,
      error,
      h('div', { class: 'list-head' }, summary),
      tableNode,
    ),
  );
  load();
}

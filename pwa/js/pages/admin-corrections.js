// /corrections: 学分删除修改 (seed 001 §5.1) for department and unit admins. Four ways in:
//   按人员      a person of the caller's scope → all their records
//   按项目      a training → its attendance credits
//   按主讲人    a training → its speaker credits
//   个人录入批量 every personal entry not yet effective
// Records not yet effective can be changed (修改) or deleted (删除), each with a reason that the
// server logs in the record's history; effective records are shown but locked. The server checks
// the state and the caller's scope again.

import { num } from '../format.js';
import { api, isAbort } from '../api.js';
import { replaceQuery } from '../router.js';
import { authorLabel, quantityInput, rulesOfYear, UNIT_QUANTITY } from '../rules.js';
import { debounce, h, messageBox, mount, notice, pageTitle, show } from '../ui.js';
import { CREDIT_CLASS, CREDIT_SOURCE, label } from '../labels.js';
import {
  emptyRow,
  formDialog,
  linkButton,
  listLoader,
  pager,
  peoplePicker,
  reasonDialog,
  reasonField,
} from './admin-common.js';
import { creditDetailBody, statusPill } from './admin-review.js';

const PAGE_SIZE = 50;
const ADMINS = ['dept_admin', 'unit_admin'];
const TABS = [
  { key: 'person', label: '按人员' },
  { key: 'training', label: '按项目' },
  { key: 'speaker', label: '按主讲人' },
  { key: 'personal', label: '个人录入批量' },
];
const NOT_EFFECTIVE = 'draft,pending_dept,pending_unit,returned';

/** Whether the caller may still change `c` (the list says so; older servers: not effective). */
function editable(c) {
  if (c.editable !== undefined && c.editable !== null) return Boolean(c.editable);
  return c.status !== 'effective' && c.status !== 'revoked';
}

async function ruleOf(c) {
  if (!c.rule_code || c.source !== 'personal') return null;
  try {
    return (await rulesOfYear(c.year)).find((r) => r.code === c.rule_code) || null;
  } catch (e) {
    return null;
  }
}

/** The record's detail and history in a dialog. */
export async function showCreditDialog(id) {
  let detail;
  try {
    detail = await api('/api/credits/' + encodeURIComponent(id));
  } catch (e) {
    if (!e.handled) await formDialog({ title: '无法打开学分详情', testid: 'credit-detail', submitText: '关闭', body: [h('p', { class: 'dialog-intro' }, e.detail)], onSubmit: () => true });
    return;
  }
  const rule = await ruleOf(detail);
  await formDialog({ title: '学分详情', testid: 'credit-detail', submitText: '关闭', wide: true, body: creditDetailBody(detail, rule), onSubmit: () => true });
}

/** 修改: the fields that make sense for the record's source, and a required reason. */
async function editDialog(c) {
  let detail = c;
  try {
    detail = await api('/api/credits/' + encodeURIComponent(c.id));
  } catch (e) {
    if (e.handled) return null;
  }
  const rule = await ruleOf(detail);
  const reason = reasonField('ce-reason', '修改原因');
  const fields = [];
  const inputs = {};
  const add = (key, labelText, input, hint) => {
    input.id = 'ce-' + key;
    input.setAttribute('data-testid', 'ce-' + key);
    inputs[key] = input;
    fields.push(h('div', { class: 'field' }, h('label', { for: input.id }, labelText), input, hint ? h('p', { class: 'hint' }, hint) : null));
  };
  if (detail.source === 'personal') {
    add('title', '活动名称', h('input', { type: 'text', maxlength: 200, required: true, value: detail.title || '', 'data-required': '请填写活动名称。' }));
    add('activity_date', '活动日期', h('input', { type: 'date', required: true, value: detail.activity_date || '', 'data-required': '请填写活动日期。' }));
    if (rule && rule.unit === 'authorship') {
      const positions = (rule.author_credits || []).map((credits, i) => h('option', { value: String(i + 1), selected: Number(detail.author_position) === i + 1 }, authorLabel(i + 1) + '（' + credits + '分）'));
      add('author_position', '作者排名', h('select', null, positions));
    } else if (!rule || rule.unit !== 'time') {
      // "每1次" rules count one activity per entry: nothing to change there.
      const unit = rule ? UNIT_QUANTITY[rule.unit] || '数量' : '数量';
      const whole = rule && rule.unit === 'day';
      add('quantity', unit, quantityInput(detail.quantity, whole, unit), rule ? rule.rule_text || null : null);
    }
  } else {
    add('title', '名称', h('input', { type: 'text', maxlength: 200, required: true, value: detail.title || '', 'data-required': '请填写名称。' }));
    add('credits', '学分', h('input', { type: 'number', min: '0', max: '999', step: '0.01', required: true, value: String(detail.credits), 'data-required': '请填写学分。' }));
    add('hours', '学时', h('input', { type: 'number', min: '0', max: '999', step: '0.01', required: true, value: String(detail.hours), 'data-required': '请填写学时。' }));
  }
  return formDialog({
    title: '修改学分 · ' + detail.person_name,
    testid: 'corr-edit-dialog',
    submitText: '保存修改',
    body: [h('p', { class: 'dialog-intro' }, '《' + detail.title + '》' + label(CREDIT_SOURCE, detail.source)), h('div', { class: 'field-grid' }, fields), reason.node],
    onSubmit: async () => {
      const body = { reason: reason.input.value.trim() };
      Object.keys(inputs).forEach((key) => {
        const raw = inputs[key].value.trim();
        const numeric = ['quantity', 'credits', 'hours', 'author_position'].indexOf(key) >= 0;
        const value = numeric ? Number(raw) : raw;
        const before = numeric ? Number(detail[key]) : detail[key];
        if (value !== before) body[key] = value;
      });
      if (Object.keys(body).length === 1) throw new Error('没有需要保存的修改。');
      return api('/api/credits/' + encodeURIComponent(detail.id), { method: 'PUT', body });
    },
  });
}

/** A training picker: search the caller's trainings, pick one. */
function trainingPicker({ onPick }) {
  let controller = null;
  const search = h('input', { id: 'corr-training-q', type: 'search', autocomplete: 'off', placeholder: '输入培训名称搜索', 'data-testid': 'corr-training-search' });
  const results = h('div', { class: 'picker-results', role: 'radiogroup', 'aria-label': '培训', 'data-testid': 'corr-training-results' });
  const status = h('p', { class: 'hint picker-status', 'aria-live': 'polite' });
  async function lookup() {
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    status.textContent = '搜索中…';
    try {
      const data = await api('/api/trainings', { query: { q: search.value.trim(), page_size: 20 }, signal: mine.signal });
      if (mine !== controller) return;
      const items = data.items || [];
      status.textContent = items.length ? '' : '没有找到培训。';
      mount(
        results,
        items.map((t) =>
          h(
            'label',
            { class: 'picker-row', 'data-testid': 'corr-training-row' },
            h('input', { type: 'radio', name: 'corr-training', value: String(t.id), onchange: () => onPick(t) }),
            h('span', { class: 'picker-name' }, show(t.title)),
            h('span', { class: 'picker-sub' }, [t.year, label(CREDIT_CLASS, t.credit_class), t.department_name].filter(Boolean).join(' · ')),
          ),
        ),
      );
    } catch (e) {
      if (isAbort(e) || mine !== controller) return;
      status.textContent = e.detail || '搜索失败。';
    }
  }
  search.addEventListener('input', debounce(lookup, 300));
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      lookup();
    }
  });
  lookup();
  return h('div', { class: 'field picker corr-picker' }, h('label', { for: search.id }, '培训项目'), search, status, results);
}

export function render(ctx) {
  ctx.setTitle('学分修改');
  const role = ctx.role;
  if (!role || ADMINS.indexOf(role.role) < 0) {
    mount(ctx.main, pageTitle('学分修改', 'corr-title'), notice({ iconName: 'lock', title: '无权修改', text: '学分修改由科室管理员和单位管理员办理。', href: '/', linkText: '返回首页', testid: 'corr-none' }));
    return;
  }
  const state = {
    tab: TABS.some((t) => t.key === ctx.query.get('tab')) ? ctx.query.get('tab') : 'person',
    person_id: ctx.query.get('person_id') || '',
    training_id: ctx.query.get('training_id') || '',
    q: ctx.query.get('q') || '',
    page: 1,
  };
  let targetName = '';

  const segs = h(
    'div',
    { class: 'segs', role: 'tablist', 'aria-label': '修改方式' },
    TABS.map((t) => h('button', { type: 'button', role: 'tab', class: 'seg', 'data-tab': t.key, 'data-testid': 'corr-tab-' + t.key, onclick: () => switchTab(t.key) }, t.label)),
  );
  const picker = h('div', { class: 'corr-target-area' });
  const target = h('p', { class: 'corr-target', 'data-testid': 'corr-target', hidden: true });
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'corr-total', 'aria-live': 'polite' });
  const result = h('div', { class: 'msg msg-ok', role: 'status', 'data-testid': 'corr-result', hidden: true });
  const error = messageBox('corr-error');
  const headers = ['姓名', '人员编号', '活动名称', '活动日期', '学分', '学时', '来源', '状态', '操作'];
  const body = h('tbody', { 'data-testid': 'corr-body' });
  const tableNode = h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'table review-table', 'data-testid': 'corr-table' }, h('thead', null, h('tr', null, headers.map((t) => h('th', { scope: 'col', class: t === '学分' || t === '学时' ? 'num' : null }, t)))), body),
  );
  const pg = pager('corr', (delta) => {
    state.page += delta;
    load();
  });
  const listArea = h('div', null, target, h('div', { class: 'list-head' }, summary), tableNode, pg.node);

  function query() {
    if (state.tab === 'person') return state.person_id ? { person_id: state.person_id } : null;
    if (state.tab === 'training') return state.training_id ? { training_id: state.training_id, source: 'attendance' } : null;
    if (state.tab === 'speaker') return state.training_id ? { training_id: state.training_id, source: 'speaker' } : null;
    return { source: 'personal', status: NOT_EFFECTIVE, q: state.q };
  }

  function rowOf(c) {
    const can = editable(c);
    const actions = h(
      'span',
      { class: 'row-actions' },
      h('button', { type: 'button', class: 'link-act', 'data-testid': 'corr-detail', onclick: () => showCreditDialog(c.id) }, '详情'),
      can ? h('button', { type: 'button', class: 'link-act', 'data-testid': 'corr-edit', onclick: () => edit(c) }, '修改') : null,
      can ? h('button', { type: 'button', class: 'link-act link-danger', 'data-testid': 'corr-delete', onclick: () => remove(c) }, '删除') : h('span', { class: 'locked-note', 'data-testid': 'corr-locked' }, '不可修改'),
    );
    return h(
      'tr',
      { 'data-testid': 'corr-row', 'data-id': String(c.id), class: can ? null : 'row-locked' },
      h('td', null, show(c.person_name)),
      h('td', { class: 'nowrap' }, show(c.person_no)),
      h('td', { class: 'cell-title' }, c.title),
      h('td', { class: 'nowrap' }, show(c.activity_date)),
      h('td', { class: 'num' }, label(CREDIT_CLASS, c.credit_class) + ' ' + num(c.credits)),
      h('td', { class: 'num' }, num(c.hours)),
      h('td', { class: 'nowrap' }, label(CREDIT_SOURCE, c.source)),
      h('td', { class: 'nowrap' }, statusPill(c, 'corr-status')),
      h('td', null, actions),
    );
  }

  const loadList = listLoader({ body, summary, error });

  async function load() {
    if (!body.isConnected) return;
    replaceQuery({ tab: state.tab, person_id: state.tab === 'person' ? state.person_id : '', training_id: state.tab === 'training' || state.tab === 'speaker' ? state.training_id : '', q: state.tab === 'personal' ? state.q : '' });
    const q = query();
    listArea.hidden = !q;
    if (!q) return;
    target.hidden = !targetName;
    target.textContent = targetName;
    const data = await loadList((signal) => api('/api/credits', { query: Object.assign({ page: state.page, page_size: PAGE_SIZE }, q), signal }));
    if (!data) return;
    const items = data.items || [];
    mount(body, items.map(rowOf));
    if (!items.length) body.appendChild(emptyRow(headers.length, state.tab === 'personal' ? '没有未生效的个人录入学分。' : '没有学分记录。'));
    const open = items.filter(editable).length;
    summary.textContent = '共 ' + data.total + ' 条' + (items.length ? '，本页可修改 ' + open + ' 条' : '');
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  function done(text) {
    result.textContent = text;
    result.hidden = false;
    load();
  }

  async function edit(c) {
    result.hidden = true;
    const saved = await editDialog(c);
    if (saved) done('已修改：' + c.person_name + '《' + c.title + '》。');
  }

  async function remove(c) {
    result.hidden = true;
    const ok = await reasonDialog({
      title: '删除学分 · ' + c.person_name,
      intro: '《' + c.title + '》' + num(c.credits) + ' 学分。删除后不可恢复。',
      labelText: '删除原因',
      submitText: '删除',
      testid: 'corr-delete-dialog',
      action: (reason) => api('/api/credits/' + encodeURIComponent(c.id), { method: 'DELETE', query: { reason } }),
    });
    if (ok) done('已删除：' + c.person_name + '《' + c.title + '》。');
  }

  function paintPicker() {
    segs.querySelectorAll('.seg').forEach((b) => {
      const on = b.dataset.tab === state.tab;
      b.classList.toggle('seg-on', on);
      b.setAttribute('aria-selected', on ? 'true' : 'false');
    });
    if (state.tab === 'person') {
      const pp = peoplePicker({
        id: 'corr-person',
        label: '人员（姓名或人员编号）',
        onPick: (person) => {
          state.person_id = String(person.id);
          targetName = person.name + (person.person_no ? '（' + person.person_no + '）' : '') + ' 的学分记录';
          state.page = 1;
          load();
        },
      });
      pp.node.classList.add('corr-picker');
      mount(picker, pp.node);
    } else if (state.tab === 'personal') {
      const search = h('input', { id: 'corr-q', type: 'search', value: state.q, autocomplete: 'off', placeholder: '姓名 / 人员编号 / 证件号 / 手机号', 'data-testid': 'corr-search' });
      search.addEventListener(
        'input',
        debounce(() => {
          state.q = search.value.trim();
          state.page = 1;
          load();
        }, 400),
      );
      targetName = '';
      mount(picker, h('div', { class: 'admin-filters' }, h('label', { class: 'af af-grow' }, h('span', null, '人员'), search)));
    } else {
      mount(
        picker,
        trainingPicker({
          onPick: (t) => {
            state.training_id = String(t.id);
            targetName = '《' + t.title + '》' + (state.tab === 'speaker' ? '的主讲人学分' : '的参训人员学分');
            state.page = 1;
            load();
          },
        }),
      );
    }
  }

  function switchTab(key) {
    if (key === state.tab) return;
    state.tab = key;
    state.page = 1;
    targetName = '';
    result.hidden = true;
    mount(body);
    paintPicker();
    load();
  }


  // A link with ?person_id= or ?training_id=: name the target from the server.
  if (state.tab === 'person' && state.person_id) {
    api('/api/people/' + encodeURIComponent(state.person_id))
      .then((p) => {
        targetName = p.name + (p.person_no ? '（' + p.person_no + '）' : '') + ' 的学分记录';
        target.textContent = targetName;
        target.hidden = false;
      })
      .catch(() => {});
  } else if ((state.tab === 'training' || state.tab === 'speaker') && state.training_id) {
    api('/api/trainings/' + encodeURIComponent(state.training_id))
      .then((d) => {
        targetName = '《' + d.training.title + '》' + (state.tab === 'speaker' ? '的主讲人学分' : '的参训人员学分');
        target.textContent = targetName;
        target.hidden = false;
      })
      .catch(() => {});
  }

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page admin-wide' },
      h(
        'div',
        { class: 'page-head' },
        h('div', null, pageTitle('学分修改', 'corr-title'), h('p', { class: 'muted page-sub' }, '只能修改或删除尚未生效的学分；每次修改都需填写原因，并记入处理记录。')),
        h('div', { class: 'head-actions' }, linkButton('/corrections/entry', '代录入学分', { 'data-testid': 'corr-entry' }), linkButton('/review', '学分审核')),
      ),
      segs,
      picker,
      result,
      error,
      listArea,
    ),
  );
  paintPicker();
  load();
}

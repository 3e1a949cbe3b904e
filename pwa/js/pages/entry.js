// Personal credit entry (seed 001 §5.2, seed 000 §6.3):
//   /credits/new?year=            pick a rule of the year's catalogue (search + subtype filter)
//   /credits/new?year=&rule=CODE  the entry form for that rule
//   /credits/:id/edit             the same form for a draft / pending / returned record of mine
// 保存 keeps a draft (POST /api/credits {"draft": true}, or PUT for an existing record) and then
// uploads the chosen files; 保存并上报 does the same and then submits. What the user typed stays in
// sessionStorage until the server has it all, so a reload or a lost connection loses nothing typed.

import { num, thisYear, ymd } from '../format.js';
import { api, isAbort } from '../api.js';
import { navigate, replaceQuery } from '../router.js';
import { debounce, h, icon, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';
import { clearFieldErrors, errorField, failField, setFieldError } from './account-common.js';
import { CREDIT_CLASS } from '../labels.js';
import { authorCredits, authorLabel, previewCredits, RULE_UNIT, ruleName, rulesOfYear, UNIT_QUANTITY } from '../rules.js';
import { evidenceField } from './entry-evidence.js';
import { statusChip, statusWord, yearPicker } from './trainee-common.js';

const STORE_PREFIX = 'jijiao.entry:';
const FIELDS = ['title', 'activity_date', 'quantity', 'author_position', 'project_no', 'organiser'];
const EDITABLE_STATUSES = ['draft', 'pending_dept', 'returned'];

export function render(ctx) {
  if (ctx.params.id) return renderForm(ctx, null);
  const code = ctx.query.get('rule');
  if (code) return renderForm(ctx, code);
  return renderPicker(ctx);
}

function yearOf(query) {
  const y = parseInt(query.get('year'), 10);
  return y >= 2000 && y <= 2100 ? y : thisYear();
}

// ---------------------------------------------------------------- step 1: the rule picker

function ruleRow(rule, year) {
  const href = '/credits/new?year=' + encodeURIComponent(year) + '&rule=' + encodeURIComponent(rule.code);
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'rulepick-row', href, 'data-testid': 'rule-row', 'data-code': rule.code },
      h(
        'span',
        { class: 'rulepick-main' },
        h('span', { class: 'rulepick-name', 'data-testid': 'rule-name' }, ruleName(rule)),
        h('span', { class: 'rulepick-text' }, rule.rule_text || ''),
        rule.subtype ? h('span', { class: 'rulepick-subtype' }, rule.subtype) : null,
      ),
      h('span', { class: 'chip chip-muted rulepick-class' }, CREDIT_CLASS[rule.class] || rule.class || ''),
      icon('chevron', 'row-chevron'),
    ),
  );
}

function matches(rule, words) {
  const text = [rule.name, rule.rule_text, rule.subtype].join(' ').toLowerCase();
  return words.every((word) => text.indexOf(word) !== -1);
}

async function renderPicker(ctx) {
  ctx.setTitle('录入学分');
  let year = yearOf(ctx.query);
  let rules = [];
  const search = h('input', {
    type: 'search',
    placeholder: '搜索学分类型，如“进修”“核心期刊”',
    'aria-label': '搜索学分类型',
    enterkeyhint: 'search',
    value: ctx.query.get('q') || '',
    'data-testid': 'rule-search',
  });
  const subtype = h('select', { 'aria-label': '学分子类别', 'data-testid': 'rule-subtype' }, h('option', { value: '' }, '全部子类别'));
  const list = h('ul', { class: 'rulepick-list', 'data-testid': 'rule-list', 'aria-live': 'polite' });
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'rule-summary' });
  const error = messageBox('rule-error');

  const picker = yearPicker(year, (value) => {
    year = value;
    load();
  }, 'rule-year', 3);

  mount(
    ctx.main,
    h('a', { class: 'back-link', href: '/credits', 'data-testid': 'entry-back' }, icon('back'), '我的学分'),
    h('div', { class: 'page-head' }, pageTitle('录入学分', 'entry-title'), picker),
    h('p', { class: 'page-sub muted' }, '选择要录入的学分类型（依据本省学分管理办法）。'),
    h('div', { class: 'filters' }, h('label', { class: 'search-box' }, icon('search'), search), subtype),
    error,
    summary,
    list,
  );

  function draw() {
    const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = rules.filter((rule) => (!subtype.value || rule.subtype === subtype.value) && matches(rule, words));
    replaceQuery({ year, q: search.value.trim() });
    if (!rules.length) {
      summary.textContent = '';
      mount(list, h('li', { class: 'empty', 'data-testid': 'rule-empty' }, year + ' 年度暂无可录入的学分类型。'));
    } else if (!shown.length) {
      summary.textContent = '';
      mount(list, h('li', { class: 'empty', 'data-testid': 'rule-empty' }, '没有符合条件的学分类型。'));
    } else {
      summary.textContent = '共 ' + shown.length + ' 项';
      mount(list, shown.map((rule) => ruleRow(rule, year)));
    }
  }

  async function load() {
    summary.textContent = '加载中…';
    showMessage(error, '');
    mount(list);
    try {
      rules = await rulesOfYear(year, 'usage');
    } catch (e) {
      if (e.handled) return;
      summary.textContent = '';
      showMessage(error, e.detail);
      return;
    }
    if (!list.isConnected) return;
    const chosen = subtype.value;
    const subtypes = [];
    rules.forEach((rule) => {
      if (rule.subtype && subtypes.indexOf(rule.subtype) === -1) subtypes.push(rule.subtype);
    });
    mount(subtype, h('option', { value: '' }, '全部子类别'), subtypes.map((s) => h('option', { value: s, selected: s === chosen }, s)));
    draw();
  }

  search.addEventListener('input', debounce(draw, 150));
  subtype.addEventListener('change', draw);
  await load();
}

// ---------------------------------------------------------------- step 2: the form

function readStore(key) {
  try {
    const raw = sessionStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch (e) {
    return null;
  }
}

function writeStore(key, value) {
  try {
    if (value) sessionStorage.setItem(key, JSON.stringify(value));
    else sessionStorage.removeItem(key);
  } catch (e) {
    // Private mode / full storage: the form still works, it just forgets on reload.
  }
}


async function renderForm(ctx, newCode) {
  const editingId = ctx.params.id || null;
  ctx.setTitle(editingId ? '修改学分' : '录入学分');
  const backHref = editingId ? '/credits/' + encodeURIComponent(editingId) : '/credits/new?year=' + encodeURIComponent(yearOf(ctx.query));
  const back = h('a', { class: 'back-link', href: backHref, 'data-testid': 'entry-back' }, icon('back'), editingId ? '学分详情' : '选择学分类型');
  mount(ctx.main, back, h('p', { class: 'muted' }, '加载中…'));

  // What the form edits: the record (when editing) and its rule.
  let credit = null;
  let rule = null;
  let year = yearOf(ctx.query);
  try {
    if (editingId) {
      credit = await api('/api/credits/' + encodeURIComponent(editingId));
      year = credit.year;
    }
    const rules = await rulesOfYear(year);
    const code = credit ? credit.rule_code : newCode;
    rule = rules.find((r) => r.code === code) || null;
  } catch (e) {
    if (e.handled) throw e;
    mount(ctx.main, back, notice({ iconName: 'alert', title: '无法打开', text: e.detail, href: '/credits', linkText: '返回我的学分', testid: 'entry-error' }));
    return;
  }
  const mine = !credit || (ctx.user && credit.person_id === ctx.user.person_id && credit.source === 'personal');
  if (credit && (!mine || !credit.editable || EDITABLE_STATUSES.indexOf(credit.status) === -1)) {
    mount(ctx.main, back, notice({ iconName: 'lock', title: '不能修改', text: '只有本人录入的、处于草稿、待科室审核或已退回状态的学分可以修改。', href: backHref, linkText: '返回学分详情', testid: 'entry-locked' }));
    return;
  }
  if (!rule) {
    mount(ctx.main, back, notice({ iconName: 'alert', title: '学分类型不存在', text: year + ' 年度没有这个学分类型，请重新选择。', href: '/credits/new?year=' + year, linkText: '选择学分类型', testid: 'entry-no-rule' }));
    return;
  }

  let creditId = credit ? credit.id : null;
  let status = credit ? credit.status : null;
  const storeKey = () => STORE_PREFIX + (creditId ? 'id:' + creditId : 'new:' + year + ':' + rule.code);
  const stored = readStore(storeKey()) || {};
  const initial = {};
  let restoredAny = false;
  FIELDS.forEach((name) => {
    const fromServer = credit && credit[name] !== null && credit[name] !== undefined ? String(credit[name]) : '';
    initial[name] = stored.values && typeof stored.values[name] === 'string' ? stored.values[name] : fromServer;
    if (initial[name] !== fromServer) restoredAny = true;
  });

  // ------------------------------------------------ the inputs
  const inputs = {};
  inputs.title = h('input', { type: 'text', name: 'title', maxlength: '200', autocomplete: 'off', enterkeyhint: 'next', required: true, value: initial.title, 'data-testid': 'entry-title-input' });
  const minDate = year + '-01-01';
  const lastDay = year + '-12-31';
  const today = ymd();
  inputs.activity_date = h('input', { type: 'date', name: 'activity_date', min: minDate, max: today < lastDay ? today : lastDay, required: true, value: initial.activity_date, 'data-testid': 'entry-date' });
  inputs.project_no = h('input', { type: 'text', name: 'project_no', maxlength: '50', autocomplete: 'off', value: initial.project_no, 'data-testid': 'entry-project-no' });
  inputs.organiser = h('input', { type: 'text', name: 'organiser', maxlength: '100', autocomplete: 'off', value: initial.organiser, 'data-testid': 'entry-organiser' });

  let amountField = null;
  if (rule.unit === 'authorship') {
    const table = authorCredits(rule);
    inputs.author_position = h(
      'select',
      { name: 'author_position', required: true, 'data-testid': 'entry-position' },
      h('option', { value: '' }, '请选择作者位次'),
      table.map((credits, i) => h('option', { value: String(i + 1), selected: initial.author_position === String(i + 1) }, authorLabel(i + 1) + '（' + num(credits) + ' 分）')),
    );
    amountField = errorField('entry-position-field', '作者位次', inputs.author_position);
  } else if (rule.unit !== 'time') {
    inputs.quantity = h('input', { type: 'number', name: 'quantity', inputmode: 'decimal', min: '0', step: rule.unit === 'hour' ? '0.5' : '1', required: true, value: initial.quantity, 'data-testid': 'entry-quantity' });
    const limit = rule.daily_limit ? '每天最多 ' + num(rule.daily_limit) + ' ' + RULE_UNIT[rule.unit] + '。' : '';
    amountField = errorField('entry-quantity-field', (UNIT_QUANTITY[rule.unit] || '数量'), inputs.quantity, { hint: limit || null });
  }

  const preview = h('output', { class: 'entry-preview-value', 'data-testid': 'entry-preview', 'aria-live': 'polite' }, '—');
  const evidence = evidenceField({ existing: credit ? credit.evidence || [] : [], editable: true, onchange: () => remember() });
  const message = messageBox('entry-message');
  const info = messageBox('entry-info', 'info');
  const retry = h('button', { type: 'button', class: 'btn btn-secondary btn-block entry-retry', 'data-testid': 'entry-retry', hidden: true }, '重试上传');
  const save = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'entry-save' }, '保存');
  const submit = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'entry-submit' }, status === 'pending_dept' ? '保存修改' : '保存并上报');
  // A pending record is already submitted: saving it is all there is.
  if (status === 'pending_dept') save.hidden = true;

  const form = h(
    'form',
    { class: 'entry-form', novalidate: true, 'data-testid': 'entry-form' },
    errorField('entry-title-field', '项目名称', inputs.title),
    errorField('entry-date-field', '活动日期', inputs.activity_date, { hint: year + ' 年度，不能晚于今天。' }),
    amountField,
    errorField('entry-project-no-field', '项目编号（选填）', inputs.project_no),
    errorField('entry-organiser-field', '项目举办单位（选填）', inputs.organiser),
    h('div', { class: 'entry-preview' }, h('span', { class: 'entry-preview-label' }, '预计学分'), preview, h('span', { class: 'muted entry-preview-note' }, '按所选规则估算，以保存后系统计算的学分为准')),
    h(
      'fieldset',
      { class: 'entry-evidence' },
      h('legend', null, '证明材料' + (rule.evidence_required ? '' : '（选填）')),
      rule.guidance ? h('p', { class: 'hint entry-guidance', 'data-testid': 'entry-guidance' }, rule.guidance) : null,
      evidence.el,
    ),
    message,
    info,
    retry,
    h('div', { class: 'entry-actions' }, save, submit),
  );

  const ruleCard = h(
    'section',
    { class: 'card entry-rule', 'data-testid': 'entry-rule' },
    h('p', { class: 'entry-rule-name', 'data-testid': 'entry-rule-name' }, ruleName(rule)),
    h('p', { class: 'entry-rule-text' }, [rule.rule_text, CREDIT_CLASS[rule.class] || rule.class].filter(Boolean).join(' · ')),
    rule.subtype ? h('p', { class: 'muted entry-rule-subtype' }, rule.subtype) : null,
    !editingId ? h('a', { class: 'link-btn entry-rule-change', href: backHref, 'data-testid': 'entry-rule-change' }, '更换学分类型') : null,
  );
  const ruleChange = ruleCard.querySelector('.entry-rule-change');

  mount(
    ctx.main,
    back,
    h('div', { class: 'page-head' }, pageTitle(editingId ? '修改学分' : '录入学分', 'entry-title'), status ? statusChip(status) : null),
    credit && credit.reason && status === 'returned' ? h('p', { class: 'msg msg-error', 'data-testid': 'entry-reason' }, '退回原因：' + credit.reason) : null,
    ruleCard,
    form,
  );
  const restored = restoredAny ? '已恢复上次未保存的填写内容。' : '';
  const unsentWords = stored.unsent ? '上次有 ' + stored.unsent + ' 个文件没有上传成功，请重新选择后保存。' : '';
  showMessage(info, [restored, unsentWords].filter(Boolean).join(''));

  // ------------------------------------------------ live state
  function values() {
    const out = {};
    FIELDS.forEach((name) => {
      out[name] = inputs[name] ? inputs[name].value.trim() : initial[name]; // no input: as it was
    });
    return out;
  }

  function remember() {
    writeStore(storeKey(), { values: values(), unsent: evidence.unsent() });
  }

  function updatePreview() {
    const v = values();
    const credits = previewCredits(rule, v.quantity, v.author_position);
    preview.textContent = credits === null ? '—' : num(credits) + ' 分';
  }

  Object.keys(inputs).forEach((name) => {
    const input = inputs[name];
    const onEdit = () => {
      setFieldError(input, '');
      updatePreview();
      remember();
    };
    input.addEventListener('input', onEdit);
    input.addEventListener('change', onEdit);
  });
  updatePreview();

  // ------------------------------------------------ saving
  // Every problem at once (issue 13), each on its field; the first one gets the focus.
  function check(forSubmit) {
    clearFieldErrors(form);
    evidence.markError('');
    const v = values();
    const problems = [];
    const add = (input, text) => problems.push([input, text]);
    if (!v.title) add(inputs.title, '请填写项目名称。');
    if (!v.activity_date) add(inputs.activity_date, '请选择活动日期。');
    else if (v.activity_date > today) add(inputs.activity_date, '活动日期不能晚于今天。');
    else if (v.activity_date.slice(0, 4) !== String(year)) add(inputs.activity_date, '请选择 ' + year + ' 年度内的日期。');
    if (inputs.author_position && !v.author_position) add(inputs.author_position, '请选择作者位次。');
    if (inputs.quantity) {
      const q = Number(v.quantity);
      if (!(q > 0)) add(inputs.quantity, '请填写' + (UNIT_QUANTITY[rule.unit] || '数量') + '。');
      else if (rule.daily_limit && rule.unit === 'hour' && q > Number(rule.daily_limit)) add(inputs.quantity, '每天最多 ' + num(rule.daily_limit) + ' 小时。');
    }
    let proofProblem = '';
    if (evidence.tooBig()) proofProblem = '有文件超过 10 MB，请删除后重新选择。';
    else if (forSubmit && rule.evidence_required && evidence.count() === 0) proofProblem = '请上传证明材料后再上报。';
    problems.forEach(([input, text]) => setFieldError(input, text));
    if (proofProblem) evidence.markError(proofProblem);
    if (problems.length) {
      failField(problems[0][0], problems[0][1]);
      return false;
    }
    if (proofProblem) {
      evidence.el.scrollIntoView({ block: 'center' });
      return false;
    }
    return true;
  }

  function body() {
    const v = values();
    const out = { title: v.title, activity_date: v.activity_date, project_no: v.project_no, organiser: v.organiser };
    if (rule.unit === 'authorship') {
      out.author_position = parseInt(v.author_position, 10);
      out.quantity = 1;
    } else {
      out.quantity = rule.unit === 'time' ? 1 : Number(v.quantity);
    }
    return out;
  }

  function showError(e) {
    if (e.code === 'duplicate') {
      showMessage(message, '已录入过相同规则、日期和名称的学分');
      return;
    }
    const input = e.field ? inputs[e.field] : null;
    if (input && e.status === 422) failField(input, e.detail);
    else if (e.field === 'file' || e.code === 'evidence_required') {
      evidence.markError(e.detail);
      evidence.el.scrollIntoView({ block: 'center' });
    } else showMessage(message, e.detail);
  }

  let busy = false;
  async function run(forSubmit, button) {
    if (busy) return;
    showMessage(message, '');
    showMessage(info, '');
    retry.hidden = true;
    if (!check(forSubmit)) return;
    busy = true;
    setBusy(button, true, forSubmit ? '上报中…' : '保存中…');
    const other = button === save ? submit : save;
    other.disabled = true;
    try {
      await evidence.ready();
      // 1. the record itself
      try {
        if (creditId) {
          const updated = await api('/api/credits/' + encodeURIComponent(creditId), { method: 'PUT', body: body() });
          status = updated.status;
        } else {
          const created = await api('/api/credits', { method: 'POST', body: Object.assign({ rule_code: rule.code, draft: true }, body()) });
          const newKey = storeKey();
          creditId = created.id;
          status = created.status;
          if (ruleChange) ruleChange.hidden = true; // the draft exists: its rule is settled
          writeStore(newKey, null);
          // The address now names the draft: a reload continues it instead of entering it twice.
          history.replaceState(history.state, '', '/credits/' + encodeURIComponent(creditId) + '/edit');
        }
      } catch (e) {
        if (e.handled || isAbort(e)) return;
        showError(e);
        return;
      } finally {
        remember();
      }
      // 2. the files
      let failed;
      try {
        failed = await evidence.uploadAll(creditId);
      } catch (e) {
        if (e.handled || isAbort(e)) return; // logged out meanwhile: the login page takes over
        throw e;
      }
      remember();
      if (failed) {
        showMessage(message, '学分已保存（' + statusWord(status) + '），但有 ' + failed + ' 个文件上传失败。请检查网络后点击“重试上传”。');
        retry.hidden = false;
        retry.onclick = () => run(forSubmit, button);
        return;
      }
      // 3. the submission
      if (forSubmit && (status === 'draft' || status === 'returned')) {
        try {
          const sent = await api('/api/credits/' + encodeURIComponent(creditId) + '/submit', { method: 'POST' });
          status = sent.status;
        } catch (e) {
          if (e.handled) return;
          showError(e);
          showMessage(info, '学分已保存为草稿，可稍后在“我的学分”中继续上报。');
          return;
        }
      }
      writeStore(storeKey(), null);
      navigate('/credits/' + encodeURIComponent(creditId) + '?saved=' + (forSubmit ? 'submitted' : 'saved'), { replace: true });
    } finally {
      busy = false;
      if (button.isConnected) {
        setBusy(button, false);
        other.disabled = false;
      }
    }
  }

  save.addEventListener('click', () => run(false, save));
  submit.addEventListener('click', () => run(true, submit));
  form.addEventListener('submit', (event) => event.preventDefault());
}

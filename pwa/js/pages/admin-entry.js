// /corrections/entry: 代录入 (seed 001 §5.2 "被授权的科室…也可以录入"). A department or unit admin
// enters a personal credit for a person of their scope: pick the person, then a rule of the
// province's catalogue for the year (依据本省学分管理方法向导录入), then the activity. Proof files are
// optional here (the person can add them to a draft later). Entered by the department, the record
// skips the department's review and waits for the unit's. The server computes the credits.

import { num, thisYear as yearNow, ymd } from '../format.js';
import { ApiError, api } from '../api.js';
import { authorLabel, previewCredits, quantityInput, ruleName, ruleText, rulesOfYear, subtypes, UNIT_QUANTITY } from '../rules.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';
import { CREDIT_CLASS, CREDIT_STATUS, label } from '../labels.js';
import { backLink, peoplePicker } from './admin-common.js';

const ADMINS = ['dept_admin', 'unit_admin'];
const CSRF_COOKIE = 'jijiao_csrf';

function csrfToken() {
  const prefix = CSRF_COOKIE + '=';
  const part = (document.cookie ? document.cookie.split('; ') : []).find((p) => p.indexOf(prefix) === 0);
  return part ? decodeURIComponent(part.slice(prefix.length)) : null;
}

/** POST /api/credits/{id}/evidence (multipart "file"). Throws ApiError like api() does. */
export async function uploadEvidence(creditId, file) {
  const form = new FormData();
  form.append('file', file, file.name);
  const headers = { Accept: 'application/json' };
  const csrf = csrfToken();
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let res;
  try {
    res = await fetch('/api/credits/' + encodeURIComponent(creditId) + '/evidence', { method: 'POST', body: form, headers, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, 'network_error', '网络连接失败，请检查网络后重试。');
  }
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch (e) {
      body = null;
    }
    const fallback = { 413: '文件过大（不超过 10 MB）。', 415: '只能上传 JPEG、PNG、HEIC 图片或 PDF。' }[res.status] || '上传失败（' + res.status + '）。';
    throw new ApiError(res.status, (body && body.code) || 'http_' + res.status, (body && body.detail) || fallback, body && body.field);
  }
  return res.json();
}

export function render(ctx) {
  ctx.setTitle('代录入学分');
  const role = ctx.role;
  if (!role || ADMINS.indexOf(role.role) < 0) {
    mount(ctx.main, pageTitle('代录入学分', 'entry-title'), notice({ iconName: 'lock', title: '无权录入', text: '代录入由科室管理员和单位管理员办理。', href: '/', linkText: '返回首页', testid: 'entry-none' }));
    return;
  }
  const thisYear = yearNow();
  let person = null;
  let rules = [];
  let rule = null;

  const error = messageBox('entry-error');
  const okBox = h('div', { class: 'msg msg-ok', role: 'status', 'data-testid': 'entry-done', hidden: true });

  // 1. the person
  const picker = peoplePicker({
    id: 'entry-person',
    label: '人员（本' + (role.role === 'dept_admin' ? '科室' : '单位') + '）',
    onPick: (p) => {
      person = p;
      paintReady();
    },
  });

  // 2. the rule
  const yearSel = h(
    'select',
    { id: 'entry-year', 'data-testid': 'entry-year' },
    [thisYear, thisYear - 1].map((y) => h('option', { value: String(y) }, y + ' 年度')),
  );
  const subtypeSel = h('select', { id: 'entry-subtype', 'data-testid': 'entry-subtype' }, h('option', { value: '' }, '全部学分子分类'));
  const ruleList = h('div', { class: 'rule-list', role: 'radiogroup', 'aria-label': '学分规则', 'data-testid': 'entry-rules' });
  const ruleStatus = h('p', { class: 'hint', 'aria-live': 'polite' });

  // 3. the activity
  const title = h('input', { id: 'entry-title', type: 'text', maxlength: 200, required: true, 'data-testid': 'entry-title-input', 'data-required': '请填写项目名称。' });
  const projectNo = h('input', { id: 'entry-project-no', type: 'text', maxlength: 50, 'data-testid': 'entry-project-no' });
  const organiser = h('input', { id: 'entry-organiser', type: 'text', maxlength: 100, 'data-testid': 'entry-organiser' });
  const date = h('input', { id: 'entry-date', type: 'date', required: true, max: ymd(), 'data-testid': 'entry-date', 'data-required': '请填写活动日期。' });
  const amountSlot = h('div', { class: 'field' });
  const guidance = h('p', { class: 'rule-guidance', 'data-testid': 'entry-guidance', hidden: true });
  const preview = h('p', { class: 'credit-preview', 'data-testid': 'entry-preview', 'aria-live': 'polite' });
  const files = h('input', { id: 'entry-files', type: 'file', multiple: true, accept: 'image/jpeg,image/png,image/heic,image/heif,application/pdf', 'data-testid': 'entry-files' });
  const draftBtn = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'entry-save-draft' }, '保存草稿');
  const submitBtn = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'entry-submit' }, '保存并上报');
  let amount = null; // the quantity input or the author-position select

  const activity = h(
    'fieldset',
    { class: 'entry-activity', disabled: true },
    h('legend', { class: 'section-title' }, '3. 活动信息'),
    guidance,
    h(
      'div',
      { class: 'field-grid' },
      h('div', { class: 'field' }, h('label', { for: title.id }, '项目名称 ', h('span', { class: 'req' }, '*')), title),
      h('div', { class: 'field' }, h('label', { for: date.id }, '活动日期 ', h('span', { class: 'req' }, '*')), date),
      h('div', { class: 'field' }, h('label', { for: projectNo.id }, '项目编号'), projectNo),
      h('div', { class: 'field' }, h('label', { for: organiser.id }, '举办单位'), organiser),
      amountSlot,
      h('div', { class: 'field' }, h('span', { class: 'field-label' }, '预计学分'), preview),
    ),
    h('div', { class: 'field' }, h('label', { for: files.id }, '证明材料（可选，也可由本人稍后上传）'), files),
    h('div', { class: 'form-actions' }, draftBtn, submitBtn),
  );

  function paintPreview() {
    const value = previewCredits(rule, amount && rule.unit !== 'authorship' ? amount.value : 1, amount && rule.unit === 'authorship' ? amount.value : null);
    preview.textContent = value === null ? '—' : label(CREDIT_CLASS, rule.class) + ' ' + num(value) + ' 分';
  }

  function pickRule(r) {
    rule = r;
    guidance.hidden = !r.guidance && !r.evidence_required;
    guidance.textContent = (r.evidence_required ? '该规则须上传证明材料。' : '') + (r.guidance || '');
    if (r.unit === 'authorship') {
      amount = h(
        'select',
        { id: 'entry-position', 'data-testid': 'entry-position', required: true, 'data-required': '请选择作者位次。' },
        h('option', { value: '' }, '请选择'),
        (r.author_credits || []).map((c, i) => h('option', { value: String(i + 1) }, authorLabel(i + 1) + '（' + c + '分）')),
      );
      mount(amountSlot, h('label', { for: amount.id }, '作者位次 ', h('span', { class: 'req' }, '*')), amount);
    } else if (r.unit === 'time') {
      amount = null;
      mount(amountSlot, h('span', { class: 'field-label' }, '数量'), h('p', { class: 'muted' }, '每次录入计 1 次'));
    } else {
      const unit = UNIT_QUANTITY[r.unit] || '数量';
      amount = quantityInput('', r.unit === 'day', unit);
      amount.id = 'entry-quantity';
      amount.setAttribute('data-testid', 'entry-quantity');
      if (r.unit === 'hour' && r.daily_limit) amount.max = String(r.daily_limit);
      mount(amountSlot, h('label', { for: amount.id }, unit + ' ', h('span', { class: 'req' }, '*')), amount, h('p', { class: 'hint' }, ruleText(r)));
    }
    if (amount) amount.addEventListener('input', paintPreview);
    if (amount) amount.addEventListener('change', paintPreview);
    paintPreview();
    paintReady();
  }

  function paintRules() {
    const sub = subtypeSel.value;
    const shown = rules.filter((r) => !sub || r.subtype === sub);
    ruleStatus.textContent = shown.length ? '' : '本年度没有可录入的学分规则。';
    mount(
      ruleList,
      shown.map((r) =>
        h(
          'label',
          { class: 'rule-option', 'data-testid': 'entry-rule', 'data-code': r.code },
          h('input', { type: 'radio', name: 'entry-rule', value: r.code, checked: rule && rule.code === r.code, onchange: () => pickRule(r) }),
          h('span', null, h('span', { class: 'rule-name' }, ruleName(r)), h('span', { class: 'rule-text' }, ruleText(r) + (r.subtype ? ' · ' + r.subtype : ''))),
        ),
      ),
    );
  }

  async function loadRules() {
    rule = null;
    amount = null;
    mount(amountSlot);
    guidance.hidden = true;
    preview.textContent = '—';
    ruleStatus.textContent = '加载中…';
    mount(ruleList);
    paintReady();
    try {
      rules = await rulesOfYear(yearSel.value);
    } catch (e) {
      if (e.handled) return;
      rules = [];
      ruleStatus.textContent = e.detail;
      return;
    }
    mount(subtypeSel, h('option', { value: '' }, '全部学分子分类'), subtypes(rules).map((s) => h('option', { value: s }, s)));
    paintRules();
  }

  function paintReady() {
    activity.disabled = !(person && rule);
  }

  async function save(draft) {
    showMessage(error, '');
    okBox.hidden = true;
    if (!person) return showMessage(error, '请先选择人员。');
    if (!rule) return showMessage(error, '请选择学分规则。');
    const invalid = activity.querySelector(':invalid');
    if (invalid) {
      showMessage(error, invalid.dataset.required || '请填写必填项。');
      invalid.focus();
      return;
    }
    const chosen = Array.from(files.files || []);
    const body = {
      person_id: person.id,
      rule_code: rule.code,
      activity_date: date.value,
      title: title.value.trim(),
      project_no: projectNo.value.trim(),
      organiser: organiser.value.trim(),
      // With files, create a draft first: attach them, then send it on.
      draft: draft || chosen.length > 0,
    };
    if (rule.unit === 'authorship') body.author_position = Number(amount.value);
    else if (amount) body.quantity = Number(amount.value);
    const button = draft ? draftBtn : submitBtn;
    setBusy(button, true, '保存中…');
    let created = null;
    let note = '';
    try {
      created = await api('/api/credits', { method: 'POST', body });
      for (let i = 0; i < chosen.length; i += 1) await uploadEvidence(created.id, chosen[i]);
      if (!draft && chosen.length) created = Object.assign(created, await api('/api/credits/' + created.id + '/submit', { method: 'POST' }));
    } catch (e) {
      setBusy(button, false);
      if (e.handled) return;
      if (!created) {
        showMessage(error, e.detail);
        const target = { quantity: amount, author_position: amount, title, activity_date: date, project_no: projectNo, organiser }[e.field];
        if (target) target.focus();
        return;
      }
      note = '（已保存为草稿：' + e.detail + '）'; // the record exists; a file or the submit failed
    }
    setBusy(button, false);
    mount(
      okBox,
      h('p', { class: 'result-line' }, '已为 ' + person.name + ' 录入《' + body.title + '》' + num(created.credits) + ' 分，状态：' + label(CREDIT_STATUS, created.status) + note),
      h('a', { href: '/corrections?tab=person&person_id=' + encodeURIComponent(person.id), 'data-testid': 'entry-done-link' }, '查看 ' + person.name + ' 的学分记录'),
    );
    okBox.hidden = false;
    okBox.scrollIntoView({ block: 'nearest' });
    title.value = '';
    projectNo.value = '';
    files.value = '';
    if (amount) amount.value = '';
    paintPreview();
  }

  yearSel.addEventListener('change', loadRules);
  subtypeSel.addEventListener('change', paintRules);
  draftBtn.addEventListener('click', () => save(true));

  const form = h(
    'form',
    {
      class: 'card admin-form',
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        save(false);
      },
    },
    h('fieldset', { class: 'entry-person' }, h('legend', { class: 'section-title' }, '1. 选择人员'), picker.node),
    h(
      'fieldset',
      { class: 'entry-rule' },
      h('legend', { class: 'section-title' }, '2. 依据本省学分管理办法选择学分类型'),
      h('div', { class: 'admin-filters' }, h('label', { class: 'af' }, h('span', null, '举办年度'), yearSel), h('label', { class: 'af af-grow' }, h('span', null, '学分子分类'), subtypeSel)),
      ruleStatus,
      ruleList,
    ),
    activity,
  );

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page admin-narrow' },
      backLink('/corrections', '学分修改'),
      h('div', { class: 'page-head' }, h('div', null, pageTitle('代录入学分', 'entry-title'), h('p', { class: 'muted page-sub' }, role.role === 'dept_admin' ? '科室代录入的学分免科室审核，由单位审核后生效。' : '代录入的学分由单位审核后生效。'))),
      error,
      okBox,
      form,
    ),
  );
  loadRules();
}

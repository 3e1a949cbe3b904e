// /register: personal registration, a three-step wizard (seed 000 §2).
// 1 验证手机: phone + SMS code (purpose register); 2 选择单位: 省 → 市 → 区, a searchable unit list,
// then the department; 3 账户信息: username, name, ID number (checked as typed), email, password
// twice, 是否参加继教, 学分达标遵照标准. Every step stays in the DOM (only hidden), so what was
// entered survives moving back and forth. A 422 naming a field goes back to that field's step.

import { api, isAbort } from '../api.js';
import { h, icon, messageBox, mount, pageTitle, setBusy, showMessage, debounce } from '../ui.js';
import {
  PASSWORD_RULE,
  codeInput,
  codeProblem,
  digitsOnly,
  errorField,
  failField,
  idNumberInput,
  inputWithButton,
  passwordInput,
  passwordProblem,
  phoneInput,
  phoneProblem,
  setFieldError,
  smsButton,
  usernameInput,
} from './account-common.js';

const STEP_NAMES = ['验证手机', '选择单位', '账户信息'];
const USERNAME_RE = /^[A-Za-z0-9_.@-]{3,50}$/;
const USERNAME_RULE = '3–50 位字母、数字或 _ . @ -，登录时使用。';
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function select(testid, placeholder) {
  return h('select', { 'data-testid': testid }, h('option', { value: '' }, placeholder));
}

function setOptions(sel, placeholder, items, valueOf, labelOf) {
  mount(sel, h('option', { value: '' }, placeholder), items.map((item) => h('option', { value: valueOf(item) }, labelOf(item))));
}

export function render(ctx) {
  ctx.setTitle('注册账号');
  let step = 1;
  let submitting = false;

  // ------------------------------------------------------------------ step 1: the phone
  const phone = phoneInput('reg-phone');
  const code = codeInput('reg-code');
  digitsOnly(phone, 11);
  digitsOnly(code, 6);
  const msg1 = messageBox('reg-error-1');
  const info1 = messageBox('reg-sms-sent', 'info');
  const smsBtn = smsButton({ purpose: 'register', phone, message: msg1, info: info1, testid: 'reg-sms' });

  function checkStep1() {
    const phoneError = phoneProblem(phone.value.trim());
    if (phoneError) return failField(phone, phoneError), false;
    const codeError = codeProblem(code.value.trim());
    if (codeError) return failField(code, codeError), false;
    return true;
  }

  const step1 = h(
    'form',
    { class: 'wizard-step', novalidate: true, 'data-testid': 'reg-step-1', onsubmit: next(1, checkStep1) },
    stepHeading(1),
    h('p', { class: 'muted step-lead' }, '请输入本人手机号，获取短信验证码。'),
    errorField('reg-phone', '手机号', phone, { control: inputWithButton(phone, smsBtn) }),
    info1,
    errorField('reg-code', '短信验证码', code, { hint: '请输入短信中的 6 位数字。' }),
    msg1,
    h('div', { class: 'wizard-actions' }, h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'reg-next-1' }, '下一步')),
  );

  // ------------------------------------------------------------------ step 2: unit and department
  const province = select('reg-province', '请选择省份');
  const city = select('reg-city', '请选择城市');
  const district = select('reg-district', '全部区县');
  city.disabled = true;
  district.disabled = true;
  const unitQuery = h('input', {
    type: 'search',
    name: 'unit_q',
    autocomplete: 'off',
    enterkeyhint: 'search',
    placeholder: '输入单位名称关键字',
    maxlength: '50',
    'data-testid': 'reg-unit-q',
  });
  const unitList = h('ul', { class: 'pick-list', 'data-testid': 'reg-unit-list', 'aria-label': '单位' });
  const unitStatus = h('p', { class: 'hint pick-status', 'data-testid': 'reg-unit-status', 'aria-live': 'polite' }, '请先选择单位所在的省份。');
  const unitChosenName = h('span', { class: 'picked-name', 'data-testid': 'reg-unit-selected' });
  const unitChange = h('button', { type: 'button', class: 'link-btn', 'data-testid': 'reg-unit-change' }, '更换');
  const unitChosen = h('div', { class: 'picked', hidden: true }, icon('check'), unitChosenName, unitChange);
  const unitPicker = h('div', { class: 'unit-picker' }, h('div', { class: 'search-box' }, icon('search'), unitQuery), unitStatus, unitList);
  const department = select('reg-department', '请选择科室');
  department.disabled = true;
  const msg2 = messageBox('reg-error-2');
  let unit = null; // {id, name}
  let departmentCount = -1; // of the chosen unit; -1 while unknown
  let unitSearch = null; // AbortController of the search in flight
  const regionSeq = { city: 0, district: 0 };

  async function fillRegions(sel, parent, placeholder, key) {
    const seq = key ? (regionSeq[key] += 1) : 0;
    sel.disabled = true;
    setOptions(sel, '加载中…', [], null, null);
    try {
      const data = await api('/api/regions', { query: { parent }, redirect: false });
      if (key && seq !== regionSeq[key]) return;
      setOptions(sel, placeholder, data.items || [], (r) => r.code, (r) => r.name);
      sel.disabled = !(data.items || []).length;
    } catch (e) {
      setOptions(sel, placeholder, [], null, null);
      showMessage(msg2, e.detail || '地区列表加载失败，请稍后再试。');
    }
  }

  function region() {
    return district.value || city.value || province.value;
  }

  function chooseUnit(item) {
    unit = item ? { id: item.id, name: item.name } : null;
    setFieldError(unitQuery, '');
    setFieldError(department, '');
    unitChosen.hidden = !unit;
    unitPicker.hidden = Boolean(unit);
    unitChosenName.textContent = unit ? unit.name : '';
    setOptions(department, '请选择科室', [], null, null);
    department.disabled = true;
    departmentCount = -1;
    setOptions(standard, '按本单位默认标准', [], null, null);
    if (!unit) return;
    const chosen = unit;
    setOptions(department, '加载中…', [], null, null);
    // 学分达标遵照标准 (seed 000 §2.2): the standards people of this unit may follow this year.
    api('/api/units/' + encodeURIComponent(chosen.id) + '/standards', { redirect: false })
      .then((data) => {
        if (unit === chosen) setOptions(standard, '按本单位默认标准', data.items || [], (s) => s.id, (s) => s.year + ' 年度 ' + s.name);
      })
      .catch(() => {}); // the default needs no list
    api('/api/units/' + encodeURIComponent(chosen.id) + '/departments', { redirect: false })
      .then((data) => {
        if (unit !== chosen) return;
        const items = data.items || [];
        departmentCount = items.length;
        setOptions(department, items.length ? '请选择科室' : '该单位暂无科室', items, (d) => d.id, (d) => d.name);
        department.disabled = !items.length;
      })
      .catch((e) => {
        if (unit !== chosen) return;
        setOptions(department, '请选择科室', [], null, null);
        showMessage(msg2, e.detail || '科室列表加载失败，请稍后再试。');
      });
  }

  async function searchUnits() {
    if (unitSearch) unitSearch.abort();
    if (!province.value) {
      mount(unitList);
      unitStatus.textContent = '请先选择单位所在的省份。';
      return;
    }
    const controller = new AbortController();
    unitSearch = controller;
    unitList.setAttribute('aria-busy', 'true');
    unitStatus.textContent = '搜索中…';
    let data;
    try {
      data = await api('/api/units', {
        query: { region: region(), q: unitQuery.value.trim(), page_size: 50 },
        signal: controller.signal,
        redirect: false,
      });
    } catch (e) {
      if (isAbort(e)) return;
      unitList.removeAttribute('aria-busy');
      mount(unitList);
      unitStatus.textContent = e.detail || '单位列表加载失败，请稍后再试。';
      return;
    }
    if (unitSearch !== controller) return;
    unitList.removeAttribute('aria-busy');
    const items = data.items || [];
    mount(
      unitList,
      items.map((item) =>
        h(
          'li',
          null,
          h('button', { type: 'button', class: 'pick-option', 'data-testid': 'reg-unit-option', onclick: () => chooseUnit(item) }, item.name),
        ),
      ),
    );
    const total = typeof data.total === 'number' ? data.total : items.length;
    if (!items.length) unitStatus.textContent = '没有找到匹配的单位，请换个关键字或更换地区。';
    else if (total > items.length) unitStatus.textContent = '共 ' + total + ' 家单位，请输入关键字缩小范围。';
    else unitStatus.textContent = '共 ' + total + ' 家单位，点击选择：';
  }
  const searchSoon = debounce(searchUnits, 300);

  function regionChanged() {
    chooseUnit(null);
    searchUnits();
  }

  province.addEventListener('change', () => {
    setFieldError(province, '');
    setOptions(district, '全部区县', [], null, null);
    district.disabled = true;
    if (province.value) fillRegions(city, province.value, '全部城市', 'city');
    else {
      regionSeq.city += 1;
      setOptions(city, '请选择城市', [], null, null);
      city.disabled = true;
    }
    regionChanged();
  });
  city.addEventListener('change', () => {
    if (city.value) fillRegions(district, city.value, '全部区县', 'district');
    else {
      regionSeq.district += 1;
      setOptions(district, '全部区县', [], null, null);
      district.disabled = true;
    }
    regionChanged();
  });
  district.addEventListener('change', regionChanged);
  unitQuery.addEventListener('input', searchSoon);
  unitQuery.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      searchUnits();
    }
  });
  unitChange.addEventListener('click', () => {
    chooseUnit(null);
    unitQuery.focus();
    if (!unitList.firstChild) searchUnits();
  });
  department.addEventListener('change', () => setFieldError(department, ''));

  function checkStep2() {
    if (!province.value && !unit) return failField(province, '请选择单位所在的省份。'), false;
    if (!unit) return failField(unitQuery, '请搜索并选择您所在的单位。'), false;
    if (!department.value && departmentCount !== 0) return failField(department, '请选择您所在的科室。'), false;
    return true;
  }

  const step2 = h(
    'form',
    { class: 'wizard-step', novalidate: true, 'data-testid': 'reg-step-2', hidden: true, onsubmit: next(2, checkStep2) },
    stepHeading(2),
    h('p', { class: 'muted step-lead' }, '选择单位所在的省、市、区，再找到您的单位和科室。'),
    h(
      'div',
      { class: 'region-row' },
      errorField('reg-province', '省', province),
      errorField('reg-city', '市', city),
      errorField('reg-district', '区县', district),
    ),
    errorField('reg-unit-q', '单位', unitQuery, { control: unitPicker }),
    unitChosen,
    errorField('reg-department', '科室', department),
    msg2,
    h(
      'div',
      { class: 'wizard-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'reg-prev-2', onclick: () => show(1) }, '上一步'),
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'reg-next-2' }, '下一步'),
    ),
  );

  // ------------------------------------------------------------------ step 3: the account
  const username = usernameInput('reg-username', { maxlength: '50' });
  const realName = h('input', { type: 'text', name: 'name', autocomplete: 'name', maxlength: '50', 'data-testid': 'reg-name' });
  const idNumber = idNumberInput('reg-id-number', 'reg-id-number');
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'email', inputmode: 'email', maxlength: '100', 'data-testid': 'reg-email' });
  const password = passwordInput('password', 'reg-password');
  const confirm = passwordInput('confirm_password', 'reg-confirm');
  const joinsYes = h('input', { type: 'radio', name: 'joins_cme', value: 'yes', checked: true, 'data-testid': 'reg-joins-yes' });
  const joinsNo = h('input', { type: 'radio', name: 'joins_cme', value: 'no', 'data-testid': 'reg-joins-no' });
  const standard = h('select', { 'data-testid': 'reg-standard' }, h('option', { value: '' }, '按本单位默认标准'));
  const msg3 = messageBox('reg-error-3');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'reg-submit' }, '完成注册');

  [username, realName, email, password].forEach((input) => input.addEventListener('input', () => setFieldError(input, '')));
  confirm.addEventListener('input', () => {
    // Say so as soon as the confirmation can no longer match; clear it once it does.
    const mismatch = confirm.value && password.value.indexOf(confirm.value) !== 0;
    setFieldError(confirm, mismatch ? '两次输入的密码不一致。' : '');
  });

  function checkStep3() {
    const name = username.value.trim();
    if (!name) return failField(username, '请设置用户名。'), false;
    if (!USERNAME_RE.test(name)) return failField(username, '用户名为 3–50 位字母、数字或 _ . @ -。'), false;
    if (!realName.value.trim()) return failField(realName, '请输入真实姓名。'), false;
    if (!idNumber.check()) return failField(idNumber.input, idNumber.input.fieldError.textContent), false;
    const mail = email.value.trim();
    if (mail && !EMAIL_RE.test(mail)) return failField(email, '电子邮箱格式不正确。'), false;
    const pwError = passwordProblem(password.value);
    if (pwError) return failField(password, pwError), false;
    if (!confirm.value) return failField(confirm, '请再次输入密码。'), false;
    if (confirm.value !== password.value) return failField(confirm, '两次输入的密码不一致。'), false;
    return true;
  }

  const step3 = h(
    'form',
    { class: 'wizard-step', novalidate: true, 'data-testid': 'reg-step-3', hidden: true, onsubmit: onSubmit },
    stepHeading(3),
    h('p', { class: 'muted step-lead' }, '请如实填写，单位审核时将核对您的姓名和身份证号。'),
    errorField('reg-username', '用户名', username, { hint: USERNAME_RULE }),
    errorField('reg-name', '真实姓名', realName),
    errorField('reg-id-number', '身份证号', idNumber.input, { after: idNumber.derived }),
    errorField('reg-email', '电子邮箱（选填）', email),
    errorField('reg-password', '密码', password, { hint: PASSWORD_RULE }),
    errorField('reg-confirm', '确认密码', confirm),
    h(
      'fieldset',
      { class: 'field choice-field', 'data-testid': 'reg-joins' },
      h('legend', null, '是否参加继教'),
      h(
        'div',
        { class: 'choice-row' },
        h('label', { class: 'choice' }, joinsYes, h('span', null, '是')),
        h('label', { class: 'choice' }, joinsNo, h('span', null, '否')),
      ),
    ),
    errorField('reg-standard', '学分达标遵照标准', standard),
    msg3,
    h(
      'div',
      { class: 'wizard-actions' },
      h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'reg-prev-3', onclick: () => show(2) }, '上一步'),
      submit,
    ),
  );

  // ------------------------------------------------------------------ the wizard
  const stepItems = STEP_NAMES.map((label, i) =>
    h(
      'li',
      { class: 'stepper-item', 'data-testid': 'reg-stepper-' + (i + 1) },
      h('span', { class: 'stepper-num', 'aria-hidden': 'true' }, String(i + 1)),
      h('span', { class: 'stepper-label' }, label),
    ),
  );
  const stepper = h('ol', { class: 'stepper', 'aria-label': '注册步骤', 'data-testid': 'reg-stepper' }, stepItems);
  const forms = [step1, step2, step3];
  const card = h('div', { class: 'card wizard', 'data-testid': 'register-wizard' }, stepper, forms);

  function stepHeading(n) {
    return h('h2', { class: 'step-title', tabindex: '-1', 'data-testid': 'reg-step-title' }, '第 ' + n + ' 步 · ' + STEP_NAMES[n - 1]);
  }

  function show(n, { focus = true } = {}) {
    step = n;
    forms.forEach((form, i) => {
      form.hidden = i + 1 !== n;
    });
    stepItems.forEach((item, i) => {
      item.classList.toggle('done', i + 1 < n);
      if (i + 1 === n) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
    });
    if (n === 2 && !province.options[1] && !province.disabled) fillRegions(province, '', '请选择省份');
    if (focus) {
      window.scrollTo(0, 0);
      forms[n - 1].querySelector('.step-title').focus({ preventScroll: true });
    }
  }

  function next(n, check) {
    return (event) => {
      event.preventDefault();
      showMessage([msg1, msg2, msg3][n - 1], '');
      if (check()) show(n + 1);
    };
  }

  // Where each field the server may name lives: its step and its input.
  const FIELDS = {
    phone: [1, phone],
    sms_code: [1, code],
    unit_id: [2, unitQuery],
    department_id: [2, department],
    username: [3, username],
    name: [3, realName],
    id_number: [3, idNumber.input],
    email: [3, email],
    password: [3, password],
    joins_cme: [3, joinsYes],
    standard_id: [3, standard],
  };

  async function onSubmit(event) {
    event.preventDefault();
    if (submitting) return;
    showMessage(msg3, '');
    if (!checkStep3()) return;
    // Earlier steps could have been left half done by a server error: check them again.
    if (phoneProblem(phone.value.trim()) || codeProblem(code.value.trim())) {
      show(1, { focus: false });
      checkStep1();
      return;
    }
    if (!unit || (!department.value && departmentCount !== 0)) {
      show(2, { focus: false });
      checkStep2();
      return;
    }
    const body = {
      phone: phone.value.trim(),
      sms_code: code.value.trim(),
      unit_id: unit.id,
      department_id: department.value ? Number(department.value) || department.value : null,
      username: username.value.trim(),
      name: realName.value.trim(),
      id_number: idNumber.check(),
      password: password.value,
      joins_cme: joinsYes.checked,
    };
    if (email.value.trim()) body.email = email.value.trim();
    if (standard.value) body.standard_id = Number(standard.value) || standard.value;
    submitting = true;
    setBusy(submit, true, '提交中…');
    let result;
    try {
      result = await api('/api/registrations', { method: 'POST', body, redirect: false });
    } catch (e) {
      submitting = false;
      setBusy(submit, false);
      const target = e && e.field ? FIELDS[e.field] : null;
      if (target) {
        const [n, input] = target;
        if (n !== step) show(n, { focus: false });
        if (input === unitQuery && unit) chooseUnit(null);
        failField(input, e.detail);
      } else {
        showMessage(msg3, (e && e.detail) || '注册失败，请稍后再试。');
      }
      return;
    }
    done(result);
  }

  function done(result) {
    ctx.setTitle('注册成功');
    mount(
      ctx.main,
      pageTitle('注册成功', 'register-title'),
      h(
        'div',
        {
          class: 'card notice',
          'data-testid': 'register-done',
          'data-registration-id': result && result.id !== undefined ? String(result.id) : null,
        },
        icon('check', 'notice-icon'),
        h('p', { class: 'notice-title' }, '注册已提交'),
        h('p', { class: 'muted', 'data-testid': 'register-done-text' }, '用户注册成功！请等待单位审核，审核通过后方能登录。'),
        h('p', { class: 'muted' }, '请牢记您的用户名：', h('b', { 'data-testid': 'register-done-username' }, username.value.trim())),
        h(
          'div',
          { class: 'notice-actions' },
          h('a', { class: 'btn btn-primary', href: '/register/status', 'data-testid': 'register-done-status' }, '注册状态查询'),
          h('a', { class: 'btn btn-secondary', href: '/login', 'data-testid': 'register-done-login' }, '登录'),
        ),
      ),
    );
    const heading = ctx.main.querySelector('h1');
    if (heading) heading.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }

  // Wipe the error under a field once its value changes.
  [phone, code].forEach((input) => input.addEventListener('input', () => setFieldError(input, '')));

  mount(
    ctx.main,
    pageTitle('注册账号', 'register-title'),
    card,
    h(
      'p',
      { class: 'form-links' },
      h('a', { href: '/login', 'data-testid': 'register-login' }, '已有账号，去登录'),
      h('a', { href: '/register/status', 'data-testid': 'register-status-link' }, '注册状态查询'),
    ),
  );
  show(1, { focus: false });
  fillRegions(province, '', '请选择省份');
}

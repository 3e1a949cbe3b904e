// Shared by the pages used without logging in: registration, registration status, password and
// username recovery. Field errors (aria-invalid + a message under the field), the SMS code button
// with its resend countdown, the live ID number check, and the password rule.

import { api } from '../api.js';
import { captchaBlock } from '../captcha.js';
import { checkIdNumber, normalizeId } from '../idcard.js';
import { h, mount, showMessage } from '../ui.js';

export const PASSWORD_RULE = '至少 8 位，须同时包含字母和数字。';
export const RESEND_SECONDS = 60;

/** A Chinese message for what is wrong with a mainland mobile number, or ''. */
export function phoneProblem(value) {
  if (!value) return '请输入手机号。';
  if (!/^1[3-9][0-9]{9}$/.test(value)) return '请输入正确的 11 位手机号。';
  return '';
}

export function codeProblem(value) {
  if (!value) return '请输入短信验证码。';
  if (!/^[0-9]{6}$/.test(value)) return '验证码为 6 位数字。';
  return '';
}

export function passwordProblem(password) {
  if (!password) return '请设置密码。';
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/[0-9]/.test(password)) return '密码' + PASSWORD_RULE;
  return '';
}

/**
 * A labelled field whose input can carry an error: `input` gets the id, and aria-describedby
 * naming the hint and the error line. Options: hint (a line below), after (a node below the
 * input), control (what to place instead of the bare input, e.g. a row holding it and a button).
 */
export function errorField(id, label, input, { hint, after, control } = {}) {
  input.id = id;
  const error = h('p', { class: 'field-error', id: id + '-error', 'data-testid': id + '-error', hidden: true });
  const described = [hint ? id + '-hint' : null, id + '-error'].filter(Boolean).join(' ');
  input.setAttribute('aria-describedby', described);
  input.fieldError = error;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control || input,
    after || null,
    hint ? h('p', { class: 'hint', id: id + '-hint' }, hint) : null,
    error,
  );
}

/** Mark (text) or clear ('') the error of an input made by errorField(). */
export function setFieldError(input, text) {
  if (text) input.setAttribute('aria-invalid', 'true');
  else input.removeAttribute('aria-invalid');
  if (input.fieldError) showMessage(input.fieldError, text);
}

/** Clear every field error inside `container`. */
export function clearFieldErrors(container) {
  container.querySelectorAll('[aria-invalid="true"]').forEach((input) => setFieldError(input, ''));
}

/** Show `text` on the input, focus it and bring it into view. */
export function failField(input, text) {
  setFieldError(input, text);
  input.focus({ preventScroll: true });
  input.scrollIntoView({ block: 'center' });
}

/** A username field: no autocapitalisation or correction (usernames are ID numbers or ASCII). */
export function usernameInput(testid, attrs = {}) {
  return h('input', Object.assign({
    type: 'text',
    name: 'username',
    autocomplete: 'username',
    autocapitalize: 'off',
    autocorrect: 'off',
    spellcheck: 'false',
    'data-testid': testid,
  }, attrs));
}

export function phoneInput(testid) {
  return h('input', {
    type: 'tel',
    name: 'phone',
    inputmode: 'numeric',
    autocomplete: 'tel-national',
    placeholder: '11 位手机号',
    enterkeyhint: 'next',
    'data-testid': testid,
  });
}

export function codeInput(testid) {
  return h('input', {
    type: 'text',
    name: 'sms_code',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9]*',
    placeholder: '6 位数字',
    enterkeyhint: 'next',
    'data-testid': testid,
  });
}

export function passwordInput(name, testid) {
  return h('input', { type: 'password', name, autocomplete: 'new-password', maxlength: '128', 'data-testid': testid });
}

/**
 * Keep at most `max` digits in a numeric text input as the user types or pastes: '138 0000 0000',
 * '+86 13800000000' and '验证码 123456' all come out right (no maxlength: it would cut a paste short).
 */
export function digitsOnly(input, max) {
  input.addEventListener('input', () => {
    let digits = input.value.replace(/[^0-9]/g, '');
    if (max === 11 && digits.length === 13 && digits.indexOf('86') === 0) digits = digits.slice(2);
    digits = digits.slice(0, max);
    if (digits !== input.value) input.value = digits;
  });
}

/**
 * The 获取验证码 button: checks the phone, asks the server to send a code for `purpose`, then
 * counts down RESEND_SECONDS before it can be pressed again (also after a 429, whose detail is shown).
 * When the server asks for the image captcha, it appears under the phone row and goes with each send.
 * `message` is the form's alert box; `info` a box for the "sent" line.
 */
export function smsButton({ purpose, phone, message, info, testid, before }) {
  let timer = null;
  let left = 0;
  const button = h('button', { type: 'button', class: 'btn btn-secondary sms-btn', 'data-testid': testid }, '获取验证码');
  // Shown under the phone row once the server asks for it (captcha_required).
  const captcha = captchaBlock(testid);

  function tick() {
    if (!button.isConnected && timer) {
      clearInterval(timer);
      timer = null;
      return;
    }
    left -= 1;
    if (left <= 0) {
      clearInterval(timer);
      timer = null;
      button.disabled = false;
      button.textContent = '重新获取';
      return;
    }
    button.textContent = left + ' 秒后重发';
  }

  function countdown(seconds) {
    left = seconds + 1;
    button.disabled = true;
    if (timer) clearInterval(timer);
    timer = setInterval(tick, 1000);
    tick();
  }

  button.addEventListener('click', async () => {
    if (button.disabled) return;
    if (before && !before()) return;
    const value = phone.value.trim();
    const problem = phoneProblem(value);
    setFieldError(phone, problem);
    if (problem) {
      phone.focus();
      return;
    }
    if (captcha.active && !captcha.answer.value.trim()) {
      showMessage(message, '请输入图形验证码，再点击“获取验证码”。');
      captcha.answer.focus();
      return;
    }
    showMessage(message, '');
    if (info) showMessage(info, '');
    button.disabled = true;
    button.textContent = '发送中…';
    try {
      await api('/api/sms/codes', { method: 'POST', body: Object.assign({ phone: value, purpose }, captcha.body()), redirect: false });
    } catch (e) {
      if (e && (e.code === 'captcha_required' || e.code === 'captcha_invalid')) {
        // Many codes from this network: a person proves they are one (SMS pumping is a script).
        button.disabled = false;
        button.textContent = '获取验证码';
        if (!captcha.wrap.isConnected && button.parentElement) button.parentElement.after(captcha.wrap);
        if (captcha.active) await captcha.reload();
        else await captcha.show();
        showMessage(message, e.code === 'captcha_invalid' ? e.detail : '请输入图形验证码，再点击“获取验证码”。');
        captcha.answer.focus();
        return;
      }
      if (captcha.active) captcha.reload(); // each captcha answers one try
      if (e && e.status === 429) {
        showMessage(message, e.detail);
        // The detail says how long to wait ('请 42 秒后再试'); a daily limit has no seconds in it.
        const wait = /(\d+)\s*秒/.exec(e.detail || '');
        countdown(wait ? Math.min(Number(wait[1]), 3600) : RESEND_SECONDS);
      } else {
        button.disabled = false;
        button.textContent = '获取验证码';
        if (e && e.field === 'phone') setFieldError(phone, e.detail);
        else showMessage(message, (e && e.detail) || '验证码发送失败，请稍后再试。');
        if (e && e.field === 'phone') phone.focus();
      }
      return;
    }
    if (captcha.active) captcha.reload();
    if (info) showMessage(info, '验证码已发送至 ' + value.slice(0, 3) + '****' + value.slice(7) + '。');
    countdown(RESEND_SECONDS);
  });

  return button;
}

/** An input and a button side by side (phone + 获取验证码). */
export function inputWithButton(input, button) {
  return h('div', { class: 'input-row' }, input, button);
}

/**
 * The ID number input with its live check: as the user types it shows the error, or the birth
 * date and sex the number encodes. check() → the normalised number, or null (the error shown).
 */
export function idNumberInput(idBase, testid) {
  const input = h('input', {
    type: 'text',
    name: 'id_number',
    autocomplete: 'off',
    autocapitalize: 'characters',
    autocorrect: 'off',
    spellcheck: 'false',
    maxlength: '18',
    placeholder: '18 位居民身份证号',
    'data-testid': testid,
  });
  const derived = h('p', { class: 'id-derived', id: idBase + '-derived', 'data-testid': testid + '-derived', 'aria-live': 'polite', hidden: true });

  function update(final) {
    const typed = normalizeId(input.value);
    if (typed !== input.value) {
      const at = input.selectionStart;
      input.value = typed;
      if (at !== null) input.setSelectionRange(Math.min(at, typed.length), Math.min(at, typed.length));
    }
    const result = checkIdNumber(typed);
    if (result.ok) {
      setFieldError(input, '');
      mount(
        derived,
        h('span', null, '出生日期 ', h('b', { 'data-testid': testid + '-birth' }, result.birthDate)),
        h('span', null, '性别 ', h('b', { 'data-testid': testid + '-sex' }, result.sex)),
      );
      derived.hidden = false;
      return result.value;
    }
    derived.hidden = true;
    // While typing, only complain about what can no longer become valid.
    setFieldError(input, final || !result.partial ? result.error : '');
    return null;
  }

  input.addEventListener('input', () => update(false));
  input.addEventListener('blur', () => {
    if (input.value) update(true);
  });
  return { input, derived, check: () => update(true) };
}

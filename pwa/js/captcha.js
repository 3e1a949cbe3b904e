// The image captcha (services/captcha.py): the login form shows it after failed logins, the
// 获取验证码 button when an address has asked for many SMS codes.

import { api } from './api.js';
import { h } from './ui.js';

/**
 * The image captcha block: the image (tap it for a new one) and the answer input, hidden until the
 * server asks for it (captcha_required). `prefix` names its test ids and input id: prefix-captcha,
 * prefix-captcha-image, prefix-captcha-refresh, prefix-captcha-answer.
 */
export function captchaBlock(prefix) {
  let id = null;
  const image = h('img', { class: 'captcha-img', alt: '图形验证码，点击更换', width: 160, height: 60, 'data-testid': prefix + '-captcha-image' });
  const refresh = h('button', { type: 'button', class: 'captcha-btn', title: '看不清？换一张', 'aria-label': '看不清？换一张', 'data-testid': prefix + '-captcha-refresh' }, image);
  const answer = h('input', {
    type: 'text',
    name: 'captcha_answer',
    autocomplete: 'off',
    autocapitalize: 'characters',
    autocorrect: 'off',
    spellcheck: 'false',
    maxlength: '4',
    placeholder: '4 位字符',
    enterkeyhint: 'go',
    'data-testid': prefix + '-captcha-answer',
  });
  const row = h('div', { class: 'input-row captcha-row' }, answer, refresh);
  const wrap = h('div', { class: 'field', hidden: true, 'data-testid': prefix + '-captcha' }, h('label', { for: prefix + '-captcha-answer' }, '图形验证码'), row, h('p', { class: 'hint' }, '看不清？点击图片换一张。'));
  answer.id = prefix + '-captcha-answer';

  async function load() {
    answer.value = '';
    try {
      const captcha = await api('/api/auth/captcha', { redirect: false });
      id = captcha.id;
      image.src = captcha.image;
      image.dataset.captchaId = captcha.id;
    } catch (e) {
      id = null;
    }
  }
  refresh.addEventListener('click', () => {
    load();
    answer.focus();
  });

  return {
    wrap,
    answer,
    get active() {
      return !wrap.hidden;
    },
    async show() {
      wrap.hidden = false;
      await load();
    },
    body() {
      return this.active ? { captcha_id: id, captcha_answer: answer.value.trim() } : {};
    },
    reload: load,
  };
}

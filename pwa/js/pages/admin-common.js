// Shared pieces of the admin pages (trainings, the organiser's screens, the review queue):
// status pills, dialogs, a people picker and page-leave cleanup (words: labels.js; dates: format.js).
// Not a route of its own. All user data goes into the DOM as text (see ui.js).

import { api, isAbort } from '../api.js';
import { label } from '../labels.js';
import { debounce, h, messageBox, mount, setBusy, show, showMessage } from '../ui.js';

export const FORMATS = ['面授', '线上', '线上线下结合'];
export const ASSESSMENTS = ['', '笔试', '操作考核', '问卷', '口试', '其他'];

/** A coloured status pill (class: pill-<status>). */
export function pill(map, value, testid) {
  return h('span', { class: 'pill pill-' + String(value || 'none'), 'data-testid': testid || null, 'data-status': value || '' }, label(map, value) || '—');
}

// ---------------------------------------------------------------- roles

/** What the active role may do with a training (the server checks again). */
export function trainingAccess(role, training) {
  const dept = Boolean(role) && role.role === 'dept_admin' && String(role.scope_id) === String(training.department_id);
  const unit = Boolean(role) && role.role === 'unit_admin' && String(role.scope_id) === String(training.unit_id);
  return { dept, unit, organiser: dept || unit };
}

// ---------------------------------------------------------------- page lifetime

/**
 * Call `fn` once `node` has left the document (the router re-renders #app on every
 * navigation; pages get no unmount call). Returns a function that cancels the watch.
 */
export function whenLeft(node, fn) {
  const root = document.getElementById('app') || document.body;
  let done = false;
  const observer = new MutationObserver(() => {
    if (!done && !node.isConnected) {
      done = true;
      observer.disconnect();
      fn();
    }
  });
  observer.observe(root, { childList: true });
  return () => {
    done = true;
    observer.disconnect();
  };
}

// ---------------------------------------------------------------- small widgets

/** A link styled as a button. */
export function linkButton(href, text, attrs = {}) {
  return h('a', Object.assign({ class: 'btn btn-secondary btn-sm', href }, attrs), text);
}

/** A back link ('← 院内培训'). */
export function backLink(href, text) {
  return h('a', { class: 'back-link', href, 'data-testid': 'back-link' }, '‹ ' + text);
}

/** Definition rows: [[term, value], ...] as a <dl class="dl">. */
export function dl(rows, testid) {
  return h(
    'dl',
    { class: 'dl', 'data-testid': testid || null },
    rows.map(([term, value]) => h('div', { class: 'dl-row' }, h('dt', null, term), h('dd', null, value === null || value === undefined || value === '' ? '—' : value))),
  );
}

/** A 全屏 button for `target` (hidden where the Fullscreen API is missing, e.g. iPhone Safari). */
export function fullscreenButton(target, className = 'screen-btn', onError) {
  const button = h('button', { type: 'button', class: className, 'data-testid': 'fullscreen', hidden: !document.fullscreenEnabled }, '全屏');
  button.addEventListener('click', () => {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else target.requestFullscreen({ navigationUI: 'hide' }).catch(() => onError && onError('浏览器不允许全屏。'));
  });
  target.addEventListener('fullscreenchange', () => {
    button.textContent = document.fullscreenElement === target ? '退出全屏' : '全屏';
  });
  return button;
}

// ---------------------------------------------------------------- dialogs

/**
 * A modal form. `body` is an array of nodes (the fields). onSubmit(form) may return a
 * promise; when it throws an ApiError, its detail is shown in the dialog and it stays open.
 * Resolves with the value onSubmit resolved with, or null when cancelled.
 */
export function formDialog({ title, body, submitText = '确定', danger = false, testid = 'dialog', onSubmit, wide = false }) {
  return new Promise((resolve) => {
    const error = messageBox(testid + '-error');
    const submit = h('button', { type: 'submit', class: 'btn ' + (danger ? 'btn-danger' : 'btn-primary'), 'data-testid': testid + '-submit' }, submitText);
    const cancel = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': testid + '-cancel' }, '取消');
    const form = h(
      'form',
      { class: 'dialog-form', novalidate: true },
      h('h2', { class: 'dialog-title' }, title),
      error,
      body,
      h('div', { class: 'dialog-actions' }, cancel, submit),
    );
    const dialog = h('dialog', { class: 'dialog' + (wide ? ' dialog-wide' : ''), 'data-testid': testid, 'aria-label': title }, form);
    let settled = false;

    function finish(value) {
      if (settled) return;
      settled = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(value);
    }

    cancel.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      if (!submit.disabled) finish(null);
    });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      showMessage(error, '');
      const invalid = form.querySelector(':invalid');
      if (invalid) {
        showMessage(error, invalid.dataset.required || '请填写必填项。');
        invalid.focus();
        return;
      }
      setBusy(submit, true, '请稍候…');
      cancel.disabled = true;
      try {
        const value = await onSubmit(form);
        finish(value === undefined ? true : value);
      } catch (e) {
        if (e && e.handled) {
          finish(null);
          return;
        }
        setBusy(submit, false);
        cancel.disabled = false;
        showMessage(error, (e && e.detail) || (e && e.message) || '操作失败，请重试。');
      }
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    const first = form.querySelector('input, textarea, select');
    if (first) first.focus();
  });
}

/** A textarea for a required reason. */
export function reasonField(id, labelText, placeholder) {
  const input = h('textarea', {
    id,
    name: 'reason',
    rows: 3,
    maxlength: 200,
    required: true,
    placeholder: placeholder || '',
    'data-required': '请填写' + labelText + '。',
    'data-testid': 'reason-input',
  });
  return { input, node: h('div', { class: 'field' }, h('label', { for: id }, labelText), input) };
}

/** Ask for a reason, then run action(reason). Resolves true when done, null when cancelled. */
export function reasonDialog({ title, labelText = '原因', submitText = '确定', danger = true, testid = 'reason-dialog', intro, action }) {
  const reason = reasonField(testid + '-reason', labelText);
  return formDialog({
    title,
    testid,
    danger,
    submitText,
    body: [intro ? h('p', { class: 'dialog-intro' }, intro) : null, reason.node],
    onSubmit: () => action(reason.input.value.trim()),
  });
}

/** A yes/no question. */
export function confirmDialog({ title, text, submitText = '确定', danger = false, testid = 'confirm-dialog', action }) {
  return formDialog({ title, testid, danger, submitText, body: [h('p', { class: 'dialog-intro' }, text)], onSubmit: action });
}

// ---------------------------------------------------------------- people picker

/**
 * Search the people in the caller's scope and pick one.
 * Returns {node, selected(): person|null, focus()}; onPick(person) is called on every pick.
 */
export function peoplePicker({ id = 'people-picker', onPick, label: labelText = '人员' } = {}) {
  let controller = null;
  let chosen = null;
  const search = h('input', {
    id,
    type: 'search',
    autocomplete: 'off',
    placeholder: '输入姓名或人员编号搜索',
    'data-testid': 'picker-search',
  });
  const results = h('div', { class: 'picker-results', role: 'radiogroup', 'aria-label': '搜索结果', 'data-testid': 'picker-results' });
  const status = h('p', { class: 'hint picker-status', 'aria-live': 'polite' });
  const picked = h('p', { class: 'picker-picked', 'data-testid': 'picker-picked', hidden: true });

  function choose(person) {
    chosen = person;
    picked.hidden = false;
    picked.textContent = '已选：' + person.name + (person.department_name ? '（' + person.department_name + '）' : '');
    if (onPick) onPick(person);
  }

  async function lookup() {
    const q = search.value.trim();
    if (controller) controller.abort();
    if (!q) {
      mount(results);
      status.textContent = '';
      return;
    }
    const mine = (controller = new AbortController());
    status.textContent = '搜索中…';
    try {
      const data = await api('/api/people', { query: { q, page_size: 10 }, signal: mine.signal });
      if (mine !== controller) return;
      const items = data.items || [];
      status.textContent = items.length ? '' : '没有找到，请换个关键字。';
      mount(
        results,
        items.map((person) =>
          h(
            'label',
            { class: 'picker-row', 'data-testid': 'picker-row' },
            h('input', { type: 'radio', name: id + '-choice', value: String(person.id), onchange: () => choose(person) }),
            h('span', { class: 'picker-name' }, show(person.name)),
            h('span', { class: 'picker-sub' }, [person.department_name, person.person_no].filter(Boolean).join(' · ')),
          ),
        ),
      );
    } catch (e) {
      if (isAbort(e) || mine !== controller) return;
      status.textContent = e.detail || '搜索失败。';
    }
  }

  const onType = debounce(lookup, 250);
  search.addEventListener('input', onType);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault(); // do not submit the surrounding dialog
      lookup();
    }
  });
  const node = h('div', { class: 'field picker' }, h('label', { for: id }, labelText), search, status, results, picked);
  return { node, selected: () => chosen, focus: () => search.focus(), input: search };
}

// ---------------------------------------------------------------- lists

/** The pager used under the admin tables. */
/**
 * The message line of the tablet screens: `say(text, kind)` shows it for 6 s (kind ok | error);
 * `stop()` when leaving the page.
 */
export function screenMessage(testid) {
  const node = h('div', { class: 'screen-msg', role: 'status', 'aria-live': 'polite', 'data-testid': testid, hidden: true });
  let timer = null;
  function say(text, kind = 'ok') {
    clearTimeout(timer);
    node.textContent = text;
    node.className = 'screen-msg screen-msg-' + kind;
    node.hidden = !text;
    if (text) timer = setTimeout(() => (node.hidden = true), 6000);
  }
  return { node, say, stop: () => clearTimeout(timer) };
}

/** 上一页 / 下一页 with the page count; `onTurn(-1 | 1)` runs when the user turns a page. */
export function pager(testid, onTurn) {
  const prev = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': testid + '-prev', onclick: () => onTurn(-1) }, '上一页');
  const next = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': testid + '-next', onclick: () => onTurn(1) }, '下一页');
  const info = h('span', { class: 'pager-info', 'data-testid': testid + '-page' });
  const node = h('div', { class: 'pager', hidden: true }, prev, info, next);
  return {
    node,
    update(page, total, pageSize) {
      const pages = Math.max(1, Math.ceil(total / pageSize));
      info.textContent = '第 ' + page + ' / ' + pages + ' 页';
      prev.disabled = page <= 1;
      next.disabled = page >= pages;
      node.hidden = pages <= 1 && page <= 1;
    },
  };
}

/**
 * A <table> with a header row; rows are added by the caller into `body`.
 * A header is its text, or [text, className] (e.g. 'num' for a right-aligned number column).
 */
/**
 * One list load at a time for a page's table: each call aborts the one before, marks `body`
 * busy, and resolves to the data of `request(signal)`, or to null when the request failed (the
 * failure is shown in `error`, with a 重试 button when `retry` is given) or a newer load started.
 */
export function listLoader({ body, summary, error, retry }) {
  let controller = null;
  return async function load(request) {
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    body.setAttribute('aria-busy', 'true');
    summary.textContent = '加载中…';
    showMessage(error, '');
    let data;
    try {
      data = await request(mine.signal);
    } catch (e) {
      if (isAbort(e) || e.handled || mine !== controller) return null;
      body.removeAttribute('aria-busy');
      summary.textContent = '';
      showMessage(error, e.detail);
      if (retry) error.appendChild(h('button', { type: 'button', class: 'link-btn', onclick: retry }, '重试'));
      return null;
    }
    if (mine !== controller) return null;
    body.removeAttribute('aria-busy');
    return data;
  };
}

export function table(headers, testid) {
  const body = h('tbody', { 'data-testid': testid + '-body' });
  const th = (header) => (Array.isArray(header) ? h('th', { scope: 'col', class: header[1] }, header[0]) : h('th', { scope: 'col' }, header));
  const node = h('div', { class: 'table-wrap' }, h('table', { class: 'table', 'data-testid': testid }, h('thead', null, h('tr', null, headers.map(th))), body));
  return { node, body };
}

/** One full-width row saying the table is empty. */
export function emptyRow(colspan, text) {
  return h('tr', { class: 'empty-row' }, h('td', { colspan }, text));
}

// ---------------------------------------------------------------- ids

/** A random id for an offline record (crypto.randomUUID needs a secure context). */
export function randomId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (window.crypto && window.crypto.getRandomValues) window.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.prototype.map.call(bytes, (b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
  return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' + hex.slice(16, 20) + '-' + hex.slice(20);
}

/** localStorage get/set that survive storage being disabled. */
export function loadJson(key, fallback) {
  try {
    const text = localStorage.getItem(key);
    return text ? JSON.parse(text) : fallback;
  } catch (e) {
    return fallback;
  }
}

export function saveJson(key, value) {
  try {
    localStorage.setItem(key, JSON.stringify(value));
    return true;
  } catch (e) {
    return false;
  }
}

// ---------------------------------------------------------------- home

const REVIEW_QUEUE = { dept_admin: 'pending_dept', unit_admin: 'pending_unit' };
const PEOPLE_WORDS = { dept_admin: '本科室', unit_admin: '本单位', region_admin: '辖区内' };
const TRAINING_WORDS = {
  dept_admin: '新增培训、安排场次、现场扫码签到',
  unit_admin: '审核本单位的院内培训、查看签到',
  region_admin: '查看辖区内的院内培训',
};

/** The home page's quick links for an admin role (cards as home.js draws them). */
export function adminActions(role) {
  // Only a department holds trainings; a unit reviews them and a region looks on (they would get 403).
  const actions = [{ href: '/trainings', icon: 'training', title: '院内培训', text: TRAINING_WORDS[role.role] || TRAINING_WORDS.region_admin, name: 'trainings' }];
  actions.push({ href: '/projects', icon: 'certificate', title: '继教项目', text: role.role === 'dept_admin' ? '项目申报、已公布项目、代办项目' : role.role === 'unit_admin' ? '审核项目申报、指定代办科室' : '项目立项审核、已公布项目', name: 'projects' });
  actions.push({ href: '/activity-stats', icon: 'review', title: '举办统计', text: '院内活动与项目的开展和参加情况', name: 'activity-stats' });
  if (REVIEW_QUEUE[role.role]) {
    actions.push({ href: '/review', icon: 'review', title: '学分审核', text: role.role === 'dept_admin' ? '待科室审核的学分' : '待单位审核的学分', name: 'review' });
  }
  actions.push({ href: '/people', icon: 'people', title: '人员', text: '查看' + (PEOPLE_WORDS[role.role] || '') + '人员信息', name: 'people' });
  actions.push({ href: '/statistics', icon: 'chart', title: '统计查询', text: '学分完成情况、人员学分与达标情况', name: 'statistics' });
  actions.push({ href: '/statistics/at-risk', icon: 'alert', title: '未达标提醒', text: '年底前提醒尚未达标的人员', name: 'at-risk' });
  actions.push({ href: '/reports', icon: 'download', title: '学分打印', text: '学分登记表、多年度学分验证表、学分证明', name: 'reports' });
  return actions;
}

/** Put the number of credits waiting for this role into the 学分审核 card under `root`. */
export function showReviewCount(root, role) {
  const status = role ? REVIEW_QUEUE[role.role] : null;
  if (!status) return;
  api('/api/credits', { query: { status, page_size: 1 } })
    .then((data) => {
      const text = root.querySelector('[data-action="review"] .action-text');
      if (!text) return;
      text.textContent = data.total ? data.total + ' 条学分待审核' : '暂无待审核的学分';
      const card = text.closest('.action');
      if (card) {
        card.setAttribute('data-count', String(data.total));
        if (data.total) card.classList.add('action-alert');
      }
    })
    .catch(() => {}); // the card keeps its plain text
}

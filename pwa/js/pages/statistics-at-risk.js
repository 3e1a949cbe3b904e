// /statistics/at-risk: who does not pass the year yet, the largest gap first, with what each still
// needs; department and unit admins send a reminder (a text message and a notice on the trainee's
// home screen, at most one a week per person). A region admin sees the list and sets from which day
// of the year `jijiao remind` reminds every week.

import { api } from '../api.js';
import { dateTimeWords, num, thisYear } from '../format.js';
import { replaceQuery } from '../router.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { emptyRow, listLoader, pager, table } from './admin-common.js';
import { lineChips, queryYear, sectionTabs, yearSelect } from './statistics-common.js';

const PAGE_SIZE = 20;

/** The region admin's reminder season (GET/PUT /api/reminder-settings). */
function seasonCard() {
  const card = h('section', { class: 'section-card', 'data-testid': 'season-card' }, h('h2', { class: 'card-title' }, '自动提醒'));
  const message = messageBox('season-msg', 'ok');
  api('/api/reminder-settings')
    .then((data) => {
      (data.items || []).forEach((s) => {
        const starts = h('input', { type: 'text', value: s.starts_on, maxlength: '5', placeholder: 'MM-DD', 'data-testid': 'season-starts', inputmode: 'numeric' });
        const enabled = h('input', { type: 'checkbox', checked: s.enabled, 'data-testid': 'season-enabled' });
        const save = h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'season-save' }, '保存');
        const form = h(
          'form',
          {
            class: 'admin-filters',
            onsubmit: async (event) => {
              event.preventDefault();
              setBusy(save, true, '保存中…');
              try {
                const out = await api('/api/reminder-settings/' + encodeURIComponent(s.region_code), { method: 'PUT', body: { starts_on: starts.value.trim(), enabled: enabled.checked } });
                showMessage(message, out.region_name + '：' + (out.enabled ? '每年 ' + out.starts_on + ' 起每周提醒未达标人员' : '已关闭自动提醒'));
              } catch (e) {
                message.className = 'msg msg-error';
                showMessage(message, e.detail);
              } finally {
                setBusy(save, false);
              }
            },
          },
          h('span', { class: 'af' }, h('span', null, '地区'), h('b', null, s.region_name)),
          h('label', { class: 'af' }, h('span', null, '每年开始提醒日期'), starts),
          h('label', { class: 'af check' }, enabled, h('span', null, '开启每周自动提醒')),
          save,
        );
        card.appendChild(form);
      });
      card.appendChild(message);
      card.appendChild(h('p', { class: 'hint' }, '开启后，服务器的每周任务（jijiao remind）会从该日期起，每周向未达标人员发送一次提醒，并向管理员发送周报。'));
    })
    .catch(() => card.appendChild(h('p', { class: 'muted' }, '无法读取提醒设置。')));
  return card;
}

export function render(ctx) {
  ctx.setTitle('未达标提醒');
  const role = ctx.role;
  const canSend = role.role === 'dept_admin' || role.role === 'unit_admin';
  const state = { year: queryYear(ctx.query), page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1) };
  const year = yearSelect('risk-year', state.year);
  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'risk-total', 'aria-live': 'polite' });
  const error = messageBox('risk-error');
  const result = messageBox('risk-result', 'ok');
  const chosen = new Set();
  const sendChosen = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'risk-send-chosen', disabled: true }, '提醒所选人员');
  const headers = [canSend ? '' : null, ['序号', 'idx'], '姓名', '科室', '职称', ['差距', 'num'], '未达标项（已获）', '上次提醒', canSend ? '操作' : null].filter((x) => x !== null);
  const list = table(headers, 'risk-table');
  const pg = pager('risk', (delta) => {
    state.page += delta;
    load();
  });
  const loadList = listLoader({ body: list.body, summary, error, retry: () => load() });

  function paintChosen() {
    sendChosen.disabled = chosen.size === 0;
    sendChosen.textContent = chosen.size ? '提醒所选 ' + chosen.size + ' 人' : '提醒所选人员';
  }

  async function send(ids, button) {
    setBusy(button, true, '发送中…');
    showMessage(error, '');
    try {
      const out = await api('/api/reminders', { method: 'POST', body: { person_ids: ids, year: state.year } });
      const ok = out.results.filter((r) => r.ok);
      const refused = out.results.filter((r) => !r.ok);
      result.className = 'msg msg-ok';
      const notes = refused.map((r) => r.detail).filter((v, i, a) => a.indexOf(v) === i);
      showMessage(result, '已提醒 ' + ok.length + ' 人' + (notes.length ? '；' + notes.join('；') : ''));
      chosen.clear();
      paintChosen();
      load();
    } catch (e) {
      showMessage(error, e.detail);
    } finally {
      setBusy(button, false);
    }
  }

  function row(person, index) {
    const cells = [];
    if (canSend) {
      const box = h('input', { type: 'checkbox', 'aria-label': '选择 ' + person.name, 'data-testid': 'risk-check', checked: chosen.has(person.id) });
      box.addEventListener('change', () => {
        if (box.checked) chosen.add(person.id);
        else chosen.delete(person.id);
        paintChosen();
      });
      cells.push(h('td', null, box));
    }
    cells.push(
      h('td', { class: 'idx' }, String((state.page - 1) * PAGE_SIZE + index + 1)),
      h('td', { class: 'cell-title' }, h('a', { href: '/statistics/person/' + encodeURIComponent(person.id) + '?year=' + state.year, 'data-testid': 'risk-name' }, person.name)),
      h('td', { class: 'nowrap' }, role.role === 'region_admin' ? [person.unit_name, person.department_name].filter(Boolean).join(' · ') : person.department_name || '—'),
      h('td', { class: 'nowrap' }, person.title || '—'),
      h('td', { class: 'num', 'data-testid': 'risk-gap' }, num(person.gap)),
      h('td', null, lineChips(person.lines, 'risk-lines')),
      h('td', { class: 'nowrap', 'data-testid': 'risk-last' }, person.last_reminded_at ? dateTimeWords(person.last_reminded_at) : '未提醒'),
    );
    if (canSend) {
      const button = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'risk-send' }, '发送提醒');
      button.addEventListener('click', () => send([person.id], button));
      cells.push(h('td', { class: 'nowrap' }, button));
    }
    return h('tr', { 'data-testid': 'risk-row', 'data-id': String(person.id) }, cells);
  }

  async function load() {
    if (!list.body.isConnected) return;
    replaceQuery({ year: state.year === thisYear() ? '' : state.year, page: state.page > 1 ? state.page : '' });
    const data = await loadList((signal) => api('/api/statistics/at-risk', { query: { year: state.year, page: state.page, page_size: PAGE_SIZE }, signal }));
    if (!data) return;
    const items = data.items || [];
    mount(list.body, items.map(row));
    if (!items.length) list.body.appendChild(emptyRow(headers.length, '所有人员均已达标。'));
    summary.textContent = state.year + ' 年度尚未达标 ' + data.total + ' 人，按差距从大到小排列';
    pg.update(state.page, data.total, PAGE_SIZE);
  }

  year.addEventListener('change', () => {
    state.year = parseInt(year.value, 10);
    state.page = 1;
    chosen.clear();
    paintChosen();
    load();
  });
  sendChosen.addEventListener('click', () => send(Array.from(chosen), sendChosen));

  const head = h(
    'div',
    { class: 'page-head' },
    h('div', null, pageTitle('未达标人员提醒', 'risk-title'), role.scope_name ? h('p', { class: 'muted page-sub' }, role.scope_name) : null),
    canSend ? h('div', { class: 'head-actions' }, sendChosen) : null,
  );
  const filters = h('div', { class: 'admin-filters' }, h('label', { class: 'af' }, h('span', null, '年度'), year));
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      head,
      sectionTabs('at-risk'),
      role.role === 'region_admin' ? seasonCard() : null,
      filters,
      canSend ? h('p', { class: 'hint' }, '提醒以短信和首页消息送达本人，每人每周最多提醒一次。') : null,
      result,
      summary,
      error,
      list.node,
      pg.node,
    ),
  );
  load();
}


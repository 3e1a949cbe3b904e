// /provider/classes/:id: one class for its provider (施教机构). 开放报名 (接受报名) / 停止报名; the
// enrolments with how many sessions each person attended: 确认报名 / 退回 one by one or for the
// ticked ones, 确认学时 per person or for everyone confirmed who attended; the sessions (场次)
// with their rotating-QR 签到屏, the same check-in as the hospitals' in-house trainings.

import { api } from '../api.js';
import { chinaInstant, fmtRange, hm, num, ymd } from '../format.js';
import { CLASS_STATUS, CREDIT_CATEGORY, ENROLMENT_STATUS, label } from '../labels.js';
import { h, messageBox, mount, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { backLink, dl, emptyRow, formDialog, pill, reasonDialog, table } from './admin-common.js';
import { classWhen } from './learning-common.js';

function hoursField(id, value, max) {
  const input = h('input', { id, type: 'number', min: '0.5', max: String(max), step: '0.5', inputmode: 'decimal', required: true, value: String(value), 'data-testid': 'hours-input', 'data-required': '请填写学时。' });
  return { input, node: h('div', { class: 'field' }, h('label', { for: id }, '确认学时'), input, h('p', { class: 'hint' }, '不超过本班 ' + num(max) + ' 学时。确认后学员即获得学时，记入继续教育记录。')) };
}

export async function render(ctx) {
  const id = ctx.params.id;
  const base = '/api/classes/' + encodeURIComponent(id);
  const flash = messageBox('pclass-flash', 'ok');
  const error = messageBox('pclass-error');
  const container = h('div', { class: 'admin-page' });
  mount(ctx.main, container);
  let klass = null;

  async function refresh(message) {
    const [c, enrolments, sessions] = await Promise.all([api(base), api(base + '/enrolments', { query: { page_size: 200 } }), api(base + '/sessions')]);
    klass = c;
    paint(enrolments, sessions);
    if (message) showMessage(flash, message);
  }

  async function run(button, busyText, call, okText) {
    showMessage(error, '');
    showMessage(flash, '');
    setBusy(button, true, busyText);
    try {
      const result = await call();
      const failed = result && result.results ? result.results.filter((r) => !r.ok) : [];
      await refresh(failed.length ? null : okText);
      if (failed.length) showMessage(error, failed.length + ' 条未处理：' + failed[0].detail);
    } catch (e) {
      if (e.handled) return;
      setBusy(button, false);
      showMessage(error, e.detail);
    }
  }

  function button(text, cls, testid, onclick) {
    const b = h('button', { type: 'button', class: 'btn btn-sm ' + cls, 'data-testid': testid });
    b.textContent = text;
    b.addEventListener('click', () => onclick(b));
    return b;
  }

  async function completeDialog(title, send) {
    const field = hoursField('complete-hours', klass.hours, klass.hours);
    const done = await formDialog({ title, testid: 'complete-dialog', submitText: '确认学时', body: [field.node], onSubmit: () => send(Number(field.input.value)) });
    return done;
  }

  function paint(enrolments, sessions) {
    ctx.setTitle(klass.title);
    const actions = [];
    if (klass.status !== 'accepting') {
      actions.push(button('开放报名', 'btn-primary', 'pclass-open', (b) => run(b, '提交中…', () => api(base + '/open', { method: 'POST' }), '已开放报名（接受报名）。')));
    } else {
      actions.push(button('停止报名', 'btn-secondary', 'pclass-close', (b) => run(b, '提交中…', () => api(base + '/close', { method: 'POST' }), '已停止报名。')));
    }

    // -- enrolments
    const ticked = new Set();
    const batchCount = h('span', { class: 'batch-count', 'data-testid': 'pclass-ticked' }, '已选 0 人');
    const grid = table(['', '姓名', '单位 / 科室', ['签到', 'num'], '状态', ['学时', 'num'], '操作'], 'enrolments');
    enrolments.items.forEach((e) => {
      const box = h('input', { type: 'checkbox', 'aria-label': '选择 ' + e.person_name, 'data-testid': 'enrolment-tick' });
      box.addEventListener('change', () => {
        if (box.checked) ticked.add(e.id);
        else ticked.delete(e.id);
        batchCount.textContent = '已选 ' + ticked.size + ' 人';
      });
      const ops = [];
      if (e.status === 'pending') {
        ops.push(button('确认', 'btn-primary', 'enrolment-confirm', (b) => run(b, '确认中…', () => api('/api/enrolments/' + e.id + '/confirm', { method: 'POST' }), '已确认 ' + e.person_name + ' 的报名。')));
        ops.push(button('退回', 'btn-danger-outline', 'enrolment-refuse', async () => {
          const done = await reasonDialog({ title: '退回报名 · ' + e.person_name, labelText: '退回原因', submitText: '退回', testid: 'refuse-dialog', action: (reason) => api('/api/enrolments/' + e.id + '/refuse', { method: 'POST', body: { reason } }) });
          if (done) await refresh('已退回 ' + e.person_name + ' 的报名。');
        }));
      }
      if (e.status === 'enrolled') {
        ops.push(button('确认学时', 'btn-primary', 'enrolment-complete', async () => {
          const done = await completeDialog('确认学时 · ' + e.person_name, (hours) => api('/api/enrolments/' + e.id + '/complete', { method: 'POST', body: { hours } }));
          if (done) await refresh('已为 ' + e.person_name + ' 确认学时。');
        }));
      }
      grid.body.appendChild(
        h(
          'tr',
          { 'data-testid': 'enrolment-row', 'data-id': String(e.id), 'data-status': e.status },
          h('td', null, box),
          h('td', null, h('span', { class: 'cell-title' }, e.person_name), h('span', { class: 'cell-sub' }, e.person_no)),
          h('td', null, [e.unit_name, e.department_name].filter(Boolean).join(' / ')),
          h('td', { class: 'num', 'data-testid': 'enrolment-attended' }, String(e.sessions_attended || 0)),
          h('td', null, pill(ENROLMENT_STATUS, e.status, 'enrolment-pill')),
          h('td', { class: 'num' }, e.hours === null ? '—' : num(e.hours)),
          h('td', null, h('span', { class: 'row-actions' }, ops)),
        ),
      );
    });
    if (!enrolments.total) grid.body.appendChild(emptyRow(7, klass.status === 'accepting' ? '暂无报名。' : '开放报名后，学员即可在“培训班报名申请”中报名。'));
    const batch = (action, okText) => (b) => {
      if (!ticked.size) {
        showMessage(error, '请先勾选学员。');
        return;
      }
      run(b, '处理中…', () => api('/api/enrolments/batch', { method: 'POST', body: { ids: Array.from(ticked), action } }), okText);
    };
    const batchBar = h(
      'div',
      { class: 'batch-bar' },
      batchCount,
      button('批量确认报名', 'btn-secondary', 'batch-confirm', batch('confirm', '已确认所选报名。')),
      button('为已签到人员确认学时', 'btn-primary', 'complete-attended', async () => {
        const done = await completeDialog('为已签到人员确认学时', (hours) => api(base + '/complete', { method: 'POST', body: { hours } }));
        if (done) await refresh('已为签到的学员确认学时。');
      }),
    );

    // -- sessions
    const sessionsTable = table([['场次', 'idx'], '时间', '地点', '签到'], 'class-sessions');
    sessions.forEach((s, i) => {
      sessionsTable.body.appendChild(
        h(
          'tr',
          { 'data-testid': 'class-session-row' },
          h('td', { class: 'idx' }, String(i + 1)),
          h('td', { class: 'nowrap' }, fmtRange(s.starts_at, s.ends_at)),
          h('td', null, show(s.location)),
          h('td', null, h('a', { class: 'btn btn-primary btn-sm', href: '/sessions/' + s.id + '/screen', 'data-testid': 'class-session-screen' }, '打开签到屏')),
        ),
      );
    });
    if (!sessions.length) sessionsTable.body.appendChild(emptyRow(4, '线下培训可添加场次，现场扫码签到；线上培训可不设场次。'));
    const addSession = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'class-session-add', onclick: () => sessionDialog() }, '+ 添加场次');

    mount(
      container,
      backLink('/provider/classes', '培训班'),
      h(
        'div',
        { class: 'page-head' },
        h('div', null, pageTitle(klass.title, 'pclass-title'), h('p', { class: 'page-sub' }, pill(CLASS_STATUS, klass.status, 'pclass-detail-status'), ' ', h('span', { class: 'muted' }, label(CREDIT_CATEGORY, klass.category) + ' · ' + num(klass.hours) + ' 学时'))),
        h('div', { class: 'head-actions', 'data-testid': 'pclass-actions' }, actions),
      ),
      flash,
      error,
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '基本信息'), dl([['年度', String(klass.year)], ['时间地点', classWhen(klass)], ['名额', klass.seats_taken + ' / ' + klass.capacity], ['简介', klass.description]], 'pclass-fields')),
      h('section', { class: 'card section-card' }, h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, '报名学员（' + enrolments.total + '）')), batchBar, grid.node),
      h('section', { class: 'card section-card' }, h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, '场次与签到'), addSession), sessionsTable.node),
    );
  }

  async function sessionDialog() {
    const start = Math.ceil(Date.now() / 1800000) * 1800000;
    const date = h('input', { id: 'csd-date', type: 'date', required: true, value: ymd(start), 'data-testid': 'csd-date' });
    const from = h('input', { id: 'csd-start', type: 'time', required: true, value: hm(start), 'data-testid': 'csd-start' });
    const to = h('input', { id: 'csd-end', type: 'time', required: true, value: hm(start + 3 * 3600000), 'data-testid': 'csd-end' });
    const place = h('input', { id: 'csd-location', type: 'text', maxlength: 100, value: klass.place || '', 'data-testid': 'csd-location' });
    const done = await formDialog({
      title: '添加场次',
      testid: 'class-session-dialog',
      submitText: '保存场次',
      body: [
        h('div', { class: 'field' }, h('label', { for: 'csd-date' }, '日期'), date),
        h('div', { class: 'field-pair' }, h('div', { class: 'field' }, h('label', { for: 'csd-start' }, '开始时间'), from), h('div', { class: 'field' }, h('label', { for: 'csd-end' }, '结束时间'), to)),
        h('div', { class: 'field' }, h('label', { for: 'csd-location' }, '地点'), place),
      ],
      onSubmit: () => {
        // The times typed are China time, whatever zone this computer is set to.
        const a = chinaInstant(date.value, from.value);
        const b = chinaInstant(date.value, to.value);
        if (!a || !b || b <= a) return Promise.reject({ detail: '请填写日期，结束时间须晚于开始时间。' });
        return api(base + '/sessions', { method: 'POST', body: { starts_at: a, ends_at: b, location: place.value.trim() } });
      },
    });
    if (done) await refresh('场次已添加。');
  }

  await refresh();
}

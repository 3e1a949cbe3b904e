// /trainings/:id: one in-house training — its fields, sessions (举办周期), courses, and the actions
// the active role may take in its status: 提交审核 (department; draft/rejected), 审核通过 / 不通过
// (unit; submitted), 结束培训 (approved), and per session the organiser's 签到屏 and 反扫模式.

import { chinaInstant, fmtDateTime, fmtRange, hm, num, ymd } from '../format.js';
import { api } from '../api.js';
import { h, messageBox, mount, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { CREDIT_CLASS, label, TRAINING_STATUS } from '../labels.js';
import {
  backLink,
  confirmDialog,
  dl,
  emptyRow,
  formDialog,
  peoplePicker,
  pill,
  reasonDialog,
  table,
  trainingAccess,
} from './admin-common.js';

const EDITABLE = ['draft', 'rejected'];

/** The next half hour from now (ms); China is a whole number of hours from UTC. */
function nextHalfHour() {
  const halfHour = 30 * 60 * 1000;
  return (Math.floor(Date.now() / halfHour) + 1) * halfHour;
}

export async function render(ctx) {
  const id = ctx.params.id;
  const flash = messageBox('training-flash', 'ok');
  const error = messageBox('training-error');
  const container = h('div', { class: 'admin-page' });
  mount(ctx.main, container);

  async function refresh(message) {
    const data = await api('/api/trainings/' + encodeURIComponent(id));
    paint(data);
    if (message) showMessage(flash, message);
  }

  function action(text, cls, testid, run) {
    const button = h('button', { type: 'button', class: 'btn btn-sm ' + cls, 'data-testid': testid }, text);
    button.addEventListener('click', async () => {
      showMessage(error, '');
      showMessage(flash, '');
      await run(button);
    });
    return button;
  }

  // A call from a plain button (no dialog): busy state, errors into the page.
  async function simple(button, busyText, call, okText) {
    setBusy(button, true, busyText);
    try {
      await call();
      await refresh(okText);
    } catch (e) {
      if (e.handled) return;
      setBusy(button, false);
      showMessage(error, e.detail);
    }
  }

  function post(path, body) {
    return api('/api/trainings/' + encodeURIComponent(id) + path, { method: 'POST', body });
  }

  function paint(data) {
    const t = data.training;
    const acc = trainingAccess(ctx.role, t);
    const editable = EDITABLE.indexOf(t.status) !== -1;
    ctx.setTitle(t.title);

    // -- actions by role and status
    const actions = [];
    if (acc.dept && editable) {
      actions.push(h('a', { class: 'btn btn-secondary btn-sm', href: '/trainings/' + t.id + '/edit', 'data-testid': 'training-edit' }, '编辑'));
      actions.push(
        action('提交审核', 'btn-primary', 'training-submit', (b) => simple(b, '提交中…', () => post('/submit'))),
      );
    }
    if (acc.unit && t.status === 'submitted') {
      actions.push(action('审核通过', 'btn-primary', 'training-approve', (b) => simple(b, '提交中…', () => post('/approve'), '已审核通过，可以开始签到。')));
      actions.push(
        action('不通过', 'btn-danger-outline', 'training-reject', async () => {
          const done = await reasonDialog({ title: '审核不通过', labelText: '不通过原因', submitText: '不通过', testid: 'training-reject-dialog', action: (reason) => post('/reject', { reason }) });
          if (done) await refresh('已退回举办科室。');
        }),
      );
    }
    if (acc.organiser && t.status === 'approved') {
      actions.push(
        action('结束培训', 'btn-secondary', 'training-close', async () => {
          const done = await confirmDialog({
            title: '结束培训',
            text: '结束后不能再签到或补签，并为本单位的主讲人登记授课学分。确定结束《' + t.title + '》吗？',
            submitText: '结束培训',
            danger: true,
            testid: 'training-close-dialog',
            action: () => post('/close'),
          });
          if (done) await refresh('培训已结束。');
        }),
      );
    }

    // -- fields
    const info = dl(
      [
        ['举办年度', String(t.year)],
        ['所在科室', t.department_name],
        ['学分级别', label(CREDIT_CLASS, t.credit_class)],
        ['学分', num(t.credits)],
        ['学时', num(t.hours)],
        ['举办方式', t.format],
        ['二级学科', t.discipline],
        ['三级学科', t.subdiscipline],
        ['考核方式', t.assessment],
        ['其他编号', t.other_no],
        ['签退', t.requires_checkout ? '需要' + (t.min_minutes ? '（签到后至少 ' + t.min_minutes + ' 分钟）' : '') : '不需要'],
        ['添加时间', fmtDateTime(t.created_at)],
        ['所属单位', t.unit_name],
        ['备注', t.remark],
      ],
      'training-fields',
    );

    // -- sessions
    const sessionsTable = table([['场次', 'idx'], '时间', '地点', '签到'], 'sessions');
    const live = t.status === 'approved' || t.status === 'closed';
    data.sessions.forEach((s, i) => {
      const links = acc.organiser && live
        ? h(
            'span',
            { class: 'row-actions' },
            h('a', { class: 'btn btn-primary btn-sm', href: '/sessions/' + s.id + '/screen', 'data-testid': 'session-screen' }, t.status === 'closed' ? '签到名单' : '打开签到屏'),
            t.status === 'approved' ? h('a', { class: 'btn btn-secondary btn-sm', href: '/sessions/' + s.id + '/reverse', 'data-testid': 'session-reverse' }, '反扫模式') : null,
          )
        : h('span', { class: 'muted small' }, acc.organiser ? '审核通过后可签到' : '—');
      sessionsTable.body.appendChild(
        h('tr', { 'data-testid': 'session-row', 'data-id': String(s.id) }, h('td', { class: 'idx' }, String(i + 1)), h('td', { class: 'nowrap' }, fmtRange(s.starts_at, s.ends_at)), h('td', null, show(s.location)), h('td', null, links)),
      );
    });
    if (!data.sessions.length) sessionsTable.body.appendChild(emptyRow(4, '尚未安排场次。提交审核前，请至少添加一个场次。'));
    const addSession = acc.dept && t.status !== 'closed'
      ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'session-add', onclick: () => openSessionDialog() }, '+ 添加场次')
      : null;

    // -- courses
    const coursesTable = table(['课程名称', ['学时', 'num'], '主讲人'], 'courses');
    data.courses.forEach((c) => {
      coursesTable.body.appendChild(h('tr', { 'data-testid': 'course-row' }, h('td', null, c.title), h('td', { class: 'num' }, num(c.hours)), h('td', null, show(c.speaker_name), c.speaker_id ? h('span', { class: 'tag' }, '本单位') : null)));
    });
    if (!data.courses.length) coursesTable.body.appendChild(emptyRow(3, '尚未添加课程。'));
    const addCourse = acc.dept && editable
      ? h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'course-add', onclick: () => openCourseDialog(t) }, '+ 添加课程')
      : null;

    mount(
      container,
      backLink('/trainings', '院内培训'),
      h(
        'div',
        { class: 'page-head' },
        h('div', null, pageTitle(t.title, 'training-title'), h('p', { class: 'page-sub' }, pill(TRAINING_STATUS, t.status, 'training-detail-status'), ' ', h('span', { class: 'muted' }, t.unit_name + ' / ' + t.department_name))),
        actions.length ? h('div', { class: 'head-actions', 'data-testid': 'training-actions' }, actions) : null,
      ),
      flash,
      error,
      t.status === 'rejected' && t.review_reason ? h('p', { class: 'msg msg-error', 'data-testid': 'training-reason' }, '未通过原因：' + t.review_reason) : null,
      t.status === 'submitted' && acc.dept ? h('p', { class: 'msg msg-info' }, '已提交，等待单位审核。审核通过后即可打开签到屏。') : null,
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '基本信息'), info),
      h('section', { class: 'card section-card' }, h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, '举办周期（场次）'), addSession), sessionsTable.node),
      h('section', { class: 'card section-card' }, h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, '课程'), addCourse), coursesTable.node),
    );
  }

  async function openSessionDialog() {
    const start = nextHalfHour();
    const end = start + 2 * 3600 * 1000;
    const date = h('input', { id: 'sd-date', type: 'date', required: true, value: ymd(start), 'data-testid': 'sd-date', 'data-required': '请选择日期。' });
    const from = h('input', { id: 'sd-start', type: 'time', required: true, value: hm(start), 'data-testid': 'sd-start', 'data-required': '请填写开始时间。' });
    const to = h('input', { id: 'sd-end', type: 'time', required: true, value: hm(end), 'data-testid': 'sd-end', 'data-required': '请填写结束时间。' });
    const place = h('input', { id: 'sd-location', type: 'text', maxlength: 100, placeholder: '如：门诊楼三楼学术报告厅', 'data-testid': 'sd-location' });
    const done = await formDialog({
      title: '添加场次',
      testid: 'session-dialog',
      submitText: '保存场次',
      body: [
        h('div', { class: 'field' }, h('label', { for: 'sd-date' }, '日期'), date),
        h('div', { class: 'field-pair' }, h('div', { class: 'field' }, h('label', { for: 'sd-start' }, '开始时间'), from), h('div', { class: 'field' }, h('label', { for: 'sd-end' }, '结束时间'), to)),
        h('div', { class: 'field' }, h('label', { for: 'sd-location' }, '地点'), place),
      ],
      onSubmit: () => {
        // The times typed are China time, whatever zone this computer is set to.
        const a = chinaInstant(date.value, from.value);
        const b = chinaInstant(date.value, to.value);
        if (!a || !b) return Promise.reject({ detail: '请填写日期和时间。' });
        if (b <= a) return Promise.reject({ detail: '结束时间须晚于开始时间。' }); // same day and offset: text order is time order
        return api('/api/trainings/' + encodeURIComponent(id) + '/sessions', {
          method: 'POST',
          body: { starts_at: a, ends_at: b, location: place.value.trim() },
        });
      },
    });
    if (done) await refresh('场次已添加。');
  }

  async function openCourseDialog(t) {
    const title = h('input', { id: 'cd-title', type: 'text', required: true, maxlength: 200, 'data-testid': 'cd-title', 'data-required': '请填写课程名称。' });
    const hours = h('input', { id: 'cd-hours', type: 'number', required: true, min: '0.01', max: '100', step: '0.01', inputmode: 'decimal', 'data-testid': 'cd-hours', 'data-required': '请填写学时（大于 0）。' });
    const mode = { value: 'person' };
    const picker = peoplePicker({ id: 'cd-speaker', label: '主讲人（本单位人员，可获授课学分）' });
    const freeName = h('input', { id: 'cd-speaker-name', type: 'text', maxlength: 50, placeholder: '外院专家等', 'data-testid': 'cd-speaker-name' });
    const freeRow = h('div', { class: 'field', hidden: true }, h('label', { for: 'cd-speaker-name' }, '主讲人姓名'), freeName);
    const modeSwitch = h(
      'div',
      { class: 'radio-row', role: 'radiogroup', 'aria-label': '主讲人来源' },
      h('label', { class: 'check' }, h('input', { type: 'radio', name: 'cd-mode', value: 'person', checked: true, onchange: () => switchMode('person') }), h('span', null, '从人员中选择')),
      h('label', { class: 'check' }, h('input', { type: 'radio', name: 'cd-mode', value: 'free', 'data-testid': 'cd-mode-free', onchange: () => switchMode('free') }), h('span', null, '填写姓名（外单位）')),
    );
    function switchMode(value) {
      mode.value = value;
      picker.node.hidden = value !== 'person';
      freeRow.hidden = value !== 'free';
    }
    const done = await formDialog({
      title: '添加课程 · ' + t.title,
      testid: 'course-dialog',
      submitText: '保存课程',
      body: [
        h('div', { class: 'field' }, h('label', { for: 'cd-title' }, '课程名称'), title),
        h('div', { class: 'field' }, h('label', { for: 'cd-hours' }, '学时'), hours),
        modeSwitch,
        picker.node,
        freeRow,
      ],
      onSubmit: () => {
        const body = { title: title.value.trim(), hours: Number(hours.value) };
        if (mode.value === 'person') {
          const person = picker.selected();
          if (!person) return Promise.reject({ detail: '请搜索并选择主讲人，或改为填写姓名。' });
          body.speaker_id = person.id;
          body.speaker_name = person.name;
        } else {
          if (!freeName.value.trim()) return Promise.reject({ detail: '请填写主讲人姓名。' });
          body.speaker_name = freeName.value.trim();
        }
        return api('/api/trainings/' + encodeURIComponent(id) + '/courses', { method: 'POST', body });
      },
    });
    if (done) await refresh('课程已添加。');
  }

  await refresh();
}

// /projects/:id: one CME project — what was applied for (基本信息, 课程安排, 附件), its history, and
// the actions the active role may take in its state: 提交申报 (the applying department); 审核通过 /
// 退回修改 / 不通过 (the unit); 立项 / 不予立项 (the health commission); 指定代办科室 and the check of
// the pre-event information (the unit); 上传举办通知, 添加场次, 提交举办前信息, the sessions' 签到屏 and
// 结束项目 (the delegated department, seed 001 §3.3).

import { api, upload } from '../api.js';
import { dateTimeWords, fmtRange, hm, chinaInstant, num, ymd } from '../format.js';
import { label, PREP_STATUS, PROJECT_LEVEL, PROJECT_STATUS } from '../labels.js';
import { h, messageBox, mount, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { backLink, confirmDialog, dl, emptyRow, formDialog, pill, reasonDialog, table } from './admin-common.js';
import { EDITABLE, LEVEL_RULE_TEXT, dateSpan, projectAccess } from './admin-project-common.js';

const ACTION_WORDS = {
  create: '新建申报', submit: '提交申报', unit_approve: '单位审核通过', unit_return: '单位退回修改', unit_reject: '单位审核不通过',
  region_approve: '立项', region_reject: '不予立项', delegate: '指定代办科室', prep_submit: '提交举办前信息',
  prep_check: '举办前信息审核通过', prep_return: '退回举办前信息', close: '结束项目',
};
const BAD_ACTIONS = ['unit_return', 'unit_reject', 'region_reject', 'prep_return'];
const FILE_KIND = { attachment: '申报附件', notice: '举办通知' };

export async function render(ctx) {
  const id = ctx.params.id;
  const flash = messageBox('project-flash', 'ok');
  const error = messageBox('project-error');
  const container = h('div', { class: 'admin-page' });
  mount(ctx.main, container);

  async function refresh(message) {
    paint(await api('/api/projects/' + encodeURIComponent(id)));
    if (message) showMessage(flash, message);
  }

  function post(path, body) {
    return api('/api/projects/' + encodeURIComponent(id) + path, { method: 'POST', body });
  }

  function button(text, cls, testid, run) {
    const b = h('button', { type: 'button', class: 'btn btn-sm ' + cls, 'data-testid': testid }, text);
    b.addEventListener('click', async () => {
      showMessage(error, '');
      showMessage(flash, '');
      await run(b);
    });
    return b;
  }

  // A plain action (no dialog): busy state, errors into the page.
  function simple(text, cls, testid, path, okText) {
    return button(text, cls, testid, async (b) => {
      setBusy(b, true, '提交中…');
      try {
        await post(path);
        await refresh(okText);
      } catch (e) {
        if (e.handled) return;
        setBusy(b, false);
        showMessage(error, e.detail);
      }
    });
  }

  function withReason(text, testid, path, title, labelText, okText) {
    return button(text, 'btn-danger-outline', testid, async () => {
      const done = await reasonDialog({ title, labelText, submitText: text, testid: testid + '-dialog', action: (reason) => post(path, { reason }) });
      if (done) await refresh(okText);
    });
  }

  function actionsFor(p, acc) {
    const out = [];
    if (acc.dept && EDITABLE.indexOf(p.status) !== -1) {
      out.push(h('a', { class: 'btn btn-secondary btn-sm', href: '/projects/' + p.id + '/edit', 'data-testid': 'project-edit' }, '修改'));
      out.push(simple('提交申报', 'btn-primary', 'project-submit', '/submit', '已提交，等待单位审核。'));
    }
    if (acc.unit && p.status === 'submitted') {
      out.push(simple('审核通过', 'btn-primary', 'project-approve', '/approve', '已审核通过，报卫生健康委立项。'));
      out.push(withReason('退回修改', 'project-return', '/return', '退回修改', '退回原因', '已退回申报科室修改。'));
      out.push(withReason('不通过', 'project-reject', '/reject', '审核不通过', '不通过原因', '已审核不通过。'));
    }
    if (acc.region && p.status === 'pending_region') {
      out.push(simple('立项', 'btn-primary', 'project-publish', '/approve', '已立项并公布。'));
      out.push(withReason('不予立项', 'project-reject', '/reject', '不予立项', '不予立项的原因', '已不予立项。'));
    }
    if (acc.unit && p.status === 'published') {
      out.push(button(p.delegated_department_id ? '更换代办科室' : '指定代办科室', 'btn-primary', 'project-delegate', () => delegateDialog(p)));
      if (p.prep_status === 'submitted') {
        out.push(simple('举办前信息通过', 'btn-primary', 'project-prep-approve', '/prep/approve', '举办前信息已审核通过。'));
        out.push(withReason('退回举办前信息', 'project-prep-return', '/prep/return', '退回举办前信息', '退回原因', '已退回代办科室。'));
      }
    }
    if (acc.delegated && p.status === 'published') {
      const open = p.prep_status === 'open' || p.prep_status === 'returned';
      out.push(button('+ 添加场次', 'btn-secondary', 'project-session-add', () => sessionDialog(p)));
      if (open) {
        out.push(noticeUpload(p));
        out.push(simple('提交举办前信息', 'btn-primary', 'project-prep-submit', '/prep/submit', '已提交单位审核。'));
      }
    }
    if ((acc.delegated || acc.unit) && p.status === 'published' && p.training_id) {
      out.push(button('结束项目', 'btn-secondary', 'project-close', async () => {
        const done = await confirmDialog({ title: '结束项目', text: '结束后不能再签到或补签，并为本单位的主讲人登记授课学分。确定结束《' + p.title + '》吗？', submitText: '结束项目', danger: true, testid: 'project-close-dialog', action: () => post('/close') });
        if (done) await refresh('项目已结束。');
      }));
    }
    return out;
  }

  function noticeUpload(p) {
    const input = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/heic,application/pdf', class: 'visually-hidden', id: 'project-notice-input', 'data-testid': 'project-notice-input' });
    input.addEventListener('change', async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      showMessage(error, '');
      try {
        await upload('/api/projects/' + p.id + '/files', file, { fields: { kind: 'notice' } });
        await refresh('举办通知已上传。');
      } catch (e) {
        if (!e.handled) showMessage(error, e.detail);
      }
    });
    return h('label', { class: 'btn btn-secondary btn-sm', for: 'project-notice-input', 'data-testid': 'project-notice' }, '上传举办通知', input);
  }

  async function delegateDialog(p) {
    const data = await api('/api/units/' + p.unit_id + '/departments');
    const select = h('select', { id: 'dd-department', required: true, 'data-testid': 'dd-department', 'data-required': '请选择代办科室。' },
      h('option', { value: '' }, '请选择科室'),
      (data.items || []).map((d) => h('option', { value: String(d.id), selected: d.id === p.delegated_department_id }, d.name)));
    const done = await formDialog({
      title: '指定代办科室',
      testid: 'delegate-dialog',
      submitText: '确定',
      body: [h('p', { class: 'dialog-intro' }, '代办科室负责维护项目信息、上传举办通知、安排场次和现场签到。'), h('div', { class: 'field' }, h('label', { for: 'dd-department' }, '代办科室'), select)],
      onSubmit: () => post('/delegate', { department_id: Number(select.value) }),
    });
    if (done) await refresh('已指定代办科室。');
  }

  async function sessionDialog(p) {
    // The project's first day at 09:00 while it is ahead, else the next half hour.
    const halfHour = 30 * 60 * 1000;
    const first = Date.parse(p.starts_on + 'T09:00:00+08:00');
    const start = first > Date.now() ? first : (Math.floor(Date.now() / halfHour) + 1) * halfHour;
    const date = h('input', { id: 'ps-date', type: 'date', required: true, value: ymd(start), 'data-testid': 'ps-date', 'data-required': '请选择日期。' });
    const from = h('input', { id: 'ps-start', type: 'time', required: true, value: hm(start), 'data-testid': 'ps-start', 'data-required': '请填写开始时间。' });
    const to = h('input', { id: 'ps-end', type: 'time', required: true, value: hm(start + 3 * 3600 * 1000), 'data-testid': 'ps-end', 'data-required': '请填写结束时间。' });
    const place = h('input', { id: 'ps-location', type: 'text', maxlength: 100, value: p.location, 'data-testid': 'ps-location' });
    const done = await formDialog({
      title: '添加场次',
      testid: 'project-session-dialog',
      submitText: '保存场次',
      body: [
        h('div', { class: 'field' }, h('label', { for: 'ps-date' }, '日期'), date),
        h('div', { class: 'field-pair' }, h('div', { class: 'field' }, h('label', { for: 'ps-start' }, '开始时间'), from), h('div', { class: 'field' }, h('label', { for: 'ps-end' }, '结束时间'), to)),
        h('div', { class: 'field' }, h('label', { for: 'ps-location' }, '地点'), place),
      ],
      onSubmit: () => {
        // The times typed are China time, whatever zone this computer is set to.
        const a = chinaInstant(date.value, from.value);
        const b = chinaInstant(date.value, to.value);
        if (!a || !b) return Promise.reject({ detail: '请填写日期和时间。' });
        if (b <= a) return Promise.reject({ detail: '结束时间须晚于开始时间。' });
        return post('/sessions', { starts_at: a, ends_at: b, location: place.value.trim() });
      },
    });
    if (done) await refresh('场次已添加。');
  }

  function paint(p) {
    const acc = projectAccess(ctx.role, p);
    ctx.setTitle(p.title);
    const actions = actionsFor(p, acc);
    const info = dl([
      ['项目编号', p.project_no || '立项后生成'],
      ['项目级别', label(PROJECT_LEVEL, p.level)],
      ['举办年度', String(p.year)],
      ['拟授学分', num(p.credits)],
      ['总学时', num(p.hours)],
      ['学员可获学分', p.attendee_credits === null ? '—' : num(p.attendee_credits) + ' 分（I类）'],
      ['举办日期', dateSpan(p.starts_on, p.ends_on)],
      ['举办地点', p.location],
      ['项目负责人', p.leader],
      ['学科', [p.discipline, p.subdiscipline].filter(Boolean).join(' / ')],
      ['举办方式', p.format],
      ['申报单位', p.unit_name + ' / ' + p.department_name],
      ['教学对象', p.audience],
      ['拟招生人数', p.intake ? String(p.intake) : ''],
      ['经费说明', p.budget_note],
    ], 'project-fields');

    const courses = table(['课程', ['学时', 'num'], '主讲人', '职称', '工作单位'], 'project-courses');
    p.courses.forEach((c) => courses.body.appendChild(h('tr', { 'data-testid': 'project-course-row' }, h('td', null, c.title), h('td', { class: 'num' }, num(c.hours)), h('td', null, c.speaker_name, c.speaker_id ? h('span', { class: 'tag' }, '本单位') : null), h('td', null, show(c.speaker_title)), h('td', null, show(c.speaker_unit)))));
    if (!p.courses.length) courses.body.appendChild(emptyRow(5, '尚未填写课程安排。'));

    const files = h('ul', { class: 'file-list', 'data-testid': 'project-files' }, p.files.length
      ? p.files.map((f) => h('li', { 'data-testid': 'project-file', 'data-kind': f.kind }, h('span', { class: 'tag' }, FILE_KIND[f.kind] || f.kind), ' ', h('a', { href: f.url, target: '_blank', rel: 'noopener' }, show(f.filename))))
      : h('li', { class: 'muted' }, '无附件。'));

    let running = null;
    if (p.status === 'published') {
      const sessions = table([['场次', 'idx'], '时间', '地点', '签到'], 'project-sessions');
      p.sessions.forEach((s, i) => {
        const links = acc.delegated || acc.unit
          ? h('span', { class: 'row-actions' }, h('a', { class: 'btn btn-primary btn-sm', href: '/sessions/' + s.id + '/screen', 'data-testid': 'project-session-screen' }, '打开签到屏'), h('a', { class: 'btn btn-secondary btn-sm', href: '/sessions/' + s.id + '/reverse' }, '反扫模式'))
          : h('span', { class: 'muted small' }, '—');
        sessions.body.appendChild(h('tr', { 'data-testid': 'project-session-row', 'data-id': String(s.id) }, h('td', { class: 'idx' }, String(i + 1)), h('td', { class: 'nowrap' }, fmtRange(s.starts_at, s.ends_at)), h('td', null, show(s.location)), h('td', null, links)));
      });
      if (!p.sessions.length) sessions.body.appendChild(emptyRow(4, p.delegated_department_id ? '代办科室尚未安排场次。' : '单位尚未指定代办科室。'));
      running = h(
        'section',
        { class: 'card section-card', 'data-testid': 'project-running' },
        h('h2', { class: 'card-title' }, '举办安排（代办）'),
        dl([['代办科室', p.delegated_department_name || '未指定'], ['举办前信息', label(PREP_STATUS, p.prep_status)]].concat(p.prep_status === 'returned' ? [['退回原因', p.prep_reason]] : []), 'project-prep'),
        sessions.node,
      );
    }

    const history = h('ol', { class: 'timeline', 'data-testid': 'project-events' }, p.events.map((e) => h(
      'li',
      { class: 'timeline-item' + (BAD_ACTIONS.indexOf(e.action) !== -1 ? ' timeline-rejected' : e.action === 'region_approve' ? ' timeline-effective' : ''), 'data-action': e.action },
      h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
      h('div', { class: 'timeline-body' },
        h('p', { class: 'timeline-what' }, ACTION_WORDS[e.action] || e.action),
        h('p', { class: 'timeline-meta' }, dateTimeWords(e.at) + (e.account_name ? ' · ' + e.account_name : '')),
        e.reason ? h('p', { class: 'timeline-reason' }, (e.action === 'delegate' ? '代办科室：' : '原因：') + e.reason) : null),
    )));

    const reason = (p.status === 'returned' || p.status === 'rejected') && p.review_reason
      ? h('p', { class: 'msg msg-error', 'data-testid': 'project-reason' }, (p.status === 'returned' ? '退回原因：' : '未通过原因：') + p.review_reason)
      : null;
    mount(
      container,
      backLink(p.status === 'published' ? '/projects/published' : '/projects', p.status === 'published' ? '已公布项目' : '项目申报'),
      h('div', { class: 'page-head' },
        h('div', null, pageTitle(p.title, 'project-title'), h('p', { class: 'page-sub' }, pill(PROJECT_STATUS, p.status, 'project-detail-status'), ' ', p.project_no ? h('span', { class: 'tag', 'data-testid': 'project-number' }, p.project_no) : null, ' ', h('span', { class: 'muted' }, p.unit_name + ' / ' + p.department_name))),
        actions.length ? h('div', { class: 'head-actions', 'data-testid': 'project-actions' }, actions) : null),
      flash,
      error,
      reason,
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '基本信息'), info, h('p', { class: 'hint' }, LEVEL_RULE_TEXT[p.level] + '。')),
      running,
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '课程安排'), courses.node),
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '附件'), files),
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '办理记录'), history),
    );
  }

  await refresh();
}

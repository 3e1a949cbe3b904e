// /courses/:id/exam: 课程作业 (seed 004 §4 第五、六步). The paper as the server served it (questions
// and options in this attempt's order, no answers), a countdown to the attempt's deadline, and
// 交卷: the server marks it; a pass records the public hours for the declared year.

import { api } from '../api.js';
import { thisYear } from '../format.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink, confirmDialog, whenLeft } from './admin-common.js';
import { declaredYear, hoursText } from './learning-common.js';

function left(deadline) {
  const ms = Math.max(0, Date.parse(deadline) - Date.now());
  const minutes = Math.floor(ms / 60000);
  const seconds = Math.floor((ms % 60000) / 1000);
  return minutes + ':' + (seconds < 10 ? '0' : '') + seconds;
}

export async function render(ctx) {
  const courseId = ctx.params.id;
  const base = '/api/courses/' + encodeURIComponent(courseId);
  ctx.setTitle('课程考试');
  let paper;
  try {
    paper = await api(base + '/exam');
  } catch (e) {
    if (e.handled || (e.status !== 409 && e.status !== 404)) throw e;
    mount(ctx.main, notice({ title: '暂不能考试', text: e.detail, href: '/courses/' + courseId, linkText: '返回课程', testid: 'exam-refused' }));
    return;
  }
  const year = declaredYear(courseId, thisYear());
  const error = messageBox('exam-error');
  const clock = h('span', { class: 'exam-clock', 'data-testid': 'exam-clock' }, left(paper.deadline));
  const timer = setInterval(() => {
    clock.textContent = left(paper.deadline);
  }, 1000);
  whenLeft(ctx.main, () => clearInterval(timer));

  const items = paper.questions.map((q, i) => {
    const type = q.kind === 'multiple' ? 'checkbox' : 'radio';
    return h(
      'fieldset',
      { class: 'card exam-question', 'data-testid': 'exam-question', 'data-id': String(q.id) },
      h('legend', null, (i + 1) + '. ' + q.text + (q.kind === 'multiple' ? '（多选）' : '')),
      q.options.map((o) =>
        h('label', { class: 'check exam-option' }, h('input', { type, name: 'q' + q.id, value: o.id, 'data-testid': 'exam-option' }), h('span', null, o.text)),
      ),
    );
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'exam-submit' }, '交卷');
  const form = h('form', { class: 'exam-form', novalidate: true }, items, error, submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    showMessage(error, '');
    const answers = {};
    const missing = [];
    paper.questions.forEach((q, i) => {
      const chosen = Array.prototype.map.call(form.querySelectorAll('input[name="q' + q.id + '"]:checked'), (el) => el.value);
      if (!chosen.length) missing.push(i + 1);
      else answers[String(q.id)] = q.kind === 'multiple' ? chosen : chosen[0];
    });
    if (missing.length) {
      const sure = await confirmDialog({ title: '交卷', text: '第 ' + missing.join('、') + ' 题尚未作答，确定交卷吗？', submitText: '交卷', testid: 'exam-confirm', action: () => true });
      if (!sure) return;
    }
    setBusy(submit, true, '交卷中…');
    let result;
    try {
      result = await api(base + '/exam', { method: 'POST', body: { year, answers } });
    } catch (e) {
      if (e.handled) return;
      setBusy(submit, false);
      showMessage(error, e.detail);
      return;
    }
    clearInterval(timer);
    const text = result.passed
      ? result.credit
        ? '考试通过！已自动登记 ' + year + ' 年度公需课 ' + hoursText(result.credit.hours) + '。'
        : '考试通过。本课程的学时此前已登记。'
      : '未通过（及格 ' + result.pass_mark + ' 分），剩余考试次数 ' + result.attempts_left + '。';
    mount(
      ctx.main,
      pageTitle('考试结果', 'exam-result-title'),
      h(
        'section',
        { class: 'card exam-result', 'data-testid': 'exam-result', 'data-passed': String(result.passed) },
        h('p', { class: 'exam-score' }, h('b', { 'data-testid': 'exam-score' }, String(result.score)), ' 分'),
        h('p', { class: result.passed ? 'msg msg-ok' : 'msg msg-error' }, text),
      ),
      h('a', { class: 'btn btn-secondary btn-block', href: result.passed ? '/credits?year=' + year : '/courses/' + courseId, 'data-testid': 'exam-after' }, result.passed ? '查看我的学分' : '返回课程'),
    );
  });

  mount(
    ctx.main,
    backLink('/courses/' + courseId, '返回课程'),
    h('div', { class: 'page-head' }, pageTitle('课程考试', 'exam-title'), h('p', { class: 'exam-timer' }, '剩余时间 ', clock)),
    h('p', { class: 'hint' }, '共 ' + paper.questions.length + ' 题，及格 ' + paper.pass_mark + ' 分；申报年度 ' + year + '。本次之后还可考 ' + paper.attempts_left + ' 次。'),
    form,
  );
}

// /courses/:id: one public course (seed 004 §4 第二至六步): its introduction, 修改申报年度 (the year
// the hours are declared for, kept on this phone), the lessons (目录) with what is done, and
// 课程作业 (the exam) once every lesson is complete; a pass shows the hours recorded.

import { api } from '../api.js';
import { thisYear } from '../format.js';
import { h, icon, mount, pageTitle } from '../ui.js';
import { backLink } from './admin-common.js';
import { declaredYear, hoursText, setDeclaredYear } from './learning-common.js';

export async function render(ctx) {
  const course = await api('/api/courses/' + encodeURIComponent(ctx.params.id));
  ctx.setTitle(course.title);
  const progress = course.progress || { lessons_completed: 0, lessons_total: course.lessons.length, attempts_left: course.max_attempts, passed: false };
  const year = declaredYear(course.id, thisYear());
  const current = thisYear();
  const yearSelect = h(
    'select',
    { id: 'course-year', 'data-testid': 'course-year', onchange: (event) => setDeclaredYear(course.id, parseInt(event.target.value, 10)) },
    [current + 1, current, current - 1].map((y) => h('option', { value: String(y), selected: y === year }, y + ' 年度')),
  );
  setDeclaredYear(course.id, year);

  const done = progress.lessons_completed >= progress.lessons_total && progress.lessons_total > 0;
  const lessons = course.lessons.map((lesson, i) =>
    h(
      'li',
      null,
      h(
        'a',
        { class: 'credit-row', href: '/courses/' + course.id + '/lessons/' + lesson.id, 'data-testid': 'lesson-row', 'data-done': lesson.completed_at ? 'true' : 'false' },
        h(
          'span',
          { class: 'credit-main' },
          h('span', { class: 'credit-title' }, (i + 1) + '. ' + lesson.title),
          h('span', { class: 'credit-meta' }, lesson.kind === 'video' ? '视频 · 约 ' + Math.max(1, Math.round(lesson.duration_seconds / 60)) + ' 分钟' : '图文'),
        ),
        h('span', { class: 'credit-side' }, lesson.completed_at ? h('span', { class: 'chip chip-ok' }, '已学完') : h('span', { class: 'chip chip-muted' }, '点击学习')),
        icon('chevron', 'row-chevron'),
      ),
    ),
  );
  const next = course.lessons.find((lesson) => !lesson.completed_at);

  let examPart;
  if (progress.passed) {
    examPart = h('p', { class: 'msg msg-ok', 'data-testid': 'course-passed' }, '考试已通过，' + hoursText(course.hours) + '公需课学时已登记（' + progress.year + ' 年度），可在“我的学分”中查看。');
  } else if (!done) {
    examPart = h('p', { class: 'hint', 'data-testid': 'course-exam-locked' }, '完成全部课时学习后可参加课程考试。');
  } else if (progress.attempts_left <= 0) {
    examPart = h('p', { class: 'msg msg-error' }, '考试次数已用完。');
  } else {
    examPart = h('a', { class: 'btn btn-primary btn-block', href: '/courses/' + course.id + '/exam', 'data-testid': 'course-exam' }, '课程作业（考试）');
  }

  mount(
    ctx.main,
    backLink('/courses', '公需课学习'),
    pageTitle(course.title, 'course-title'),
    h('p', { class: 'page-sub muted' }, course.provider_name + ' · ' + hoursText(course.hours) + ' · 及格 ' + course.pass_mark + ' 分'),
    course.description ? h('section', { class: 'card' }, h('p', null, course.description)) : null,
    h('div', { class: 'field' }, h('label', { for: 'course-year' }, '申报年度'), yearSelect, h('p', { class: 'hint' }, '按职称申报当年度选择，考试合格后学时记入该年度。')),
    h('section', { class: 'section' }, h('h2', { class: 'section-title' }, '课程目录（已学完 ' + progress.lessons_completed + ' / ' + progress.lessons_total + '）'), h('ul', { class: 'credit-list', 'data-testid': 'lessons-list' }, lessons)),
    next && !progress.passed ? h('a', { class: 'btn btn-secondary btn-block', href: '/courses/' + course.id + '/lessons/' + next.id, 'data-testid': 'course-study' }, progress.lessons_completed ? '继续学习' : '开始学习') : null,
    h('section', { class: 'section' }, examPart),
    progress.best_score !== null && progress.best_score !== undefined && !progress.passed
      ? h('p', { class: 'hint' }, '最好成绩 ' + progress.best_score + ' 分，剩余考试次数 ' + progress.attempts_left + '。')
      : null,
  );
}

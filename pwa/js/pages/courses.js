// /courses: 公需课学习 (seed 004 §4 第一、二步): the public courses open to the trainee, each with its
// hours and how far the trainee has come; one opens /courses/:id (选择课程).

import { api } from '../api.js';
import { h, icon, mount, pageTitle } from '../ui.js';
import { hoursText } from './learning-common.js';

function courseRow(course) {
  return h(
    'li',
    null,
    h(
      'a',
      { class: 'credit-row', href: '/courses/' + encodeURIComponent(course.id), 'data-testid': 'course-row', 'data-id': String(course.id) },
      h(
        'span',
        { class: 'credit-main' },
        h('span', { class: 'credit-title', 'data-testid': 'course-row-title' }, course.title),
        h('span', { class: 'credit-meta' }, course.provider_name + ' · ' + course.lesson_count + ' 个课时'),
      ),
      h('span', { class: 'credit-side' }, h('span', { class: 'credit-amount' }, hoursText(course.hours)), h('span', { class: 'credit-class' }, '公需科目')),
      icon('chevron', 'row-chevron'),
    ),
  );
}

export async function render(ctx) {
  ctx.setTitle('公需课学习');
  const data = await api('/api/courses', { query: { page_size: 100 } });
  mount(
    ctx.main,
    pageTitle('公需课学习', 'courses-title'),
    h('p', { class: 'muted' }, '选择课程，学完全部课时后参加课程考试；考试合格，系统自动登记公需课学时。'),
    h(
      'ul',
      { class: 'credit-list', 'data-testid': 'courses-list' },
      data.items.length ? data.items.map(courseRow) : h('li', { class: 'empty' }, '暂无可学习的公需课。'),
    ),
  );
}

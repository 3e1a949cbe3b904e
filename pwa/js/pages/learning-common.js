// Pieces shared by the pages of providers' classes and public courses (seed 002 §3.3, 004 §4):
// category and status chips, a class's facts, the declaration year a trainee picked per course.
// Not a route of its own. All user data goes into the DOM as text (see ui.js).

import { num } from '../format.js';
import { CLASS_STATUS, CREDIT_CATEGORY, ENROLMENT_STATUS, label } from '../labels.js';
import { h } from '../ui.js';

const ENROLMENT_TONE = { pending: 'pending', enrolled: 'ok', completed: 'ok', refused: 'bad', cancelled: 'muted' };
const CLASS_TONE = { draft: 'muted', accepting: 'ok', closed: 'warn' };

export function categoryChip(category) {
  return h('span', { class: 'chip chip-muted', 'data-testid': 'category-chip' }, label(CREDIT_CATEGORY, category));
}

export function enrolmentChip(status) {
  return h('span', { class: 'chip chip-' + (ENROLMENT_TONE[status] || 'muted'), 'data-testid': 'enrolment-status', 'data-status': status }, label(ENROLMENT_STATUS, status));
}

export function classChip(status) {
  return h('span', { class: 'chip chip-' + (CLASS_TONE[status] || 'muted'), 'data-testid': 'class-status', 'data-status': status }, label(CLASS_STATUS, status));
}

/** '2026-03-09 至 2026-03-11 · 线下 · 示例市…' */
export function classWhen(klass) {
  const days = klass.starts_on === klass.ends_on ? klass.starts_on : klass.starts_on + ' 至 ' + klass.ends_on;
  const where = klass.online ? '线上' : klass.place || '线下';
  return days + ' · ' + where;
}

export function hoursText(hours) {
  return num(hours) + ' 学时';
}

// 修改申报年度 (seed 004 §4): the year a course's hours are declared for, kept per course on
// this phone; the exam sends it with the answers.
const YEAR_KEY = 'jijiao.courseYear.';

export function declaredYear(courseId, fallback) {
  try {
    const y = parseInt(localStorage.getItem(YEAR_KEY + courseId), 10);
    return y >= 2000 && y <= 2100 ? y : fallback;
  } catch (e) {
    return fallback;
  }
}

export function setDeclaredYear(courseId, year) {
  try {
    localStorage.setItem(YEAR_KEY + courseId, String(year));
  } catch (e) {
    // storage disabled: the page keeps it until it is left
  }
}

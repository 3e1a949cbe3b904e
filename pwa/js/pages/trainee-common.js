// Helpers shared by the trainee pages (check-in, credits, certificates, personal code):
// Chinese words for credit states and sources (from labels.js),
// the year picker and the year's effective totals.

import { api } from '../api.js';
import * as offline from '../offline.js';
import { num, thisYear } from '../format.js';
import { CREDIT_CLASS, CREDIT_SOURCE, CREDIT_STATUS, label } from '../labels.js';
import { h } from '../ui.js';

const STATUS_TONE = {
  draft: 'muted',
  pending_dept: 'pending',
  pending_unit: 'pending',
  effective: 'ok',
  returned: 'warn',
  rejected: 'bad',
  revoked: 'bad',
};

export function statusWord(status) {
  return label(CREDIT_STATUS, status);
}

export function sourceWord(source) {
  return label(CREDIT_SOURCE, source);
}

/** A coloured chip for a credit state. */
export function statusChip(status) {
  return h('span', { class: 'chip chip-' + (STATUS_TONE[status] || 'muted'), 'data-testid': 'status-chip', 'data-status': status }, statusWord(status) || '—');
}

/** True for an approved record not in force yet: personal entries take effect the next day. */
export function effectiveLater(credit) {
  return credit.status === 'effective' && Boolean(credit.effective_at) && Date.parse(credit.effective_at) > Date.now();
}

/** The chip of a record's state; 次日生效 for an approved record that is not in force yet. */
export function creditChip(credit) {
  const chip = statusChip(credit.status);
  if (effectiveLater(credit)) {
    chip.className = 'chip chip-pending';
    chip.textContent = '次日生效';
  }
  return chip;
}

/** 'I' -> 'I类'; other schemes as they come. */
export function classWord(creditClass) {
  return label(CREDIT_CLASS, creditClass);
}

// ---------------------------------------------------------------- year picker

/** A <select> of years (this year first, back `span` years); onchange(year). */
export function yearPicker(selected, onchange, testid, span = 10) {
  const current = thisYear();
  const years = [];
  for (let y = current; y > current - span; y -= 1) years.push(y);
  if (years.indexOf(selected) === -1) years.push(selected);
  const select = h(
    'select',
    {
      class: 'year-select',
      id: testid,
      'aria-label': '年度',
      'data-testid': testid,
      onchange: (event) => onchange(parseInt(event.target.value, 10)),
    },
    years.map((y) => h('option', { value: String(y), selected: y === selected }, y + ' 年度')),
  );
  return h('label', { class: 'year-picker', for: testid }, h('span', { class: 'year-picker-label' }, '年度'), select);
}

/** A year from the query string (?year=), else this year. */
export function yearFromQuery(query) {
  const y = parseInt(query.get('year'), 10);
  return y >= 2000 && y <= 2100 ? y : thisYear();
}

// ---------------------------------------------------------------- totals

const PAGE_SIZE_MAX = 200;

/** The caller's effective records of `year` summed: {I, II, other, hours, count}. */
export async function effectiveTotals(year, signal) {
  const totals = { I: 0, II: 0, other: 0, hours: 0, count: 0 };
  for (let page = 1; page <= 50; page += 1) {
    // in_force: an entry approved today counts from tomorrow (次日生效), as on the certificate.
    const data = await api('/api/credits', { query: { year, in_force: 'true', page, page_size: PAGE_SIZE_MAX }, signal });
    data.items.forEach((item) => {
      const credits = Number(item.credits) || 0;
      if (item.credit_class === 'I' || item.credit_class === 'II') totals[item.credit_class] += credits;
      else totals.other += credits;
      totals.hours += Number(item.hours) || 0;
      totals.count += 1;
    });
    if (data.items.length < PAGE_SIZE_MAX || totals.count >= data.total) break;
  }
  return totals;
}

/** The totals as three tiles: I类 / II类 / 学时. */
export function totalsTiles(totals, testid) {
  const tile = (name, value, unit) =>
    h('div', { class: 'total', 'data-testid': testid + '-' + name }, h('span', { class: 'total-value' }, num(value)), h('span', { class: 'total-label' }, unit));
  return h('div', { class: 'totals', 'data-testid': testid }, tile('I', totals.I, 'I类学分'), tile('II', totals.II, 'II类学分'), tile('hours', totals.hours, '学时'));
}

// ---------------------------------------------------------------- offline

const KEPT_PAGE_SIZE = 50;

/** Keep this year's first records and effective totals for offline use (offline.js 'credits'). */
export async function keepCredits(user, signal) {
  const year = thisYear();
  const [page, totals] = await Promise.all([
    api('/api/credits', { query: { year, page: 1, page_size: KEPT_PAGE_SIZE }, signal, redirect: false }),
    effectiveTotals(year, signal),
  ]);
  offline.save('credits', user.id, { year, items: page.items, total: page.total, totals });
  return { year, items: page.items, total: page.total, totals };
}

/** The kept credits of `user` for `year`, or null. */
export function keptCredits(user, year) {
  const kept = user ? offline.read('credits', user.id) : null;
  return kept && kept.data.year === year ? kept : null;
}

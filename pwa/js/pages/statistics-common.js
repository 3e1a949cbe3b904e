// Shared pieces of the statistics pages (seed 001 §6, §9): the section tabs, the year picker,
// download links, the lines of a compliance result, and the SVG bar chart of pass rates.
// Not a route of its own. All user data goes into the DOM as text (see ui.js).

import { num, thisYear } from '../format.js';
import { LINE_CATEGORY, MEASURE, label } from '../labels.js';
import { queryString } from '../router.js';
import { h, icon } from '../ui.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

export const SECTIONS = [
  { key: 'completion', href: '/statistics', label: '完成情况统计' },
  { key: 'people', href: '/statistics/people', label: '人员学分' },
  { key: 'compliance', href: '/statistics/people?view=compliance', label: '达标情况' },
  { key: 'at-risk', href: '/statistics/at-risk', label: '未达标提醒' },
  { key: 'reports', href: '/reports', label: '打印报表' },
];

/** The tabs between the statistics pages; `active` is a SECTIONS key. */
export function sectionTabs(active) {
  return h(
    'nav',
    { class: 'segs', 'aria-label': '统计查询', 'data-testid': 'stats-tabs' },
    SECTIONS.map((s) =>
      h('a', { class: 'seg' + (s.key === active ? ' seg-on' : ''), href: s.href, 'aria-current': s.key === active ? 'page' : null, 'data-testid': 'stats-tab-' + s.key }, s.label),
    ),
  );
}

/** A <select> of the last six years and next year, `value` selected. */
export function yearSelect(id, value) {
  const now = thisYear();
  const years = [];
  for (let y = now + 1; y >= now - 5; y -= 1) years.push(y);
  return h(
    'select',
    { id, 'data-testid': id },
    years.map((y) => h('option', { value: String(y), selected: String(y) === String(value) }, y + ' 年')),
  );
}

/** The year in the query string, else this year. */
export function queryYear(query) {
  const y = parseInt(query.get('year'), 10);
  return y >= 2000 && y <= 2100 ? y : thisYear();
}

/** A download link for an API file (cookies authenticate a plain GET). */
export function downloadLink(path, params, text, testid) {
  const link = h('a', { class: 'btn btn-secondary btn-sm', href: path + queryString(params), download: '', 'data-testid': testid }, icon('download'), h('span', null, text));
  return {
    node: link,
    update(next) {
      link.href = path + queryString(next);
    },
  };
}

/** 'I类学分 ≥ 10' — how a requirement line reads (as server/services/standards.py says it). */
export function lineWords(line) {
  const what = line.category === 'total' ? '' : label(LINE_CATEGORY, line.category);
  return what + label(MEASURE, line.measure) + ' ≥ ' + num(line.required);
}

/** A result's lines as small chips: met in green, unmet in red with what is missing. */
export function lineChips(lines, testid) {
  return h(
    'span',
    { class: 'line-chips', 'data-testid': testid || null },
    lines.map((line) =>
      h(
        'span',
        { class: 'line-chip ' + (line.met ? 'line-met' : 'line-unmet'), 'data-testid': 'line-chip', 'data-met': line.met ? 'true' : 'false' },
        lineWords(line) + '：' + num(line.earned) + (line.met ? '' : '（差 ' + num(line.missing) + '）'),
      ),
    ),
  );
}

/** The pass rate as '76.5%', '—' for an empty group. */
export function rate(passed, people) {
  return people ? (Math.round((passed * 1000) / people) / 10).toFixed(1) + '%' : '—';
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG_NS, tag);
  Object.keys(attrs || {}).forEach((k) => el.setAttribute(k, String(attrs[k])));
  if (text !== undefined) el.appendChild(document.createTextNode(text));
  return el;
}

/**
 * A horizontal bar chart of pass rates: one bar per group, 0–100 %, with the label on the left and
 * "passed/people · rate" on the right. Drawn here (no library): rows of 26 px in a 640-wide viewBox
 * that scales to the card.
 */
export function passRateChart(items, testid) {
  const row = 26;
  const left = 150;
  const width = 640;
  const barWidth = 360;
  const height = Math.max(1, items.length) * row + 28;
  const chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, class: 'bar-chart', role: 'img', 'data-testid': testid, 'aria-label': '达标率条形图' });
  [0, 25, 50, 75, 100].forEach((p) => {
    const x = left + (barWidth * p) / 100;
    chart.appendChild(svg('line', { x1: x, x2: x, y1: 4, y2: height - 20, class: 'bar-grid' }));
    chart.appendChild(svg('text', { x, y: height - 6, class: 'bar-axis', 'text-anchor': 'middle' }, p + '%'));
  });
  items.forEach((item, i) => {
    const y = 6 + i * row;
    const share = item.people ? item.passed / item.people : 0;
    const name = item.label.length > 11 ? item.label.slice(0, 10) + '…' : item.label;
    chart.appendChild(svg('text', { x: left - 8, y: y + 14, class: 'bar-label', 'text-anchor': 'end' }, name));
    chart.appendChild(svg('rect', { x: left, y, width: barWidth, height: row - 8, rx: 3, class: 'bar-track' }));
    const bar = svg('rect', { x: left, y, width: Math.max(share * barWidth, share > 0 ? 2 : 0), height: row - 8, rx: 3, class: share >= 0.8 ? 'bar-fill bar-good' : share >= 0.5 ? 'bar-fill' : 'bar-fill bar-low', 'data-testid': 'bar', 'data-rate': String(Math.round(share * 1000) / 10) });
    bar.appendChild(svg('title', {}, item.label + '：' + item.passed + '/' + item.people + ' 达标（' + rate(item.passed, item.people) + '）'));
    chart.appendChild(bar);
    chart.appendChild(svg('text', { x: left + barWidth + 8, y: y + 14, class: 'bar-value' }, item.passed + '/' + item.people + ' · ' + rate(item.passed, item.people)));
  });
  return chart;
}

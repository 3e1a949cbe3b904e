// /compliance?year=: my compliance (达标) for a year, line by line: the records behind each line and,
// for every record that does not count or not fully, why (seed 000 §6, 001 §6.2, 004 §6 年度认证);
// a five-year ✓/✗ strip, and the way to my personal standard (个人学分标准, 000 §6.1).

import { api, isAbort } from '../api.js';
import { explanation, yearStrip } from '../compliance.js';
import { thisYear } from '../format.js';
import { replaceQuery } from '../router.js';
import { h, mount, notice, pageTitle } from '../ui.js';
import { yearFromQuery, yearPicker } from './trainee-common.js';

export function render(ctx) {
  ctx.setTitle('达标情况');
  let year = yearFromQuery(ctx.query);
  let controller = null;
  const body = h('div', { class: 'cexplain-list', 'aria-live': 'polite', 'data-testid': 'compliance-body' });
  const picker = yearPicker(year, (value) => {
    year = value;
    update();
  }, 'compliance-year-select');

  mount(
    ctx.main,
    h('div', { class: 'page-head' }, pageTitle('达标情况', 'compliance-title'), picker),
    yearStrip('/api/me/compliance', thisYear(), (y) => '/compliance?year=' + y),
    body,
    h('p', { class: 'form-links' }, h('a', { href: '/standards/mine', 'data-testid': 'compliance-my-standard' }, '个人学分标准'), h('a', { href: '/standards' }, '达标标准浏览')),
  );

  async function update() {
    replaceQuery({ year: year === thisYear() ? '' : year });
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    mount(body, h('p', { class: 'card muted' }, '加载中…'));
    try {
      const answer = await api('/api/me/compliance', { query: { year }, signal: mine.signal });
      if (mine !== controller || !body.isConnected) return;
      mount(body, explanation(answer));
    } catch (e) {
      if (isAbort(e) || e.handled) return;
      mount(body, notice({ title: '无法显示', text: e.detail, testid: 'compliance-error' }));
    }
  }

  update();
}

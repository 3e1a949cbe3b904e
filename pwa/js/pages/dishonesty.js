// /dishonesty: 失信信息查看 (seed 002 §3.4.1): the trainee's own dishonesty records, the period,
// who decided it, and the credit records it withdrew.

import { api } from '../api.js';
import { num } from '../format.js';
import { h, mount, pageTitle } from '../ui.js';
import { dl } from './admin-common.js';

function card(item) {
  const state = item.withdrawn_at ? '已撤销' : item.active ? '惩戒期内' : '不在惩戒期';
  return h(
    'section',
    { class: 'card dishonesty-card', 'data-testid': 'dishonesty-row', 'data-active': String(item.active) },
    h('p', null, h('span', { class: 'chip ' + (item.active ? 'chip-bad' : 'chip-muted'), 'data-testid': 'dishonesty-state' }, state)),
    dl(
      [
        ['失信原因', item.reason],
        ['惩戒期', item.starts_on + ' 至 ' + item.ends_on],
        ['认定部门', item.authority],
        ['撤销原因', item.withdrawn_reason],
        ['涉及学分', item.credits.length ? item.credits.map((c) => c.title + '（' + c.year + ' 年，' + num(c.hours) + ' 学时，已撤销）').join('；') : ''],
      ],
      'dishonesty-fields',
    ),
    item.active ? h('p', { class: 'hint' }, '惩戒期内不能报名培训班，出具的继续教育证书将注明失信信息。') : null,
  );
}

export async function render(ctx) {
  ctx.setTitle('失信信息');
  const data = await api('/api/me/dishonesty');
  mount(
    ctx.main,
    pageTitle('失信信息', 'dishonesty-title'),
    data.total ? data.items.map(card) : h('p', { class: 'card muted', 'data-testid': 'dishonesty-empty' }, '您没有失信记录。'),
  );
}

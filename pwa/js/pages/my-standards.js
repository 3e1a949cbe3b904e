// /standards/mine: 个人学分标准 (seed 000 §6.1–6.2). Pick a year, the unit's region level (机构所属区域等级)
// and the title level; the standard that follows shows at once; save it, list the saved ones, delete one.

import { api, isAbort } from '../api.js';
import { standardSummary } from '../compliance.js';
import { thisYear } from '../format.js';
import { label, STANDARD_SCHEME } from '../labels.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';

// As the API speaks them (tables/enums.py UnitLevel, TitleLevel).
const UNIT_LEVELS = ['省直', '市直属', '区县', '学协会', '其他'];
const TITLE_LEVELS = ['正高', '副高', '中级', '初级', '无'];

function select(id, label, values, selected, onchange) {
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, 'data-testid': id, onchange }, values.map((v) => h('option', { value: String(v), selected: String(v) === String(selected) }, String(v)))),
  );
}

export function render(ctx) {
  ctx.setTitle('个人学分标准');
  const year = thisYear();
  const state = { year, unit_level: '市直属', title_level: '中级' };
  let controller = null;
  const message = messageBox('my-standard-message');
  const done = messageBox('my-standard-done', 'ok');
  const found = h('div', { class: 'cstd-found', 'aria-live': 'polite', 'data-testid': 'my-standard-found' });
  const saved = h('ul', { class: 'cstd-saved', 'data-testid': 'my-standard-list' });
  const years = [];
  for (let y = year + 1; y > year - 5; y -= 1) years.push(y);

  const form = h(
    'section',
    { class: 'card' },
    h('h2', { class: 'section-title' }, '新增'),
    select('my-standard-year', '年度', years, state.year, (e) => { state.year = parseInt(e.target.value, 10); lookup(); }),
    select('my-standard-unit-level', '机构所属区域等级', UNIT_LEVELS, state.unit_level, (e) => { state.unit_level = e.target.value; lookup(); }),
    select('my-standard-title-level', '技术职称级别', TITLE_LEVELS, state.title_level, (e) => { state.title_level = e.target.value; lookup(); }),
    found,
    message,
    done,
  );
  mount(ctx.main, pageTitle('个人学分标准', 'my-standard-title'), h('p', { class: 'muted' }, '选择年度、机构所属区域等级和技术职称，系统显示对应的学分标准；保存后该年度按此标准判定是否达标。'), form, h('section', { class: 'section' }, h('h2', { class: 'section-title' }, '已设置的标准'), saved));

  async function save(standard, button) {
    showMessage(message, '');
    showMessage(done, '');
    setBusy(button, true, '保存中…');
    try {
      await api('/api/me/standards', { method: 'POST', body: { year: standard.year, standard_id: standard.id } });
      showMessage(done, '已保存：' + standard.year + ' 年度按“' + standard.name + '”判定。');
      await list();
    } catch (e) {
      if (!e.handled) showMessage(message, e.detail);
    } finally {
      setBusy(button, false);
    }
  }

  async function lookup() {
    if (controller) controller.abort();
    const mine = (controller = new AbortController());
    mount(found, h('p', { class: 'muted' }, '查找中…'));
    try {
      const data = await api('/api/standards/match', { query: state, signal: mine.signal });
      if (mine !== controller) return;
      if (!data.items.length) {
        mount(found, h('p', { class: 'muted', 'data-testid': 'my-standard-none' }, '没有对应的学分标准。'));
        return;
      }
      mount(found, data.items.map((standard) => {
        const button = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'my-standard-save' }, '保存');
        button.addEventListener('click', () => save(standard, button));
        return h('div', { class: 'cstd', 'data-testid': 'my-standard-match', 'data-standard': String(standard.id) }, h('p', { class: 'cstd-name' }, standard.name, ' ', h('span', { class: 'chip chip-muted' }, label(STANDARD_SCHEME, standard.scheme))), standardSummary(standard), button);
      }));
    } catch (e) {
      if (!isAbort(e) && !e.handled) mount(found, h('p', { class: 'msg msg-error' }, e.detail));
    }
  }

  async function list() {
    const data = await api('/api/me/standards');
    mount(saved, data.items.length ? data.items.map((choice) => {
      const remove = h('button', { type: 'button', class: 'btn btn-secondary', 'data-testid': 'my-standard-delete' }, '删除');
      remove.addEventListener('click', async () => {
        setBusy(remove, true, '删除中…');
        try {
          await api('/api/me/standards/' + encodeURIComponent(choice.id), { method: 'DELETE' });
          await list();
        } catch (e) {
          setBusy(remove, false);
          if (!e.handled) showMessage(message, e.detail);
        }
      });
      return h('li', { class: 'cstd-choice', 'data-testid': 'my-standard-choice', 'data-year': String(choice.year) }, h('span', null, h('b', null, choice.year + ' 年度'), ' ', choice.standard_name, choice.retired ? '（已停用，不再适用）' : ''), remove);
    }) : h('li', { class: 'muted' }, '尚未设置，按所在地区、职称和机构等级自动适用。'));
  }

  lookup();
  list().catch((e) => { if (!e.handled) showMessage(message, e.detail); });
}

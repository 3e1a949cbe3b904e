// /statistics/person/:id?year=: one person's year as an admin sees it from the statistics — each
// standard's lines and result, and the year's records with their state — and the credit proof
// (I类 / II类 / 综合, seed 000 §6.4) of that year to download.

import { api } from '../api.js';
import { num } from '../format.js';
import { CREDIT_CLASS, CREDIT_SOURCE, CREDIT_STATUS, label } from '../labels.js';
import { back, navigate } from '../router.js';
import { h, icon, messageBox, mount, pageTitle, showMessage } from '../ui.js';
import { emptyRow, pill, table } from './admin-common.js';
import { downloadLink, lineChips, queryYear, yearSelect } from './statistics-common.js';

export function render(ctx) {
  ctx.setTitle('人员学分明细');
  const id = ctx.params.id;
  const year = queryYear(ctx.query);
  const picker = yearSelect('person-year', year);
  picker.addEventListener('change', () => navigate(location.pathname + '?year=' + picker.value, { replace: true }));
  const error = messageBox('person-stats-error');
  const info = h('div', { 'data-testid': 'person-stats-info' });
  const results = h('section', { class: 'section-card', 'data-testid': 'person-stats-results' }, h('h2', { class: 'card-title' }, year + ' 年度达标情况'));
  const records = table(['日期', '项目名称', '类别', ['学分', 'num'], ['学时', 'num'], '来源', '状态'], 'person-records');
  const proofs = ['all', 'I', 'II'].map((klass) =>
    downloadLink('/api/people/' + encodeURIComponent(id) + '/credit-proof.pdf', { class: klass, from: year + '-01-01', to: year + '-12-31' }, { all: '综合学分证明', I: 'I类学分证明', II: 'II类学分证明' }[klass], 'proof-' + klass).node,
  );
  const backLink = h('a', { class: 'back-link', href: '/statistics/people', onclick: (e) => { e.preventDefault(); back('/statistics/people'); } }, icon('back'), '返回');
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      backLink,
      h('div', { class: 'page-head' }, h('div', null, pageTitle('人员学分明细', 'person-stats-title'), info), h('div', { class: 'head-actions' }, h('label', { class: 'af' }, h('span', null, '年度'), picker))),
      error,
      results,
      h('section', { class: 'section-card' }, h('h2', { class: 'card-title' }, '学分证明'), h('div', { class: 'head-actions' }, proofs)),
      h('h2', { class: 'section-title' }, year + ' 年度学分记录'),
      records.node,
    ),
  );

  Promise.all([api('/api/people/' + encodeURIComponent(id)), api('/api/people/' + encodeURIComponent(id) + '/compliance', { query: { year } })])
    .then(([person, answer]) => {
      ctx.setTitle(person.name + ' · ' + year + ' 年度学分');
      mount(info, h('p', { class: 'muted page-sub' }, [person.name, person.person_no, person.unit_name, person.department_name, person.title].filter(Boolean).join(' · ')));
      if (!answer.results.length) {
        results.appendChild(h('p', { class: 'muted', 'data-testid': 'person-no-standard' }, answer.joins_cme ? '本年度没有适用的达标标准。' : '该人员不参加继续医学教育。'));
      }
      answer.results.forEach((r) => {
        results.appendChild(
          h(
            'div',
            { class: 'result-block', 'data-testid': 'person-result' },
            h('p', null, h('b', null, r.standard.name), ' ', r.passed ? h('span', { class: 'pill pill-effective' }, '达标') : h('span', { class: 'pill pill-rejected' }, '未达标'), h('span', { class: 'muted small' }, '　计入达标学分 ' + num(r.counted_credits))),
            lineChips(r.lines),
          ),
        );
      });
      mount(
        records.body,
        answer.records.map((r) =>
          h(
            'tr',
            { 'data-testid': 'person-record' },
            h('td', { class: 'nowrap' }, r.activity_date),
            h('td', { class: 'cell-title' }, r.title),
            h('td', null, label(CREDIT_CLASS, r.credit_class)),
            h('td', { class: 'num' }, num(r.credits)),
            h('td', { class: 'num' }, num(r.hours)),
            h('td', null, label(CREDIT_SOURCE, r.source)),
            h('td', null, pill(CREDIT_STATUS, r.status)),
          ),
        ),
      );
      if (!answer.records.length) records.body.appendChild(emptyRow(7, '本年度暂无学分记录。'));
    })
    .catch((e) => {
      if (!e.handled) showMessage(error, e.detail);
    });
}


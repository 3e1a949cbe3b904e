// Compliance (达标) on screen: the progress card, the line-by-line explanation and the five-year strip.
// The numbers are the server's (/api/me/compliance, /api/people/{id}/compliance: one computation,
// server/compliance.py); this module only lays them out, in the words of labels.js.

import { api } from './api.js';
import { num } from './format.js';
import { CREDIT_CATEGORY, CREDIT_CLASS, CREDIT_SOURCE, EXCLUSION_REASON, LINE_CATEGORY, MEASURE, label } from './labels.js';
import { h } from './ui.js';

/** '学分' for a total line, 'I类学分', '公需科目学时' for the others. */
export function lineName(line) {
  const unit = label(MEASURE, line.measure);
  return line.category === 'total' ? '合计' + unit : label(LINE_CATEGORY, line.category) + unit;
}

function shortName(line) {
  return line.category === 'total' ? '' : label(LINE_CATEGORY, line.category) + ' ';
}

/** '已计入 18.5 / 25 学分 · I类 6 / 10': the total line first, the others after it. */
export function headline(result) {
  const lines = result.lines.slice().sort((a, b) => (a.category === 'total' ? -1 : b.category === 'total' ? 1 : 0));
  return lines
    .map((line, i) => (i === 0 ? '已计入 ' : '') + shortName(line) + num(line.earned) + ' / ' + num(line.required) + (i === 0 ? ' ' + label(MEASURE, line.measure) : ''))
    .join(' · ');
}

/** What waits for approval, on the line that counts everything (else the largest): '审核中 3.5'. */
export function pendingAmount(result) {
  const total = result.lines.find((line) => line.category === 'total');
  if (total) return total.pending;
  return result.lines.reduce((most, line) => Math.max(most, line.pending), 0);
}

/** '还差 合计 6.5 学分、I类 4 学分'; '' when every line is met. */
export function missingWords(result) {
  const parts = result.lines.filter((line) => !line.met).map((line) => (line.category === 'total' ? '合计 ' : label(LINE_CATEGORY, line.category) + ' ') + num(line.missing) + ' ' + label(MEASURE, line.measure));
  return parts.length ? '还差 ' + parts.join('、') : '';
}

/** 通过 / 不通过 where the standard is an annual certification, else 已达标 / 未达标. */
export function passedWords(result) {
  if (result.standard.certificate_requires_pass) return result.passed ? '年度认证情况：通过' : '年度认证情况：不通过';
  return result.passed ? '已达标' : '未达标';
}

export function passedChip(result) {
  return h('span', { class: 'chip ' + (result.passed ? 'chip-ok' : 'chip-warn'), 'data-testid': 'compliance-passed', 'data-passed': String(result.passed) }, passedWords(result));
}

/** One line: its name, earned / required, a bar (counted, then pending), and what is missing. */
export function progressLine(line) {
  const required = Number(line.required) || 0;
  const share = (value) => (required > 0 ? Math.min(100, (Number(value) / required) * 100) : 100);
  const counted = share(line.earned);
  const waiting = Math.min(100 - counted, share(line.pending));
  const bar = h(
    'div',
    {
      class: 'cbar',
      role: 'progressbar',
      'aria-label': lineName(line),
      'aria-valuemin': '0',
      'aria-valuemax': String(required),
      'aria-valuenow': String(Math.min(Number(line.earned), required)),
    },
    h('span', { class: 'cbar-fill' + (line.met ? ' cbar-met' : ''), style: 'width:' + counted.toFixed(1) + '%' }),
    waiting > 0 ? h('span', { class: 'cbar-pending', style: 'width:' + waiting.toFixed(1) + '%' }) : null,
  );
  const note = [];
  if (line.pending > 0) note.push('审核中 ' + num(line.pending));
  if (line.upcoming > 0) note.push('次日计入 ' + num(line.upcoming));
  return h(
    'div',
    { class: 'cline', 'data-testid': 'compliance-line', 'data-category': line.category, 'data-met': String(line.met) },
    h(
      'div',
      { class: 'cline-head' },
      h('span', { class: 'cline-name' }, lineName(line)),
      h('span', { class: 'cline-value', 'data-testid': 'compliance-line-value' }, num(line.earned) + ' / ' + num(line.required)),
    ),
    bar,
    h(
      'p',
      { class: 'cline-note' },
      h('span', { class: line.met ? 'cline-ok' : 'cline-missing' }, line.met ? '✓ 已达到' : '还差 ' + num(line.missing)),
      note.length ? h('span', { class: 'cline-waiting', 'data-testid': 'compliance-line-waiting' }, note.join(' · ')) : null,
    ),
  );
}

/** The home screen's card: this year's progress at a glance, pending credits apart, what is missing. */
export function progressCard(answer, { href = '/compliance', testid = 'compliance-card' } = {}) {
  const title = h('h2', { class: 'ccard-title' }, answer.year + ' 年度达标进度');
  if (!answer.joins_cme) {
    return h('section', { class: 'card ccard', 'data-testid': testid, 'data-state': 'exempt' }, title, h('p', { class: 'muted' }, '您未参加继续医学教育（是否参加继教：否），无需达标。'));
  }
  if (!answer.results.length) {
    return h('section', { class: 'card ccard', 'data-testid': testid, 'data-state': 'none' }, title, h('p', { class: 'muted' }, '本年度没有适用于您的达标标准。'), h('a', { href: '/standards/mine' }, '设置个人学分标准'));
  }
  const blocks = answer.results.map((result) => {
    const pending = pendingAmount(result);
    const missing = missingWords(result);
    return h(
      'div',
      { class: 'ccard-result', 'data-testid': 'compliance-result', 'data-standard': String(result.standard.id) },
      h('p', { class: 'ccard-standard' }, h('span', null, result.standard.name), passedChip(result)),
      h('p', { class: 'ccard-headline', 'data-testid': 'compliance-headline' }, headline(result)),
      pending > 0 ? h('p', { class: 'ccard-pending', 'data-testid': 'compliance-pending' }, '审核中 ' + num(pending)) : null,
      result.lines.map(progressLine),
      missing ? h('p', { class: 'ccard-missing', 'data-testid': 'compliance-missing' }, missing) : null,
    );
  });
  return h('section', { class: 'card ccard', 'data-testid': testid, 'data-state': 'judged' }, title, blocks, href ? h('a', { class: 'ccard-more', href, 'data-testid': 'compliance-more' }, '查看明细与不计入原因') : null);
}

function recordWhat(record) {
  const kind = record.credit_class ? label(CREDIT_CLASS, record.credit_class) : '';
  return [record.activity_date, kind, label(CREDIT_CATEGORY, record.category)].filter(Boolean).join(' · ');
}

function amountOf(record, measure) {
  return measure === 'hours' ? record.hours : record.credits;
}

/** Every line with the records behind it, and every record that does not count with why, in plain words. */
export function explanation(answer) {
  const byId = {};
  answer.records.forEach((record) => {
    byId[record.id] = record;
  });
  if (!answer.joins_cme) return [h('p', { class: 'card muted', 'data-testid': 'compliance-exempt' }, '未参加继续医学教育（是否参加继教：否），不参与达标判定。')];
  if (!answer.results.length) return [h('p', { class: 'card muted', 'data-testid': 'compliance-none' }, answer.year + ' 年度没有适用的达标标准。')];
  return answer.results.map((result) => {
    const capped = {};
    result.excluded.forEach((item) => {
      if (item.reason === 'capped') capped[item.credit_id] = item;
    });
    const lines = result.lines.map((line) =>
      h(
        'div',
        { class: 'cexplain-line' },
        progressLine(line),
        line.credit_ids.length
          ? h(
              'ul',
              { class: 'crecords', 'data-testid': 'compliance-line-records' },
              line.credit_ids.map((id) => {
                const record = byId[id] || { title: '记录 ' + id };
                const part = capped[id];
                const counted = part ? (line.measure === 'hours' ? part.counted_hours : part.counted_credits) : amountOf(record, line.measure);
                return h(
                  'li',
                  { class: 'crecord', 'data-testid': 'compliance-record', 'data-credit': String(id) },
                  h('a', { class: 'crecord-title', href: '/credits/' + encodeURIComponent(id) }, record.title),
                  h('span', { class: 'crecord-meta' }, recordWhat(record)),
                  h('span', { class: 'crecord-amount' }, num(counted) + (part ? '（上限内部分）' : '')),
                );
              }),
            )
          : h('p', { class: 'muted crecords-empty' }, '尚无计入的记录。'),
      ),
    );
    const excluded = result.excluded.length
      ? h(
          'div',
          { class: 'cexcluded' },
          h('h3', { class: 'cexcluded-title' }, '未计入或未全部计入的记录'),
          h(
            'ul',
            { class: 'crecords' },
            result.excluded.map((item) => {
              const record = byId[item.credit_id] || { title: '记录 ' + item.credit_id };
              return h(
                'li',
                { class: 'crecord', 'data-testid': 'compliance-excluded', 'data-credit': String(item.credit_id), 'data-reason': item.reason },
                h('a', { class: 'crecord-title', href: '/credits/' + encodeURIComponent(item.credit_id) }, record.title),
                h('span', { class: 'crecord-meta' }, record.activity_date ? recordWhat(record) + ' · ' + num(record.credits) + ' 学分 ' + num(record.hours) + ' 学时' : ''),
                h('span', { class: 'crecord-reason' }, label(EXCLUSION_REASON, item.reason)),
              );
            }),
          ),
        )
      : null;
    return h(
      'section',
      { class: 'card cexplain', 'data-testid': 'compliance-result', 'data-standard': String(result.standard.id) },
      h('div', { class: 'cexplain-head' }, h('h2', { class: 'cexplain-title' }, result.standard.name), passedChip(result)),
      h('p', { class: 'cexplain-summary', 'data-testid': 'compliance-headline' }, headline(result)),
      lines,
      excluded,
    );
  });
}

/** ✓ / ✗ for each of the five years up to `lastYear` (— where no standard applies), each a link. */
export function yearStrip(path, lastYear, hrefFor, testid = 'compliance-years') {
  const years = [];
  for (let y = lastYear - 4; y <= lastYear; y += 1) years.push(y);
  const cells = years.map((year) => {
    const mark = h('span', { class: 'cyear-mark' }, '…');
    const cell = h('li', { class: 'cyear', 'data-testid': 'compliance-year', 'data-year': String(year) }, h('a', { href: hrefFor(year) }, h('span', { class: 'cyear-year' }, String(year)), mark));
    api(path, { query: { year } })
      .then((answer) => {
        const results = answer.results || [];
        const state = !answer.joins_cme || !results.length ? 'none' : results.every((r) => r.passed) ? 'passed' : 'failed';
        mark.textContent = state === 'passed' ? '✓' : state === 'failed' ? '✗' : '—';
        cell.dataset.state = state;
        cell.title = year + ' 年度' + (state === 'passed' ? '已达标' : state === 'failed' ? '未达标' : '无适用标准');
      })
      .catch((e) => {
        if (!e.handled) mark.textContent = '?';
      });
    return cell;
  });
  return h('div', { class: 'cyears-wrap' }, h('h2', { class: 'section-title' }, '近五年'), h('ol', { class: 'cyears', 'data-testid': testid, 'aria-label': '近五年达标情况' }, cells));
}

/** A standard's requirement lines in words: ['合计学分 ≥ 25', 'I类学分 ≥ 10']. */
export function requirementWords(standard) {
  return standard.requirements.map((line) => lineName(line) + ' ≥ ' + num(line.min));
}

/** A standard's caps in words: ['院内培训签到 最多计 10 学分']. */
export function capWords(standard) {
  return (standard.caps || []).map((cap) => {
    const what = [
      cap.class ? label(CREDIT_CLASS, cap.class) : '',
      cap.category ? label(CREDIT_CATEGORY, cap.category) : '',
      cap.source ? label(CREDIT_SOURCE, cap.source) : '',
      cap.rule_code ? '规则 ' + cap.rule_code : '',
    ].filter(Boolean).join(' ');
    return (what || '全部记录') + ' 最多计 ' + num(cap.max) + ' ' + label(MEASURE, cap.measure);
  });
}

/** Who a standard applies to: '示例省 · 正高、副高、中级 · 省直、市直属'. */
export function appliesWords(standard) {
  return [
    standard.region_name || (standard.region_code ? standard.region_code : '全国'),
    standard.title_levels.length ? standard.title_levels.join('、') : '各职称级别',
    standard.unit_levels.length ? standard.unit_levels.join('、') : '各级机构',
  ].join(' · ');
}

/** A standard as a card body: who it applies to, its lines and caps, its flags. */
export function standardSummary(standard) {
  return [
    h('p', { class: 'cstd-applies' }, appliesWords(standard)),
    h('ul', { class: 'cstd-lines', 'data-testid': 'standard-lines' }, requirementWords(standard).map((text) => h('li', null, text))),
    standard.caps && standard.caps.length ? h('p', { class: 'cstd-caps' }, '上限：' + capWords(standard).join('；')) : null,
    standard.certificate_requires_pass ? h('p', { class: 'cstd-flag' }, '达标后方可打印年度证书') : null,
    standard.auto_apply === false ? h('p', { class: 'cstd-flag' }, '仅在个人选择时适用') : null,
  ];
}

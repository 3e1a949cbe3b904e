// /review: the credit review queue (seed 001 §5.3). A department admin reviews status=pending_dept,
// a unit admin pending_unit (the active role of the shell's role switcher). Search by 姓名 / 人员编号 /
// 证件号 / 手机号, status, source and activity date range; select rows (or all on the page) for 批量通过,
// 退回 (reason) or 不通过 (reason), or act on one row. After each action the list is reloaded and
// every record that failed (say, someone else handled it first: 409) is listed with its reason.
// Beside the table (below it on narrow screens) the selected record's detail and its proof files,
// so that the reviewer sees the evidence while deciding.
//
// Also exports the record detail pieces (facts, evidence thumbnails with a lightbox, history)
// that the corrections page shows too.

import { fmtDateTime, num } from '../format.js';
import { api } from '../api.js';
import { replaceQuery } from '../router.js';
import { authorLabel, previewCredits, RULE_UNIT, ruleName, rulesOfYear } from '../rules.js';
import { debounce, h, messageBox, mount, notice, pageTitle, show, showMessage } from '../ui.js';
import { CREDIT_CLASS, CREDIT_SOURCE, CREDIT_STATUS, label } from '../labels.js';
import { confirmDialog, dl, emptyRow, linkButton, listLoader, pager, pill, reasonDialog } from './admin-common.js';

const PAGE_SIZE = 20;
const QUEUE = { dept_admin: 'pending_dept', unit_admin: 'pending_unit' };
const ACTION_WORDS = { approve: '通过', return: '退回', reject: '不通过' };
// The sources a reviewer filters by first (seed 001 §5.3), then the rest.
const SOURCE_ORDER = ['attendance', 'personal', 'speaker', 'project', 'class', 'course', 'import'];
// A lecture's check-ins are reviewed as one row per training (issue 13: "200 人", not 200 rows):
// the queue's table lists the other sources; 查看名单 opens one training's check-ins.
const NOT_ATTENDANCE = SOURCE_ORDER.filter((k) => k !== 'attendance').join(',');
const BATCH_MAX = 500;

// ---------------------------------------------------------------- shared record detail

/** True when the record's rule asks for proof and none is attached (`rule` may be unknown: null). */
export function missingProof(c, rule) {
  if (c.source !== 'personal') return false;
  const required = c.evidence_required !== undefined ? c.evidence_required : rule ? rule.evidence_required : false;
  const count = c.evidence_count !== undefined ? c.evidence_count : (c.evidence || []).length;
  return Boolean(required) && count === 0;
}

/** A map rule_code → rule for the years of `items` (empty when the catalogue cannot be read). */
export async function rulesFor(items) {
  // The list says evidence_required itself; the catalogue is only read for rows that do not.
  const years = Array.from(new Set(items.filter((c) => c.source === 'personal' && c.evidence_required === undefined).map((c) => c.year)));
  const map = new Map();
  await Promise.all(
    years.map((y) =>
      rulesOfYear(y)
        .then((rules) => rules.forEach((r) => map.set(y + ':' + r.code, r)))
        .catch(() => {}), // the marks just stay off
    ),
  );
  return { get: (c) => map.get(c.year + ':' + c.rule_code) || null };
}

/** '已生效' or '已生效（次日生效）' while effective_at is still ahead. */
export function statusPill(c, testid) {
  const node = pill(CREDIT_STATUS, c.status, testid);
  if (c.status === 'effective' && c.effective_at && new Date(c.effective_at) > new Date()) node.textContent = '次日生效';
  return node;
}

function quantityText(detail, rule) {
  if (detail.quantity === null || detail.quantity === undefined) return null;
  const unit = rule && rule.unit !== 'authorship' ? RULE_UNIT[rule.unit] || '' : '';
  return num(detail.quantity) + (unit ? ' ' + unit : '');
}

/** The facts of one credit record (GET /api/credits/{id}) as definition rows. */
export function creditFacts(detail, rule) {
  const rows = [
    ['姓名', [show(detail.person_name), detail.person_no ? h('span', { class: 'muted' }, ' · ' + detail.person_no) : null]],
    ['科室', detail.department_name],
    ['活动名称', detail.title],
    ['活动日期', detail.activity_date],
    ['来源', label(CREDIT_SOURCE, detail.source)],
    ['学分类型', detail.rule_name ? ruleName(detail) : null],
  ];
  if (detail.quantity !== null && detail.quantity !== undefined && !detail.author_position) rows.push(['数量', quantityText(detail, rule)]);
  if (detail.author_position) rows.push(['作者排名', authorLabel(detail.author_position)]);
  if (detail.project_no) rows.push(['项目编号', detail.project_no]);
  if (detail.organiser) rows.push(['举办单位', detail.organiser]);
  rows.push(
    ['学分', label(CREDIT_CLASS, detail.credit_class) + ' ' + num(detail.credits) + ' 分' + (Number(detail.hours) ? ' · ' + num(detail.hours) + ' 学时' : '')],
    ['状态', [statusPill(detail, 'detail-status'), detail.reason ? h('span', { class: 'muted' }, ' ' + detail.reason) : null]],
  );
  if (detail.effective_at) rows.push(['生效时间', fmtDateTime(detail.effective_at)]);
  if (rule && detail.quantity && rule.unit !== 'authorship') {
    const expected = previewCredits(rule, detail.quantity, detail.author_position);
    if (expected !== null && Math.abs(expected - Number(detail.credits)) > 0.005) rows.push(['按规则应为', num(expected) + ' 分']);
  }
  return dl(rows, 'detail-facts');
}

const ZOOMS = [1, 1.5, 2, 3];

/**
 * The proof viewer (issue 13): a photo, or every page of a PDF (GET /api/evidence/{id}/pages: the
 * server draws them, phones show no PDF inside a page), zoomed with 放大 / 缩小 (or a double tap)
 * and scrolled; Escape, 关闭 or a click outside closes it.
 */
export function openLightbox(item) {
  const close = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'lightbox-close' }, '关闭');
  const zoomOut = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'lightbox-zoom-out', 'aria-label': '缩小' }, '－');
  const zoomIn = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'lightbox-zoom-in', 'aria-label': '放大' }, '＋');
  const zoomText = h('span', { class: 'lightbox-zoom', 'data-testid': 'lightbox-zoom' }, '100%');
  const pdf = (item.content_type || '').indexOf('pdf') >= 0;
  const pages = h('div', { class: 'lightbox-pages', 'data-testid': 'lightbox-pages' });
  let zoom = 0;
  const setZoom = (index) => {
    zoom = Math.max(0, Math.min(ZOOMS.length - 1, index));
    pages.style.width = ZOOMS[zoom] * 100 + '%';
    zoomText.textContent = ZOOMS[zoom] * 100 + '%';
    zoomOut.disabled = zoom === 0;
    zoomIn.disabled = zoom === ZOOMS.length - 1;
  };
  zoomOut.addEventListener('click', () => setZoom(zoom - 1));
  zoomIn.addEventListener('click', () => setZoom(zoom + 1));
  pages.addEventListener('dblclick', () => setZoom(zoom === 0 ? 2 : 0));
  setZoom(0);
  const page = (src, n) => h('img', { class: 'lightbox-img', src, alt: (item.filename || '证明材料') + (n ? ' 第 ' + n + ' 页' : ''), 'data-testid': 'lightbox-page', loading: n > 1 ? 'lazy' : null });
  if (pdf) {
    mount(pages, h('p', { class: 'lightbox-note' }, '正在加载页面…'));
    api(item.url + '/pages')
      .then((data) => {
        const list = [];
        for (let n = 1; n <= data.count; n += 1) list.push(page(item.url + '/pages/' + n, n));
        mount(pages, list, h('p', { class: 'lightbox-note', 'data-testid': 'lightbox-count' }, '共 ' + data.count + ' 页'));
      })
      .catch((e) => mount(pages, h('p', { class: 'lightbox-note' }, e.detail || '页面无法显示，请在新窗口打开。')));
  } else {
    mount(pages, page(item.url, 0));
  }
  const dialog = h(
    'dialog',
    { class: 'dialog lightbox', 'data-testid': 'lightbox', 'aria-label': item.filename || '证明材料' },
    h(
      'div',
      { class: 'lightbox-bar' },
      h('span', { class: 'lightbox-name' }, show(item.filename)),
      zoomOut,
      zoomText,
      zoomIn,
      h('a', { class: 'btn btn-secondary btn-sm', href: item.url, target: '_blank', rel: 'noopener' }, '新窗口打开'),
      close,
    ),
    h('div', { class: 'lightbox-scroll' }, pages),
  );
  const done = () => {
    if (dialog.open) dialog.close();
    dialog.remove();
  };
  close.addEventListener('click', done);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) done(); // the backdrop
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  close.focus();
}

function sizeText(bytes) {
  if (!bytes) return '';
  return bytes >= 1024 * 1024 ? (bytes / 1024 / 1024).toFixed(1) + ' MB' : Math.max(1, Math.round(bytes / 1024)) + ' KB';
}

/** The record's proof files: image thumbnails (click: full size), other files (PDF) as links. */
export function evidenceGallery(evidence) {
  if (!evidence || !evidence.length) return h('p', { class: 'muted small', 'data-testid': 'evidence-none' }, '未上传证明材料。');
  return h(
    'ul',
    { class: 'evidence-grid', 'data-testid': 'evidence-list' },
    evidence.map((item) => {
      const caption = h('span', { class: 'evidence-cap' }, show(item.filename), h('small', null, sizeText(item.size)));
      if (item.thumb_url) {
        return h(
          'li',
          null,
          h(
            'button',
            { type: 'button', class: 'evidence-thumb', 'data-testid': 'evidence-thumb', title: '查看原图', onclick: () => openLightbox(item) },
            h('img', { src: item.thumb_url, alt: item.filename || '证明材料', loading: 'lazy' }),
          ),
          caption,
        );
      }
      const isPdf = (item.content_type || '').indexOf('pdf') >= 0;
      return h(
        'li',
        null,
        isPdf
          ? h('button', { type: 'button', class: 'evidence-file', 'data-testid': 'evidence-file', title: '查看每一页', onclick: () => openLightbox(item) }, 'PDF')
          : h('a', { class: 'evidence-file', href: item.url, target: '_blank', rel: 'noopener', 'data-testid': 'evidence-file' }, '文件'),
        caption,
      );
    }),
  );
}

/** The record's history: status changes and corrections, each with who, when and why. */
export function eventsList(events) {
  if (!events || !events.length) return null;
  return h(
    'ol',
    { class: 'events', 'data-testid': 'detail-events' },
    events.map((e) => {
      // A correction keeps the status; the server writes what changed (and why) as its reason.
      const edit = Boolean(e.from_status) && e.from_status === e.to_status;
      const text = edit
        ? e.reason || '修改'
        : (e.from_status ? label(CREDIT_STATUS, e.from_status) + ' → ' : '') + label(CREDIT_STATUS, e.to_status) + (e.reason ? '（' + e.reason + '）' : '');
      return h('li', { 'data-testid': 'detail-event', class: edit ? 'event-edit' : null }, h('span', { class: 'muted' }, fmtDateTime(e.at)), ' ', e.account_name || '系统', '：', text);
    }),
  );
}

/** A full detail block: the proof first (what a reviewer checks the record against), the facts, history. */
export function creditDetailBody(detail, rule) {
  return [
    missingProof(detail, rule) ? h('p', { class: 'proof-missing', 'data-testid': 'detail-missing' }, '缺少证明材料：该学分规则要求上传证明材料。') : null,
    detail.source === 'personal' || (detail.evidence && detail.evidence.length) ? [h('h3', { class: 'pane-sub' }, '证明材料'), evidenceGallery(detail.evidence)] : null,
    creditFacts(detail, rule),
    detail.events && detail.events.length ? [h('h3', { class: 'pane-sub' }, '处理记录'), eventsList(detail.events)] : null,
  ];
}

// ---------------------------------------------------------------- the page

export function render(ctx) {
  ctx.setTitle('学分审核');
  const role = ctx.role;
  const queue = role ? QUEUE[role.role] : null;
  if (!queue) {
    mount(
      ctx.main,
      pageTitle('学分审核', 'review-title'),
      notice({ iconName: 'lock', title: '无需审核', text: '学分由科室管理员和单位管理员两级审核。当前身份没有待审核的学分。', href: '/', linkText: '返回首页', testid: 'review-none' }),
    );
    return;
  }

  const state = {
    q: ctx.query.get('q') || '',
    status: ctx.query.get('status') || '',
    date_from: ctx.query.get('date_from') || '',
    date_to: ctx.query.get('date_to') || '',
    source: ctx.query.get('source') || '',
    training: ctx.query.get('training') || '',
    trainingTitle: '',
    page: Math.max(1, parseInt(ctx.query.get('page'), 10) || 1),
  };
  let items = [];
  let rules = { get: () => null };
  let current = null; // the id shown in the pane
  const selected = new Set();

  // '' = the queue of this role; 'all' = no status filter.
  const statusParam = () => (state.status === 'all' ? '' : state.status || queue);
  // The plain queue groups lectures' check-ins; any filter, or an opened training, lists records.
  const grouped = () => !state.training && !state.q && !state.source && !state.date_from && !state.date_to && !state.status;
  const sourceParam = () => (state.training ? 'attendance' : grouped() ? NOT_ATTENDANCE : state.source);

  const groupsNode = h('section', { class: 'review-groups', 'data-testid': 'review-groups', hidden: true });
  const trainingChip = h('p', { class: 'review-training', 'data-testid': 'review-training', hidden: true });

  // -- filters
  const search = h('input', { id: 'review-q', type: 'search', value: state.q, placeholder: '姓名 / 人员编号 / 证件号 / 手机号', autocomplete: 'off', 'data-testid': 'review-search' });
  const dateFrom = h('input', { id: 'review-from', type: 'date', value: state.date_from, 'data-testid': 'review-from' });
  const dateTo = h('input', { id: 'review-to', type: 'date', value: state.date_to, 'data-testid': 'review-to' });
  const statusSel = h(
    'select',
    { id: 'review-status', 'data-testid': 'review-status' },
    h('option', { value: '' }, '待我审核（' + CREDIT_STATUS[queue] + '）'),
    Object.keys(CREDIT_STATUS)
      .filter((k) => k !== queue)
      .map((k) => h('option', { value: k, selected: k === state.status }, CREDIT_STATUS[k])),
    h('option', { value: 'all', selected: state.status === 'all' }, '全部状态'),
  );
  const source = h(
    'select',
    { id: 'review-source', 'data-testid': 'review-source' },
    h('option', { value: '' }, '全部来源'),
    SOURCE_ORDER.map((k) => h('option', { value: k, selected: k === state.source }, CREDIT_SOURCE[k])),
  );
  const filters = h(
    'form',
    {
      class: 'admin-filters',
      role: 'search',
      onsubmit: (event) => {
        event.preventDefault();
        readFilters();
        reload();
      },
    },
    h('label', { class: 'af af-grow' }, h('span', null, '人员'), search),
    h('label', { class: 'af' }, h('span', null, '审核状态'), statusSel),
    h('label', { class: 'af' }, h('span', null, '来源'), source),
    h('label', { class: 'af' }, h('span', null, '活动日期从'), dateFrom),
    h('label', { class: 'af' }, h('span', null, '至'), dateTo),
    h('button', { type: 'submit', class: 'btn btn-primary btn-sm', 'data-testid': 'review-query' }, '查询'),
  );

  function readFilters() {
    state.q = search.value.trim();
    state.status = statusSel.value;
    state.date_from = dateFrom.value;
    state.date_to = dateTo.value;
    state.source = source.value;
  }

  // -- batch bar
  const selCount = h('span', { class: 'batch-count', 'data-testid': 'review-selected' }, '未选择');
  const batchApprove = h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'review-batch-approve', disabled: true }, '批量通过');
  const batchReturn = h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'review-batch-return', disabled: true }, '退回');
  const batchReject = h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'review-batch-reject', disabled: true }, '不通过');
  const batchBar = h('div', { class: 'batch-bar', 'data-testid': 'review-batch' }, selCount, batchApprove, batchReturn, batchReject);

  const summary = h('p', { class: 'list-summary muted', 'data-testid': 'review-total', 'aria-live': 'polite' });
  const result = h('div', { class: 'msg', role: 'status', 'data-testid': 'review-result', hidden: true });
  const error = messageBox('review-error');
  const selectAll = h('input', { type: 'checkbox', 'aria-label': '全选本页', 'data-testid': 'review-select-all' });
  const body = h('tbody', { 'data-testid': 'review-body' });
  // Compact columns (number and department under the name, date and source under the title) so
  // that the table and the evidence pane fit side by side on a 1280px desktop.
  const headers = ['姓名', '活动名称', '学分', '证明材料', '操作'];
  const tableNode = h(
    'div',
    { class: 'table-wrap' },
    h('table', { class: 'table review-table', 'data-testid': 'review-table' }, h('thead', null, h('tr', null, h('th', { class: 'col-check' }, selectAll), headers.map((t) => h('th', { scope: 'col', class: t === '学分' ? 'num' : null }, t)))), body),
  );
  const pg = pager('review', (delta) => {
    state.page += delta;
    selected.clear();
    load();
  });
  const pane = h('aside', { class: 'review-pane card', 'data-testid': 'review-pane', 'aria-label': '记录详情', 'aria-live': 'polite' });

  function paintSelection() {
    const n = selected.size;
    selCount.textContent = n ? '已选 ' + n + ' 条' : '未选择';
    [batchApprove, batchReturn, batchReject].forEach((b) => (b.disabled = n === 0));
    const onPage = items.filter((c) => selected.has(c.id)).length;
    selectAll.checked = items.length > 0 && onPage === items.length;
    selectAll.indeterminate = onPage > 0 && onPage < items.length;
    body.querySelectorAll('input[data-id]').forEach((box) => {
      box.checked = selected.has(Number(box.dataset.id));
      box.closest('tr').classList.toggle('row-selected', box.checked);
    });
    body.querySelectorAll('tr[data-id]').forEach((tr) => tr.classList.toggle('row-active', Number(tr.dataset.id) === current));
  }

  function proofCell(c) {
    if (missingProof(c, rules.get(c))) return h('span', { class: 'proof-missing-tag', 'data-testid': 'review-missing' }, '缺少证明材料');
    if (c.source !== 'personal' && !c.evidence_count) return '—';
    return c.evidence_count ? c.evidence_count + ' 份' : '—';
  }

  function rowOf(c) {
    const box = h('input', {
      type: 'checkbox',
      'data-id': String(c.id),
      'data-testid': 'review-check',
      'aria-label': '选择 ' + c.person_name + '《' + c.title + '》',
      onchange: (event) => {
        if (event.target.checked) selected.add(c.id);
        else selected.delete(c.id);
        paintSelection();
      },
    });
    const actionable = c.status === queue;
    const rowActions = actionable
      ? h(
          'span',
          { class: 'row-actions' },
          h('button', { type: 'button', class: 'link-act', 'data-testid': 'review-approve', onclick: () => runOne(c, 'approve') }, '通过'),
          h('button', { type: 'button', class: 'link-act', 'data-testid': 'review-return', onclick: () => runOne(c, 'return') }, '退回'),
          h('button', { type: 'button', class: 'link-act link-danger', 'data-testid': 'review-reject', onclick: () => runOne(c, 'reject') }, '不通过'),
        )
      : statusPill(c);
    const tr = h(
      'tr',
      { 'data-testid': 'review-row', 'data-id': String(c.id) },
      h('td', { class: 'col-check' }, box),
      h(
        'td',
        { class: 'cell-person' },
        h('button', { type: 'button', class: 'link-name', 'data-testid': 'review-detail', onclick: () => showDetail(c.id) }, show(c.person_name)),
        h('span', { class: 'cell-sub' }, [c.person_no, c.department_name].filter(Boolean).join(' · ')),
      ),
      h('td', { class: 'cell-title' }, c.title, h('span', { class: 'cell-sub' }, show(c.activity_date) + ' · ' + label(CREDIT_SOURCE, c.source))),
      h('td', { class: 'num' }, label(CREDIT_CLASS, c.credit_class) + ' ' + num(c.credits)),
      h('td', { class: 'nowrap' }, proofCell(c)),
      h('td', null, rowActions),
    );
    // A click anywhere else on the row shows it in the pane.
    tr.addEventListener('click', (event) => {
      if (event.target.closest('button, input, a, label')) return;
      showDetail(c.id);
    });
    return tr;
  }

  function filtered() {
    return Boolean(state.q || state.date_from || state.date_to || state.source || state.status);
  }

  const loadList = listLoader({ body, summary, error });

  async function load() {
    if (!body.isConnected) return;
    replaceQuery({ q: state.q, status: state.status, date_from: state.date_from, date_to: state.date_to, source: state.source, training: state.training, page: state.page > 1 ? state.page : '' });
    paintTraining();
    if (grouped()) loadGroups();
    else groupsNode.hidden = true;
    const data = await loadList(async (signal) => {
      const page = await api('/api/credits', {
        query: { status: statusParam(), q: state.q, date_from: state.date_from, date_to: state.date_to, source: sourceParam(), training_id: state.training, page: state.page, page_size: PAGE_SIZE },
        signal,
      });
      rules = await rulesFor(page.items || []);
      return page;
    });
    if (!data) return;
    items = data.items || [];
    // Keep only selections still in the list on this page.
    const ids = new Set(items.map((c) => c.id));
    Array.from(selected).forEach((id) => {
      if (!ids.has(id)) selected.delete(id);
    });
    mount(body, items.map(rowOf));
    if (!items.length) body.appendChild(emptyRow(headers.length + 1, filtered() ? '没有符合条件的学分。' : '暂无待审核的学分。'));
    summary.textContent = (state.status ? '共 ' : '待审核 ') + data.total + ' 条';
    pg.update(state.page, data.total, PAGE_SIZE);
    if (state.page > 1 && !items.length && data.total > 0) {
      state.page = Math.max(1, Math.ceil(data.total / PAGE_SIZE)); // the last page emptied by an action
      load();
      return;
    }
    paintSelection();
  }

  function reload() {
    state.page = 1;
    selected.clear();
    load();
  }

  // -- lectures as one row each
  function paintTraining() {
    trainingChip.hidden = !state.training;
    if (!state.training) return;
    mount(
      trainingChip,
      '培训签到：' + (state.trainingTitle || '所选培训') + ' ',
      h('button', { type: 'button', class: 'link-act', 'data-testid': 'review-training-back', onclick: () => { state.training = ''; state.trainingTitle = ''; reload(); } }, '返回待审核列表'),
    );
  }

  async function loadGroups() {
    let data;
    try {
      data = await api('/api/credits/groups', { query: { status: queue } });
    } catch (e) {
      groupsNode.hidden = true;
      return;
    }
    const groups = data.items || [];
    groupsNode.hidden = groups.length === 0;
    mount(
      groupsNode,
      h('h2', { class: 'pane-sub' }, '培训签到学分（按培训）'),
      groups.map((g) =>
        h(
          'div',
          { class: 'group-row', 'data-testid': 'review-group', 'data-training': String(g.training_id) },
          h('div', { class: 'group-main' }, h('span', { class: 'group-title' }, g.title), h('span', { class: 'cell-sub' }, g.activity_date + ' · ' + label(CREDIT_CLASS, g.credit_class) + ' ' + num(g.credits) + ' 分')),
          h('strong', { class: 'group-count', 'data-testid': 'review-group-count' }, g.count + ' 人'),
          h(
            'span',
            { class: 'group-actions' },
            h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'review-group-approve', onclick: () => approveGroup(g) }, '全部通过'),
            h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'review-group-open', onclick: () => { state.training = String(g.training_id); state.trainingTitle = g.title; reload(); } }, '查看名单'),
          ),
        ),
      ),
    );
  }

  /** Every id of a training's check-in credits waiting for this role (pages of 200). */
  async function groupIds(g) {
    const ids = [];
    for (let page = 1; page <= 100; page += 1) {
      const data = await api('/api/credits', { query: { status: queue, source: 'attendance', training_id: g.training_id, page, page_size: 200 } });
      data.items.forEach((c) => ids.push(c.id));
      if (data.items.length < 200 || ids.length >= data.total) break;
    }
    return ids;
  }

  async function approveGroup(g) {
    let results = null;
    const done = await confirmDialog({
      title: '全部通过',
      text: '确定审核通过《' + g.title + '》的 ' + g.count + ' 条签到学分吗？',
      submitText: '通过 ' + g.count + ' 条',
      testid: 'review-group-dialog',
      action: async () => {
        const ids = await groupIds(g);
        results = [];
        for (let i = 0; i < ids.length; i += BATCH_MAX) results = results.concat(await batch(ids.slice(i, i + BATCH_MAX), 'approve', ''));
      },
    });
    if (!done || !results) return;
    await afterAction('approve', results);
  }

  // -- the detail pane
  function paneEmpty() {
    current = null;
    mount(pane, h('p', { class: 'muted pane-empty', 'data-testid': 'review-pane-empty' }, '点击姓名查看记录详情和证明材料。'));
  }

  let paneSeq = 0;
  async function showDetail(id) {
    const seq = (paneSeq += 1);
    current = id;
    paintSelection();
    mount(pane, h('p', { class: 'muted pane-empty' }, '加载中…'));
    if (window.matchMedia('(max-width: 1099px)').matches) pane.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    let detail;
    try {
      detail = await api('/api/credits/' + encodeURIComponent(id));
    } catch (e) {
      if (e.handled || seq !== paneSeq) return;
      mount(pane, h('p', { class: 'msg msg-error' }, e.detail));
      return;
    }
    if (seq !== paneSeq) return;
    let rule = null;
    try {
      rule = (await rulesOfYear(detail.year)).find((r) => r.code === detail.rule_code) || null;
    } catch (e) {
      rule = null; // the catalogue is only needed for units and the proof mark
    }
    if (seq !== paneSeq) return;
    const actionable = detail.status === queue;
    mount(
      pane,
      h('div', { class: 'pane-head' }, h('h2', { class: 'pane-title', 'data-testid': 'pane-title' }, detail.title), h('button', { type: 'button', class: 'link-act', 'aria-label': '关闭详情', onclick: paneEmpty }, '关闭')),
      creditDetailBody(detail, rule),
      h('p', { class: 'small' }, h('a', { href: '/corrections?tab=person&person_id=' + encodeURIComponent(detail.person_id), 'data-testid': 'pane-person-link' }, detail.person_name + ' 的全部学分记录')),
      actionable
        ? h(
            'div',
            { class: 'pane-actions' },
            h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'pane-approve', onclick: () => runOne(detail, 'approve') }, '通过'),
            h('button', { type: 'button', class: 'btn btn-secondary btn-sm', 'data-testid': 'pane-return', onclick: () => runOne(detail, 'return') }, '退回'),
            h('button', { type: 'button', class: 'btn btn-danger-outline btn-sm', 'data-testid': 'pane-reject', onclick: () => runOne(detail, 'reject') }, '不通过'),
          )
        : null,
    );
  }

  // -- results
  function describe(id) {
    const c = items.find((x) => x.id === id);
    return c ? c.person_name + '《' + c.title + '》' : '记录 #' + id;
  }

  function showResults(action, results) {
    const ok = results.filter((r) => r.ok);
    const failed = results.filter((r) => !r.ok);
    mount(
      result,
      h('p', { class: 'result-line' }, ACTION_WORDS[action] + '：成功 ' + ok.length + ' 条' + (failed.length ? '，失败 ' + failed.length + ' 条' : '') + '。'),
      failed.length
        ? h(
            'ul',
            { class: 'result-failures', 'data-testid': 'review-failures' },
            failed.map((r) => h('li', { 'data-testid': 'review-failure' }, describe(r.id) + '：' + (r.detail || r.code || '失败'))),
          )
        : null,
    );
    result.className = 'msg ' + (failed.length ? (ok.length ? 'msg-info' : 'msg-error') : 'msg-ok');
    result.hidden = false;
  }

  async function batch(ids, action, reason) {
    const data = await api('/api/credits/batch', { method: 'POST', body: { ids, action, reason: reason || '' } });
    return data.results || [];
  }

  async function afterAction(action, results) {
    showResults(action, results);
    results.forEach((r) => selected.delete(r.id));
    await load();
    if (current !== null && results.some((r) => r.id === current)) showDetail(current);
  }

  async function runBatch(action) {
    const ids = Array.from(selected);
    if (!ids.length) return;
    let results = null;
    const run = async (reason) => {
      results = await batch(ids, action, reason);
    };
    let done;
    if (action === 'approve') {
      done = await confirmDialog({ title: '批量通过', text: '确定审核通过选中的 ' + ids.length + ' 条学分吗？', submitText: '通过 ' + ids.length + ' 条', testid: 'review-approve-dialog', action: () => run('') });
    } else {
      done = await reasonDialog({
        title: (action === 'return' ? '退回' : '审核不通过') + '（' + ids.length + ' 条）',
        labelText: action === 'return' ? '退回原因（学员可修改后重新提交）' : '不通过原因',
        submitText: action === 'return' ? '退回' : '不通过',
        danger: action === 'reject',
        testid: 'review-' + action + '-dialog',
        action: run,
      });
    }
    if (!done || !results) return;
    await afterAction(action, results);
  }

  async function runOne(c, action) {
    let results = null;
    const run = async (reason) => {
      results = await batch([c.id], action, reason);
    };
    if (action === 'approve') {
      try {
        await run('');
      } catch (e) {
        if (!e.handled) showMessage(error, e.detail);
        return;
      }
    } else {
      const done = await reasonDialog({
        title: (action === 'return' ? '退回' : '审核不通过') + ' · ' + c.person_name,
        intro: '《' + c.title + '》' + num(c.credits) + ' 学分',
        labelText: action === 'return' ? '退回原因' : '不通过原因',
        submitText: action === 'return' ? '退回' : '不通过',
        danger: action === 'reject',
        testid: 'review-' + action + '-dialog',
        action: run,
      });
      if (!done) return;
    }
    if (!results) return;
    await afterAction(action, results);
  }

  // -- wiring
  selectAll.addEventListener('change', () => {
    items.forEach((c) => {
      if (selectAll.checked) selected.add(c.id);
      else selected.delete(c.id);
    });
    paintSelection();
  });
  batchApprove.addEventListener('click', () => runBatch('approve'));
  batchReturn.addEventListener('click', () => runBatch('return'));
  batchReject.addEventListener('click', () => runBatch('reject'));
  search.addEventListener(
    'input',
    debounce(() => {
      if (search.value.trim() === state.q) return;
      readFilters();
      reload();
    }, 400),
  );
  [statusSel, dateFrom, dateTo, source].forEach((el) =>
    el.addEventListener('change', () => {
      readFilters();
      reload();
    }),
  );

  const sub = (role.scope_name ? role.scope_name + ' · ' : '') + (queue === 'pending_dept' ? '科室审核：通过后交单位审核' : '单位审核：通过后学分生效');
  const headActions = h(
    'div',
    { class: 'head-actions' },
    linkButton('/corrections/entry', '代录入学分', { 'data-testid': 'review-entry' }),
    linkButton('/corrections', '学分修改', { 'data-testid': 'review-corrections' }),
    linkButton('/rules', '学分规则', { 'data-testid': 'review-rules' }),
  );
  paneEmpty();
  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page admin-wide' },
      h('div', { class: 'page-head' }, h('div', null, pageTitle('学分审核', 'review-title'), h('p', { class: 'muted page-sub' }, sub, ' ', pill(CREDIT_STATUS, queue))), headActions),
      filters,
      result,
      error,
      groupsNode,
      trainingChip,
      h('div', { class: 'list-head' }, summary, batchBar),
      h('div', { class: 'review-layout' }, h('div', { class: 'review-main' }, tableNode, pg.node), pane),
    ),
  );
  load();
}

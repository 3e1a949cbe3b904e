// /credits/:id: one of my credit records (GET /api/credits/{id}): what it is (for a personal entry
// also its rule, quantity or author position, project number and organiser), its evidence
// (thumbnails open the full file; PDFs as links), its review timeline, and, while the record can
// still change (`editable`), 编辑 / 删除 / 上报. ?saved= after the entry form says what just happened.

import { dateTimeWords, num } from '../format.js';
import { api } from '../api.js';
import { navigate } from '../router.js';
import { h, icon, messageBox, mount, notice, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { findRule, quantityWords, ruleName } from '../rules.js';
import { classWord, creditChip, effectiveLater, sourceWord, statusWord } from './trainee-common.js';

const SAVED_WORDS = { saved: '已保存。', submitted: '已上报，等待科室审核。' };

function row(label, value, testid) {
  return h('div', { class: 'dl-row' }, h('dt', null, label), h('dd', { 'data-testid': testid }, value));
}

function eventItem(event) {
  const what = event.from_status ? statusWord(event.from_status) + ' → ' + statusWord(event.to_status) : '提交 · ' + statusWord(event.to_status);
  return h(
    'li',
    { class: 'timeline-item timeline-' + event.to_status, 'data-testid': 'credit-event', 'data-status': event.to_status },
    h('span', { class: 'timeline-dot', 'aria-hidden': 'true' }),
    h(
      'div',
      { class: 'timeline-body' },
      h('p', { class: 'timeline-what' }, what),
      h('p', { class: 'timeline-meta' }, [dateTimeWords(event.at), event.account_name].filter(Boolean).join(' · ')),
      event.reason ? h('p', { class: 'timeline-reason' }, event.reason) : null,
    ),
  );
}

function evidenceItem(evidence) {
  const name = evidence.filename || '证明材料';
  if (evidence.thumb_url) {
    return h(
      'li',
      { class: 'myproof-tile', 'data-testid': 'credit-evidence' },
      h('a', { href: evidence.url, target: '_blank', rel: 'noopener', 'aria-label': '查看 ' + name }, h('img', { src: evidence.thumb_url, alt: name, loading: 'lazy', 'data-testid': 'credit-evidence-thumb' })),
    );
  }
  return h(
    'li',
    { class: 'myproof-tile myproof-tile-file', 'data-testid': 'credit-evidence' },
    h('a', { href: evidence.url, target: '_blank', rel: 'noopener', 'data-testid': 'credit-evidence-link' }, h('span', { class: 'myproof-kind' }, /pdf/i.test(evidence.content_type || name) ? 'PDF' : '文件'), h('span', { class: 'myproof-name' }, name)),
  );
}

export async function render(ctx) {
  ctx.setTitle('学分详情');
  const back = h('a', { class: 'back-link', href: '/credits', 'data-testid': 'credit-back' }, icon('back'), '我的学分');
  mount(ctx.main, back, h('p', { class: 'muted' }, '加载中…'));

  let credit;
  try {
    credit = await api('/api/credits/' + encodeURIComponent(ctx.params.id));
  } catch (error) {
    if (error.handled) throw error;
    mount(ctx.main, back, notice({ iconName: 'alert', title: '无法查看', text: error.detail, href: '/credits', linkText: '返回我的学分', testid: 'credit-error' }));
    return;
  }
  back.setAttribute('href', '/credits?year=' + encodeURIComponent(credit.year));
  if (credit.status === 'rejected' && ctx.user && credit.person_id === ctx.user.person_id) {
    // Seen: the rejection leaves the home card and the 学分 tab's dot (a returned one stays until fixed).
    api('/api/me/notices/read', { method: 'POST', body: { credit_id: credit.id }, redirect: false })
      .then(() => ctx.attention(true))
      .catch(() => {});
  }

  const message = messageBox('credit-message');
  const saved = ctx.query.get('saved');
  const savedBox = SAVED_WORDS[saved] ? h('p', { class: 'msg msg-ok', role: 'status', 'data-testid': 'credit-saved' }, SAVED_WORDS[saved]) : null;
  const events = (credit.events || []).slice().sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const evidence = credit.evidence || [];
  const quantity = quantityWords(null, credit.quantity, credit.author_position);

  mount(
    ctx.main,
    back,
    savedBox,
    h(
      'section',
      { class: 'card credit-detail', 'data-testid': 'credit-detail' },
      h(
        'div',
        { class: 'credit-detail-head' },
        pageTitle(credit.title || sourceWord(credit.source) || '学分记录', 'credit-title'),
        creditChip(credit),
      ),
      effectiveLater(credit) ? h('p', { class: 'msg msg-info', 'data-testid': 'credit-next-day' }, '审核已通过，次日生效：' + dateTimeWords(credit.effective_at) + ' 起计入学分。') : null,
      credit.reason && credit.status !== 'effective' ? h('p', { class: 'msg msg-error', 'data-testid': 'credit-reason' }, '原因：' + credit.reason) : null,
      h(
        'dl',
        { class: 'dl' },
        row('学分', classWord(credit.credit_class) + ' ' + num(credit.credits) + ' 分', 'credit-credits'),
        row('学时', num(credit.hours), 'credit-hours'),
        credit.rule_name ? row('学分类型', ruleName(credit), 'credit-rule') : null,
        quantity ? row(credit.author_position ? '作者位次' : '数量', quantity, 'credit-quantity') : null,
        row('日期', show(credit.activity_date), 'credit-date'),
        credit.project_no ? row('项目编号', credit.project_no, 'credit-project-no') : null,
        credit.organiser ? row('举办单位', credit.organiser, 'credit-organiser') : null,
        row('来源', show(sourceWord(credit.source)), 'credit-source'),
        row('年度', show(credit.year), 'credit-year'),
        credit.effective_at ? row('生效时间', dateTimeWords(credit.effective_at), 'credit-effective') : null,
      ),
    ),
    credit.source === 'personal' || evidence.length
      ? h(
          'section',
          { class: 'section credit-evidence' },
          h('h2', { class: 'section-title' }, '证明材料'),
          evidence.length ? h('ul', { class: 'myproof-tiles', 'data-testid': 'credit-evidence-list' }, evidence.map(evidenceItem)) : h('p', { class: 'muted', 'data-testid': 'credit-evidence-none' }, '未上传证明材料。'),
        )
      : null,
    // Admins correct others' records on their own pages (with a reason); here only one's own.
    credit.editable && ctx.user && credit.person_id === ctx.user.person_id ? actions(ctx, credit, message) : null,
    // A returned check-in (or speaker) record has nothing its owner may edit: they explain and send it back.
    !credit.editable && credit.status === 'returned' && credit.source !== 'personal' && ctx.user && credit.person_id === ctx.user.person_id
      ? resubmitSection(credit, message)
      : null,
    h(
      'section',
      { class: 'section credit-history' },
      h('h2', { class: 'section-title' }, '审核记录'),
      events.length ? h('ol', { class: 'timeline', 'data-testid': 'credit-timeline' }, events.map(eventItem)) : h('p', { class: 'muted' }, '暂无记录。'),
    ),
  );

  // The rule only words the quantity ('3 小时'): fetched after the page shows, the bare number meanwhile.
  const cell = ctx.main.querySelector('[data-testid="credit-quantity"]');
  if (cell && credit.rule_code && credit.source === 'personal' && !credit.author_position) {
    findRule(credit.year, credit.rule_code).then(
      (rule) => {
        if (rule && cell.isConnected) cell.textContent = quantityWords(rule, credit.quantity, null);
      },
      () => {},
    );
  }
}

function resubmitSection(credit, message) {
  const id = encodeURIComponent(credit.id);
  const note = h('textarea', { rows: 3, maxlength: '500', id: 'credit-note', placeholder: '例如：全程在场，签退时手机没电', 'data-testid': 'credit-resubmit-note' });
  const send = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'credit-resubmit' }, '说明情况并重新上报');
  send.addEventListener('click', async () => {
    if (!note.value.trim()) {
      showMessage(message, '请先说明情况。');
      note.focus();
      return;
    }
    showMessage(message, '');
    setBusy(send, true, '上报中…');
    try {
      await api('/api/credits/' + id + '/submit', { method: 'POST', body: { note: note.value.trim() } });
    } catch (e) {
      setBusy(send, false);
      if (!e.handled) showMessage(message, e.detail);
      return;
    }
    navigate('/credits/' + id + '?saved=submitted', { replace: true });
  });
  return h(
    'section',
    { class: 'section credit-actions-section', 'data-testid': 'credit-resubmit-section' },
    h('h2', { class: 'section-title' }, '重新上报'),
    h('p', { class: 'hint' }, '科室退回了这条学分。请说明情况（如签到异常的原因），重新上报后由科室再次审核；如有疑问请联系科室管理员。'),
    message,
    h('div', { class: 'field' }, h('label', { for: 'credit-note' }, '情况说明'), note),
    h('div', { class: 'credit-actions' }, send),
  );
}

function actions(ctx, credit, message) {
  const id = encodeURIComponent(credit.id);
  const edit = h('a', { class: 'btn btn-secondary', href: '/credits/' + id + '/edit', 'data-testid': 'credit-edit' }, '编辑');
  const remove = h('button', { type: 'button', class: 'btn btn-danger-outline', 'data-testid': 'credit-delete' }, '删除');
  const canSubmit = credit.status === 'draft' || credit.status === 'returned';
  const submit = canSubmit ? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'credit-submit' }, '上报') : null;

  remove.addEventListener('click', async () => {
    if (!window.confirm('删除这条学分记录？删除后不能恢复。')) return;
    showMessage(message, '');
    setBusy(remove, true, '删除中…');
    try {
      await api('/api/credits/' + id, { method: 'DELETE' });
    } catch (e) {
      setBusy(remove, false);
      if (!e.handled) showMessage(message, e.detail);
      return;
    }
    navigate('/credits?year=' + encodeURIComponent(credit.year), { replace: true });
  });

  if (submit) {
    submit.addEventListener('click', async () => {
      showMessage(message, '');
      setBusy(submit, true, '上报中…');
      try {
        await api('/api/credits/' + id + '/submit', { method: 'POST' });
      } catch (e) {
        setBusy(submit, false);
        if (!e.handled) showMessage(message, e.detail);
        return;
      }
      navigate('/credits/' + id + '?saved=submitted', { replace: true });
    });
  }

  return h(
    'section',
    { class: 'section credit-actions-section' },
    message,
    h('div', { class: 'credit-actions', 'data-testid': 'credit-actions' }, edit, remove, submit),
    h('p', { class: 'hint' }, '草稿、待科室审核和已退回的学分可以修改或删除。'),
  );
}

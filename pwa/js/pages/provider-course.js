// /provider/courses/:id: the course editor of a provider (公需课). While a draft: lessons (图文, or a
// video uploaded here or given by its address, with its length) and questions (单选 / 多选 with
// the right options); 发布 makes it visible to trainees, 下架 hides it. 考试结果 lists the attempts.

import { api, upload } from '../api.js';
import { fmtDateTime, num } from '../format.js';
import { COURSE_STATUS } from '../labels.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink, confirmDialog, dl, emptyRow, formDialog, pill, table } from './admin-common.js';

function field(id, text, control, hint) {
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, text), control, hint ? h('p', { class: 'hint' }, hint) : null);
}

/** A video file's length in seconds, read by the browser from its metadata (0 when unknown). */
function videoLength(file) {
  return new Promise((resolve) => {
    const probe = document.createElement('video');
    const url = URL.createObjectURL(file);
    const done = (seconds) => {
      URL.revokeObjectURL(url);
      resolve(seconds);
    };
    probe.preload = 'metadata';
    probe.onloadedmetadata = () => done(isFinite(probe.duration) ? Math.ceil(probe.duration) : 0);
    probe.onerror = () => done(0);
    probe.src = url;
  });
}

export async function render(ctx) {
  const id = ctx.params.id;
  const base = '/api/courses/' + encodeURIComponent(id);
  const flash = messageBox('pcourse-flash', 'ok');
  const error = messageBox('pcourse-error');
  const container = h('div', { class: 'admin-page' });
  mount(ctx.main, container);

  async function refresh(message) {
    const [course, questions, results] = await Promise.all([api(base), api(base + '/questions'), api(base + '/results', { query: { page_size: 100 } })]);
    paint(course, questions, results);
    if (message) showMessage(flash, message);
  }

  function act(text, cls, testid, onclick) {
    const b = h('button', { type: 'button', class: 'btn btn-sm ' + cls, 'data-testid': testid });
    b.textContent = text;
    b.addEventListener('click', async () => {
      showMessage(error, '');
      showMessage(flash, '');
      try {
        await onclick(b);
      } catch (e) {
        if (e.handled) return;
        setBusy(b, false);
        showMessage(error, e.detail);
      }
    });
    return b;
  }

  function paint(course, questions, results) {
    ctx.setTitle(course.title);
    const draft = course.status === 'draft';
    const actions = [];
    if (draft) {
      actions.push(act('发布', 'btn-primary', 'pcourse-publish', async (b) => {
        setBusy(b, true, '发布中…');
        await api(base + '/publish', { method: 'POST' });
        await refresh('课程已发布，学员可以学习。');
      }));
    } else if (course.status === 'published') {
      actions.push(act('下架', 'btn-secondary', 'pcourse-withdraw', async () => {
        const done = await confirmDialog({ title: '下架课程', text: '下架后学员不能再学习和考试，已登记的学时不受影响。', submitText: '下架', danger: true, action: () => api(base + '/withdraw', { method: 'POST' }) });
        if (done) await refresh('课程已下架。');
      }));
    }

    const lessons = table(['课时', '类型', '时长', ''], 'pcourse-lessons');
    course.lessons.forEach((l) => {
      const remove = draft
        ? act('删除', 'btn-danger-outline', 'lesson-delete', async () => {
            const done = await confirmDialog({ title: '删除课时', text: '删除《' + l.title + '》？', submitText: '删除', danger: true, action: () => api(base + '/lessons/' + l.id, { method: 'DELETE' }) });
            if (done) await refresh('课时已删除。');
          })
        : null;
      const media = l.kind === 'video' ? (l.has_file ? '已上传视频' : l.video_url ? '视频地址' : '未上传视频') : '图文';
      lessons.body.appendChild(h('tr', { 'data-testid': 'pcourse-lesson' }, h('td', null, l.title), h('td', null, media), h('td', null, l.kind === 'video' ? l.duration_seconds + ' 秒' : '—'), h('td', null, remove)));
    });
    if (!course.lessons.length) lessons.body.appendChild(emptyRow(4, '还没有课时。'));

    const qs = table(['试题', '选项（✓ 为正确答案）', ''], 'pcourse-questions');
    questions.forEach((q, i) => {
      const right = new Set(q.answers || []);
      const remove = draft
        ? act('删除', 'btn-danger-outline', 'question-delete', async () => {
            const done = await confirmDialog({ title: '删除试题', text: '删除第 ' + (i + 1) + ' 题？', submitText: '删除', danger: true, action: () => api(base + '/questions/' + q.id, { method: 'DELETE' }) });
            if (done) await refresh('试题已删除。');
          })
        : null;
      qs.body.appendChild(
        h(
          'tr',
          { 'data-testid': 'pcourse-question' },
          h('td', null, (i + 1) + '. ' + q.text + (q.kind === 'multiple' ? '（多选）' : '')),
          h('td', null, q.options.map((o) => h('div', null, (right.has(o.id) ? '✓ ' : '　') + o.text))),
          h('td', null, remove),
        ),
      );
    });
    if (!questions.length) qs.body.appendChild(emptyRow(3, '还没有试题。'));

    const attempts = table(['学员', '单位', ['得分', 'num'], '结果', '申报年度', '交卷时间'], 'pcourse-results');
    results.items.forEach((r) => {
      attempts.body.appendChild(
        h(
          'tr',
          { 'data-testid': 'pcourse-result' },
          h('td', null, r.person_name),
          h('td', null, r.unit_name || '—'),
          h('td', { class: 'num' }, r.score === null ? '—' : String(r.score)),
          h('td', null, r.expired ? '超时' : r.passed ? '通过' : '未通过'),
          h('td', null, r.year ? String(r.year) : '—'),
          h('td', { class: 'nowrap' }, fmtDateTime(r.submitted_at)),
        ),
      );
    });
    if (!results.total) attempts.body.appendChild(emptyRow(6, '还没有人交卷。'));

    mount(
      container,
      backLink('/provider/courses', '公需课'),
      h(
        'div',
        { class: 'page-head' },
        h('div', null, pageTitle(course.title, 'pcourse-title'), h('p', { class: 'page-sub' }, pill(COURSE_STATUS, course.status, 'pcourse-detail-status'))),
        h('div', { class: 'head-actions' }, actions),
      ),
      flash,
      error,
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '课程设置'), dl([['学时', num(course.hours) + '（公需科目）'], ['及格分', String(course.pass_mark)], ['考试次数', String(course.max_attempts)], ['考试时长', course.time_limit_minutes + ' 分钟']], 'pcourse-fields')),
      h(
        'section',
        { class: 'card section-card' },
        h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, '课时'), draft ? h('span', { class: 'row-actions' }, act('+ 图文课时', 'btn-secondary', 'lesson-add-text', () => textLesson()), act('+ 视频课时', 'btn-secondary', 'lesson-add-video', () => videoLesson())) : null),
        lessons.node,
      ),
      h('section', { class: 'card section-card' }, h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, '试题（' + questions.length + '）'), draft ? act('+ 试题', 'btn-secondary', 'question-add', () => questionDialog()) : null), qs.node),
      h('section', { class: 'card section-card' }, h('h2', { class: 'card-title' }, '考试结果（' + results.total + '）'), attempts.node),
    );
  }

  async function textLesson() {
    const title = h('input', { type: 'text', required: true, maxlength: 200, 'data-testid': 'tl-title', 'data-required': '请填写课时名称。' });
    const body = h('textarea', { rows: 8, required: true, 'data-testid': 'tl-body', 'data-required': '请填写课时内容。' });
    const done = await formDialog({
      title: '添加图文课时',
      testid: 'text-lesson-dialog',
      wide: true,
      body: [field('tl-title', '课时名称', title), field('tl-body', '内容', body)],
      onSubmit: () => api(base + '/lessons', { method: 'POST', body: { title: title.value.trim(), kind: 'text', body: body.value } }),
    });
    if (done) await refresh('课时已添加。');
  }

  async function videoLesson() {
    const title = h('input', { type: 'text', required: true, maxlength: 200, 'data-testid': 'vl-title', 'data-required': '请填写课时名称。' });
    const file = h('input', { type: 'file', accept: 'video/mp4,video/webm', 'data-testid': 'vl-file' });
    const url = h('input', { type: 'url', maxlength: 500, placeholder: 'https://', 'data-testid': 'vl-url' });
    const seconds = h('input', { type: 'number', min: '1', max: '86400', step: '1', inputmode: 'numeric', 'data-testid': 'vl-seconds' });
    const progress = h('progress', { max: '1', value: '0', hidden: true, 'data-testid': 'vl-progress' });
    file.addEventListener('change', async () => {
      if (file.files[0]) {
        const length = await videoLength(file.files[0]);
        if (length) seconds.value = String(length);
      }
    });
    const done = await formDialog({
      title: '添加视频课时',
      testid: 'video-lesson-dialog',
      body: [
        field('vl-title', '课时名称', title),
        field('vl-file', '上传视频（MP4 / WebM）', file, '选择文件后自动读取视频时长。'),
        field('vl-url', '或填写视频地址', url),
        field('vl-seconds', '视频时长（秒）', seconds, '学员须播放完整视频方可完成本课时。'),
        progress,
      ],
      onSubmit: async () => {
        const picked = file.files[0];
        if (!picked && !url.value.trim()) throw { detail: '请上传视频文件或填写视频地址。' };
        const lesson = await api(base + '/lessons', { method: 'POST', body: { title: title.value.trim(), kind: 'video', video_url: picked ? '' : url.value.trim(), duration_seconds: parseInt(seconds.value, 10) || 0 } });
        if (picked) {
          progress.hidden = false;
          await upload(base + '/lessons/' + lesson.id + '/video', picked, { raw: true, onprogress: (f) => (progress.value = f) });
        }
        return lesson;
      },
    });
    if (done) await refresh('视频课时已添加。');
  }

  async function questionDialog() {
    const text = h('textarea', { rows: 3, required: true, maxlength: 2000, 'data-testid': 'qd-text', 'data-required': '请填写题干。' });
    const kind = h('select', { 'data-testid': 'qd-kind' }, h('option', { value: 'single' }, '单选题'), h('option', { value: 'multiple' }, '多选题'));
    const options = h('textarea', { rows: 4, required: true, placeholder: '每行一个选项', 'data-testid': 'qd-options', 'data-required': '请填写选项，每行一个。' });
    const answers = h('input', { type: 'text', required: true, placeholder: '如：1 或 1,3', 'data-testid': 'qd-answers', 'data-required': '请填写正确答案的序号。' });
    const done = await formDialog({
      title: '添加试题',
      testid: 'question-dialog',
      wide: true,
      body: [field('qd-text', '题干', text), field('qd-kind', '题型', kind), field('qd-options', '选项', options), field('qd-answers', '正确答案（选项序号，从 1 开始）', answers)],
      onSubmit: () => {
        const list = options.value.split('\n').map((s) => s.trim()).filter(Boolean);
        const right = answers.value.split(/[,，\s]+/).filter(Boolean).map((s) => parseInt(s, 10) - 1);
        return api(base + '/questions', { method: 'POST', body: { text: text.value.trim(), kind: kind.value, options: list, answers: right } });
      },
    });
    if (done) await refresh('试题已添加。');
  }

  await refresh();
}

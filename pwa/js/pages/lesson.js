// /courses/:id/lessons/:lessonId: the lesson player (seed 004 §4 第四步 点击学习).
// A text lesson is read and marked 完成学习. A video plays in the page; it is marked complete
// when the player fires `ended`, not by a click, and the viewer cannot seek past what has been
// played (the server also refuses a completion sooner than the video's length after opening it).

import { api } from '../api.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink } from './admin-common.js';

export async function render(ctx) {
  const courseId = ctx.params.id;
  const base = '/api/courses/' + encodeURIComponent(courseId);
  // Opening the lesson is what the server counts from.
  const lesson = await api(base + '/lessons/' + encodeURIComponent(ctx.params.lessonId));
  const course = await api(base);
  ctx.setTitle(lesson.title);
  const index = course.lessons.findIndex((l) => String(l.id) === String(lesson.id));
  const next = course.lessons[index + 1];
  const status = messageBox('lesson-status', 'ok');
  const error = messageBox('lesson-error');
  const nextLink = h('a', { class: 'btn btn-primary btn-block', href: next ? '/courses/' + courseId + '/lessons/' + next.id : '/courses/' + courseId, 'data-testid': 'lesson-next', hidden: !lesson.completed_at }, next ? '下一课时' : '返回课程目录');

  async function complete(button) {
    showMessage(error, '');
    if (button) setBusy(button, true, '提交中…');
    try {
      await api(base + '/lessons/' + encodeURIComponent(lesson.id) + '/complete', { method: 'POST' });
      showMessage(status, '本课时已学完。');
      if (button) button.hidden = true;
      nextLink.hidden = false;
    } catch (e) {
      if (e.handled) return;
      if (button) setBusy(button, false);
      showMessage(error, e.detail);
    }
  }

  let body;
  if (lesson.kind === 'video') {
    const video = h('video', { class: 'lesson-video', src: lesson.video_url, controls: true, playsinline: true, preload: 'metadata', 'data-testid': 'lesson-video', controlslist: 'nodownload noplaybackrate' });
    // No skipping ahead: seeking is allowed back to anything played, never past it.
    let played = 0;
    video.addEventListener('timeupdate', () => {
      if (!video.seeking && video.currentTime > played && video.currentTime - played < 2) played = video.currentTime;
    });
    video.addEventListener('seeking', () => {
      if (video.currentTime > played + 1) video.currentTime = played;
    });
    video.addEventListener('ended', () => {
      if (!lesson.completed_at) complete(null);
    });
    video.addEventListener('error', () => showMessage(error, '视频加载失败，请检查网络后重试。'));
    body = [video, h('p', { class: 'hint' }, lesson.completed_at ? '本课时已学完，可以再次观看。' : '请完整观看视频，播放结束后自动记录学习完成。')];
  } else {
    const finish = h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-testid': 'lesson-complete', hidden: Boolean(lesson.completed_at) }, '完成学习');
    finish.addEventListener('click', () => complete(finish));
    body = [h('article', { class: 'card lesson-text', 'data-testid': 'lesson-body' }, lesson.body.split(/\n+/).map((p) => h('p', null, p))), finish];
  }

  mount(
    ctx.main,
    backLink('/courses/' + courseId, course.title),
    pageTitle(lesson.title, 'lesson-title'),
    body,
    status,
    error,
    nextLink,
  );
  if (lesson.completed_at) showMessage(status, '本课时已学完。');
}

// /classes/:id: one class for a trainee (查看/报名): what, who, when, where, hours and seats; the
// 报名 button at the bottom while it accepts enrolment (seed 004 §4 第三步), then 培训班情况查看.

import { api } from '../api.js';
import { navigate } from '../router.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink, dl } from './admin-common.js';
import { categoryChip, classChip, classWhen, hoursText } from './learning-common.js';

export async function render(ctx) {
  const klass = await api('/api/classes/' + encodeURIComponent(ctx.params.id));
  ctx.setTitle(klass.title);
  const error = messageBox('class-error');
  const enrol = h('button', { type: 'button', class: 'btn btn-primary btn-block', 'data-testid': 'class-enrol', disabled: klass.status !== 'accepting' }, klass.status === 'accepting' ? '报名' : '停止报名');
  enrol.addEventListener('click', async () => {
    showMessage(error, '');
    setBusy(enrol, true, '报名中…');
    try {
      await api('/api/classes/' + encodeURIComponent(klass.id) + '/enrolments', { method: 'POST' });
      navigate('/classes/mine?enrolled=' + encodeURIComponent(klass.id));
    } catch (e) {
      if (e.handled) return;
      setBusy(enrol, false);
      showMessage(error, e.detail);
    }
  });
  mount(
    ctx.main,
    backLink('/classes', '培训班报名申请'),
    pageTitle(klass.title, 'class-title'),
    h('p', { class: 'page-sub' }, classChip(klass.status), ' ', categoryChip(klass.category)),
    h(
      'section',
      { class: 'card' },
      dl(
        [
          ['施教机构', klass.provider_name],
          ['年度', String(klass.year)],
          ['学时', hoursText(klass.hours)],
          ['时间地点', classWhen(klass)],
          ['名额', klass.capacity + '（剩余 ' + klass.seats_left + '）'],
          ['简介', klass.description],
        ],
        'class-fields',
      ),
    ),
    error,
    enrol,
    h('p', { class: 'hint' }, '报名后由施教机构确认；确认结果和学时可在“培训班情况查看”中查看。'),
  );
}

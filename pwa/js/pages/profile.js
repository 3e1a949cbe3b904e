// /profile: 完善个人信息 — the trainee's own basic information (seed 000 §7.1, 001 §2.1).
// At first login (GET /api/me says profile_complete: false) app.js sends every route here until
// the required fields are saved. Name, ID number and unit are shown but not editable: a move to
// another unit or department is a binding request (/binding), confirmed by the new unit.

import { api } from '../api.js';
import { navigate } from '../router.js';
import { loadUser } from '../session.js';
import { h, messageBox, mount, notice, pageTitle, setBusy, show, showMessage } from '../ui.js';
import { dl } from './admin-common.js';
import { errorField, failField } from './account-common.js';
import { profileFields } from './profile-common.js';

export async function render(ctx) {
  ctx.setTitle('完善个人信息');
  const forced = ctx.user.profile_complete === false;
  let person;
  try {
    person = await api('/api/me/profile');
  } catch (e) {
    if (e.handled) return;
    mount(ctx.main, pageTitle('个人基本信息', 'profile-heading'), notice({ iconName: 'lock', title: '无法维护个人信息', text: e.detail, href: '/', linkText: '返回首页', testid: 'profile-none' }));
    return;
  }

  // A saved change waits for the unit (seed 000 §7.1 请等待审核): the form shows what was sent.
  const pending = person.pending_change;
  const fields = profileFields('profile', pending ? Object.assign({}, person, pending.after) : person);
  let department = null;
  if (!person.department_id) {
    department = h('select', { name: 'department_id', 'data-testid': 'profile-department' }, h('option', { value: '' }, '请选择科室'));
    api('/api/units/' + encodeURIComponent(person.unit_id) + '/departments')
      .then((data) => (data.items || []).forEach((d) => department.appendChild(h('option', { value: String(d.id) }, d.name))))
      .catch(() => {});
  }
  const error = messageBox('profile-error');
  const done = messageBox('profile-done', 'ok');
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', 'data-testid': 'profile-submit' }, forced ? '保存并进入' : '保存');

  async function onSubmit(event) {
    event.preventDefault();
    if (submit.disabled) return;
    showMessage(error, '');
    showMessage(done, '');
    if (department && !department.value) return failField(department, '请选择科室。');
    const body = fields.read();
    if (!body) return;
    if (department) body.department_id = parseInt(department.value, 10);
    setBusy(submit, true, '保存中…');
    try {
      await api('/api/me/profile', { method: 'PUT', body });
    } catch (e) {
      setBusy(submit, false);
      if (e.handled) return;
      if (e.field === 'department_id' && department) failField(department, e.detail);
      else if (e.field && fields.inputs[e.field]) fields.fail(e.field, e.detail);
      else showMessage(error, e.detail);
      return;
    }
    const user = await loadUser({ force: true }).catch(() => null);
    setBusy(submit, false);
    if (forced) {
      navigate(user ? '/' : '/login', { replace: true });
      return;
    }
    showMessage(done, '已提交，请等待单位审核。');
  }

  const fixed = dl([
    ['姓名', person.name],
    ['性别', person.sex],
    ['出生日期', person.birth_date],
    ['身份证号', person.id_number],
    ['单位', person.unit_name],
    ['科室', person.department_name],
  ], 'profile-fixed');

  const form = h(
    'form',
    { class: 'card form', novalidate: true, 'data-testid': 'profile-form', onsubmit: onSubmit },
    forced ? h('p', { class: 'msg msg-info', 'data-testid': 'profile-forced' }, '首次登录，请先补全个人基本信息（带 * 为必填项）。保存后由单位审核。') : null,
    pending ? h('p', { class: 'msg msg-warn', 'data-testid': 'profile-pending' }, '您提交的基本信息修改正在等待单位审核，审核通过后生效。') : null,
    fixed,
    department ? errorField('profile-department', '科室 *', department) : null,
    fields.nodes,
    error,
    done,
    submit,
    forced
      ? null
      : h('p', { class: 'form-links' }, h('a', { href: '/binding', 'data-testid': 'profile-binding' }, '更换单位或科室'), h('a', { href: '/' }, '返回首页')),
  );
  mount(ctx.main, pageTitle(forced ? '完善个人信息' : '个人基本信息', 'profile-heading'), h('p', { class: 'muted page-sub' }, show(person.person_no ? '人员编号 ' + person.person_no : '')), form);
}

// /providers: the training providers (施教机构) a region admin has registered, and 登记施教机构:
// the provider, its region, and its first administrator account (who changes the password at
// the first login).

import { api } from '../api.js';
import { fmtDateTime } from '../format.js';
import { h, mount, pageTitle, show } from '../ui.js';
import { emptyRow, formDialog, table } from './admin-common.js';

function input(id, attrs) {
  return h('input', Object.assign({ id, type: 'text', autocomplete: 'off', 'data-testid': id }, attrs));
}

function row(id, text, control, hint) {
  return h('div', { class: 'field' }, h('label', { for: id }, text), control, hint ? h('p', { class: 'hint' }, hint) : null);
}

export async function render(ctx) {
  ctx.setTitle('施教机构');
  const grid = table(['施教机构', '行政区划', '联系人', '登记时间'], 'providers');
  const data = await api('/api/providers', { query: { page_size: 100 } });
  data.items.forEach((p) => {
    grid.body.appendChild(h('tr', { 'data-testid': 'provider-row' }, h('td', null, p.name), h('td', null, p.region_name + '（' + p.region_code + '）'), h('td', null, show([p.contact, p.phone].filter(Boolean).join(' '))), h('td', { class: 'nowrap' }, fmtDateTime(p.created_at))));
  });
  if (!data.total) grid.body.appendChild(emptyRow(4, '尚未登记施教机构。'));

  async function register() {
    // The admin's province and its cities (a region admin registers in their own region).
    const regions = (await api('/api/regions')).items;
    const children = regions.length === 1 ? (await api('/api/regions', { query: { parent: regions[0].code } })).items : [];
    const f = {
      name: input('pr-name', { required: true, maxlength: 100, 'data-required': '请填写机构名称。' }),
      region: h('select', { id: 'pr-region', 'data-testid': 'pr-region' }, regions.concat(children).map((r) => h('option', { value: r.code }, r.name + '（' + r.code + '）'))),
      contact: input('pr-contact', { maxlength: 50 }),
      phone: input('pr-phone', { maxlength: 30, inputmode: 'tel' }),
      username: input('pr-username', { required: true, maxlength: 50, pattern: '[A-Za-z0-9_.@-]{3,50}', 'data-required': '管理员用户名为 3-50 位字母、数字或 _ . @ -。' }),
      admin: input('pr-admin-name', { maxlength: 50 }),
      password: input('pr-password', { type: 'password', required: true, autocomplete: 'new-password', 'data-required': '请设置初始密码（至少 8 位，含字母和数字）。' }),
    };
    const done = await formDialog({
      title: '登记施教机构',
      testid: 'provider-dialog',
      submitText: '登记',
      body: [
        row('pr-name', '机构名称', f.name),
        row('pr-region', '所属行政区划', f.region, '该区划及下级区划单位的人员可以看到其培训班和公需课。'),
        row('pr-contact', '联系人', f.contact),
        row('pr-phone', '联系电话', f.phone),
        row('pr-username', '管理员用户名', f.username),
        row('pr-admin-name', '管理员姓名', f.admin),
        row('pr-password', '初始密码', f.password, '管理员首次登录时须修改密码。'),
      ],
      onSubmit: () =>
        api('/api/providers', {
          method: 'POST',
          body: { name: f.name.value.trim(), region_code: f.region.value, contact: f.contact.value.trim(), phone: f.phone.value.trim(), admin_username: f.username.value.trim(), admin_name: f.admin.value.trim(), admin_password: f.password.value },
        }),
    });
    if (done) await render(ctx);
  }

  mount(
    ctx.main,
    h(
      'div',
      { class: 'admin-page' },
      h('div', { class: 'page-head' }, pageTitle('施教机构', 'providers-title'), h('div', { class: 'head-actions' }, h('button', { type: 'button', class: 'btn btn-primary btn-sm', 'data-testid': 'providers-new', onclick: register }, '+ 登记施教机构'))),
      grid.node,
    ),
  );
}

// /people/import: people from an Excel workbook (template with drop-downs; every row checked first,
// all or nothing; each refused row listed with its column and why, to fix and send again).
// Unit and region admins also import earlier years' records and certificates from the old system
// (seed 002 §1.5) on the same page.

import { upload } from '../api.js';
import { h, messageBox, mount, pageTitle, setBusy, showMessage } from '../ui.js';
import { backLink } from './admin-common.js';
import { importErrors } from './people-common.js';

function importer({ testid, title, intro, templateHref, templateName, path, describe }) {
  const file = h('input', { type: 'file', accept: '.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'data-testid': testid + '-file' });
  const send = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': testid + '-submit', disabled: true }, '导入');
  const ok = messageBox(testid + '-done', 'ok');
  const error = messageBox(testid + '-error');
  const errors = h('div', { 'data-testid': testid + '-errors' });
  file.addEventListener('change', () => {
    send.disabled = !(file.files && file.files[0]);
  });
  send.addEventListener('click', async () => {
    const chosen = file.files && file.files[0];
    if (!chosen) return;
    showMessage(ok, '');
    showMessage(error, '');
    mount(errors);
    setBusy(send, true, '正在检查…');
    try {
      const result = await upload(path, chosen);
      showMessage(ok, describe(result));
      file.value = '';
    } catch (e) {
      if (e.handled) return;
      showMessage(error, e.detail);
      if (e.errors && e.errors.length) mount(errors, importErrors(e.errors, testid + '-error-table'));
    } finally {
      setBusy(send, false);
      send.disabled = !(file.files && file.files[0]);
    }
  });
  return h(
    'section',
    { class: 'card section-card', 'data-testid': testid },
    h('h2', { class: 'section-title' }, title),
    h('p', { class: 'muted' }, intro),
    h('p', null, h('a', { class: 'btn btn-secondary btn-sm', href: templateHref, download: templateName, 'data-testid': testid + '-template' }, '下载模板')),
    h('div', { class: 'field' }, h('label', { for: testid + '-file' }, '选择填好的工作簿（.xlsx）'), file),
    h('p', null, send),
    ok,
    error,
    errors,
  );
}

export function render(ctx) {
  ctx.setTitle('导入人员');
  const role = ctx.role;
  const sections = [];
  if (role.role === 'dept_admin' || role.role === 'unit_admin') {
    sections.push(
      importer({
        testid: 'import',
        title: '导入人员',
        intro: '先下载模板，在“人员”工作表第 2 行起每行填写一人。导入时先检查每一行：有任何错误则整个工作簿都不导入，并列出错误所在的行、列和原因，改正后再次导入即可。新增人员的用户名为身份证号，初始密码为身份证号后 6 位；已在本科室/本单位的人员按身份证号更新。',
        templateHref: '/api/people/template.xlsx',
        templateName: '人员导入模板.xlsx',
        path: '/api/people/import',
        describe: (r) => '导入成功：新增 ' + r.created + ' 人，更新 ' + r.updated + ' 人。',
      }),
    );
  }
  if (role.role === 'unit_admin' || role.role === 'region_admin') {
    sections.push(
      importer({
        testid: 'history',
        title: '导入历史数据',
        intro: '从旧系统导入往年已审核通过的学分记录和已发放的证书。导入的记录为有效记录，来源为“历史导入”，计入达标，不能修改；重复导入不会重复添加。',
        templateHref: '/api/history/template.xlsx',
        templateName: '历史数据导入模板.xlsx',
        path: '/api/history/import',
        describe: (r) => '导入成功：学分记录 ' + r.credits + ' 条，证书 ' + r.certificates + ' 张' + (r.skipped ? '，' + r.skipped + ' 条已存在未重复导入' : '') + '。',
      }),
    );
  }
  mount(ctx.main, h('div', { class: 'admin-page' }, backLink('/people', '返回人员列表'), pageTitle('导入', 'import-title'), sections));
}

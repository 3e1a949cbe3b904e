// Chinese labels for codes the API returns. Unknown values are shown as they come.

export const ROLE_LABELS = {
  trainee: '个人',
  dept_admin: '科室管理员',
  unit_admin: '单位管理员',
  region_admin: '卫健委管理员',
  provider_admin: '施教机构管理员',
  organiser: '培训组织者',
};

export const SEX_LABELS = { M: '男', F: '女', male: '男', female: '女', 1: '男', 2: '女' };

export const TITLE_LEVEL_LABELS = {
  senior: '正高级',
  deputy_senior: '副高级',
  associate_senior: '副高级',
  intermediate: '中级',
  junior: '初级',
  none: '无职称',
};

export const STAFFING_LABELS = { established: '编制内', contract: '合同制', temporary: '临时聘用', other: '其他' };

export const STATUS_LABELS = {
  active: '在职',
  inactive: '停用',
  retired: '退休',
  left: '离职',
  transferred: '调出',
  deceased: '已故',
};

// A credit record's state, source and class (the API's codes).
export const CREDIT_STATUS = {
  draft: '草稿',
  pending_dept: '待科室审核',
  pending_unit: '待单位审核',
  effective: '已生效',
  returned: '已退回',
  rejected: '审核不通过',
  revoked: '已撤销',
};

export const CREDIT_SOURCE = {
  attendance: '院内培训签到',
  speaker: '授课',
  personal: '个人录入',
  project: '继教项目',
  class: '培训班',
  course: '课程学习',
  import: '历史导入',
};

export const CREDIT_CLASS = { I: 'I类', II: 'II类' };

/** The label for `value` in `map`, else the value itself ('' for null). */
export function label(map, value) {
  if (value === null || value === undefined) return '';
  return Object.prototype.hasOwnProperty.call(map, value) ? map[value] : String(value);
}

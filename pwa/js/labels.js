// Chinese words for the codes the API speaks: one table per kind, used by every page.
// The API's convention: workflow codes (roles, states, sources, check-in methods) are English
// snake_case and are shown through these tables; a person's attributes that the provincial forms
// print as words (sex 男/女, title level 正高…, staffing 在编/编外, status 正常…, unit level 省直…)
// come as their Chinese words already and are shown as they come.
// The server's copy is server/labels.py (tests/unit/test_labels.py keeps the two equal).

export const ROLE_LABELS = {
  trainee: '个人',
  dept_admin: '科室管理员',
  unit_admin: '单位管理员',
  region_admin: '卫健委管理员',
  provider_admin: '施教机构管理员',
  organiser: '培训组织者',
};

// A credit record's state, source and class.
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

export const CREDIT_CLASS = {
  I: 'I类',
  II: 'II类',
};

export const CHECKIN_METHOD = {
  scan: '扫码',
  claim: '扫码',
  manual: '补签',
  reverse: '扫个人码',
};

// A credit's subject (seed 004: 公需科目 / 专业科目 / 选修科目).
export const CREDIT_CATEGORY = {
  public: '公需科目',
  professional: '专业科目',
  elective: '选修科目',
};

// What a standard's requirement line counts.
export const LINE_CATEGORY = {
  total: '合计',
  I: 'I类',
  II: 'II类',
  ...CREDIT_CATEGORY,
};

export const MEASURE = {
  credits: '学分',
  hours: '学时',
};

export const STANDARD_SCHEME = {
  cme: '继续医学教育（学分）',
  hours: '继续教育（学时）',
};

// Why a record does not count towards a standard, or not fully.
export const EXCLUSION_REASON = {
  other_year: '活动日期不在本年度，计入活动所在年度',
  pending: '审核中，科室和单位审核通过后计入',
  not_effective: '未生效（草稿、已退回、审核不通过或已撤销）',
  not_in_force: '已审核通过，次日起计入',
  not_counted: '本标准不计这一类（类别或科目）',
  no_amount: '该记录没有本标准所计的学时或学分',
  capped: '超出本标准对这类记录的上限，超出部分不计入',
};

export const TRAINING_STATUS = {
  draft: '草稿',
  submitted: '待单位审核',
  approved: '已通过',
  rejected: '未通过',
  closed: '已结束',
};

// A provider's class (接受报名 / 停止报名), an enrolment in it, a public course.
export const CLASS_STATUS = {
  draft: '未开放',
  accepting: '接受报名',
  closed: '停止报名',
};

export const ENROLMENT_STATUS = {
  pending: '已报名待确认',
  enrolled: '报名成功',
  completed: '已获得学时',
  refused: '报名未通过',
  cancelled: '已取消报名',
};

export const COURSE_STATUS = {
  draft: '编辑中',
  published: '已发布',
  closed: '已下架',
};

// A CME project's state, level and pre-event check (seed 001 §3).
export const PROJECT_STATUS = {
  draft: '草稿',
  submitted: '待单位审核',
  pending_region: '待卫健委立项',
  published: '已立项',
  returned: '已退回',
  rejected: '未通过',
};

export const PROJECT_LEVEL = {
  provincial: '省级',
  city: '地市级',
};

export const PREP_STATUS = {
  open: '待提交',
  submitted: '待单位审核',
  checked: '审核通过',
  returned: '已退回',
};

/** The word for `value` in `map`, else the value itself ('' for nothing). */
export function label(map, value) {
  if (value === null || value === undefined || value === '') return '';
  return Object.prototype.hasOwnProperty.call(map, value) ? map[value] : String(value);
}

"""Chinese words for the codes the API speaks, for CSVs, PDFs and messages.

The API's convention (README, map of the code): workflow codes (roles, states,
sources, check-in methods, rule units, SMS purposes) are English snake_case and
are shown through tables like these; a person's or unit's attributes that the
provincial forms print as words (sex, title level, staffing, person status,
unit level) are their Chinese words already and are shown as they come.

``pwa/js/labels.js`` holds the same tables for the browser;
``tests/unit/test_labels.py`` keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from server.tables.enums import (CheckinMethod, ClassStatus, CourseStatus, CreditCategory, CreditClass, CreditSource,
                                 CreditStatus, EnrolmentStatus, PrepStatus, ProjectLevel, ProjectStatus, TrainingStatus)

CREDIT_STATUS: Mapping[str, str] = MappingProxyType({
    CreditStatus.draft.value: "草稿",
    CreditStatus.pending_dept.value: "待科室审核",
    CreditStatus.pending_unit.value: "待单位审核",
    CreditStatus.effective.value: "已生效",
    CreditStatus.returned.value: "已退回",
    CreditStatus.rejected.value: "审核不通过",
    CreditStatus.revoked.value: "已撤销",
})

CREDIT_SOURCE: Mapping[str, str] = MappingProxyType({
    CreditSource.attendance.value: "院内培训签到",
    CreditSource.speaker.value: "授课",
    CreditSource.personal.value: "个人录入",
    CreditSource.project.value: "继教项目",
    CreditSource.training_class.value: "培训班",
    CreditSource.course.value: "课程学习",
    CreditSource.imported.value: "历史导入",
})

CREDIT_CLASS: Mapping[str, str] = MappingProxyType({
    CreditClass.class_i.value: "I类",
    CreditClass.class_ii.value: "II类",
})

CHECKIN_METHOD: Mapping[str, str] = MappingProxyType({
    CheckinMethod.scan.value: "扫码",
    CheckinMethod.claim.value: "扫码",
    CheckinMethod.manual.value: "补签",
    CheckinMethod.reverse.value: "扫个人码",
})

TRAINING_STATUS: Mapping[str, str] = MappingProxyType({
    TrainingStatus.draft.value: "草稿",
    TrainingStatus.submitted.value: "待单位审核",
    TrainingStatus.approved.value: "已通过",
    TrainingStatus.rejected.value: "未通过",
    TrainingStatus.closed.value: "已结束",
})

# CME projects (seed 001 §3): the application's state, its level, the pre-event check.
PROJECT_STATUS: Mapping[str, str] = MappingProxyType({
    ProjectStatus.draft.value: "草稿",
    ProjectStatus.submitted.value: "待单位审核",
    ProjectStatus.pending_region.value: "待卫健委立项",
    ProjectStatus.published.value: "已立项",
    ProjectStatus.returned.value: "已退回",
    ProjectStatus.rejected.value: "未通过",
})

PROJECT_LEVEL: Mapping[str, str] = MappingProxyType({
    ProjectLevel.provincial.value: "省级",
    ProjectLevel.city.value: "地市级",
})

PREP_STATUS: Mapping[str, str] = MappingProxyType({
    PrepStatus.open.value: "待提交",
    PrepStatus.submitted.value: "待单位审核",
    PrepStatus.checked.value: "审核通过",
    PrepStatus.returned.value: "已退回",
})


CREDIT_CATEGORY: Mapping[str, str] = MappingProxyType({
    CreditCategory.public.value: "公需科目",
    CreditCategory.professional.value: "专业科目",
    CreditCategory.elective.value: "选修科目",
})

# A provider's class (seed 004 §4: 接受报名 / 停止报名) and an enrolment in it (seed 002 §3.3.3).
CLASS_STATUS: Mapping[str, str] = MappingProxyType({
    ClassStatus.draft.value: "未开放",
    ClassStatus.accepting.value: "接受报名",
    ClassStatus.closed.value: "停止报名",
})

ENROLMENT_STATUS: Mapping[str, str] = MappingProxyType({
    EnrolmentStatus.pending.value: "已报名待确认",
    EnrolmentStatus.enrolled.value: "报名成功",
    EnrolmentStatus.completed.value: "已获得学时",
    EnrolmentStatus.refused.value: "报名未通过",
    EnrolmentStatus.cancelled.value: "已取消报名",
})

COURSE_STATUS: Mapping[str, str] = MappingProxyType({
    CourseStatus.draft.value: "编辑中",
    CourseStatus.published.value: "已发布",
    CourseStatus.closed.value: "已下架",
})


# What a standard's requirement line counts (server/compliance.py CATEGORIES).
LINE_CATEGORY: Mapping[str, str] = MappingProxyType({
    "total": "合计", "I": "I类", "II": "II类", **CREDIT_CATEGORY,
})

MEASURE: Mapping[str, str] = MappingProxyType({"credits": "学分", "hours": "学时"})

STANDARD_SCHEME: Mapping[str, str] = MappingProxyType({"cme": "继续医学教育（学分）", "hours": "继续教育（学时）"})

# Why a record does not count, or not fully (server/compliance.py EXCLUSION_REASONS), in plain words.
EXCLUSION_REASON: Mapping[str, str] = MappingProxyType({
    "other_year": "活动日期不在本年度，计入活动所在年度",
    "pending": "审核中，科室和单位审核通过后计入",
    "not_effective": "未生效（草稿、已退回、审核不通过或已撤销）",
    "not_in_force": "已审核通过，次日起计入",
    "not_counted": "本标准不计这一类（类别或科目）",
    "no_amount": "该记录没有本标准所计的学时或学分",
    "capped": "超出本标准对这类记录的上限，超出部分不计入",
})


def label(table: Mapping[str, str], value: str | None) -> str:
    """The word for ``value`` in ``table``; an unknown code as it is, nothing as ''."""
    if value is None:
        return ""
    return table.get(value, value)

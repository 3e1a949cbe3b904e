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

from server.tables.enums import CheckinMethod, CreditClass, CreditSource, CreditStatus

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


def label(table: Mapping[str, str], value: str | None) -> str:
    """The word for ``value`` in ``table``; an unknown code as it is, nothing as ''."""
    if value is None:
        return ""
    return table.get(value, value)

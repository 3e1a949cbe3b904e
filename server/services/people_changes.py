"""The change log of people (seed 001 §2.3 人员信息变动日志): read from the audit log, scoped."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec

from server.services import audit, people, scope
from server.services.errors import Forbidden, Invalid
from server.services.principal import Principal
from server.services.results import Page
from server.tables import AuditLog

_COLUMNS = (
    AuditLog.id, AuditLog.at, AuditLog.account_name.as_alias("account"),
    AuditLog.account.name.as_alias("account_display_name"), AuditLog.ip, AuditLog.action,
    AuditLog.detail.as_alias("summary"), AuditLog.before_data, AuditLog.after_data,
    AuditLog.person.id.as_alias("person_id"), AuditLog.person.name.as_alias("person_name"),
    AuditLog.person.person_no.as_alias("person_no"),
)

# What each kind of change is called on the log screen.
ACTIONS = {
    "person_create": "机构添加人员",
    "person_update": "修改人员信息",
    "person_import": "导入人员",
    "person_photo": "更换照片",
    "person_year_add": "添加年度职称/状态",
    "person_year_update": "修改年度职称/状态",
    "person_year_delete": "删除年度职称/状态",
    "person_year_batch": "批量修改职称/状态",
    "profile_update": "本人维护基本信息",
    "archive_approve": "档案变更审核通过",
    "binding_approve": "单位变更",
}


@dataclass(slots=True)
class ChangeFilter:
    person_id: int | None = None
    q: str = ""
    account: str = ""
    action: str | None = None
    department_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class ChangeRead(msgspec.Struct, frozen=True):
    id: int
    at: dt.datetime
    account: str
    account_name: str
    ip: str
    action: str
    action_label: str
    summary: str
    before: dict | None
    after: dict | None
    person_id: int
    person_name: str
    person_no: str


def _read(row: dict) -> ChangeRead:
    row = dict(row)
    row["account_name"] = row.pop("account_display_name") or ""
    row["before"] = audit.load(row.pop("before_data"))
    row["after"] = audit.load(row.pop("after_data"))
    row["action_label"] = ACTIONS.get(row["action"], row["action"])
    return msgspec.convert(row, ChangeRead)


async def list_changes(principal: Principal, f: ChangeFilter, *, page: int = 1,
                       page_size: int = 20) -> Page[ChangeRead]:
    """Changes of people the caller's admin grants reach, newest first."""
    where = scope.people_where(principal, person=AuditLog.person, admin_only=True)
    if where is None:
        raise Forbidden("forbidden", "只有管理员可以查看人员信息变动日志")
    if f.person_id is not None:
        await people.get_person(principal, f.person_id)
    if f.action is not None and f.action not in ACTIONS:
        raise Invalid("action", "未知的操作类型")
    if f.department_id is not None:
        await people.check_filter_department(principal, f.department_id)
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise Invalid("date_to", "结束日期不能早于开始日期")
    clauses = [where, AuditLog.person.is_not_null()]
    if f.person_id is not None:
        clauses.append(AuditLog.person == f.person_id)
    if q := scope.search_text(f.q):
        clauses.append(AuditLog.person.name.like(f"%{q}%") | (AuditLog.person.person_no == q))
    if account := f.account.strip():
        clauses.append(AuditLog.account_name == account)
    if f.action is not None:
        clauses.append(AuditLog.action == f.action)
    if f.department_id is not None:
        clauses.append(AuditLog.person.department == f.department_id)
    if f.date_from is not None:
        clauses.append(AuditLog.at >= _start_of(f.date_from))
    if f.date_to is not None:
        clauses.append(AuditLog.at < _start_of(f.date_to + dt.timedelta(days=1)))
    query = AuditLog.select(*_COLUMNS)
    count = AuditLog.count()
    for clause in clauses:
        query = query.where(clause)
        count = count.where(clause)
    rows = await query.order_by(AuditLog.at, ascending=False).order_by(AuditLog.id, ascending=False).limit(
        page_size).offset((page - 1) * page_size)
    return Page(items=[_read(r) for r in rows], total=await count)


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of a China date, as the instant the log's times are compared with."""
    return dt.datetime.combine(day, dt.time(), tzinfo=people.LOCAL).astimezone(dt.UTC)

"""The technical archive (技术档案, seed 000 §7): the trainee keeps it, the unit approves each change.

Sections (000 §7.1.1): basic information (the profile, services/profile.py),
education, training, papers and books, work experience and awards. A trainee's
add, edit or removal is an ArchiveChange waiting for the unit admin of the
person's unit; only approval applies it, so the approved items are what the
résumé (000 §7.1.2) prints, and each change shows before → after (000 §7.1.3).
One change per item waits at a time (a unique pending key, so a race cannot
queue two); approving and rejecting are conditional updates on ``pending``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import msgspec

from server import clock
from server.services import people
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, is_unique_violation
from server.services.masking import mask_phone
from server.services.principal import Principal
from server.services.results import Page
from server.tables import Person
from server.tables.archive import ArchiveAction, ArchiveChange, ArchiveChangeStatus, ArchiveItem, ArchiveSection
from server.tables.enums import Role

S = ArchiveChangeStatus


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # "text" | "date" | "choice"
    required: bool
    choices: tuple[str, ...] = ()


_START = FieldSpec("start_on", "开始时间", "date", True)
_END = FieldSpec("end_on", "结束时间", "date", False)

SECTIONS: dict[str, tuple[str, tuple[FieldSpec, ...]]] = {
    "education": ("教育经历", (_START, _END, FieldSpec("school", "学校", "text", True),
                               FieldSpec("major", "专业", "text", False),
                               FieldSpec("degree", "学历/学位", "choice", True,
                                         ("中专", "大专", "本科", "硕士研究生", "博士研究生", "其他")))),
    "training": ("培训经历", (_START, _END, FieldSpec("institution", "培训机构", "text", True),
                              FieldSpec("content", "培训内容", "text", True))),
    "papers": ("论文论著", (FieldSpec("title", "题目", "text", True),
                            FieldSpec("kind", "类别", "choice", True, ("论文", "论著", "译著", "其他")),
                            FieldSpec("publication", "刊物/出版社", "text", True),
                            FieldSpec("published_on", "发表/出版时间", "date", True),
                            FieldSpec("author_rank", "作者排序", "text", False))),
    "work": ("工作经历", (_START, _END, FieldSpec("employer", "工作单位", "text", True),
                          FieldSpec("position", "职务/岗位", "text", False))),
    "awards": ("获奖情况", (FieldSpec("name", "奖项名称", "text", True),
                            FieldSpec("level", "级别", "choice", False, ("国家级", "省级", "市级", "区县级", "院级", "其他")),
                            FieldSpec("awarded_on", "获奖时间", "date", True),
                            FieldSpec("issuer", "授予单位", "text", False))),
}
SECTION_LABELS = {"basic": "基本信息", **{k: v[0] for k, v in SECTIONS.items()}}
ACTION_LABELS = {"add": "新增", "update": "修改", "delete": "删除"}
STATUS_LABELS = {"pending": "待审核", "approved": "审核通过", "rejected": "审核不通过", "withdrawn": "已撤回"}
MAX_TEXT = 200
MAX_ITEMS = 100


def _own(principal: Principal) -> int:
    if principal.person_id is None or not principal.has_any(Role.trainee):
        raise Forbidden("forbidden", "只有学员可以维护本人的技术档案")
    return principal.person_id


def _section(section: str) -> tuple[FieldSpec, ...]:
    if section not in SECTIONS:
        raise NotFound("section_not_found", "档案栏目不存在")
    return SECTIONS[section][1]


def check_item(section: str, data: dict) -> dict:
    """The item's fields as stored: known names only, required ones present, dates real, end ≥ start."""
    specs = _section(section)
    names = {s.name for s in specs}
    unknown = sorted(set(data) - names)
    if unknown:
        raise Invalid(unknown[0], f"未知的字段：{unknown[0][:30]}")
    values: dict[str, str] = {}
    for spec in specs:
        raw = data.get(spec.name)
        if raw is not None and not isinstance(raw, str):
            raise Invalid(spec.name, f"{spec.label}应为文本")
        text = (raw or "").strip()
        if not text:
            if spec.required:
                raise Invalid(spec.name, f"请填写{spec.label}")
            values[spec.name] = ""
            continue
        if len(text) > MAX_TEXT:
            raise Invalid(spec.name, f"{spec.label}不能超过 {MAX_TEXT} 字")
        if spec.kind == "date":
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise Invalid(spec.name, f"{spec.label}应为日期（YYYY-MM-DD）") from None
            if not dt.date(1900, 1, 1) <= day <= clock.today():
                raise Invalid(spec.name, f"{spec.label}不在合理范围内")
            text = day.isoformat()
        if spec.kind == "choice" and text not in spec.choices:
            raise Invalid(spec.name, f"{spec.label}应为 {' / '.join(spec.choices)} 之一")
        values[spec.name] = text
    if values.get("start_on") and values.get("end_on") and values["end_on"] < values["start_on"]:
        raise Invalid("end_on", "结束时间不能早于开始时间")
    return values


def _load(text: str) -> dict | None:
    return json.loads(text) if text else None


def _dump(values: dict | None) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")) if values is not None else ""


# -- the trainee's side --------------------------------------------------------------

_CHANGE_COLUMNS = (
    ArchiveChange.id, ArchiveChange.section, ArchiveChange.action, ArchiveChange.item.as_alias("item_id"),
    ArchiveChange.before_data, ArchiveChange.after_data, ArchiveChange.status, ArchiveChange.reason,
    ArchiveChange.created_at, ArchiveChange.reviewed_at, ArchiveChange.person.id.as_alias("person_id"),
    ArchiveChange.person.name.as_alias("person_name"),
    ArchiveChange.person.department.name.as_alias("department_name"),
)


class ChangeRead(msgspec.Struct, frozen=True):
    id: int
    section: str
    section_label: str
    action: str
    action_label: str
    item_id: int | None
    before: dict | None
    after: dict | None
    labels: dict[str, str]
    status: str
    status_label: str
    reason: str
    created_at: dt.datetime
    reviewed_at: dt.datetime | None
    person_id: int
    person_name: str
    department_name: str | None


class FieldRead(msgspec.Struct, frozen=True):
    name: str
    label: str
    kind: str
    required: bool
    choices: list[str]


class SectionRead(msgspec.Struct, frozen=True):
    key: str
    label: str
    fields: list[FieldRead]


class ArchiveRead(msgspec.Struct, frozen=True):
    education: list[dict]
    training: list[dict]
    papers: list[dict]
    work: list[dict]
    awards: list[dict]
    changes: list[ChangeRead]
    # What each section holds, for the forms (000 §7.1.1).
    sections: list[SectionRead]


class DecisionRead(msgspec.Struct, frozen=True):
    id: int
    status: str


def _change_row(row: dict, *, mask: bool) -> dict:
    """A change as a plain row (ChangeRead's fields; the profile shows it so, as ``pending_change``)."""
    row = dict(row)
    before, after = _load(row.pop("before_data")), _load(row.pop("after_data"))
    if mask:
        before, after = (({**v, "phone": mask_phone(v["phone"])} if v and v.get("phone") else v)
                         for v in (before, after))
    row["before"], row["after"] = before, after
    row["section_label"] = SECTION_LABELS[row["section"]]
    row["action_label"] = ACTION_LABELS[row["action"]]
    row["status_label"] = STATUS_LABELS[row["status"]]
    row["labels"] = field_labels(row["section"])
    return row


def _change(row: dict, *, mask: bool) -> ChangeRead:
    return msgspec.convert(_change_row(row, mask=mask), ChangeRead)


def field_labels(section: str) -> dict[str, str]:
    if section == "basic":
        return {k: people.FIELD_LABELS[k] for k in BASIC_FIELDS}
    return {s.name: s.label for s in SECTIONS[section][1]}


async def my_archive(principal: Principal) -> ArchiveRead:
    person_id = _own(principal)
    items = await ArchiveItem.select(ArchiveItem.id, ArchiveItem.section, ArchiveItem.data).where(
        ArchiveItem.person == person_id).order_by(ArchiveItem.id)
    by_section: dict[str, list[dict]] = {section: [] for section in SECTIONS}
    for item in items:
        by_section[item["section"]].append({"id": item["id"], **json.loads(item["data"])})
    changes = await ArchiveChange.select(*_CHANGE_COLUMNS).where(ArchiveChange.person == person_id).order_by(
        ArchiveChange.id, ascending=False).limit(50)
    sections = [SectionRead(key=key, label=label, fields=[
        FieldRead(name=f.name, label=f.label, kind=f.kind, required=f.required, choices=list(f.choices))
        for f in specs]) for key, (label, specs) in SECTIONS.items()]
    return ArchiveRead(**by_section, changes=[_change(c, mask=False) for c in changes], sections=sections)


def _pending_key(section: str, person_id: int, item_id: int | None) -> str | None:
    if section == "basic":
        return f"basic:{person_id}"
    return f"item:{item_id}" if item_id is not None else None


async def submit(principal: Principal, person_id: int, section: str, action: str, *, item_id: int | None = None,
                 before: dict | None = None, after: dict | None = None) -> ChangeRead:
    """Queue one change for the unit; 409 ``change_pending`` while the same item has one waiting."""
    unit = await Person.select(Person.unit).where(Person.id == person_id).first()
    row = ArchiveChange(person=person_id, unit=unit["unit"], section=section, action=action, item=item_id,
                        before_data=_dump(before), after_data=_dump(after), status=S.pending,
                        pending_key=_pending_key(section, person_id, item_id), created_by=principal.account_id,
                        created_at=clock.now())
    try:
        await row.save()
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("change_pending", "该项已有待审核的变更，请等待单位审核或先撤回") from error
        raise
    found = await ArchiveChange.select(*_CHANGE_COLUMNS).where(ArchiveChange.id == row.id).first()
    return _change(found, mask=False)


async def _my_item(person_id: int, section: str, item_id: int) -> dict:
    """The item's row (its data as stored JSON)."""
    _section(section)
    item = await ArchiveItem.select(ArchiveItem.id, ArchiveItem.data).where(
        (ArchiveItem.id == item_id) & (ArchiveItem.person == person_id) & (ArchiveItem.section == section)).first()
    if item is None:
        raise NotFound("item_not_found", "档案条目不存在")
    return item


async def add_item(principal: Principal, section: str, data: dict) -> ChangeRead:
    person_id = _own(principal)
    values = check_item(section, data)
    if await ArchiveItem.count().where((ArchiveItem.person == person_id) & (ArchiveItem.section == section)) \
            >= MAX_ITEMS:
        raise Conflict("too_many_items", f"每个栏目最多 {MAX_ITEMS} 条")
    return await submit(principal, person_id, section, ArchiveAction.add, after=values)


async def update_item(principal: Principal, section: str, item_id: int, data: dict) -> ChangeRead:
    person_id = _own(principal)
    item = await _my_item(person_id, section, item_id)
    values = check_item(section, data)
    before = json.loads(item["data"])
    if values == before:
        raise Invalid("data", "内容没有变化")
    return await submit(principal, person_id, section, ArchiveAction.update, item_id=item_id, before=before,
                        after=values)


async def delete_item(principal: Principal, section: str, item_id: int) -> ChangeRead:
    person_id = _own(principal)
    item = await _my_item(person_id, section, item_id)
    return await submit(principal, person_id, section, ArchiveAction.delete, item_id=item_id,
                        before=json.loads(item["data"]))


async def withdraw(principal: Principal, change_id: int) -> None:
    person_id = _own(principal)
    done = await ArchiveChange.update({ArchiveChange.status: S.withdrawn, ArchiveChange.pending_key: None,
                                       ArchiveChange.reviewed_at: clock.now()}).where(
        (ArchiveChange.id == change_id) & (ArchiveChange.person == person_id)
        & (ArchiveChange.status == S.pending)).returning(ArchiveChange.id)
    if not done:
        if await ArchiveChange.exists().where((ArchiveChange.id == change_id) & (ArchiveChange.person == person_id)):
            raise Conflict("invalid_state", "该变更已审核，不能撤回")
        raise NotFound("change_not_found", "档案变更不存在")


# -- basic information (the profile) goes through the same queue ---------------------

BASIC_FIELDS = ("department_id", "title", "title_level", "title_assessed_on", "appointment_year", "staffing",
                "phone", "specialty", "position")


async def pending_basic(person_id: int) -> dict | None:
    """The person's basic-information change waiting for the unit, as a plain row (see _change_row)."""
    row = await ArchiveChange.select(*_CHANGE_COLUMNS).where(
        (ArchiveChange.person == person_id) & (ArchiveChange.section == ArchiveSection.basic)
        & (ArchiveChange.status == S.pending)).first()
    return _change_row(row, mask=False) if row else None


def _basic_values(values: dict) -> dict:
    """JSON's strings back into the record's types."""
    out = dict(values)
    if out.get("title_assessed_on"):
        out["title_assessed_on"] = dt.date.fromisoformat(out["title_assessed_on"])
    return out


# -- the unit's side (用户档案管理 review queue) ----------------------------------------


def _reviewer_units(principal: Principal) -> list[int]:
    units = sorted(principal.unit_ids())
    if not units:
        raise Forbidden("forbidden", "只有单位管理员可以审核档案变更")
    return units


async def list_changes(principal: Principal, *, status: str | None, page: int,
                       page_size: int) -> Page[ChangeRead]:
    units = _reviewer_units(principal)
    where = ArchiveChange.unit.is_in(units)
    if status is not None:
        where &= ArchiveChange.status == status
    rows = await ArchiveChange.select(*_CHANGE_COLUMNS).where(where).order_by(ArchiveChange.id).limit(
        page_size).offset((page - 1) * page_size)
    return Page(items=[_change(r, mask=True) for r in rows], total=await ArchiveChange.count().where(where))


async def _decide(principal: Principal, change_id: int, to: ArchiveChangeStatus, reason: str = "") -> DecisionRead:
    units = _reviewer_units(principal)
    row = await ArchiveChange.select(ArchiveChange.id, ArchiveChange.person, ArchiveChange.section,
                                     ArchiveChange.action, ArchiveChange.item, ArchiveChange.after_data,
                                     ArchiveChange.status).where(
        (ArchiveChange.id == change_id) & ArchiveChange.unit.is_in(units)).first()
    if row is None:
        raise NotFound("change_not_found", "档案变更不存在或不在您的管理范围内")
    moment = clock.now()
    async with ArchiveChange._meta.db.transaction():
        done = await ArchiveChange.update({
            ArchiveChange.status: to, ArchiveChange.pending_key: None, ArchiveChange.reason: reason,
            ArchiveChange.reviewed_by: principal.account_id, ArchiveChange.reviewed_at: moment,
        }).where((ArchiveChange.id == change_id) & (ArchiveChange.status == S.pending)).returning(ArchiveChange.id)
        if not done:
            raise Conflict("invalid_state", "该变更不在待审核状态（可能刚刚已被处理或撤回）")
        if to == S.approved:
            await _apply(principal, row, moment)
    return DecisionRead(id=change_id, status=to.value)


async def _apply(principal: Principal, row: dict, moment: dt.datetime) -> None:
    after = _load(row["after_data"])
    if row["section"] == ArchiveSection.basic.value:
        await _apply_basic(principal, row["person"], _basic_values(after), moment)
    elif row["action"] == ArchiveAction.add.value:
        await ArchiveItem.insert(ArchiveItem(person=row["person"], section=row["section"], data=_dump(after),
                                             created_at=moment, updated_at=moment))
    elif row["action"] == ArchiveAction.update.value:
        await ArchiveItem.update({ArchiveItem.data: _dump(after), ArchiveItem.updated_at: moment}).where(
            ArchiveItem.id == row["item"])
    else:
        await ArchiveItem.delete().where(ArchiveItem.id == row["item"])


async def _apply_basic(principal: Principal, person_id: int, after: dict, moment: dt.datetime) -> None:
    """The approved profile becomes the record; the person's change log says so, before → after."""
    current = await Person.select(Person.id, Person.unit, Person.department.as_alias("department_id"),
                                  *(getattr(Person, k) for k in BASIC_FIELDS if k != "department_id")).where(
        Person.id == person_id).first()
    changed = {k: v for k, v in after.items() if k in BASIC_FIELDS and current.get(k) != v}
    if not changed:
        return
    before = {k: current.get(k) for k in changed}
    await people.apply_change(principal, person_id, current, before, changed, action="archive_approve",
                              detail="本人维护基本信息，单位审核通过：" + people.summary(before, changed), at=moment)


async def approve(principal: Principal, change_id: int) -> DecisionRead:
    return await _decide(principal, change_id, S.approved)


async def reject(principal: Principal, change_id: int, reason: str) -> DecisionRead:
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "请填写不通过的原因")
    return await _decide(principal, change_id, S.rejected, reason[:500])


async def approved_items(person_id: int) -> dict[str, list[dict]]:
    """The approved items by section (what the résumé prints)."""
    rows = await ArchiveItem.select(ArchiveItem.section, ArchiveItem.data).where(
        ArchiveItem.person == person_id).order_by(ArchiveItem.id)
    result: dict[str, list[dict]] = {section: [] for section in SECTIONS}
    for row in rows:
        result[row["section"]].append(json.loads(row["data"]))
    return result

"""CME projects (继续医学教育项目, seed 001 §3): application, two approvals, the published list, delegation.

A department applies for a provincial or city-level project (新项目申报): a
draft built step by step (basic information, the course schedule, audience
and intake, the budget note, attachments), then submitted. Its unit approves
(→ ``pending_region``), returns it with a reason (→ ``returned``, editable
again) or rejects it; the health commission approves (立项 → ``published``,
numbered) or rejects it. Every step is one ``project_event`` row and one
conditional UPDATE on the expected state: of two admins acting at once, one
wins and the other gets 409.

A published project is listed for every admin of its province (已公布项目).
Its unit may hand it to one of its departments (代办): the department keeps its
information, uploads the 举办通知, adds sessions and submits the pre-event
information for the unit's check. Attendance runs on a training row of kind
``project`` made at delegation, so sessions, the rotating QR code, check-in,
the review queue and the exports are the in-house trainings' own; a check-in
there makes a class I credit with source ``project``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import msgspec

from server import db
from server.clock import china_date, now
from server.labels import PROJECT_LEVEL, PROJECT_STATUS, label
from server.services import audit, ledger, rules, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import Page
from server.services.trainings import amount, check_year  # the same bounds as a training's
from server.tables import (
    CreditRule,
    Department,
    Person,
    Project,
    ProjectCounter,
    ProjectCourse,
    ProjectEvent,
    Training,
    TrainingSession,
    Unit,
)
from server.tables.enums import (
    CreditCategory,
    CreditClass,
    CreditSource,
    CreditStatus,
    PrepStatus,
    ProjectLevel,
    ProjectStatus,
    Role,
    TrainingKind,
    TrainingStatus,
)

S = ProjectStatus
# At most 10 credits per project, attendee or speaker (national rules, RULES.md).
PROJECT_CAP = Decimal("10")
MAX_COURSES = 60

# The credit rules a project's attendance and speakers count by: rows of the
# national catalogue (migration jijiao_0102: 国家级 3 h = 1, speaker 2/h; 省级 6 h = 1,
# speaker 1/h; at most 10 per project). The national 2006 办法 knows only
# national and provincial projects; a city-level project (地市级, seed 001 §3.1)
# is approved below the province, so it is counted at the provincial rates,
# the lower of the two the rules know. Its class is I as the contract says
# (some provinces count city projects as class II: a later setting if needed).
LEVEL_RULES = {
    ProjectLevel.provincial.value: ("provincial_project", "provincial_project_speaker"),
    ProjectLevel.city.value: ("provincial_project", "provincial_project_speaker"),
}
_NUMBER_LETTER = {ProjectLevel.provincial.value: "P", ProjectLevel.city.value: "C"}

_NOT_FOUND = ("project_not_found", "项目不存在或无权查看")
_EDITABLE = {S.draft.value, S.returned.value}


# -- who may do what -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Access:
    """What the caller may do with one project."""

    department: bool  # the applying department: edit, submit
    delegated: bool  # the department running it (代办): pre-event information, sessions
    unit: bool  # its unit: first approval, delegation, the pre-event check
    region: bool  # a health commission above it: the second approval
    province: bool  # an admin of the same province: reads it once published

    @property
    def in_scope(self) -> bool:
        return self.department or self.delegated or self.unit or self.region


def province_of(region_code: str) -> str:
    """GB/T 2260: the first two digits are the province ("99" of 990102)."""
    return region_code[:2]


async def provinces(principal: Principal) -> set[str]:
    """The provinces the caller administers something in (two-digit code prefixes)."""
    found = {province_of(p) for p in principal.region_prefixes()}
    unit_ids = principal.unit_ids() | {g.unit_id for g in principal.grants_for(Role.dept_admin) if g.unit_id}
    if unit_ids:
        rows = await Unit.select(Unit.region_code).where(Unit.id.is_in(sorted(unit_ids)))
        found |= {province_of(r["region_code"]) for r in rows}
    return found


def access(principal: Principal, row: dict, caller_provinces: set[str]) -> Access:
    departments = principal.department_ids()
    return Access(
        department=row["department"] in departments,
        delegated=row["delegated_department"] is not None and row["delegated_department"] in departments,
        unit=row["unit"] in principal.unit_ids(),
        region=any(row["region_code"].startswith(p) for p in principal.region_prefixes()),
        province=province_of(row["region_code"]) in caller_provinces,
    )


def may_publish(principal: Principal, row: dict) -> bool:
    """A provincial project is approved by its province's commission; a city-level one by
    the commission of its city or of the province above it."""
    prefixes = principal.region_prefixes()
    if row["level"] == ProjectLevel.provincial.value:
        return province_of(row["region_code"]) in prefixes
    # Prefixes: "99" a province, "9901" a city, "990102" a district (below a city: not its approver).
    return any(row["region_code"].startswith(p) and len(p) <= 4 for p in prefixes)


_COLUMNS = (
    *Project.all_columns(),
    Project.department.name.as_alias("department_name"),
    Project.unit.name.as_alias("unit_name"),
    Project.delegated_department.name.as_alias("delegated_department_name"),
)


async def load(principal: Principal, project_id: int) -> tuple[dict, Access]:
    """The project's row (selected with _COLUMNS) and the caller's access to it; 404 when they may not see it."""
    row = await Project.select(*_COLUMNS).where(Project.id == project_id).first()
    if row is None:
        raise NotFound(*_NOT_FOUND)
    acc = access(principal, row, await provinces(principal) if principal.is_admin else set())
    if not (acc.in_scope or (acc.province and row["status"] == S.published.value)):
        raise NotFound(*_NOT_FOUND)
    return row, acc


# -- what a client sees of a project -------------------------------------------------------


class ProjectRead(msgspec.Struct, frozen=True):
    id: int
    title: str
    level: str
    year: int
    credits: float
    hours: float
    starts_on: dt.date
    ends_on: dt.date
    location: str
    leader: str
    discipline: str
    subdiscipline: str
    format: str
    audience: str
    intake: int
    budget_note: str
    status: str
    project_no: str | None
    review_reason: str
    department_id: int
    department_name: str
    unit_id: int
    unit_name: str
    region_code: str
    delegated_department_id: int | None
    delegated_department_name: str | None
    training_id: int | None
    prep_status: str
    prep_reason: str
    created_at: dt.datetime
    published_at: dt.datetime | None


class CourseRead(msgspec.Struct, frozen=True):
    id: int
    title: str
    hours: float
    speaker_id: int | None
    speaker_name: str
    speaker_title: str
    speaker_unit: str


class ProjectFileRead(msgspec.Struct, frozen=True):
    """One file of a project (never its storage keys). Built by services/project_files.py's ``present``;
    it lives here beside ProjectDetailRead, which lists them, because project_files.py imports this module."""

    id: int
    kind: str
    content_type: str
    size: int
    filename: str
    created_at: dt.datetime
    url: str


class ProjectEventRead(msgspec.Struct, frozen=True):
    id: int
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    reason: str
    account_name: str | None


class ProjectSessionRead(msgspec.Struct, frozen=True):
    id: int
    training_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    project_id: int | None = None


class ProjectDetailRead(ProjectRead, frozen=True, kw_only=True):
    """One project with what its page shows: the schedule, files, history and sessions."""

    attendee_credits: float | None
    courses: list[CourseRead]
    files: list[ProjectFileRead]
    events: list[ProjectEventRead]
    sessions: list[ProjectSessionRead]


class ProjectStatusRead(msgspec.Struct, frozen=True):
    id: int
    status: str
    project_no: str | None


class PrepStatusRead(msgspec.Struct, frozen=True):
    id: int
    prep_status: str


class CloseRead(msgspec.Struct, frozen=True):
    id: int
    status: str
    training_status: str


def _fields(row: dict) -> dict:
    """ProjectRead's fields of a row selected with _COLUMNS."""
    return dict(
        id=row["id"], title=row["title"], level=row["level"], year=row["year"], credits=float(row["credits"]),
        hours=float(row["hours"]), starts_on=row["starts_on"], ends_on=row["ends_on"], location=row["location"],
        leader=row["leader"], discipline=row["discipline"], subdiscipline=row["subdiscipline"],
        format=row["format"], audience=row["audience"], intake=row["intake"], budget_note=row["budget_note"],
        status=row["status"], project_no=row["project_no"], review_reason=row["review_reason"],
        department_id=row["department"], department_name=row["department_name"], unit_id=row["unit"],
        unit_name=row["unit_name"], region_code=row["region_code"],
        delegated_department_id=row["delegated_department"],
        delegated_department_name=row["delegated_department_name"], training_id=row["training"],
        prep_status=row["prep_status"], prep_reason=row["prep_reason"], created_at=row["created_at"],
        published_at=row["published_at"],
    )


def _read(row: dict) -> ProjectRead:
    return ProjectRead(**_fields(row))


def _session(session: dict, training_id: int, project_id: int) -> ProjectSessionRead:
    return ProjectSessionRead(id=session["id"], training_id=training_id, starts_at=session["starts_at"],
                              ends_at=session["ends_at"], location=session["location"], project_id=project_id)


# -- credits by the level's rules ------------------------------------------------------


async def level_rule(level: str, year: int, *, speaker: bool = False) -> dict | None:
    """The national catalogue row a project of ``level`` in ``year`` counts by (None if missing)."""
    code = LEVEL_RULES[level][1 if speaker else 0]
    return await CreditRule.select(CreditRule.unit, CreditRule.unit_size, CreditRule.credits_per_step,
                                   CreditRule.author_credits, CreditRule.cap).where(
        (CreditRule.year == year) & (CreditRule.code == code) & CreditRule.region.is_null()
        & (CreditRule.active == True)).first()  # noqa: E712


def attendee_credits(project: dict, rule: dict) -> Decimal:
    """An attendee's credits: the project's hours by its level's rule (capped at 10), and never
    more than the credits it was approved for."""
    by_rule = rules.compute(rule, Decimal(project["hours"]), None).credits
    return min(by_rule, Decimal(project["credits"]), PROJECT_CAP)


# -- validation ------------------------------------------------------------------------


def _text(value: str, field: str, label: str) -> str:
    value = value.strip()
    if not value:
        raise Invalid(field, f"请填写{label}")
    return value


def _clean(values: dict, current: dict | None = None) -> dict:
    """Validated column values from the fields given (``current`` fills the ones not given)."""
    out = {k: v for k, v in values.items() if v is not None}
    for field, label in (("title", "项目名称"), ("location", "举办地点"), ("leader", "项目负责人")):
        if field in out:
            out[field] = _text(out[field], field, label)
    for field in ("discipline", "subdiscipline", "format", "audience", "budget_note"):
        if field in out:
            out[field] = out[field].strip()
    if "year" in out:
        out["year"] = check_year(out["year"])
    if "credits" in out:
        out["credits"] = amount(out["credits"], "credits", maximum=float(PROJECT_CAP))
    if "hours" in out:
        out["hours"] = amount(out["hours"], "hours", maximum=1000)
    if "level" in out:
        out["level"] = ProjectLevel(out["level"]).value
    merged = {**(current or {}), **out}
    starts, ends = merged.get("starts_on"), merged.get("ends_on")
    if starts is not None and ends is not None:
        if ends < starts:
            raise Invalid("ends_on", "结束日期不能早于开始日期")
        if (ends - starts).days > 366:
            raise Invalid("ends_on", "举办期限不能超过一年")
        if merged.get("year") is not None and starts.year != merged["year"]:
            raise Invalid("starts_on", "开始日期须在举办年度内")
    return out


# -- the application ---------------------------------------------------------------------


async def _event(principal: Principal, project_id: int, action: str, from_status: str, to_status: str,
                 reason: str = "") -> None:
    await ProjectEvent.insert(ProjectEvent(project=project_id, at=now(),
                                           account=principal.account_id, action=action, from_status=from_status,
                                           to_status=to_status, reason=reason, ip=principal.ip[:64]))


async def _applying_department(principal: Principal, department_id: int | None) -> dict:
    own = principal.department_ids()
    if not own:
        raise Forbidden("forbidden", "只有科室管理员可以申报项目")
    if department_id is None:
        if len(own) > 1:
            raise Invalid("department_id", "您管理多个科室，请选择申报科室")
        department_id = next(iter(own))
    elif department_id not in own:
        raise NotFound("department_not_found", "科室不存在或不在您的管理范围内")
    row = await Department.select(Department.id, Department.unit, Department.unit.region_code.as_alias(
        "region_code")).where(Department.id == department_id).first()
    if row is None:
        raise NotFound("department_not_found", "科室不存在或不在您的管理范围内")
    return row


async def create(principal: Principal, fields: dict) -> ProjectRead:
    department = await _applying_department(principal, fields.pop("department_id", None))
    courses = fields.pop("courses", None)
    values = _clean(fields)
    async with Project._meta.db.transaction():
        project = Project(department=department["id"], unit=department["unit"],
                          region_code=department["region_code"], status=S.draft,
                          created_by=principal.account_id, **values)
        await project.save()
        if courses is not None:
            await _replace_courses(project.id, department["unit"], courses)
        await _event(principal, project.id, "create", "", S.draft.value)
        await audit.record("project_create", principal=principal, target_type="project", target_id=project.id,
                           detail=f"新项目申报《{project.title}》")
    row, _ = await load(principal, project.id)
    return _read(row)


_PREP_FIELDS = {"location", "starts_on", "ends_on", "leader", "audience", "intake"}


async def update(principal: Principal, project_id: int, fields: dict) -> ProjectRead:
    """The applying department edits a draft or returned application; the delegated department
    keeps a published project's pre-event information (地点, 日期, 负责人, 对象, 人数)."""
    row, acc = await load(principal, project_id)
    given = {k: v for k, v in fields.items() if v is not None}
    if row["status"] in _EDITABLE and acc.department:
        states, prep_states = sorted(_EDITABLE), None
    elif row["status"] == S.published.value and acc.delegated:
        if set(given) - _PREP_FIELDS:
            raise Conflict("invalid_state", "项目已立项，只能维护举办地点、日期、负责人、教学对象和招生人数")
        states, prep_states = [S.published.value], [PrepStatus.open.value, PrepStatus.returned.value]
        if row["prep_status"] not in prep_states:
            raise Conflict("invalid_state", "举办前信息已提交单位审核，不能修改")
    elif acc.department or acc.delegated:
        raise Conflict("invalid_state", "项目已提交或已审核，不能修改")
    else:
        raise Forbidden("forbidden", "只有申报科室可以修改项目")
    courses = given.pop("courses", None)
    values = _clean(given, row)
    if not values and courses is None:
        return _read(row)
    where = (Project.id == project_id) & Project.status.is_in(states)
    if prep_states is not None:
        where &= Project.prep_status.is_in(prep_states)
    async with Project._meta.db.transaction():
        changed = await Project.update({**{getattr(Project, k): v for k, v in values.items()},
                                        Project.updated_at: now()}).where(
            where).returning(Project.id)
        if not changed:
            raise Conflict("invalid_state", "项目已提交或已审核，不能修改")
        if courses is not None:
            await _replace_courses(project_id, row["unit"], courses)
        await audit.record("project_update", principal=principal, target_type="project", target_id=project_id,
                           detail="修改项目：" + "、".join(sorted([*values, *(["courses"] if courses is not None
                                                                             else [])])))
    row, _ = await load(principal, project_id)
    return _read(row)


async def _replace_courses(project_id: int, unit_id: int, courses: list[dict]) -> None:
    """The whole course schedule at once (the wizard's step saves it whole); inside a transaction."""
    if len(courses) > MAX_COURSES:
        raise Invalid("courses", f"课程安排最多 {MAX_COURSES} 项")
    speaker_ids = sorted({c["speaker_id"] for c in courses if c.get("speaker_id") is not None})
    known = {r["id"]: r["name"] for r in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(speaker_ids or [0]) & (Person.unit == unit_id))}
    rows = []
    for index, course in enumerate(courses):
        field = f"courses[{index}]"
        speaker_id = course.get("speaker_id")
        if speaker_id is not None and speaker_id not in known:
            raise Invalid(f"{field}.speaker_id", "主讲人须为本单位人员（外单位主讲人只填写姓名）")
        name = (course.get("speaker_name") or "").strip() or known.get(speaker_id, "")
        if not name:
            raise Invalid(f"{field}.speaker_name", f"第 {index + 1} 项课程：请填写主讲人")
        title = (course.get("title") or "").strip()
        if not title:
            raise Invalid(f"{field}.title", f"第 {index + 1} 项课程：请填写课程名称")
        rows.append(ProjectCourse(project=project_id, title=title, speaker=speaker_id, speaker_name=name,
                                  speaker_title=(course.get("speaker_title") or "").strip(),
                                  speaker_unit=(course.get("speaker_unit") or "").strip(),
                                  hours=amount(course["hours"], f"{field}.hours", maximum=100), sort_order=index))
    await ProjectCourse.delete().where(ProjectCourse.project == project_id)
    if rows:
        await ProjectCourse.insert(*rows)


async def courses_of(project_id: int) -> list[dict]:
    """The schedule's rows, in order."""
    return await ProjectCourse.select(
        ProjectCourse.id, ProjectCourse.title, ProjectCourse.speaker.as_alias("speaker_id"),
        ProjectCourse.speaker_name, ProjectCourse.speaker_title, ProjectCourse.speaker_unit, ProjectCourse.hours,
    ).where(ProjectCourse.project == project_id).order_by(ProjectCourse.sort_order).order_by(ProjectCourse.id)


async def events_of(project_id: int) -> list[dict]:
    """The history's rows, oldest first."""
    return await ProjectEvent.select(
        ProjectEvent.id, ProjectEvent.at, ProjectEvent.action, ProjectEvent.from_status, ProjectEvent.to_status,
        ProjectEvent.reason, ProjectEvent.account.name.as_alias("account_name"),
    ).where(ProjectEvent.project == project_id).order_by(ProjectEvent.at).order_by(ProjectEvent.id)


# -- the two approvals ---------------------------------------------------------------------

_ACTION_WORDS = {
    "submit": "提交项目申报", "unit_approve": "单位审核通过项目", "unit_return": "单位退回项目",
    "unit_reject": "单位审核不通过项目", "region_approve": "立项", "region_reject": "不予立项",
}


async def _move(principal: Principal, row: dict, *, action: str, from_state: str | set[str], to_state: S,
                reason: str = "", publish: bool = False) -> ProjectStatusRead:
    """One conditional UPDATE on the expected state, its event row and audit line, in one transaction."""
    states = sorted({from_state} if isinstance(from_state, str) else from_state)
    moment = now()
    values = {Project.status: to_state, Project.review_reason: reason, Project.updated_at: moment}
    if publish:
        values[Project.published_at] = moment
    number = None
    async with Project._meta.db.transaction():
        changed = await Project.update(values).where(
            (Project.id == row["id"]) & Project.status.is_in(states)).returning(Project.id)
        if not changed:
            raise Conflict("invalid_state", "该项目刚刚已被他人处理，请刷新")
        if publish:
            # Numbered after winning the row: a loser of the race takes no number.
            number = await _next_number(row)
            await Project.update({Project.project_no: number}).where(Project.id == row["id"])
        await _event(principal, row["id"], action, row["status"], to_state.value, reason)
        await audit.record(f"project_{action}", principal=principal, target_type="project", target_id=row["id"],
                           detail=f"{_ACTION_WORDS[action]}《{row['title']}》" + (f"：{reason}" if reason else "")
                           + (f"，项目编号 {number}" if number else ""))
    return ProjectStatusRead(id=row["id"], status=to_state.value, project_no=number or row["project_no"])


async def _next_number(row: dict) -> str:
    """"2026-P99-0001": year, level, the approving region's code prefix, a sequence per prefix.

    The counter row is created once (INSERT … ON CONFLICT DO NOTHING) and bumped by one
    UPDATE … RETURNING: on PostgreSQL the row lock orders concurrent publications, on
    SQLite the writer does; the unique project_no is the last guard.
    """
    region = province_of(row["region_code"]) if row["level"] == ProjectLevel.provincial.value \
        else row["region_code"][:4]
    prefix = f"{row['year']}-{_NUMBER_LETTER[row['level']]}{region}"
    await ProjectCounter.insert(ProjectCounter(prefix=prefix, last=0)).on_conflict(
        target=ProjectCounter.prefix, action="DO NOTHING")
    bumped = await ProjectCounter.update({ProjectCounter.last: ProjectCounter.last + 1}).where(
        ProjectCounter.prefix == prefix).returning(ProjectCounter.last)
    return f"{prefix}-{bumped[0]['last']:04d}"


async def submit(principal: Principal, project_id: int) -> ProjectStatusRead:
    row, acc = await load(principal, project_id)
    if not acc.department:
        raise Forbidden("forbidden", "只有申报科室可以提交项目")
    if row["status"] not in _EDITABLE:
        raise Conflict("invalid_state", f"项目当前为“{status_word(row['status'])}”，不能提交")
    return await _move(principal, row, action="submit", from_state=_EDITABLE, to_state=S.submitted)


async def approve(principal: Principal, project_id: int) -> ProjectStatusRead:
    """The unit's approval (submitted → pending_region), then the commission's (→ published)."""
    row, acc = await load(principal, project_id)
    if acc.unit and row["status"] == S.submitted.value:
        return await _move(principal, row, action="unit_approve", from_state=S.submitted.value,
                           to_state=S.pending_region)
    if acc.region and row["status"] == S.pending_region.value:
        if not may_publish(principal, row):
            raise Forbidden("forbidden", "省级项目须由省级卫生健康行政部门立项")
        return await _move(principal, row, action="region_approve", from_state=S.pending_region.value,
                           to_state=S.published, publish=True)
    if acc.unit or acc.region:
        raise Conflict("invalid_state", f"项目当前为“{status_word(row['status'])}”，您不能审核")
    raise Forbidden("forbidden", "只有项目所在单位或卫生健康行政部门可以审核项目")


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "请填写原因")
    return reason


async def return_(principal: Principal, project_id: int, reason: str) -> ProjectStatusRead:
    """The unit sends a submitted application back to its department to correct (退回修改)."""
    reason = _reason(reason)
    row, acc = await load(principal, project_id)
    if not acc.unit:
        raise Forbidden("forbidden", "只有项目所在单位可以退回项目")
    if row["status"] != S.submitted.value:
        raise Conflict("invalid_state", f"项目当前为“{status_word(row['status'])}”，不能退回")
    return await _move(principal, row, action="unit_return", from_state=S.submitted.value, to_state=S.returned,
                       reason=reason)


async def reject(principal: Principal, project_id: int, reason: str) -> ProjectStatusRead:
    """审核不通过 by the unit (submitted) or 不予立项 by the commission (pending_region); final."""
    reason = _reason(reason)
    row, acc = await load(principal, project_id)
    if acc.unit and row["status"] == S.submitted.value:
        return await _move(principal, row, action="unit_reject", from_state=S.submitted.value,
                           to_state=S.rejected, reason=reason)
    if acc.region and row["status"] == S.pending_region.value:
        if not may_publish(principal, row):
            raise Forbidden("forbidden", "省级项目须由省级卫生健康行政部门审核")
        return await _move(principal, row, action="region_reject", from_state=S.pending_region.value,
                           to_state=S.rejected, reason=reason)
    if acc.unit or acc.region:
        raise Conflict("invalid_state", f"项目当前为“{status_word(row['status'])}”，您不能审核")
    raise Forbidden("forbidden", "只有项目所在单位或卫生健康行政部门可以审核项目")


def status_word(status: str) -> str:
    return label(PROJECT_STATUS, status)


# -- delegation (代办) and the pre-event information --------------------------------------------


async def delegate(principal: Principal, project_id: int, department_id: int) -> ProjectRead:
    """The unit hands a published project to one of its departments, which then runs it.

    The first delegation makes the project's training row (kind "project"); handing it to
    another department later moves that row, as long as no session has been planned.
    """
    row, acc = await load(principal, project_id)
    if not acc.unit:
        raise Forbidden("forbidden", "只有项目所在单位可以指定代办科室")
    if row["status"] != S.published.value:
        raise Conflict("invalid_state", "项目尚未立项，不能代办")
    department = await Department.select(Department.id, Department.name).where(
        (Department.id == department_id) & (Department.unit == row["unit"])
        & (Department.active == True)).first()  # noqa: E712
    if department is None:
        raise Invalid("department_id", "代办科室须为本单位的科室")
    moment = now()
    async with Project._meta.db.transaction():
        if row["training"] is None:
            rule = await level_rule(row["level"], row["year"])
            if rule is None:
                raise Conflict("rule_missing", f"{row['year']} 年度缺少{label(PROJECT_LEVEL, row['level'])}项目学分规则，"
                                               "请联系卫生健康行政部门")
            training = Training(
                department=department_id, unit=row["unit"], year=row["year"], title=row["title"],
                credit_class=CreditClass.class_i, credits=attendee_credits(row, rule), hours=row["hours"],
                discipline=row["discipline"], subdiscipline=row["subdiscipline"], format=row["format"],
                other_no=row["project_no"] or "", status=TrainingStatus.approved, kind=TrainingKind.project,
                created_by=principal.account_id, created_at=moment, updated_at=moment)
            await training.save()
            changed = await Project.update({Project.training: training.id, Project.delegated_department: department_id,
                                            Project.updated_at: moment}).where(
                (Project.id == project_id) & (Project.status == S.published.value)
                & Project.training.is_null()).returning(Project.id)
        else:
            moved = await Training.update({Training.department: department_id, Training.updated_at: moment}).where(
                (Training.id == row["training"])
                & Training.id.not_in(TrainingSession.select(TrainingSession.training).where(
                    TrainingSession.training == row["training"]))).returning(Training.id)
            if not moved:
                raise Conflict("already_running", "代办科室已安排场次，不能再更换代办科室")
            changed = await Project.update({Project.delegated_department: department_id,
                                            Project.updated_at: moment}).where(
                (Project.id == project_id) & (Project.training == row["training"])).returning(Project.id)
        if not changed:
            raise Conflict("invalid_state", "该项目刚刚已被他人处理，请刷新")
        await _event(principal, project_id, "delegate", row["status"], row["status"], department["name"])
        await audit.record("project_delegate", principal=principal, target_type="project", target_id=project_id,
                           detail=f"项目《{row['title']}》交由{department['name']}代办")
    row, _ = await load(principal, project_id)
    return _read(row)


async def running(principal: Principal, project_id: int) -> tuple[dict, int]:
    """The project and its training for the delegated department's work; the wrong paths say why."""
    row, acc = await load(principal, project_id)
    if row["status"] != S.published.value:
        raise Conflict("invalid_state", "项目尚未立项，不能安排举办")
    if row["training"] is None:
        raise Conflict("not_delegated", "单位尚未指定代办科室")
    if not acc.delegated:
        raise Forbidden("forbidden", "只有代办科室可以安排该项目的举办")
    return row, row["training"]


async def add_session(principal: Principal, project_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                      location: str) -> ProjectSessionRead:
    from server.services import trainings

    row, training_id = await running(principal, project_id)
    session = await trainings.add_session(principal, training_id, starts_at, ends_at, location or row["location"])
    return _session(msgspec.structs.asdict(session), training_id, project_id)


async def close(principal: Principal, project_id: int) -> CloseRead:
    """举办结束: the project's training closes and its speakers get their credits (award_speakers)."""
    from server.services import trainings

    row, acc = await load(principal, project_id)
    if not (acc.delegated or acc.unit):
        raise Forbidden("forbidden", "只有代办科室或项目所在单位可以结束项目")
    if row["status"] != S.published.value or row["training"] is None:
        raise Conflict("not_delegated" if row["status"] == S.published.value else "invalid_state",
                       "项目尚未立项或尚未指定代办科室")
    result = await trainings.close(principal, row["training"])
    await _event(principal, project_id, "close", row["status"], row["status"])
    return CloseRead(id=project_id, status=row["status"], training_status=result.status)


async def award_speakers(principal: Principal, training: dict) -> None:
    """Pending class I speaker credits for a project's speakers of its unit, by its level's rule:
    hours taught × the speaker rate, at most 10 per project (called inside the training's close)."""
    project = await Project.select(Project.id, Project.level, Project.year).where(
        Project.training == training["id"]).first()
    if project is None:
        return
    rule = await level_rule(project["level"], project["year"], speaker=True)
    if rule is None:
        raise Conflict("rule_missing", f"{project['year']} 年度缺少{label(PROJECT_LEVEL, project['level'])}项目主讲人学分规则")
    taught: dict[int, Decimal] = {}
    for course in await ProjectCourse.select(ProjectCourse.speaker, ProjectCourse.hours).where(
            (ProjectCourse.project == project["id"]) & ProjectCourse.speaker.is_not_null()):
        taught[course["speaker"]] = taught.get(course["speaker"], Decimal(0)) + Decimal(course["hours"])
    if not taught:
        return
    first = await TrainingSession.select(TrainingSession.starts_at).where(
        TrainingSession.training == training["id"]).order_by(TrainingSession.starts_at).first()
    moment = now()
    day = china_date(first["starts_at"] if first else moment)
    people = {p["id"]: p for p in await Person.select(Person.id, Person.unit, Person.department).where(
        Person.id.is_in(sorted(taught)))}
    for speaker_id, hours in taught.items():
        award = rules.compute(rule, hours, None)
        # Made once per speaker and project: closing again finds the key taken.
        await db.run_write(Project._meta.db, ledger.create(ledger.NewCredit(
            person_id=speaker_id, unit_id=people[speaker_id]["unit"], department_id=people[speaker_id]["department"],
            year=training["year"], activity_date=day, credit_class=CreditClass.class_i,
            category=CreditCategory.professional, title=f"{training['title']}（授课）",
            credits=min(award.credits, PROJECT_CAP), hours=award.hours, source=CreditSource.speaker,
            status=CreditStatus.pending_dept, created_by=principal.account_id, ip=principal.ip,
            dedupe_key=f"speaker:{training['id']}:{speaker_id}", training_id=training["id"],
            event_reason="项目授课学分"), moment))


async def sessions_of(row: dict) -> list[dict]:
    """The session rows of a project's training (none before delegation)."""
    if row["training"] is None:
        return []
    from server.services import trainings

    return await trainings.sessions_of(row["training"])


async def _prep_move(principal: Principal, row: dict, *, action: str, from_states: set[str], to: PrepStatus,
                     reason: str = "") -> PrepStatusRead:
    moment = now()
    async with Project._meta.db.transaction():
        changed = await Project.update({Project.prep_status: to, Project.prep_reason: reason,
                                        Project.updated_at: moment}).where(
            (Project.id == row["id"]) & (Project.status == S.published.value)
            & Project.prep_status.is_in(sorted(from_states))).returning(Project.id)
        if not changed:
            raise Conflict("invalid_state", "举办前信息当前状态不允许此操作，请刷新")
        await _event(principal, row["id"], action, row["prep_status"], to.value, reason)
        await audit.record(f"project_{action}", principal=principal, target_type="project", target_id=row["id"],
                           detail=f"项目《{row['title']}》{_PREP_WORDS[action]}" + (f"：{reason}" if reason else ""))
    return PrepStatusRead(id=row["id"], prep_status=to.value)


_PREP_WORDS = {"prep_submit": "提交举办前信息", "prep_check": "举办前信息审核通过", "prep_return": "退回举办前信息"}


async def submit_prep(principal: Principal, project_id: int) -> PrepStatusRead:
    """The delegated department sends the pre-event information (notice uploaded, sessions planned)."""
    from server.tables import ProjectFile

    row, training_id = await running(principal, project_id)
    if row["prep_status"] not in (PrepStatus.open.value, PrepStatus.returned.value):
        raise Conflict("invalid_state", "举办前信息已提交")
    if not await ProjectFile.exists().where((ProjectFile.project == project_id) & (ProjectFile.kind == "notice")):
        raise Conflict("notice_missing", "请先上传举办通知")
    if not await TrainingSession.exists().where(TrainingSession.training == training_id):
        raise Conflict("no_sessions", "请先安排至少一个场次")
    return await _prep_move(principal, row, action="prep_submit",
                            from_states={PrepStatus.open.value, PrepStatus.returned.value}, to=PrepStatus.submitted)


async def check_prep(principal: Principal, project_id: int, *, approve: bool,
                     reason: str = "") -> PrepStatusRead:
    if not approve:
        reason = _reason(reason)
    row, acc = await load(principal, project_id)
    if not acc.unit:
        raise Forbidden("forbidden", "只有项目所在单位可以审核举办前信息")
    if row["prep_status"] != PrepStatus.submitted.value:
        raise Conflict("invalid_state", "举办前信息尚未提交或已审核")
    return await _prep_move(principal, row, action="prep_check" if approve else "prep_return",
                            from_states={PrepStatus.submitted.value},
                            to=PrepStatus.checked if approve else PrepStatus.returned, reason=reason)


# -- lists ------------------------------------------------------------------------------------


async def list_projects(principal: Principal, *, status: str | None, year: int | None, level: str | None,
                        discipline: str, unit_id: int | None, department_id: int | None, q: str,
                        date_from: dt.date | None, date_to: dt.date | None, delegated: bool,
                        page: int, page_size: int) -> Page[ProjectRead]:
    """Projects the caller may list. ``status=published`` is the province's published list
    (已公布项目): every admin of the province sees every published project there."""
    if not principal.is_admin:
        raise Forbidden("forbidden", "只有管理员可以查看项目")
    clauses = []
    if status == S.published.value and not delegated:
        reach = [Project.region_code.like(f"{p}%") for p in sorted(await provinces(principal))]
        if not reach:
            return Page(items=[], total=0)
        where = reach[0]
        for clause in reach[1:]:
            where |= clause
        clauses.append(where)
    else:
        reach = scope.grants_where(principal, department=Project.department, unit=Project.unit,
                                   region_code=Project.region_code)
        if departments := principal.department_ids():
            delegated_here = Project.delegated_department.is_in(sorted(departments))
            reach = delegated_here if reach is None else reach | delegated_here
        if reach is None:
            return Page(items=[], total=0)
        clauses.append(reach)
    if status:
        clauses.append(Project.status.is_in(status.split(",")))
    if delegated:
        clauses.append(Project.delegated_department.is_not_null())
        if principal.department_ids() and not principal.unit_ids():
            clauses.append(Project.delegated_department.is_in(sorted(principal.department_ids())))
    if year is not None:
        clauses.append(Project.year == year)
    if level:
        clauses.append(Project.level == level)
    discipline = scope.search_text(discipline)
    if discipline:
        clauses.append(Project.discipline.like(f"%{discipline}%") | Project.subdiscipline.like(f"%{discipline}%"))
    if unit_id is not None:
        clauses.append(Project.unit == unit_id)
    if department_id is not None:
        clauses.append(Project.department == department_id)
    q = scope.search_text(q)
    if q:
        clauses.append(Project.title.like(f"%{q}%") | (Project.project_no == q) | Project.leader.like(f"%{q}%"))
    if date_from is not None:
        clauses.append(Project.ends_on >= date_from)
    if date_to is not None:
        clauses.append(Project.starts_on <= date_to)
    query, count = Project.select(*_COLUMNS), Project.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    order = Project.published_at if status == S.published.value else Project.created_at
    rows = await query.order_by(order, ascending=False).order_by(Project.id, ascending=False).limit(
        page_size).offset((page - 1) * page_size)
    return Page(items=[_read(r) for r in rows], total=await count)


async def detail(principal: Principal, project_id: int) -> ProjectDetailRead:
    """A project with what its page shows beside its fields: the attendee credits its rule gives,
    the schedule, files, history and sessions."""
    from server.services import project_files

    row, _ = await load(principal, project_id)
    if row["training"] is not None:
        credits = await Training.select(Training.credits).where(Training.id == row["training"]).first()
        attendee = float(credits["credits"]) if credits else None
    else:
        rule = await level_rule(row["level"], row["year"])
        attendee = float(attendee_credits(row, rule)) if rule else None
    courses = [CourseRead(id=c["id"], title=c["title"], hours=float(c["hours"]), speaker_id=c["speaker_id"],
                          speaker_name=c["speaker_name"], speaker_title=c["speaker_title"],
                          speaker_unit=c["speaker_unit"]) for c in await courses_of(row["id"])]
    events = [ProjectEventRead(id=e["id"], at=e["at"], action=e["action"], from_status=e["from_status"],
                               to_status=e["to_status"], reason=e["reason"], account_name=e["account_name"])
              for e in await events_of(row["id"])]
    return ProjectDetailRead(
        **_fields(row), attendee_credits=attendee, courses=courses, files=await project_files.files_of(row["id"]),
        events=events, sessions=[_session(s, row["training"], row["id"]) for s in await sessions_of(row)])

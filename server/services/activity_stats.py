"""Held-activity statistics (已举办院内活动查看统计, seed 001 §4.2), for in-house trainings and CME projects.

One row per activity: its approval status, whether it has been held (a session
has started), its sessions, how many people checked in, the credits it has
given (effective, and still in review), and its no-shows; the detail adds
attendance per session and per department, and the absent people of an in-house
training. Who was expected to come:

* an in-house training (院内培训) is for its department's staff: the active
  people of the organising department who join CME; a no-show is one of them
  who checked in at no session (per session: at that session);
* a CME project recruits its intake (拟招生人数): the no-shows are the intake
  less the people who came (none when no intake was given).

No-shows are counted once something has begun: an activity (or a session)
still ahead has none yet.

Aggregates are read for a page of activities at once (one query per measure,
never one per activity), through the reader threads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import msgspec

from server.clock import china_time, now
from server.labels import PROJECT_STATUS, TRAINING_STATUS, label
from server.services import scope
from server.services.errors import Forbidden, NotFound
from server.services.principal import Principal
from server.services.results import Page
from server.tables import Checkin, Project, Training
from server.tables.enums import PersonStatus, TrainingKind

INHOUSE, PROJECT = TrainingKind.inhouse.value, TrainingKind.project.value
EXPORT_MAX = 2000
# Credits that still count or may: not rejected, not revoked, not a draft.
_REVIEWING = ("pending_dept", "pending_unit", "returned")
_EFFECTIVE = "effective"


def _ids(values: list[int]) -> str:
    return ", ".join("{}" for _ in values)


async def _rows(sql: str, *args) -> list[dict]:  # type: ignore[no-untyped-def]
    return await Checkin.raw(sql, *args)


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity as the statistics see it, before its aggregates."""

    kind: str
    id: int  # the training's id, or the project's
    training_id: int | None
    title: str
    year: int
    status: str
    project_no: str | None
    department_id: int | None
    department_name: str
    unit_name: str
    intake: int | None


class ActivityRead(msgspec.Struct, frozen=True):
    kind: str
    id: int
    training_id: int | None
    title: str
    year: int
    status: str
    project_no: str | None
    department_id: int | None
    department_name: str | None
    unit_name: str
    held: bool
    sessions: int
    attendees: int
    checkins: int
    credits_effective: float
    credits_pending: float
    expected: int | None
    no_shows: int | None


class SessionStatRead(msgspec.Struct, frozen=True):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    attended: int
    no_shows: int | None


class DepartmentStatRead(msgspec.Struct, frozen=True):
    unit_name: str
    department_name: str | None
    attended: int


class AbsentRead(msgspec.Struct, frozen=True):
    person_id: int
    name: str
    person_no: str


class ActivityDetailRead(msgspec.Struct, frozen=True):
    activity: ActivityRead
    sessions: list[SessionStatRead]
    departments: list[DepartmentStatRead]
    absent: list[AbsentRead]


# -- which activities -----------------------------------------------------------------------


def _training_reach(principal: Principal):  # type: ignore[no-untyped-def]
    return scope.grants_where(principal, department=Training.department, unit=Training.unit,
                              region_code=Training.unit.region_code)


def _project_reach(principal: Principal):  # type: ignore[no-untyped-def]
    reach = scope.grants_where(principal, department=Project.department, unit=Project.unit,
                               region_code=Project.region_code)
    if departments := principal.department_ids():
        delegated = Project.delegated_department.is_in(sorted(departments))
        reach = delegated if reach is None else reach | delegated
    return reach


async def _inhouse(principal: Principal, *, year: int | None, department_id: int | None, q: str,
                   limit: int, offset: int, only: int | None = None) -> tuple[list[Activity], int]:
    reach = _training_reach(principal)
    if reach is None:
        return [], 0
    clauses = [reach, Training.kind == INHOUSE]
    if only is not None:
        clauses.append(Training.id == only)
    if year is not None:
        clauses.append(Training.year == year)
    if department_id is not None:
        clauses.append(Training.department == department_id)
    if q := scope.search_text(q):
        clauses.append(Training.title.like(f"%{q}%"))
    query = Training.select(Training.id, Training.title, Training.year, Training.status, Training.department,
                            Training.department.name.as_alias("department_name"),
                            Training.unit.name.as_alias("unit_name"))
    count = Training.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Training.created_at, ascending=False).order_by(Training.id, ascending=False).limit(
        limit).offset(offset)
    return [Activity(INHOUSE, r["id"], r["id"], r["title"], r["year"], r["status"], None, r["department"],
                     r["department_name"], r["unit_name"], None) for r in rows], await count


async def _projects(principal: Principal, *, year: int | None, department_id: int | None, q: str,
                    limit: int, offset: int, only: int | None = None) -> tuple[list[Activity], int]:
    reach = _project_reach(principal)
    if reach is None:
        return [], 0
    clauses = [reach]
    if only is not None:
        clauses.append(Project.id == only)
    if year is not None:
        clauses.append(Project.year == year)
    if department_id is not None:
        clauses.append((Project.delegated_department == department_id) | (Project.department == department_id))
    if q := scope.search_text(q):
        clauses.append(Project.title.like(f"%{q}%") | (Project.project_no == q))
    query = Project.select(Project.id, Project.title, Project.year, Project.status, Project.project_no,
                           Project.training, Project.intake, Project.department, Project.delegated_department,
                           Project.department.name.as_alias("department_name"),
                           Project.delegated_department.name.as_alias("delegated_name"),
                           Project.unit.name.as_alias("unit_name"))
    count = Project.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Project.created_at, ascending=False).order_by(Project.id, ascending=False).limit(
        limit).offset(offset)
    # The department that runs it once delegated, else the one that applied.
    return [Activity(PROJECT, r["id"], r["training"], r["title"], r["year"], r["status"], r["project_no"],
                     r["delegated_department"] or r["department"], r["delegated_name"] or r["department_name"],
                     r["unit_name"], r["intake"] or None) for r in rows], await count


async def activities(principal: Principal, *, kind: str, year: int | None, department_id: int | None, q: str,
                     limit: int, offset: int) -> tuple[list[Activity], int]:
    if not principal.is_admin:
        raise Forbidden("forbidden", "只有管理员可以查看活动统计")
    pick = _inhouse if kind == INHOUSE else _projects
    return await pick(principal, year=year, department_id=department_id, q=q, limit=limit, offset=offset)


async def list_activities(principal: Principal, *, kind: str, year: int | None, department_id: int | None, q: str,
                          limit: int, offset: int) -> Page[ActivityRead]:
    """A page of the caller's activities, each with its measures."""
    items, total = await activities(principal, kind=kind, year=year, department_id=department_id, q=q, limit=limit,
                                    offset=offset)
    return Page(items=await measures(items), total=total)


# -- what happened ---------------------------------------------------------------------------


async def sessions_of(training_ids: list[int]) -> list[dict]:
    """Every session of these trainings with how many checked in, in time order."""
    if not training_ids:
        return []
    return await _rows(
        "SELECT s.id, s.training, s.starts_at, s.ends_at, s.location, COUNT(c.id) AS attended "
        "FROM training_session s LEFT JOIN checkin c ON c.session = s.id "
        f"WHERE s.training IN ({_ids(training_ids)}) "
        "GROUP BY s.id, s.training, s.starts_at, s.ends_at, s.location ORDER BY s.starts_at, s.id", *training_ids)


async def _per_training(sql: str, training_ids: list[int]) -> dict[int, dict]:
    if not training_ids:
        return {}
    return {r["training"]: r for r in await _rows(sql.replace("{ids}", _ids(training_ids)), *training_ids)}


async def measures(items: list[Activity]) -> list[ActivityRead]:
    """Each activity with its sessions, attendance, credits and no-shows."""
    training_ids = [a.training_id for a in items if a.training_id is not None]
    sessions = await sessions_of(training_ids)
    attendees = await _per_training(
        "SELECT training, COUNT(DISTINCT person) AS people, COUNT(*) AS checkins FROM checkin "
        "WHERE training IN ({ids}) GROUP BY training", training_ids)
    credits = await _rows(
        "SELECT training, status, SUM(credits) AS total FROM credit "
        f"WHERE training IN ({_ids(training_ids)}) GROUP BY training, status", *training_ids) if training_ids else []
    expected = await _expected([a for a in items if a.kind == INHOUSE])
    moment = now()
    out = []
    for activity in items:
        mine = [s for s in sessions if s["training"] == activity.training_id]
        came = attendees.get(activity.training_id, {})
        sums = {r["status"]: Decimal(str(r["total"] or 0)) for r in credits if r["training"] == activity.training_id}
        people = int(came.get("people") or 0)
        held = any(_aware(s["starts_at"]) <= moment for s in mine)
        if activity.kind == INHOUSE:
            staff, staff_came = expected.get(activity.id, (0, 0))
            no_shows: int | None = staff - staff_came
            expected_count: int | None = staff
        else:
            expected_count = activity.intake
            no_shows = None if activity.intake is None else max(activity.intake - people, 0)
        if not held:
            no_shows = None  # nobody has missed what has not begun
        out.append(ActivityRead(
            kind=activity.kind, id=activity.id, training_id=activity.training_id, title=activity.title,
            year=activity.year, status=activity.status, project_no=activity.project_no,
            department_id=activity.department_id, department_name=activity.department_name,
            unit_name=activity.unit_name,
            held=held, sessions=len(mine),
            attendees=people, checkins=int(came.get("checkins") or 0),
            credits_effective=float(sums.get(_EFFECTIVE, Decimal(0))),
            credits_pending=float(sum((sums.get(s, Decimal(0)) for s in _REVIEWING), Decimal(0))),
            expected=expected_count, no_shows=no_shows,
        ))
    return out


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


async def _expected(items: list[Activity]) -> dict[int, tuple[int, int]]:
    """For in-house trainings: (active staff of the department who join CME, how many of them came)."""
    if not items:
        return {}
    departments = sorted({a.department_id for a in items if a.department_id is not None})
    staff = {r["department"]: int(r["n"]) for r in await _rows(
        "SELECT department, COUNT(*) AS n FROM person "
        f"WHERE department IN ({_ids(departments)}) AND status = {{}} AND joins_cme = {{}} GROUP BY department",
        *departments, PersonStatus.active.value, True)} if departments else {}
    ids = [a.id for a in items]
    came = {r["training"]: int(r["n"]) for r in await _rows(
        "SELECT c.training, COUNT(DISTINCT c.person) AS n FROM checkin c "
        "JOIN person p ON p.id = c.person JOIN training t ON t.id = c.training "
        f"WHERE c.training IN ({_ids(ids)}) AND p.department = t.department GROUP BY c.training", *ids)}
    return {a.id: (staff.get(a.department_id, 0), came.get(a.id, 0)) for a in items}


# -- one activity in detail ------------------------------------------------------------------


async def detail(principal: Principal, kind: str, activity_id: int) -> ActivityDetailRead:
    items, _ = await _one(principal, kind, activity_id)
    activity = items[0]
    row = (await measures([activity]))[0]
    training_ids = [activity.training_id] if activity.training_id is not None else []
    sessions = await sessions_of(training_ids)
    per_department = await _rows(
        "SELECT u.name AS unit_name, d.name AS department_name, COUNT(DISTINCT c.person) AS attended "
        "FROM checkin c JOIN person p ON p.id = c.person JOIN unit u ON u.id = p.unit "
        "LEFT JOIN department d ON d.id = p.department WHERE c.training = {} "
        "GROUP BY u.name, d.name ORDER BY attended DESC, u.name, d.name", activity.training_id) \
        if training_ids else []
    absent: list[dict] = []
    staff = row.expected
    session_rows = []
    moment = now()
    for s in sessions:
        if staff is None or _aware(s["starts_at"]) > moment:
            missing = None
        elif activity.kind == INHOUSE:
            missing = max(staff - await _department_attended(s["id"], activity.department_id), 0)
        else:
            missing = max(staff - int(s["attended"]), 0)
        session_rows.append(SessionStatRead(id=s["id"], starts_at=s["starts_at"], ends_at=s["ends_at"],
                                            location=s["location"], attended=int(s["attended"]), no_shows=missing))
    if activity.kind == INHOUSE:
        absent = await _rows(
            "SELECT p.id AS person_id, p.name, p.person_no FROM person p "
            "WHERE p.department = {} AND p.status = {} AND p.joins_cme = {} AND p.id NOT IN "
            "(SELECT person FROM checkin WHERE training = {}) ORDER BY p.person_no",
            activity.department_id, PersonStatus.active.value, True, activity.id)
    return ActivityDetailRead(
        activity=row, sessions=session_rows,
        departments=[DepartmentStatRead(unit_name=d["unit_name"], department_name=d["department_name"],
                                        attended=int(d["attended"])) for d in per_department],
        absent=[AbsentRead(person_id=a["person_id"], name=a["name"], person_no=a["person_no"]) for a in absent])


async def _department_attended(session_id: int, department_id: int | None) -> int:
    rows = await _rows("SELECT COUNT(*) AS n FROM checkin c JOIN person p ON p.id = c.person "
                       "WHERE c.session = {} AND p.department = {}", session_id, department_id)
    return int(rows[0]["n"])


async def _one(principal: Principal, kind: str, activity_id: int) -> tuple[list[Activity], int]:
    """The one activity, through the same scoped query as the list: out of scope is not found."""
    if not principal.is_admin:
        raise Forbidden("forbidden", "只有管理员可以查看活动统计")
    pick = _inhouse if kind == INHOUSE else _projects
    items, total = await pick(principal, year=None, department_id=None, q="", limit=1, offset=0, only=activity_id)
    if not items:
        raise NotFound("activity_not_found", "活动不存在或无权查看")
    return items, total


# -- the export ---------------------------------------------------------------------------------

_KIND_WORDS = {INHOUSE: "院内培训", PROJECT: "继续医学教育项目"}
_STATUS_WORDS = {INHOUSE: TRAINING_STATUS, PROJECT: PROJECT_STATUS}


def _local(moment: dt.datetime) -> str:
    return china_time(_aware(moment)).strftime("%Y-%m-%d %H:%M")


async def export(principal: Principal, *, kind: str, year: int | None, department_id: int | None,
                 q: str) -> tuple[bytes, str]:
    """The list as a workbook: 活动 (one row per activity), 场次 (per session), 科室 (per department).

    Every text cell goes through exports.safe_row: titles, names and
    places are typed by users and must never run as formulas.
    """
    import io
    from urllib.parse import quote

    from openpyxl import Workbook

    from server.services.exports import safe_row

    items, _ = await activities(principal, kind=kind, year=year, department_id=department_id, q=q,
                                limit=EXPORT_MAX, offset=0)
    rows = await measures(items)
    training_ids = [r.training_id for r in rows if r.training_id is not None]
    by_training = {r.training_id: r for r in rows if r.training_id is not None}
    sessions = await sessions_of(training_ids)
    departments = await _rows(
        "SELECT c.training, u.name AS unit_name, d.name AS department_name, COUNT(DISTINCT c.person) AS attended "
        "FROM checkin c JOIN person p ON p.id = c.person JOIN unit u ON u.id = p.unit "
        f"LEFT JOIN department d ON d.id = p.department WHERE c.training IN ({_ids(training_ids)}) "
        "GROUP BY c.training, u.name, d.name ORDER BY c.training, u.name, d.name", *training_ids) \
        if training_ids else []

    book = Workbook(write_only=True)

    def sheet(title: str, header: list[str], lines) -> None:  # type: ignore[no-untyped-def]
        ws = book.create_sheet(title)
        ws.append(header)
        for line in lines:
            ws.append(safe_row(line))

    def none(value):  # type: ignore[no-untyped-def]
        return "" if value is None else value

    sheet("活动", ["类型", "活动名称", "项目编号", "年度", "科室", "单位", "审核状态", "是否已举办", "场次数",
                  "参加人数", "签到人次", "已生效学分", "审核中学分", "应到人数", "未到人数"],
          ([_KIND_WORDS[r.kind], r.title, r.project_no or "", r.year, r.department_name or "",
            r.unit_name, label(_STATUS_WORDS[r.kind], r.status), "已举办" if r.held else "未举办",
            r.sessions, r.attendees, r.checkins, r.credits_effective, r.credits_pending,
            none(r.expected), none(r.no_shows)] for r in rows))
    sheet("场次", ["活动名称", "开始时间", "结束时间", "地点", "签到人数"],
          ([by_training[s["training"]].title, _local(s["starts_at"]), _local(s["ends_at"]), s["location"],
            int(s["attended"])] for s in sessions))
    sheet("科室", ["活动名称", "单位", "科室", "参加人数"],
          ([by_training[d["training"]].title, d["unit_name"], d["department_name"] or "", int(d["attended"])]
           for d in departments))
    out = io.BytesIO()
    book.save(out)
    name = f"{year or '全部年度'}-{_KIND_WORDS[kind]}-举办情况统计.xlsx"
    return out.getvalue(), quote(name)

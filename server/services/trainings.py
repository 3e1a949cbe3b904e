"""In-house trainings (院内培训): planning, unit approval, sessions, and who may run them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import msgspec

import qr
from server import db
from server.clock import CHINA, now
from server.services import audit, ledger, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import Page, StatusRead
from server.tables import Department, Training, TrainingCourse, TrainingSession
from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus, TrainingKind, TrainingStatus

TAB_ALL, TAB_HELD, TAB_NOT_HELD, TAB_TO_SCORE = "all", "held", "not_held", "to_score"


@dataclass(frozen=True, slots=True)
class Access:
    """What the caller may do with one training."""

    department: bool  # its department: edit, submit, run attendance
    unit: bool  # its unit: approve, reject, run attendance
    region: bool  # a region above it: read only
    provider: bool = False  # the provider whose class owns it: run attendance

    @property
    def organiser(self) -> bool:
        return self.department or self.unit or self.provider

    @property
    def visible(self) -> bool:
        return self.department or self.unit or self.region or self.provider


def access(principal: Principal, department_id: int | None, unit_id: int | None, region_code: str | None,
           provider_id: int | None = None) -> Access:
    return Access(
        department=department_id is not None and department_id in principal.department_ids(),
        unit=unit_id is not None and unit_id in principal.unit_ids(),
        region=region_code is not None and any(region_code.startswith(p) for p in principal.region_prefixes()),
        provider=provider_id is not None and provider_id in principal.provider_ids(),
    )


_TRAINING_COLUMNS = (
    *Training.all_columns(),
    Training.department.name.as_alias("department_name"),
    Training.unit.name.as_alias("unit_name"),
    Training.unit.region_code.as_alias("region_code"),
    Training.training_class.provider.as_alias("provider_id"),
)


# -- what a client sees of a training -------------------------------------------------------


class TrainingRead(msgspec.Struct, frozen=True):
    id: int
    title: str
    year: int
    credit_class: str
    category: str
    credits: float
    hours: float
    status: str
    # Empty for the Training a provider's class owns for its sessions (class_id).
    department_id: int | None
    department_name: str | None
    unit_id: int | None
    unit_name: str | None
    discipline: str
    subdiscipline: str
    format: str
    assessment: str
    other_no: str
    remark: str
    requires_checkout: bool
    min_minutes: int
    review_reason: str
    created_at: dt.datetime
    class_id: int | None = None
    kind: str = "inhouse"


class SessionRead(msgspec.Struct, frozen=True):
    id: int
    training_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str


class CourseRead(msgspec.Struct, frozen=True):
    id: int
    title: str
    hours: float
    speaker_id: int | None
    speaker_name: str


class TrainingDetailRead(msgspec.Struct, frozen=True):
    training: TrainingRead
    sessions: list[SessionRead]
    courses: list[CourseRead]


class SessionDetailRead(msgspec.Struct, frozen=True):
    id: int
    training_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    interval: int
    training: TrainingRead


def _read(row: dict) -> TrainingRead:
    """TrainingRead of a row selected with _TRAINING_COLUMNS."""
    return TrainingRead(
        id=row["id"], title=row["title"], year=row["year"], credit_class=row["credit_class"],
        category=row["category"], credits=float(row["credits"]), hours=float(row["hours"]), status=row["status"],
        department_id=row["department"], department_name=row["department_name"], unit_id=row["unit"],
        unit_name=row["unit_name"], discipline=row["discipline"], subdiscipline=row["subdiscipline"],
        format=row["format"], assessment=row["assessment"], other_no=row["other_no"], remark=row["remark"],
        requires_checkout=bool(row["requires_checkout"]), min_minutes=row["min_minutes"],
        review_reason=row["review_reason"], created_at=row["created_at"], class_id=row.get("training_class"),
        kind=row["kind"],
    )


def _session(session: dict, training_id: int) -> SessionRead:
    return SessionRead(id=session["id"], training_id=training_id, starts_at=session["starts_at"],
                       ends_at=session["ends_at"], location=session["location"])


def _course(course: dict) -> CourseRead:
    return CourseRead(id=course["id"], title=course["title"], hours=float(course["hours"]),
                      speaker_id=course["speaker_id"], speaker_name=course["speaker_name"])


async def _load_any(principal: Principal, training_id: int) -> tuple[dict, Access]:
    row = await Training.select(*_TRAINING_COLUMNS).where(Training.id == training_id).first()
    if row is None:
        raise NotFound("training_not_found", "培训不存在或无权查看")
    acc = access(principal, row["department"], row["unit"], row["region_code"], row["provider_id"])
    if not acc.visible:
        raise NotFound("training_not_found", "培训不存在或无权查看")
    return row, acc


async def load(principal: Principal, training_id: int) -> tuple[dict, Access]:
    """An in-house training's row and the caller's access to it; 404 when they may not see it.

    A class's attendance training is not one: it is reached through its sessions
    (``load_session``) and managed through the class (services/classes.py).
    """
    row, acc = await _load_any(principal, training_id)
    if row["training_class"] is not None:
        raise NotFound("training_not_found", "培训不存在或无权查看")
    return row, acc


def amount(value: float, field: str, *, maximum: float) -> Decimal:
    """Credits or hours from the client: more than 0, at most ``maximum``, two decimals."""
    if value <= 0 or value > maximum:
        raise Invalid(field, f"字段 {field}：须大于 0 且不超过 {maximum:g}")
    if round(value, 2) != value:
        raise Invalid(field, f"字段 {field}：最多两位小数")
    return Decimal(str(round(value, 2)))


def check_year(value: int) -> int:
    if not 2000 <= value <= 2100:
        raise Invalid("year", "字段 year：年度须在 2000 至 2100 之间")
    return value


async def _department_for(principal: Principal, department_id: int | None) -> dict:
    own = principal.department_ids()
    if not own:
        raise Forbidden("forbidden", "只有科室管理员可以新增院内培训")
    if department_id is None:
        if len(own) > 1:
            raise Invalid("department_id", "您管理多个科室，请选择举办科室")
        department_id = next(iter(own))
    elif department_id not in own:
        raise NotFound("department_not_found", "科室不存在或不在您的管理范围内")
    row = await Department.select(Department.id, Department.unit).where(Department.id == department_id).first()
    if row is None:
        raise NotFound("department_not_found", "科室不存在或不在您的管理范围内")
    return row


async def create(principal: Principal, fields: dict) -> TrainingRead:
    department = await _department_for(principal, fields.pop("department_id", None))
    values = dict(fields)
    values["title"] = values["title"].strip()
    values["year"] = check_year(values["year"])
    values["credits"] = amount(values["credits"], "credits", maximum=100)
    values["hours"] = amount(values["hours"], "hours", maximum=1000)
    values["credit_class"] = CreditClass(values["credit_class"])
    values["category"] = CreditCategory(values["category"])
    async with Training._meta.db.transaction():
        training = Training(
            department=department["id"], unit=department["unit"], status=TrainingStatus.draft,
            created_by=principal.account_id, **values,
        )
        await training.save()
        await audit.record("training_create", principal=principal, target_type="training",
                           target_id=training.id, detail=f"新增院内培训《{training.title}》")
    row, _ = await load(principal, training.id)
    return _read(row)


_EDITABLE = {TrainingStatus.draft.value, TrainingStatus.rejected.value}


def _not_a_project(row: dict) -> None:
    """A CME project's training is planned and approved through its project (services/projects.py)."""
    if row["kind"] == TrainingKind.project.value:
        raise Conflict("invalid_state", "这是继续医学教育项目的举办安排，请在项目中操作")


async def update(principal: Principal, training_id: int, fields: dict) -> TrainingRead:
    row, acc = await load(principal, training_id)
    _not_a_project(row)
    if not acc.department:
        raise Forbidden("forbidden", "只有举办科室可以修改培训")
    if row["status"] not in _EDITABLE:
        raise Conflict("invalid_state", "培训已提交或已审核，不能修改")
    values = {k: v for k, v in fields.items() if v is not None}
    if "title" in values:
        values["title"] = values["title"].strip()
    if "year" in values:
        values["year"] = check_year(values["year"])
    for key, maximum in (("credits", 100), ("hours", 1000)):
        if key in values:
            values[key] = amount(values[key], key, maximum=maximum)
    if not values:
        return _read(row)
    values["updated_at"] = now()
    async with Training._meta.db.transaction():
        changed = await Training.update({getattr(Training, k): v for k, v in values.items()}).where(
            (Training.id == training_id) & Training.status.is_in(sorted(_EDITABLE))
        ).returning(Training.id)
        if not changed:
            raise Conflict("invalid_state", "培训已提交或已审核，不能修改")
        await audit.record("training_update", principal=principal, target_type="training",
                           target_id=training_id, detail="修改院内培训：" + "、".join(sorted(values)))
    row, _ = await load(principal, training_id)
    return _read(row)


async def _transition(principal: Principal, training_id: int, *, need: str, from_states: set[str],
                      to_state: TrainingStatus, action: str, detail: str, reason: str = "",
                      then=None) -> StatusRead:  # type: ignore[no-untyped-def]
    row, acc = await load(principal, training_id)
    if not getattr(acc, need):
        raise Forbidden("forbidden", "您无权执行此操作")
    if to_state != TrainingStatus.closed:
        _not_a_project(row)
    async with Training._meta.db.transaction():
        # Conditional on the expected state: of two admins acting at once,
        # one changes the row and the other gets 409.
        changed = await Training.update(
            {Training.status: to_state, Training.review_reason: reason,
             Training.updated_at: now()}
        ).where((Training.id == training_id) & Training.status.is_in(sorted(from_states))).returning(Training.id)
        if not changed:
            raise Conflict("invalid_state", f"培训当前状态（{row['status']}）不允许此操作")
        await audit.record(action, principal=principal, target_type="training", target_id=training_id,
                           detail=f"{detail}《{row['title']}》" + (f"：{reason}" if reason else ""))
        if then is not None:
            await then(row)
    return StatusRead(id=training_id, status=to_state.value)


async def submit(principal: Principal, training_id: int) -> StatusRead:
    if not await TrainingSession.exists().where(TrainingSession.training == training_id):
        row, acc = await load(principal, training_id)
        if acc.department:
            raise Conflict("no_sessions", "请先完善举办周期（至少一个场次）再提交")
    return await _transition(principal, training_id, need="department", from_states=_EDITABLE,
                             to_state=TrainingStatus.submitted, action="training_submit", detail="提交院内培训")


async def approve(principal: Principal, training_id: int) -> StatusRead:
    return await _transition(principal, training_id, need="unit", from_states={TrainingStatus.submitted.value},
                             to_state=TrainingStatus.approved, action="training_approve", detail="审核通过院内培训")


async def reject(principal: Principal, training_id: int, reason: str) -> StatusRead:
    if not reason.strip():
        raise Invalid("reason", "请填写不通过的原因")
    return await _transition(principal, training_id, need="unit", from_states={TrainingStatus.submitted.value},
                             to_state=TrainingStatus.rejected, action="training_reject", detail="审核不通过院内培训",
                             reason=reason.strip())


# Speaker credits per teaching hour, after the national and provincial project
# rules (national: 2 per hour, provincial: 1 per hour), capped per training.
SPEAKER_RATE = {"I": Decimal("2"), "II": Decimal("1")}
SPEAKER_CAP = Decimal("10")


async def _award_speakers(principal: Principal, training: dict) -> None:
    """Pending speaker credits for each course taught by a person of the unit (inside the close)."""
    from server.tables import Person

    moment = now()
    courses = await TrainingCourse.select(TrainingCourse.id, TrainingCourse.title, TrainingCourse.hours,
                                          TrainingCourse.speaker).where(
        (TrainingCourse.training == training["id"]) & TrainingCourse.speaker.is_not_null())
    first_session = await TrainingSession.select(TrainingSession.starts_at).where(
        TrainingSession.training == training["id"]).order_by(TrainingSession.starts_at).first()
    day = (first_session["starts_at"] if first_session else moment).astimezone(CHINA).date()
    per_speaker: dict[int, Decimal] = {}
    for course in courses:
        per_speaker[course["speaker"]] = per_speaker.get(course["speaker"], Decimal(0)) + Decimal(course["hours"])
    for speaker_id, hours in per_speaker.items():
        person = await Person.select(Person.unit, Person.department).where(Person.id == speaker_id).first()
        credits = min(hours * SPEAKER_RATE[training["credit_class"]], SPEAKER_CAP)
        # Made once per speaker and training: a second close finds the key taken.
        await db.run_write(Training._meta.db, ledger.create(ledger.NewCredit(
            person_id=speaker_id, unit_id=person["unit"], department_id=person["department"],
            year=training["year"], activity_date=day, credit_class=CreditClass(training["credit_class"]),
            category=CreditCategory(training["category"]), title=f"{training['title']}（授课）", credits=credits,
            hours=hours, source=CreditSource.speaker, status=CreditStatus.pending_dept,
            created_by=principal.account_id, ip=principal.ip, dedupe_key=f"speaker:{training['id']}:{speaker_id}",
            training_id=training["id"], event_reason="授课学分"), moment))


async def close(principal: Principal, training_id: int) -> StatusRead:
    async def award(training: dict) -> None:
        if training["kind"] == TrainingKind.project.value:
            from server.services import projects  # a project's speakers count by its level's rule

            await projects.award_speakers(principal, training)
        else:
            await _award_speakers(principal, training)

    return await _transition(principal, training_id, need="organiser", from_states={TrainingStatus.approved.value},
                             to_state=TrainingStatus.closed, action="training_close", detail="结束院内培训",
                             then=award)


# -- sessions ------------------------------------------------------------------


async def add_session(principal: Principal, training_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                      location: str) -> SessionRead:
    row, acc = await load(principal, training_id)
    if not acc.department:
        raise Forbidden("forbidden", "只有举办科室可以安排场次")
    if row["status"] == TrainingStatus.closed.value:
        raise Conflict("invalid_state", "培训已结束，不能再安排场次")
    return await insert_session(principal, training_id, starts_at, ends_at, location)


async def insert_session(principal: Principal, training_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                         location: str) -> SessionRead:
    """A new session with its own QR secret (the caller has checked who may add it)."""
    # A time without an offset is what someone in China typed: China time.
    starts_at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=CHINA)
    ends_at = ends_at if ends_at.tzinfo else ends_at.replace(tzinfo=CHINA)
    if ends_at <= starts_at:
        raise Invalid("ends_at", "结束时间须晚于开始时间")
    if ends_at - starts_at > dt.timedelta(days=7):
        raise Invalid("ends_at", "一个场次不能超过 7 天")
    async with TrainingSession._meta.db.transaction():
        session = TrainingSession(training=training_id, starts_at=starts_at, ends_at=ends_at,
                                  location=location.strip(), secret=qr.new_secret(), step=qr.DEFAULT_STEP)
        await session.save()
        await audit.record("session_create", principal=principal, target_type="training", target_id=training_id,
                           detail=f"新增场次 {starts_at.isoformat()} {location}")
    return _session({"id": session.id, "starts_at": starts_at, "ends_at": ends_at, "location": session.location},
                    training_id)


async def session_detail(principal: Principal, session_id: int) -> SessionDetailRead:
    """A session with its training, for the organiser's screens."""
    session, training, _ = await load_session(principal, session_id)
    return SessionDetailRead(id=session["id"], training_id=training["id"], starts_at=session["starts_at"],
                             ends_at=session["ends_at"], location=session["location"], interval=session["step"],
                             training=_read(training))


async def sessions_of(training_id: int) -> list[dict]:
    """The training's session rows, earliest first."""
    return await TrainingSession.select(
        TrainingSession.id, TrainingSession.starts_at, TrainingSession.ends_at, TrainingSession.location
    ).where(TrainingSession.training == training_id).order_by(TrainingSession.starts_at)


async def sessions(training_id: int) -> list[SessionRead]:
    """The training's sessions as the API shows them, earliest first (a class's too, services/classes.py)."""
    return [_session(s, training_id) for s in await sessions_of(training_id)]


async def load_session(principal: Principal, session_id: int, *, organiser: bool = True) -> tuple[dict, dict, Access]:
    """A session with its training, for a caller who runs it (or may see it)."""
    session = await TrainingSession.select(*TrainingSession.all_columns()).where(
        TrainingSession.id == session_id).first()
    if session is None:
        raise NotFound("session_not_found", "场次不存在或无权查看")
    try:
        training, acc = await _load_any(principal, session["training"])
    except NotFound:
        raise NotFound("session_not_found", "场次不存在或无权查看") from None
    if organiser and not acc.organiser:
        raise Forbidden("forbidden", "只有举办科室、本单位管理员或举办培训班的施教机构可以组织签到")
    return session, training, acc


# -- courses -------------------------------------------------------------------


async def add_course(principal: Principal, training_id: int, title: str, hours: float,
                     speaker_id: int | None, speaker_name: str) -> CourseRead:
    row, acc = await load(principal, training_id)
    _not_a_project(row)
    if not acc.department:
        raise Forbidden("forbidden", "只有举办科室可以添加课程")
    if row["status"] not in _EDITABLE:
        raise Conflict("invalid_state", "培训已提交或已审核，不能修改课程")
    if speaker_id is not None:
        from server.tables import Person

        speaker = await Person.select(Person.name).where(
            (Person.id == speaker_id) & (Person.unit == row["unit"])).first()
        if speaker is None:
            raise Invalid("speaker_id", "主讲人须为本单位人员")
        speaker_name = speaker_name or speaker["name"]
    if not speaker_name.strip():
        raise Invalid("speaker_name", "请填写主讲人")
    course = TrainingCourse(training=training_id, title=title.strip(), hours=amount(hours, "hours", maximum=100),
                            speaker=speaker_id, speaker_name=speaker_name.strip())
    await course.save()
    return _course({"id": course.id, "title": course.title, "hours": course.hours, "speaker_id": speaker_id,
                    "speaker_name": course.speaker_name})


async def courses_of(training_id: int) -> list[dict]:
    """The training's course rows, in order."""
    return await TrainingCourse.select(
        TrainingCourse.id, TrainingCourse.title, TrainingCourse.hours,
        TrainingCourse.speaker.as_alias("speaker_id"), TrainingCourse.speaker_name,
    ).where(TrainingCourse.training == training_id).order_by(TrainingCourse.sort_order, TrainingCourse.id)


async def detail(principal: Principal, training_id: int) -> TrainingDetailRead:
    """An in-house training with its sessions and courses."""
    row, _ = await load(principal, training_id)
    return TrainingDetailRead(training=_read(row),
                              sessions=await sessions(training_id),
                              courses=[_course(c) for c in await courses_of(training_id)])


# -- lists ---------------------------------------------------------------------


async def list_trainings(principal: Principal, *, tab: str, year: int | None, credit_class: str | None,
                         q: str, page: int, page_size: int, status: str | None = None) -> Page[TrainingRead]:
    reach = scope.grants_where(principal, department=Training.department, unit=Training.unit,
                               region_code=Training.unit.region_code)
    if reach is None:
        raise Forbidden("forbidden", "只有管理员可以查看院内培训")
    # 院内培训 only: a CME project's attendance is listed with its project.
    clauses = [reach, Training.kind == TrainingKind.inhouse.value]
    if year is not None:
        clauses.append(Training.year == year)
    if credit_class:
        clauses.append(Training.credit_class == credit_class)
    q = scope.search_text(q)
    if q:
        clauses.append(Training.title.like(f"%{q}%"))
    if status:
        clauses.append(Training.status == status)
    if tab in (TAB_HELD, TAB_NOT_HELD, TAB_TO_SCORE):
        # Subqueries, not id lists: the lists grow with every session ever held.
        held = TrainingSession.select(TrainingSession.training).where(
            TrainingSession.starts_at <= now())
        clauses.append(Training.id.not_in(held) if tab == TAB_NOT_HELD else Training.id.is_in(held))
        if tab == TAB_TO_SCORE:
            # 待评分: held, with attendance credits still waiting for the department.
            from server.tables import Credit

            clauses.append(Training.id.is_in(Credit.select(Credit.training).where(
                (Credit.status == "pending_dept") & Credit.training.is_not_null())))
    query = Training.select(*_TRAINING_COLUMNS)
    count = Training.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Training.created_at, ascending=False).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[_read(r) for r in rows], total=await count)



# -- the organiser's day ----------------------------------------------------------


class AgendaRead(msgspec.Struct, frozen=True):
    """A session the caller organises, with its training's state (the organiser's home)."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    training_id: int
    title: str
    status: str
    reminded_at: dt.datetime | None


async def agenda(principal: Principal, day_from: dt.date, day_to: dt.date) -> Page[AgendaRead]:
    """Sessions starting on ``day_from``..``day_to`` (days in China) of trainings the caller runs."""
    if day_to < day_from or (day_to - day_from).days > 31:
        raise Invalid("to", "日期范围须在 31 天以内，且结束不早于开始")
    reach = scope.grants_where(principal, department=TrainingSession.training.department,
                               unit=TrainingSession.training.unit, region_code=None)
    if reach is None:
        raise Forbidden("forbidden", "只有科室或单位管理员可以查看培训安排")
    start = dt.datetime.combine(day_from, dt.time(), CHINA)
    end = dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time(), CHINA)
    rows = await (TrainingSession.select(
        TrainingSession.id, TrainingSession.starts_at, TrainingSession.ends_at, TrainingSession.location,
        TrainingSession.training.as_alias("training_id"), TrainingSession.training.title.as_alias("title"),
        TrainingSession.training.status.as_alias("status"),
        TrainingSession.training.reminded_at.as_alias("reminded_at"),
    ).where(reach).where((TrainingSession.starts_at >= start) & (TrainingSession.starts_at < end))
        .order_by(TrainingSession.starts_at).limit(200))
    items = [AgendaRead(**r) for r in rows]
    return Page(items=items, total=len(items))

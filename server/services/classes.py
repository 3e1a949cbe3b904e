"""Providers' training classes (培训班) and enrolments (seed 002 §3.3.2–3.3.3, 004 §4).

A provider creates a class (draft), opens it for enrolment (接受报名, ``accepting``)
and closes it (停止报名, ``closed``). Trainees see the accepting classes of
providers in their unit's region or above and enrol (已报名待确认, ``pending``);
the provider confirms (报名成功, ``enrolled``) or refuses, takes attendance on the
class's sessions (the rotating-QR check-in of services/attendance.py), and
confirms hours (已获得学时, ``completed``), which makes one effective ``class``
record of the class's category through the ledger.

Capacity: a pending or confirmed enrolment holds a seat. Seats are taken only by
``UPDATE … SET seats_taken = seats_taken + 1 WHERE seats_taken < capacity`` in the
enrolment's own write, so concurrent enrolments never overfill a class (on
SQLite the writes are serialised; on PostgreSQL the row lock makes the second
UPDATE re-check the condition). A refusal or a withdrawal gives the seat back in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import msgspec

from server import db
from server.clock import now, today
from server.labels import CLASS_STATUS, ENROLMENT_STATUS, label
from server.services import audit, batch, hours, providers, scope, trainings
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import BatchResult, Page, StatusRead
from server.services.trainings import SessionRead, amount, check_year, insert_session
from server.sqlprog import Program
from server.tables import Checkin, Enrolment, Person, Training, TrainingClass
from server.tables.enums import ClassStatus, CreditCategory, CreditSource, EnrolmentStatus, Role, TrainingStatus

C, E = ClassStatus, EnrolmentStatus
_MAX_CAPACITY = 100_000

_COLUMNS = (
    *TrainingClass.all_columns(),
    TrainingClass.provider.name.as_alias("provider_name"),
    TrainingClass.provider.region_code.as_alias("region_code"),
)


def scope_where(principal: Principal):
    """WHERE on TrainingClass for what admins reach: a provider's own classes, a region's providers'."""
    return scope.grants_where(principal, department=None, unit=None,
                              region_code=TrainingClass.provider.region_code, provider=TrainingClass.provider)


class ClassRead(msgspec.Struct, frozen=True):
    id: int
    provider_id: int
    provider_name: str
    title: str
    year: int
    category: str
    hours: float
    starts_on: str
    ends_on: str
    online: bool
    place: str
    capacity: int
    seats_taken: int
    seats_left: int
    description: str
    status: str
    created_at: dt.datetime


class EnrolmentCreated(msgspec.Struct, frozen=True):
    id: int
    status: str
    class_id: int


class EnrolmentRead(msgspec.Struct, frozen=True):
    id: int
    class_id: int
    class_title: str
    year: int
    category: str
    class_hours: float
    starts_on: str
    ends_on: str
    provider_name: str
    person_id: int
    person_name: str
    person_no: str
    unit_name: str | None
    department_name: str | None
    status: str
    reason: str
    hours: float | None
    credit_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    sessions_attended: int | None = None


class Completed(msgspec.Struct, frozen=True):
    id: int
    status: str
    hours: float
    credit_id: int


def _day(value: dt.date | str) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value


def _read(row: dict) -> ClassRead:
    """ClassRead of a row selected with _COLUMNS."""
    return ClassRead(
        id=row["id"], provider_id=row["provider"], provider_name=row["provider_name"], title=row["title"],
        year=row["year"], category=row["category"], hours=float(row["hours"]), starts_on=_day(row["starts_on"]),
        ends_on=_day(row["ends_on"]), online=bool(row["online"]), place=row["place"], capacity=row["capacity"],
        seats_taken=row["seats_taken"], seats_left=max(row["capacity"] - row["seats_taken"], 0),
        description=row["description"], status=row["status"], created_at=row["created_at"])


def _engine():  # type: ignore[no-untyped-def]
    return TrainingClass._meta.db


# -- the provider's classes -----------------------------------------------------------


def _dates(year: int, starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise Invalid("ends_on", "结束日期不能早于开始日期")
    # The hours count in the class's year: it must be a year the class runs in.
    if not starts_on.year <= year <= ends_on.year:
        raise Invalid("year", "字段 year：年度须在培训班的起止日期之内")


def _capacity(value: int) -> int:
    if not 1 <= value <= _MAX_CAPACITY:
        raise Invalid("capacity", f"字段 capacity：名额须在 1 至 {_MAX_CAPACITY} 之间")
    return value


async def create(principal: Principal, fields: dict) -> ClassRead:
    provider_id = await providers.provider_of(principal, fields.pop("provider_id", None))
    values = dict(fields)
    values["year"] = check_year(values["year"])
    values["hours"] = amount(values["hours"], "hours", maximum=1000)
    values["category"] = CreditCategory(values["category"])
    values["capacity"] = _capacity(values["capacity"])
    values["title"] = values["title"].strip()
    if not values["title"]:
        raise Invalid("title", "请填写培训班名称")
    _dates(values["year"], values["starts_on"], values["ends_on"])
    async with TrainingClass._meta.db.transaction():
        class_id = await insert_class(provider_id, values, account_id=principal.account_id)
        await audit.record("class_create", principal=principal, target_type="training_class", target_id=class_id,
                           detail=f"新增培训班《{values['title']}》")
    return await load(principal, class_id)


async def insert_class(provider_id: int, values: dict, *, account_id: int | None,
                       status: ClassStatus = C.draft) -> int:
    """A class and the Training its attendance sessions hang on (Training.training_class), in
    the caller's transaction. The Training is approved from the start: a session's QR works
    for whoever the provider has confirmed."""
    klass = TrainingClass(provider=provider_id, status=status, **values)
    await klass.save()
    await Training.insert(Training(
        department=None, unit=None, year=klass.year, title=klass.title, credit_class=hours.CREDIT_CLASS,
        category=klass.category, credits=klass.hours, hours=klass.hours, format="线上" if klass.online else "面授",
        status=TrainingStatus.approved, training_class=klass.id, created_by=account_id))
    return klass.id


async def load(principal: Principal, class_id: int) -> ClassRead:
    """A class for the admins who reach it; 404 for anyone else."""
    where = scope_where(principal)
    row = None
    if where is not None:
        row = await TrainingClass.select(*_COLUMNS).where(where).where(TrainingClass.id == class_id).first()
    if row is None:
        raise NotFound("class_not_found", "培训班不存在或无权查看")
    return _read(row)


async def _own(principal: Principal, class_id: int) -> ClassRead:
    """A class the caller's provider runs (404 otherwise, a region admin included: they only look)."""
    row = await load(principal, class_id)
    if row.provider_id not in principal.provider_ids():
        raise NotFound("class_not_found", "培训班不存在或无权查看")
    return row


_EDITABLE_FIELDS = ("title", "year", "category", "hours", "starts_on", "ends_on", "online", "place", "capacity",
                    "description")


async def update(principal: Principal, class_id: int, fields: dict) -> ClassRead:
    row = await _own(principal, class_id)
    values = {k: v for k, v in fields.items() if v is not None and k in _EDITABLE_FIELDS}
    if not values:
        return row
    if "year" in values:
        values["year"] = check_year(values["year"])
    if "hours" in values:
        values["hours"] = amount(values["hours"], "hours", maximum=1000)
    if "category" in values:
        values["category"] = CreditCategory(values["category"])
    if "capacity" in values:
        values["capacity"] = _capacity(values["capacity"])
    if "title" in values:
        values["title"] = values["title"].strip()
        if not values["title"]:
            raise Invalid("title", "请填写培训班名称")
    merged = {**msgspec.structs.asdict(row), **values}
    _dates(merged["year"], _date(merged["starts_on"]), _date(merged["ends_on"]))
    values["updated_at"] = now()
    async with TrainingClass._meta.db.transaction():
        query = TrainingClass.update({getattr(TrainingClass, k): v for k, v in values.items()}).where(
            TrainingClass.id == class_id)
        if "capacity" in values:
            # Never below the seats already held (checked in the same statement: enrolments race).
            query = query.where(TrainingClass.seats_taken <= values["capacity"])
        if not await query.returning(TrainingClass.id):
            raise Conflict("capacity_below_enrolled", "名额不能少于已报名人数")
        mirrored = {Training.title: merged["title"], Training.year: merged["year"], Training.category:
                    merged["category"], Training.hours: merged["hours"], Training.credits: merged["hours"]}
        await Training.update(mirrored).where(Training.training_class == class_id)
        await audit.record("class_update", principal=principal, target_type="training_class", target_id=class_id,
                           detail="修改培训班：" + "、".join(sorted(k for k in values if k != "updated_at")))
    return await load(principal, class_id)


def _date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


async def _move(principal: Principal, class_id: int, from_states: set[str], to: ClassStatus, action: str,
                word: str) -> StatusRead:
    row = await _own(principal, class_id)
    async with TrainingClass._meta.db.transaction():
        changed = await TrainingClass.update(
            {TrainingClass.status: to, TrainingClass.updated_at: now()}
        ).where((TrainingClass.id == class_id) & TrainingClass.status.is_in(sorted(from_states))).returning(
            TrainingClass.id)
        if not changed:
            raise Conflict("invalid_state", f"培训班当前为“{label(CLASS_STATUS, row.status)}”，不能{word}")
        await audit.record(action, principal=principal, target_type="training_class", target_id=class_id,
                           detail=f"{word}《{row.title}》")
    return StatusRead(id=class_id, status=to.value)


async def open_(principal: Principal, class_id: int) -> StatusRead:
    return await _move(principal, class_id, {C.draft.value, C.closed.value}, C.accepting, "class_open", "开放报名")


async def close(principal: Principal, class_id: int) -> StatusRead:
    return await _move(principal, class_id, {C.accepting.value}, C.closed, "class_close", "停止报名")


async def list_classes(principal: Principal, *, year: int | None, status: str | None, q: str, page: int,
                       page_size: int) -> Page[ClassRead]:
    """The caller's view of classes: admins see what they reach; a trainee the classes open to them."""
    if principal.provider_ids() or principal.region_prefixes():
        where = scope_where(principal)
        clauses = [where]
        if status:
            clauses.append(TrainingClass.status == status)
    else:
        clauses = [await _open_to_trainee(principal)]
    if year is not None:
        clauses.append(TrainingClass.year == year)
    q = scope.search_text(q)
    if q:
        clauses.append(TrainingClass.title.like(f"%{q}%") | TrainingClass.provider.name.like(f"%{q}%"))
    query, count = TrainingClass.select(*_COLUMNS), TrainingClass.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(TrainingClass.starts_on, ascending=False).order_by(
        TrainingClass.id, ascending=False).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[_read(r) for r in rows], total=await count)


def _trainee(principal: Principal):  # type: ignore[no-untyped-def]
    grant = next((g for g in principal.grants if g.role == Role.trainee), None)
    if grant is None or principal.person_id is None or grant.unit_id is None:
        raise Forbidden("forbidden", "只有专业技术人员可以报名培训班")
    return grant


async def _providers_of_trainee(principal: Principal):  # type: ignore[no-untyped-def]
    """Classes of active providers in the trainee's unit's region or a region above it (seed 002
    §3.3.2: 与单位所属行政区划相对应)."""
    codes = await providers.visible_region_codes(_trainee(principal).unit_id)
    active = TrainingClass.provider.active == True  # noqa: E712
    return TrainingClass.provider.region_code.is_in(codes or [""]) & active


async def _open_to_trainee(principal: Principal):  # type: ignore[no-untyped-def]
    """The classes a trainee's 培训班报名申请 lists: those accepting enrolments."""
    return (TrainingClass.status == C.accepting.value) & await _providers_of_trainee(principal)


async def detail_for(principal: Principal, class_id: int) -> ClassRead:
    """One class: for its admins; for a trainee, one of their providers' classes once it was opened
    (a closed one says 停止报名), or one they enrolled in."""
    if principal.provider_ids() or principal.region_prefixes():
        return await load(principal, class_id)
    mine = Enrolment.select(Enrolment.training_class).where(Enrolment.person == principal.person_id)
    shown = (TrainingClass.status != C.draft.value) & await _providers_of_trainee(principal)
    row = await TrainingClass.select(*_COLUMNS).where(TrainingClass.id == class_id).where(
        shown | TrainingClass.id.is_in(mine)).first()
    if row is None:
        raise NotFound("class_not_found", "培训班不存在或无权查看")
    return _read(row)


async def add_session(principal: Principal, class_id: int, starts_at: dt.datetime, ends_at: dt.datetime,
                      location: str) -> SessionRead:
    """A sitting of the class; its rotating QR checks in the confirmed enrolments."""
    await _own(principal, class_id)
    training = await Training.select(Training.id).where(Training.training_class == class_id).first()
    return await insert_session(principal, training["id"], starts_at, ends_at, location)


async def sessions(principal: Principal, class_id: int) -> list[SessionRead]:
    await load(principal, class_id)
    training = await Training.select(Training.id).where(Training.training_class == class_id).first()
    return await trainings.sessions(training["id"])


# -- enrolment -----------------------------------------------------------------------


def _enrol_program(class_id: int, person_id: int, unit_id: int, department_id: int | None, day: dt.date,
                   moment: dt.datetime) -> Program[dict]:
    """Check the person may enrol, take a seat and write the enrolment: all or nothing."""
    barred = yield ("SELECT ends_on FROM dishonesty WHERE person = {} AND withdrawn_at IS NULL "
                    "AND starts_on <= {} AND ends_on >= {} ORDER BY ends_on DESC LIMIT 1", (person_id, day, day))
    if barred:
        until = barred[0]["ends_on"]
        raise Forbidden("dishonest", f"您处于失信惩戒期内（至 {str(until)[:10]}），期间不能报名培训班")
    existing = yield ("SELECT id, status FROM enrolment WHERE training_class = {} AND person = {}",
                      (class_id, person_id))
    if existing and existing[0]["status"] != E.cancelled.value:
        raise Conflict("duplicate", "您已报名该培训班，请在“培训班情况查看”中查看进度")
    taken = yield ("UPDATE training_class SET seats_taken = seats_taken + 1 WHERE id = {} AND status = {} "
                   "AND seats_taken < capacity RETURNING id", (class_id, C.accepting.value))
    if not taken:
        state = yield ("SELECT status FROM training_class WHERE id = {}", (class_id,))
        if state[0]["status"] != C.accepting.value:
            raise Conflict("not_accepting", "该培训班当前未接受报名（停止报名）")
        raise Conflict("full", "该培训班名额已满")
    if existing:
        # Withdrawn earlier: the same row again (one enrolment per class and person).
        back = yield ("UPDATE enrolment SET status = {}, reason = '', unit = {}, department = {}, updated_at = {}, "
                      "decided_by = NULL WHERE id = {} AND status = {} RETURNING id, status",
                      (E.pending.value, unit_id, department_id, moment, existing[0]["id"], E.cancelled.value))
        if not back:
            raise Conflict("duplicate", "您已报名该培训班")
        return back[0]
    made = yield ("INSERT INTO enrolment (training_class, person, unit, department, status, reason, hours, credit, "
                  "created_at, updated_at, decided_by) VALUES ({}, {}, {}, {}, {}, '', NULL, NULL, {}, {}, NULL) "
                  "ON CONFLICT (training_class, person) DO NOTHING RETURNING id, status",
                  (class_id, person_id, unit_id, department_id, E.pending.value, moment, moment))
    if not made:
        # The same person enrolling twice at once: this one's seat goes back with the rollback.
        raise Conflict("duplicate", "您已报名该培训班")
    return made[0]


async def enrol(principal: Principal, class_id: int) -> EnrolmentCreated:
    grant = _trainee(principal)
    # 404 for a class of a provider outside the trainee's regions; any other class that is
    # not accepting (a draft too) is the program's 409 not_accepting.
    if not await TrainingClass.exists().where((TrainingClass.id == class_id)
                                              & await _providers_of_trainee(principal)):
        raise NotFound("class_not_found", "培训班不存在或无权查看")
    moment = now()
    row = await db.run_write(_engine(), _enrol_program(class_id, principal.person_id, grant.unit_id,
                                                       grant.department_id, today(), moment))
    await audit.record("class_enrol", principal=principal, target_type="enrolment", target_id=row["id"],
                       detail=f"报名培训班 #{class_id}")
    return EnrolmentCreated(id=row["id"], status=row["status"], class_id=class_id)


def _release_program(enrolment_id: int, from_status: str, to: EnrolmentStatus, reason: str, account_id: int,
                     moment: dt.datetime) -> Program[bool]:
    """Move a seat-holding enrolment out (refused or withdrawn) and give its seat back, atomically."""
    moved = yield ("UPDATE enrolment SET status = {}, reason = {}, updated_at = {}, decided_by = {} "
                   "WHERE id = {} AND status = {} RETURNING training_class",
                   (to.value, reason, moment, account_id, enrolment_id, from_status))
    if not moved:
        return False
    yield ("UPDATE training_class SET seats_taken = seats_taken - 1 WHERE id = {} AND seats_taken > 0",
           (moved[0]["training_class"],))
    return True


async def cancel(principal: Principal, enrolment_id: int) -> StatusRead:
    """The trainee withdraws an enrolment the provider has not confirmed yet."""
    row = await Enrolment.select(Enrolment.id, Enrolment.status).where(
        (Enrolment.id == enrolment_id) & (Enrolment.person == (principal.person_id or 0))).first()
    if row is None:
        raise NotFound("enrolment_not_found", "报名记录不存在或无权查看")
    moment = now()
    if not await db.run_write(_engine(), _release_program(enrolment_id, E.pending.value, E.cancelled, "本人取消报名",
                                                          principal.account_id, moment)):
        raise Conflict("invalid_state", "报名已被施教机构处理，不能取消")
    return StatusRead(id=enrolment_id, status=E.cancelled.value)


_ENROLMENT_COLUMNS = (
    Enrolment.id,
    Enrolment.training_class.as_alias("class_id"),
    Enrolment.training_class.title.as_alias("class_title"),
    Enrolment.training_class.year.as_alias("year"),
    Enrolment.training_class.category.as_alias("category"),
    Enrolment.training_class.hours.as_alias("class_hours"),
    Enrolment.training_class.starts_on.as_alias("starts_on"),
    Enrolment.training_class.ends_on.as_alias("ends_on"),
    Enrolment.training_class.provider.name.as_alias("provider_name"),
    Enrolment.person.as_alias("person_id"),
    Enrolment.person.name.as_alias("person_name"),
    Enrolment.person.person_no.as_alias("person_no"),
    Enrolment.unit.name.as_alias("unit_name"),
    Enrolment.department.name.as_alias("department_name"),
    Enrolment.status,
    Enrolment.reason,
    Enrolment.hours,
    Enrolment.credit.as_alias("credit_id"),
    Enrolment.created_at,
    Enrolment.updated_at,
)


def _present_enrolment(row: dict, sessions_attended: int | None = None) -> EnrolmentRead:
    """EnrolmentRead of a row selected with _ENROLMENT_COLUMNS."""
    return EnrolmentRead(
        id=row["id"], class_id=row["class_id"], class_title=row["class_title"], year=row["year"],
        category=row["category"], class_hours=float(row["class_hours"]), starts_on=_day(row["starts_on"]),
        ends_on=_day(row["ends_on"]), provider_name=row["provider_name"], person_id=row["person_id"],
        person_name=row["person_name"], person_no=row["person_no"], unit_name=row["unit_name"],
        department_name=row["department_name"], status=row["status"], reason=row["reason"],
        hours=None if row["hours"] is None else float(row["hours"]), credit_id=row["credit_id"],
        created_at=row["created_at"], updated_at=row["updated_at"], sessions_attended=sessions_attended)


async def my_enrolments(principal: Principal, *, page: int, page_size: int) -> Page[EnrolmentRead]:
    """培训班情况查看: the trainee's own enrolments, newest first."""
    if principal.person_id is None:
        raise Forbidden("forbidden", "只有专业技术人员有培训班报名记录")
    where = Enrolment.person == principal.person_id
    rows = await Enrolment.select(*_ENROLMENT_COLUMNS).where(where).order_by(
        Enrolment.created_at, ascending=False).order_by(Enrolment.id, ascending=False).limit(page_size).offset(
        (page - 1) * page_size)
    return Page(items=[_present_enrolment(r) for r in rows], total=await Enrolment.count().where(where))


async def class_enrolments(principal: Principal, class_id: int, *, status: str | None, page: int,
                           page_size: int) -> Page[EnrolmentRead]:
    """The provider's list of a class's enrolments, with how many sessions each person attended."""
    await load(principal, class_id)
    where = Enrolment.training_class == class_id
    query, count = Enrolment.select(*_ENROLMENT_COLUMNS).where(where), Enrolment.count().where(where)
    if status:
        query, count = query.where(Enrolment.status == status), count.where(Enrolment.status == status)
    rows = await query.order_by(Enrolment.id).limit(page_size).offset((page - 1) * page_size)
    attended = await _attended(class_id, [r["person_id"] for r in rows])
    return Page(items=[_present_enrolment(r, attended.get(r["person_id"], 0)) for r in rows], total=await count)


async def _attended(class_id: int, person_ids: list[int]) -> dict[int, int]:
    if not person_ids:
        return {}
    training = Training.select(Training.id).where(Training.training_class == class_id)
    rows = await Checkin.select(Checkin.person, Checkin.id).where(
        Checkin.training.is_in(training) & Checkin.person.is_in(person_ids))
    counts: dict[int, int] = {}
    for row in rows:
        counts[row["person"]] = counts.get(row["person"], 0) + 1
    return counts


async def _own_enrolment(principal: Principal, enrolment_id: int) -> dict:
    """An enrolment in a class of the caller's provider; 404 for anyone else (another provider too)."""
    own = principal.provider_ids()
    row = None
    if own:
        row = await Enrolment.select(
            Enrolment.id, Enrolment.status, Enrolment.person, Enrolment.training_class,
            Enrolment.training_class.title.as_alias("title"), Enrolment.training_class.year.as_alias("year"),
            Enrolment.training_class.category.as_alias("category"),
            Enrolment.training_class.hours.as_alias("class_hours"),
            Enrolment.training_class.ends_on.as_alias("ends_on"),
        ).where((Enrolment.id == enrolment_id) & Enrolment.training_class.provider.is_in(sorted(own))).first()
    if row is None:
        raise NotFound("enrolment_not_found", "报名记录不存在或无权查看")
    return row


def _wrong_state(row: dict, doing: str) -> Conflict:
    return Conflict("invalid_state", f"报名当前为“{label(ENROLMENT_STATUS, row['status'])}”，不能{doing}")


async def confirm(principal: Principal, enrolment_id: int) -> StatusRead:
    row = await _own_enrolment(principal, enrolment_id)
    moment = now()
    async with Enrolment._meta.db.transaction():
        changed = await Enrolment.update({Enrolment.status: E.enrolled, Enrolment.updated_at: moment,
                                          Enrolment.decided_by: principal.account_id}).where(
            (Enrolment.id == enrolment_id) & (Enrolment.status == E.pending.value)).returning(Enrolment.id)
        if not changed:
            raise _wrong_state(row, "确认")
        await audit.record("enrolment_confirm", principal=principal, target_type="enrolment", target_id=enrolment_id,
                           detail=f"确认报名《{row['title']}》")
    return StatusRead(id=enrolment_id, status=E.enrolled.value)


async def refuse(principal: Principal, enrolment_id: int, reason: str) -> StatusRead:
    reason = reason.strip()
    if not reason:
        raise Invalid("reason", "请填写不通过的原因")
    row = await _own_enrolment(principal, enrolment_id)
    moment = now()
    if not await db.run_write(_engine(), _release_program(enrolment_id, E.pending.value, E.refused, reason,
                                                          principal.account_id, moment)):
        raise _wrong_state(row, "退回")
    await audit.record("enrolment_refuse", principal=principal, target_type="enrolment", target_id=enrolment_id,
                       detail=f"报名不通过《{row['title']}》：{reason}")
    return StatusRead(id=enrolment_id, status=E.refused.value)


def _hours(value: float | None, class_hours: Decimal) -> Decimal:
    if value is None:
        return Decimal(class_hours)
    given = amount(value, "hours", maximum=1000)
    if given > Decimal(class_hours):
        raise Invalid("hours", f"字段 hours：不能超过培训班学时 {float(class_hours):g}")
    return given


async def complete(principal: Principal, enrolment_id: int, given_hours: float | None) -> Completed:
    """已获得学时: the provider confirms the hours; one effective ``class`` record is made."""
    row = await _own_enrolment(principal, enrolment_id)
    granted = _hours(given_hours, row["class_hours"])
    person = await Person.select(Person.unit, Person.department).where(Person.id == row["person"]).first()
    moment = now()
    ends_on = _date(row["ends_on"])
    # The activity date must fall in the record's year (compliance counts by it).
    day = ends_on if ends_on.year == row["year"] else dt.date(row["year"], 12, 31)
    async with Enrolment._meta.db.transaction():
        changed = await Enrolment.update({Enrolment.status: E.completed, Enrolment.hours: granted,
                                          Enrolment.updated_at: moment, Enrolment.decided_by: principal.account_id}
                                         ).where((Enrolment.id == enrolment_id)
                                                 & (Enrolment.status == E.enrolled.value)).returning(Enrolment.id)
        if not changed:
            raise _wrong_state(row, "确认学时")
        born = await hours.record(hours.HoursRecord(
            person_id=row["person"], unit_id=person["unit"], department_id=person["department"], year=row["year"],
            day=day, title=row["title"], hours=granted, category=CreditCategory(row["category"]),
            source=CreditSource.training_class, dedupe_key=f"class:{row['training_class']}:{row['person']}",
            account_id=principal.account_id, ip=principal.ip, event_reason="施教机构确认培训班学时"), moment)
        if born is None:
            raise Conflict("duplicate", "该学员本培训班的学时已记录")
        await Enrolment.update({Enrolment.credit: born.id}).where(Enrolment.id == enrolment_id)
        await audit.record("enrolment_complete", principal=principal, target_type="enrolment", target_id=enrolment_id,
                           detail=f"确认学时 {float(granted):g}《{row['title']}》")
    return Completed(id=enrolment_id, status=E.completed.value, hours=float(granted), credit_id=born.id)


async def confirm_many(principal: Principal, ids: list[int]) -> list[BatchResult]:
    return await batch.one_by_one(ids, lambda enrolment_id: confirm(principal, enrolment_id))


async def refuse_many(principal: Principal, ids: list[int], reason: str) -> list[BatchResult]:
    if not reason.strip():
        raise Invalid("reason", "请填写不通过的原因")
    return await batch.one_by_one(ids, lambda enrolment_id: refuse(principal, enrolment_id, reason))


async def complete_many(principal: Principal, ids: list[int], given_hours: float | None) -> list[BatchResult]:
    return await batch.one_by_one(ids, lambda enrolment_id: complete(principal, enrolment_id, given_hours))


async def decide_many(principal: Principal, ids: list[int], action: str, *, reason: str,
                given_hours: float | None) -> list[BatchResult]:
    """确认 / 退回 / 确认学时 for several enrolments, each on its own."""
    if action == "confirm":
        return await confirm_many(principal, ids)
    if action == "refuse":
        return await refuse_many(principal, ids, reason)
    return await complete_many(principal, ids, given_hours)


async def complete_attended(principal: Principal, class_id: int, given_hours: float | None) -> list[BatchResult]:
    """Hours for everyone confirmed in the class who checked in at least once (为签到人员确认学时)."""
    await _own(principal, class_id)
    training = Training.select(Training.id).where(Training.training_class == class_id)
    attended = Checkin.select(Checkin.person).where(Checkin.training.is_in(training))
    rows = await Enrolment.select(Enrolment.id).where(
        (Enrolment.training_class == class_id) & (Enrolment.status == E.enrolled.value)
        & Enrolment.person.is_in(attended)).order_by(Enrolment.id)
    return await complete_many(principal, [r["id"] for r in rows], given_hours)


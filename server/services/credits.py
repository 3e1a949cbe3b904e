"""The credit ledger: scoped queries and the two-level review.

States: pending_dept → pending_unit → effective, or returned / rejected from
either pending state, and revoked from effective. Every transition is an
UPDATE conditional on the expected state plus one credit_event row, in one
transaction: of two admins approving at once, one wins and the other gets 409.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import msgspec
from piccolo.query.functions.aggregate import Count, Max, Min

from server import db
from server.clock import now, start_of_next_day
from server.labels import CREDIT_STATUS, label
from server.services import audit, batch, notices, scope, totals
from server.services.errors import Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import BatchResult, Page, StatusRead
from server.tables import Credit, CreditEvent, Evidence
from server.tables.enums import CreditSource, CreditStatus

S = CreditStatus


def scope_where(principal: Principal):
    """WHERE on Credit for what the caller may see, or None for nothing."""
    own = Credit.person == principal.person_id if principal.person_id is not None else None
    return scope.grants_where(principal, department=Credit.department, unit=Credit.unit,
                              region_code=Credit.unit.region_code, own=own)


def drafts_hidden(principal: Principal):
    """WHERE on Credit: a draft is its author's until submitted, and for anyone else it does not
    exist (the same 404 as out of scope). Its author is whoever made it or the person it is for."""
    mine = Credit.created_by == principal.account_id
    if principal.person_id is not None:
        mine = mine | (Credit.person == principal.person_id)
    return (Credit.status != S.draft.value) | mine


def visible_where(principal: Principal):
    """WHERE on Credit for the records the caller may open: in scope, and no one else's draft; or None."""
    where = scope_where(principal)
    return None if where is None else where & drafts_hidden(principal)


def reviewers_where(principal: Principal):
    """WHERE on Credit for the owner and the record's reviewers (its department and unit admins), or None.

    Narrower than scope_where: a region admin counts the credits but does not
    open the proof people upload (seed: "seen only by the owner and their reviewers").
    """
    own = Credit.person == principal.person_id if principal.person_id is not None else None
    return scope.grants_where(principal, department=Credit.department, unit=Credit.unit, region_code=None, own=own)


_COLUMNS = (
    Credit.id,
    Credit.person.as_alias("person_id"),
    Credit.person.name.as_alias("person_name"),
    Credit.person.person_no.as_alias("person_no"),
    Credit.unit.as_alias("unit_id"),
    Credit.department.as_alias("department_id"),
    Credit.department.name.as_alias("department_name"),
    Credit.year,
    Credit.activity_date,
    Credit.credit_class,
    Credit.category,
    Credit.rule_code,
    Credit.title,
    Credit.credits,
    Credit.hours,
    Credit.source,
    Credit.training.as_alias("training_id"),
    Credit.status,
    Credit.reason,
    Credit.created_at,
    Credit.effective_at,
    Credit.rule.name.as_alias("rule_name"),
    Credit.rule.evidence_required.as_alias("evidence_required"),
    Credit.quantity,
    Credit.author_position,
    Credit.project_no,
    Credit.organiser,
)


# -- what a client sees of a record ------------------------------------------------


class EvidenceRead(msgspec.Struct, frozen=True):
    """One proof file of a record (never its storage keys). Built by services/evidence.py's ``present``;
    it lives here beside CreditDetailRead, which lists them, because evidence.py imports this module."""

    id: int
    content_type: str
    size: int
    filename: str
    width: int | None
    height: int | None
    captured_at: dt.datetime | None
    created_at: dt.datetime
    url: str
    thumb_url: str | None


class CreditRead(msgspec.Struct, frozen=True):
    id: int
    person_id: int
    person_name: str
    person_no: str
    unit_id: int
    department_id: int | None
    department_name: str | None
    year: int
    activity_date: str
    credit_class: str
    category: str
    rule_code: str
    title: str
    credits: float
    hours: float
    source: str
    training_id: int | None
    status: str
    reason: str
    created_at: dt.datetime
    effective_at: dt.datetime | None
    rule_name: str | None = None
    quantity: float | None = None
    author_position: int | None = None
    project_no: str = ""
    organiser: str = ""
    evidence_required: bool = False
    evidence_count: int = 0
    # Whether the caller may still edit or delete it (services/entries.py).
    editable: bool = False


class CreditEventRead(msgspec.Struct, frozen=True):
    at: dt.datetime
    from_status: str
    to_status: str
    reason: str
    account_name: str | None


class CreditDetailRead(CreditRead, frozen=True, kw_only=True):
    events: list[CreditEventRead]
    evidence: list[EvidenceRead]


def _fields(principal: Principal, row: dict, evidence_count: int) -> dict:
    """CreditRead's fields of a row selected with _COLUMNS."""
    from server.services import entries  # entries builds on this module

    day = row["activity_date"]
    return dict(
        id=row["id"], person_id=row["person_id"], person_name=row["person_name"], person_no=row["person_no"],
        unit_id=row["unit_id"], department_id=row["department_id"], department_name=row["department_name"],
        year=row["year"], activity_date=day.isoformat() if isinstance(day, dt.date) else day,
        credit_class=row["credit_class"], category=row["category"], rule_code=row["rule_code"], title=row["title"],
        credits=float(row["credits"]), hours=float(row["hours"]), source=row["source"],
        training_id=row["training_id"], status=row["status"], reason=row["reason"], created_at=row["created_at"],
        effective_at=row["effective_at"], rule_name=row["rule_name"],
        quantity=None if row["quantity"] is None else float(row["quantity"]),
        author_position=row["author_position"], project_no=row["project_no"], organiser=row["organiser"],
        evidence_required=bool(row["evidence_required"]), evidence_count=evidence_count,
        editable=entries.editable(principal, row))


async def list_credits(principal: Principal, *, status: str | None, year: int | None, person_id: int | None,
                       training_id: int | None, source: str | None, page: int, page_size: int,
                       q: str = "", department_id: int | None = None, date_from: dt.date | None = None,
                       date_to: dt.date | None = None, credit_class: str | None = None,
                       in_force_only: bool = False) -> Page[CreditRead]:
    from server.services import evidence  # evidence builds on this module

    where = visible_where(principal)
    if where is None:
        return Page(items=[], total=0)
    clauses = [where]
    if status:
        clauses.append(Credit.status.is_in(status.split(",")))
    if year is not None:
        clauses.append(Credit.year == year)
    if person_id is not None:
        clauses.append(Credit.person == person_id)
    if training_id is not None:
        clauses.append(Credit.training == training_id)
    if source:
        clauses.append(Credit.source.is_in(source.split(",")))
    if department_id is not None:
        clauses.append(Credit.department == department_id)
    if credit_class:
        clauses.append(Credit.credit_class == credit_class)
    if in_force_only:
        clauses.append(in_force())
    q = scope.search_text(q)
    if q:
        # The review queue's search box (seed 001 §5.2): name by substring;
        # person number, ID number and phone only whole.
        # The trainee's own search (000 §6.5) is by activity title.
        clauses.append(Credit.person.name.like(f"%{q}%") | (Credit.person.person_no == q)
                       | (Credit.person.id_number == q.upper()) | (Credit.person.phone == q)
                       | Credit.title.like(f"%{q}%"))
    if date_from is not None:
        clauses.append(Credit.activity_date >= date_from)
    if date_to is not None:
        clauses.append(Credit.activity_date <= date_to)
    query, count = Credit.select(*_COLUMNS), Credit.count()
    for clause in clauses:
        query, count = query.where(clause), count.where(clause)
    rows = await query.order_by(Credit.activity_date, ascending=False).order_by(Credit.id, ascending=False).limit(
        page_size).offset((page - 1) * page_size)
    counts = await evidence.counts([r["id"] for r in rows])
    return Page(items=[CreditRead(**_fields(principal, r, counts.get(r["id"], 0))) for r in rows], total=await count)


class TrainingGroupRead(msgspec.Struct, frozen=True):
    """The attendance credits of one training in one state, as one review row ("200 人")."""

    training_id: int
    title: str
    activity_date: dt.date
    credit_class: str
    credits: float
    count: int


async def attendance_groups(principal: Principal, status: str) -> Page[TrainingGroupRead]:
    """The caller's attendance credits in ``status`` grouped by training (a lecture is one row)."""
    where = scope_where(principal)
    if where is None:
        return Page(items=[], total=0)
    rows = await (Credit.select(Credit.training, Max(Credit.title).as_alias("title"),
                                Min(Credit.activity_date).as_alias("activity_date"),
                                Max(Credit.credit_class).as_alias("credit_class"),
                                Max(Credit.credits).as_alias("credits"), Count(Credit.id).as_alias("count"))
                  .where(where).where((Credit.source == CreditSource.attendance.value) & (Credit.status == status)
                                      & Credit.training.is_not_null())
                  .group_by(Credit.training).order_by(Min(Credit.activity_date), ascending=False).limit(200))
    items = [TrainingGroupRead(training_id=r["training"], title=r["title"], credit_class=r["credit_class"],
                               activity_date=r["activity_date"] if isinstance(r["activity_date"], dt.date)
                               else dt.date.fromisoformat(str(r["activity_date"])[:10]),
                               credits=float(r["credits"]), count=int(r["count"])) for r in rows]
    return Page(items=items, total=len(items))


async def get_credit(principal: Principal, credit_id: int) -> CreditDetailRead:
    """One record the caller may open, with its history and proof files."""
    from server.services import evidence  # evidence builds on this module

    where = visible_where(principal)
    row = None
    if where is not None:
        row = await Credit.select(*_COLUMNS).where(where).where(Credit.id == credit_id).first()
    if row is None:
        raise NotFound("credit_not_found", "学分记录不存在或无权查看")
    events = await CreditEvent.select(
        CreditEvent.at, CreditEvent.from_status, CreditEvent.to_status, CreditEvent.reason,
        CreditEvent.account.name.as_alias("account_name"),
    ).where(CreditEvent.credit == credit_id).order_by(CreditEvent.at).order_by(CreditEvent.id)
    files = await evidence.list_for_credit(credit_id)
    return CreditDetailRead(
        **_fields(principal, row, len(files)), evidence=files,
        events=[CreditEventRead(at=e["at"], from_status=e["from_status"], to_status=e["to_status"],
                                reason=e["reason"], account_name=e["account_name"]) for e in events])


# -- transitions -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Move:
    to: CreditStatus
    level: str  # "department" or "unit": whose admin may make it


_ACTIONS: dict[str, dict[str, Move]] = {
    "approve": {S.pending_dept.value: Move(S.pending_unit, "department"),
                S.pending_unit.value: Move(S.effective, "unit")},
    "return": {S.pending_dept.value: Move(S.returned, "department"),
               S.pending_unit.value: Move(S.returned, "unit")},
    "reject": {S.pending_dept.value: Move(S.rejected, "department"),
               S.pending_unit.value: Move(S.rejected, "unit")},
    "revoke": {S.effective.value: Move(S.revoked, "unit")},
    # A region's dishonesty record (seed 002 §3.4, services/dishonesty.py) withdraws the
    # effective records it concerns; no HTTP action of its own.
    "dishonesty": {S.effective.value: Move(S.revoked, "region")},
}
_NEEDS_REASON = {"return", "reject", "revoke", "dishonesty"}
_WORDS = {"approve": "审核通过", "return": "退回", "reject": "审核不通过", "revoke": "撤销", "dishonesty": "因失信撤销"}


def state_word(status: str) -> str:
    return label(CREDIT_STATUS, status)


def in_force(moment: dt.datetime | None = None):
    """WHERE for credits that count now: effective, and past their effective time (次日生效)."""
    moment = moment or now()
    # A record made effective without a time (imported ledgers) counts at once.
    return (Credit.status == S.effective.value) & (Credit.effective_at.is_null() | (Credit.effective_at <= moment))


async def transition(principal: Principal, credit_id: int, action: str, reason: str = "", *,
                     personal_next_day: bool = False) -> StatusRead:
    reason = reason.strip()
    if action in _NEEDS_REASON and not reason:
        raise Invalid("reason", "请填写原因")
    where = visible_where(principal)
    row = None
    if where is not None:
        row = await Credit.select(Credit.id, Credit.status, Credit.department, Credit.unit, Credit.title,
                                  Credit.source, Credit.person,
                                  Credit.rule.evidence_required.as_alias("evidence_required"),
                                  Credit.unit.region_code.as_alias("region_code")).where(
            where).where(Credit.id == credit_id).first()
    if row is None:
        raise NotFound("credit_not_found", "学分记录不存在或无权查看")
    levels = {"department": row["department"] in principal.department_ids(),
              "unit": row["unit"] in principal.unit_ids(),
              "region": action == "dishonesty" and any(
                  (row["region_code"] or "").startswith(p) for p in principal.region_prefixes())}
    if not any(levels.values()):
        raise Forbidden("forbidden", "只有科室或单位管理员可以审核学分")
    if row["source"] == CreditSource.imported.value:
        # History from the old system (seed 002 §1.5) is kept as it was issued.
        raise Conflict("history_readonly", "历史导入的记录不能修改或撤销")
    move = _ACTIONS[action].get(row["status"])
    if move is None:
        raise Conflict("invalid_state", f"学分记录当前为“{state_word(row['status'])}”，不能{_WORDS[action]}")
    if not levels[move.level]:
        who = {"department": "科室", "unit": "单位", "region": "卫健委"}[move.level]
        if row["status"] in (S.pending_dept.value, S.pending_unit.value):
            raise Conflict("invalid_state", f"该记录正等待{who}审核，您不能{_WORDS[action]}")
        # An effective record is waiting for nobody: say who may act on it.
        raise Conflict("invalid_state", f"该记录{state_word(row['status'])}，只有{who}管理员可以{_WORDS[action]}")
    moment = now()
    values = {Credit.status: move.to, Credit.updated_at: moment}
    if reason:
        values[Credit.reason] = reason
    if move.to == S.effective:
        # Seed 001 §5.2: "审核通过的个人学分次日生效" — a setting; trainings count at once.
        next_day = personal_next_day and row["source"] == CreditSource.personal.value
        values[Credit.effective_at] = start_of_next_day(moment) if next_day else moment
    async with Credit._meta.db.transaction():
        if action == "approve" and row["evidence_required"]:
            # Under the record's row lock, which deleting a file takes too: the
            # last file cannot go between this check and the approval.
            await db.lock_row(Credit, credit_id)
            if not await Evidence.exists().where(Evidence.credit == credit_id):
                raise Conflict("evidence_missing", "该类学分须有证明材料，请退回学员补传后再审核")
        changed = await Credit.update(values).where(
            (Credit.id == credit_id) & (Credit.status == row["status"])).returning(Credit.id)
        if not changed:
            raise Conflict("invalid_state", "该记录刚刚已被他人处理，请刷新")
        await CreditEvent.insert(CreditEvent(credit=credit_id, at=moment, account=principal.account_id,
                                             from_status=row["status"], to_status=move.to, reason=reason,
                                             ip=principal.ip[:64]))
        if S.effective in (move.to, row["status"]):
            # Into effective (approved) or out of it (revoked): the totals move with it.
            await db.run_write(Credit._meta.db, totals.count_record(credit_id, 1 if move.to == S.effective else -1))
        if move.to in (S.returned, S.rejected):
            # Nothing missed: the trainee's home card, tab dot and an SMS (sent after the commit).
            await notices.credit_reviewed(credit_id, row["person"], row["title"], move.to, reason)
        await audit.record(f"credit_{action}", principal=principal, target_type="credit", target_id=credit_id,
                           detail=f"{_WORDS[action]}学分《{row['title']}》" + (f"：{reason}" if reason else ""))
    return StatusRead(id=credit_id, status=move.to.value)


async def transition_many(principal: Principal, ids: list[int], action: str, reason: str = "", *,
                          personal_next_day: bool = False) -> list[BatchResult]:
    return await batch.one_by_one(ids, lambda credit_id: transition(principal, credit_id, action, reason,
                                                                     personal_next_day=personal_next_day))

"""Check-in by rotating QR code: codes, claims, check-ins and the attendance list.

The check-in is the hot path of the product (a lecture hall scanning at once),
so it costs one memoised read (session + training), no read of the trainee
(their unit and department come with the login), and a share of a group
commit; and it is idempotent by construction: the unique (session, person)
index and the credit's unique dedupe key make a repeated scan find what the
first one made.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import msgspec

import qr
from server import clock, db
from server.clock import CHINA, china_date
from server.labels import CHECKIN_METHOD, CREDIT_STATUS, label
from server.services import audit, checkin_batch, exports, ledger, live, throttle
from server.services.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound
from server.services.principal import Principal
from server.services.results import Page
from server.services.trainings import load_session
from server.settings import Settings
from server.sqlprog import Program
from server.tables import Checkin, CheckinClaim, Credit, Person
from server.tables.enums import (CheckinMethod, CreditCategory, CreditClass, CreditSource, CreditStatus,
                                 EnrolmentStatus, QrPhase, Role, TrainingKind, TrainingStatus)

CLAIM_TTL_SECONDS = 600

_SESSION_SQL = """
SELECT s.id, s.secret, s.step, s.starts_at, s.ends_at, s.location, s.training,
       t.title, t.status, t.unit, t.department, t.year, t.credit_class, t.category, t.credits, t.hours,
       t.requires_checkout, t.min_minutes, t.training_class, t.kind
FROM training_session s JOIN training t ON t.id = s.training
WHERE s.id = {}
"""


_SESSION_TYPES = {"starts_at": "timestamp", "ends_at": "timestamp", "credits": "decimal", "hours": "decimal",
                  "requires_checkout": "bool"}


# A delegated CME project's attendance runs on a training of kind "project": its
# credits say so, and anyone may attend it (a project trains people of other units).
_SOURCE = {TrainingKind.inhouse.value: CreditSource.attendance, TrainingKind.project.value: CreditSource.project}
_OPEN_TO_ALL = TrainingKind.project.value


def invalid_code(detail: str = "签到码无效或已过期，请重新扫描现场二维码") -> BadRequest:
    return BadRequest("invalid_code", detail)


@dataclass(frozen=True, slots=True)
class QrState:
    url: str
    code: str
    interval: int
    expires_in: int


# -- what a client sees of a claim or a check-in -------------------------------------


class TrainingBrief(msgspec.Struct, frozen=True):
    id: int
    title: str
    credit_class: str
    credits: float
    hours: float


class SessionBrief(msgspec.Struct, frozen=True):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str


class ClaimRead(msgspec.Struct, frozen=True):
    claim: str
    expires_at: dt.datetime
    training: TrainingBrief
    session: SessionBrief


class CreditBrief(msgspec.Struct, frozen=True):
    id: int
    status: str
    credits: float


class CheckinRead(msgspec.Struct, frozen=True):
    """A check-in as its trainee or organiser sees it: the shape of CheckinResult.body."""

    id: int
    session_id: int
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    requires_checkout: bool
    credit: CreditBrief | None
    training: TrainingBrief
    session: SessionBrief


def _checkin_read(body: dict) -> CheckinRead:
    """CheckinRead of a CheckinResult's body (its keys are CheckinRead's fields)."""
    return msgspec.convert(body, CheckinRead)


def checkin_url(base_url: str, session_id: int, code: str, phase: str = QrPhase.checkin.value) -> str:
    url = qr.checkin_url(base_url, session_id, code)
    if phase == QrPhase.checkout.value:
        # Same code, but the page it opens signs the trainee out.
        url += "&p=out"
    return url


async def current_qr(principal: Principal, session_id: int, base_url: str, now: float | None = None,
                     phase: str = "checkin") -> QrState:
    session, _, _ = await load_session(principal, session_id)
    now = time.time() if now is None else now
    code = qr.code_at(session["secret"], now, session["step"])
    url = checkin_url(base_url, session_id, code, phase)
    return QrState(url=url, code=code, interval=session["step"], expires_in=qr.expires_in(now, session["step"]))


def _engine():  # type: ignore[no-untyped-def]
    return Checkin._meta.db


# On PostgreSQL an open session's row may be this old when a check-in uses it: a lecture
# hall's burst then costs one read per second or two instead of one per check-in, and the
# check-in statement itself re-checks that the training is still open (services/checkin_batch.py).
_OPEN_SESSION_STALE_SECONDS = 2.0


async def _session_row(session_id: int, *, fresh: bool = False) -> dict | None:
    rows = await db.fetch_memo(_engine(), ("training_session", session_id), ("training", "training_session"),
                               _SESSION_SQL, session_id, types=_SESSION_TYPES,
                               stale_seconds=0.0 if fresh else _OPEN_SESSION_STALE_SECONDS)
    return rows[0] if rows else None


def _summary(row: dict) -> dict:
    return {
        "training": {"id": row["training"], "title": row["title"], "credit_class": row["credit_class"],
                     "credits": float(row["credits"]), "hours": float(row["hours"])},
        "session": {"id": row["id"], "starts_at": row["starts_at"], "ends_at": row["ends_at"],
                    "location": row["location"]},
    }


async def _wrong_code(ip: str, settings: Settings, detail: str | None = None) -> BadRequest:
    """Count a wrong code (or claim) from ``ip``: the error to raise, or 429 once the address passed its limit."""
    limit = throttle.wrong_codes(settings)
    await throttle.guard(limit, ip, memo=True)  # already blocked: answered without a write
    await throttle.failure(limit, ip)
    return invalid_code(detail) if detail else invalid_code()


def _not_open() -> Conflict:
    return Conflict("training_not_open", "该培训当前不在签到中（未审核通过或已结束）")


async def _open_session_row(session_id: int) -> dict | None:
    """The session's row for a check-in; read again when the copy at hand is not open (approved a moment ago?)."""
    row = await _session_row(session_id)
    if row is None or row["status"] != TrainingStatus.approved.value:
        row = await _session_row(session_id, fresh=True)
    return row


async def _open_session_for_code(session_id: int, code: str, now: float, ip: str, settings: Settings, *,
                                 guarded: bool = True) -> dict:
    row = await _open_session_row(session_id)
    # An unknown session answers like a wrong code: ids are not to be probed.
    if row is None or not qr.verify(row["secret"], code, now, row["step"]):
        raise await _wrong_code(ip, settings)
    # Only wrong codes are counted, so a lecture hall behind one address never
    # is; a right code costs this read (memoised on SQLite), never a write. An
    # address past the limit gets 429 for right codes too: else its guesses would
    # still tell right from wrong. Unless ``guarded`` is False: then the caller's
    # write checks the count itself (checkin_batch), except on the way to a 409 here.
    open_now = row["status"] == TrainingStatus.approved.value
    if guarded or not open_now:
        await throttle.guard(throttle.wrong_codes(settings), ip, memo=True)
    if not open_now:
        raise _not_open()
    return row


# -- claims ----------------------------------------------------------------------


async def create_claim(session_id: int, code: str, *, ip: str, settings: Settings,
                       now: float | None = None) -> ClaimRead:
    """Exchange a scanned code for a claim that survives logging in (no login needed)."""
    now = time.time() if now is None else now
    row = await _open_session_for_code(session_id, code, now, ip, settings)
    token = qr.new_claim_token()
    expires_at = dt.datetime.fromtimestamp(qr.claim_expiry(now, CLAIM_TTL_SECONDS), dt.timezone.utc)
    await CheckinClaim.insert(CheckinClaim(token_hash=qr.hash_token(token), session=session_id,
                                           expires_at=expires_at))
    return msgspec.convert({"claim": token, "expires_at": expires_at, **_summary(row)}, ClaimRead)


# -- check-in ----------------------------------------------------------------------


def _credit_key(training_id: int, person_id: int) -> str:
    return f"attendance:{training_id}:{person_id}"


@dataclass(frozen=True, slots=True)
class CheckinResult:
    created: bool
    body: dict


_EXISTING_TYPES = {"checked_in_at": "timestamp", "checked_out_at": "timestamp", "credits": "decimal"}
_EXISTING_SQL = (
    "SELECT c.id, c.checked_in_at, c.checked_out_at, r.id AS credit_id, r.status, r.credits FROM checkin c "
    "LEFT JOIN credit r ON r.dedupe_key = {} WHERE c.session = {} AND c.person = {}"
)


def _existing_args(row: dict, person_id: int) -> tuple:
    return (_credit_key(row["training"], person_id), row["id"], person_id)


async def _existing(row: dict, person_id: int) -> CheckinResult | None:
    found = await db.fetch(_engine(), _EXISTING_SQL, *_existing_args(row, person_id), types=_EXISTING_TYPES)
    return CheckinResult(False, _body(row, found[0])) if found else None


def _body(row: dict, found: dict) -> dict:
    credit = None
    if found.get("credit_id") is not None:
        credit = {"id": found["credit_id"], "status": found["status"], "credits": float(found["credits"])}
    return {"id": found["id"], "session_id": row["id"], "checked_in_at": found["checked_in_at"],
            "checked_out_at": found.get("checked_out_at"), "requires_checkout": bool(row["requires_checkout"]),
            "credit": credit, **_summary(row)}


@dataclass(frozen=True, slots=True)
class Who:
    """The person checking in, where they work, and who records it from where."""

    person_id: int
    unit_id: int
    department_id: int | None
    account_id: int
    ip: str


def _attendance_credit(row: dict, who: Who, reason: str) -> ledger.NewCredit:
    """The training's pending attendance credit for the person (one per training: its dedupe key)."""
    return ledger.NewCredit(
        person_id=who.person_id, unit_id=who.unit_id, department_id=who.department_id, year=row["year"],
        activity_date=china_date(row["starts_at"]), credit_class=CreditClass(row["credit_class"]),
        category=CreditCategory(row["category"]), title=row["title"], credits=row["credits"], hours=row["hours"],
        source=_SOURCE[row["kind"]], status=CreditStatus.pending_dept, created_by=who.account_id, ip=who.ip,
        dedupe_key=_credit_key(row["training"], who.person_id), training_id=row["training"], event_reason=reason)


def _credit_program(row: dict, who: Who, moment: dt.datetime, reason: str) -> Program[dict | None]:
    """The training's pending attendance credit for the person, made once."""
    new = _attendance_credit(row, who, reason)
    born = yield from ledger.create(new, moment)
    if born is not None:
        return {"id": born.id, "status": born.status, "credits": born.credits}
    # Another session of the same training already earned it.
    same = yield ("SELECT id, status, credits FROM credit WHERE dedupe_key = {}", (new.dedupe_key,))
    return same[0] if same else None


def _credit_at_checkin(row: dict) -> bool:
    """Whether the scan itself makes the credit: not when the training wants a check-out first, nor
    on a provider's class (its provider confirms the hours afterwards, services/classes.py)."""
    return not row["requires_checkout"] and row["training_class"] is None


def _record_program(row: dict, who: Who, *, method: CheckinMethod, reason: str, claim_hash: str | None,
                    at: dt.datetime | None) -> Program[CheckinResult]:
    """Insert the check-in (and, unless the training wants a check-out, its pending credit), idempotently."""
    moment = clock.now()
    if claim_hash is not None:
        used = yield ("UPDATE checkin_claim SET used_at = {} WHERE token_hash = {} AND used_at IS NULL "
                      "AND expires_at > {} RETURNING id", (moment, claim_hash, moment))
        if not used:
            raise invalid_code("签到凭证已使用或已过期，请重新扫描现场二维码")
    inserted = yield (
        "INSERT INTO checkin (session, training, person, checked_in_at, checked_out_at, method, "
        "recorded_by, reason, undone_at) VALUES ({}, {}, {}, {}, NULL, {}, {}, {}, NULL) "
        "ON CONFLICT (session, person) DO NOTHING RETURNING id, checked_in_at",
        (row["id"], row["training"], who.person_id, at or moment, method.value, who.account_id, reason),
    )
    if not inserted:
        found = yield (_EXISTING_SQL, _existing_args(row, who.person_id))
        return CheckinResult(False, _body(row, found[0]))
    credit = None
    if _credit_at_checkin(row):
        credit = yield from _credit_program(row, who, moment, reason or "签到")
    return CheckinResult(True, _body(row, {
        "id": inserted[0]["id"], "checked_in_at": inserted[0]["checked_in_at"], "checked_out_at": None,
        "credit_id": credit["id"] if credit else None, "status": credit["status"] if credit else None,
        "credits": credit["credits"] if credit else None}))


async def _record(row: dict, who: Who, *, method: CheckinMethod, reason: str = "",
                  claim_hash: str | None = None, at: dt.datetime | None = None,
                  room: tuple[throttle.Limit, str] | None = None) -> CheckinResult:
    """Record the check-in: a group commit's program on SQLite, a share of a batch's one statement
    on PostgreSQL (services/checkin_batch.py), which also checks ``room`` (a limit and the
    address) for a caller that did not guard it first (SQLite callers always do)."""
    engine = _engine()
    if db.engine_kind(engine) == "sqlite":
        result = await db.run_write(engine, _record_program(row, who, method=method, reason=reason,
                                                            claim_hash=claim_hash, at=at))
        if result.created:
            await live.publish(row["id"])
        return result
    credit = _attendance_credit(row, who, reason or "签到") if _credit_at_checkin(row) else None
    made = await checkin_batch.write(engine, checkin_batch.Pending(
        session_id=row["id"], training_id=row["training"], person_id=who.person_id, account_id=who.account_id,
        method=method.value, reason=reason, at=at, claim_hash=claim_hash, room=room, credit=credit))
    if made.id is not None:
        await live.publish(row["id"])
        return CheckinResult(True, _body(row, {
            "id": made.id, "checked_in_at": made.checked_in_at, "checked_out_at": None,
            "credit_id": made.credit_id, "status": made.status, "credits": made.credits}))
    if room is not None and not made.room:
        await throttle.guard(*room)  # the 429 with its wait
        raise room[0].refusal(1)  # its window moved on since the statement: try again
    if claim_hash is not None and not made.claimed:
        raise invalid_code("签到凭证已使用或已过期，请重新扫描现场二维码")
    if made.training_status != TrainingStatus.approved.value:
        raise _not_open()
    existing = await _existing(row, who.person_id)  # a repeated scan: what the first one made
    assert existing is not None
    return existing


async def live_changes(principal: Principal, session_id: int):  # type: ignore[no-untyped-def]
    """The organiser's stream of "the list changed" signals for one session (see services/live.py)."""
    await load_session(principal, session_id)
    return live.changes(session_id)


def _self(principal: Principal, row: dict) -> Who:
    """The calling trainee as a Who, if they may attend the session's training (``row``)."""
    trainee = [g for g in principal.grants if g.role == Role.trainee]
    if principal.person_id is None or not trainee:
        raise Forbidden("not_eligible", "只有学员账号可以签到")
    anyone = row["kind"] == _OPEN_TO_ALL
    grant = next((g for g in trainee if anyone or g.unit_id == row["unit"]), None)
    if grant is None:
        raise Forbidden("not_eligible", "您不是本单位人员，不能参加该培训签到")
    return Who(principal.person_id, grant.unit_id, grant.department_id, principal.account_id, principal.ip)


_ENROLLED_SQL = "SELECT id FROM enrolment WHERE training_class = {} AND person = {} AND status IN ({}, {})"


async def is_enrolled(class_id: int, person_id: int) -> bool:
    """Whether the person's enrolment in a provider's class was confirmed (its sessions are theirs)."""
    rows = await db.fetch(_engine(), _ENROLLED_SQL, class_id, person_id, EnrolmentStatus.enrolled.value,
                          EnrolmentStatus.completed.value)
    return bool(rows)


async def _attendee(principal: Principal, row: dict) -> Who:
    """The calling trainee, if they may attend this session: of the training's unit, anyone for a
    CME project, a confirmed enrolment for a provider's class."""
    return _self(principal, row) if row["training_class"] is None else await _class_attendee(principal, row)


async def _class_attendee(principal: Principal, row: dict) -> Who:
    """The calling trainee, if confirmed in the provider's class this session belongs to
    (one more indexed read, only on a class's sessions: the in-house path stays as it was)."""
    trainee = next((g for g in principal.grants if g.role == Role.trainee), None)
    if principal.person_id is None or trainee is None:
        raise Forbidden("not_eligible", "只有学员账号可以签到")
    if not await is_enrolled(row["training_class"], principal.person_id):
        raise Forbidden("not_eligible", "您未报名该培训班或报名尚未确认，不能签到")
    return Who(principal.person_id, trainee.unit_id, trainee.department_id, principal.account_id, principal.ip)


async def _someone(principal: Principal, person_id: int) -> Who:
    """A person recorded by an organiser, with where they work now."""
    person = await db.fetch(_engine(), "SELECT unit, department FROM person WHERE id = {}", person_id)
    return Who(person_id, person[0]["unit"], person[0]["department"], principal.account_id, principal.ip)


async def check_in_with_code(principal: Principal, session_id: int, code: str, settings: Settings,
                             now: float | None = None) -> CheckinResult:
    now = time.time() if now is None else now
    # On PostgreSQL the check-in statement checks the address's wrong-code count itself:
    # a separate read was one of three round trips per check-in.
    folded = db.engine_kind(_engine()) == "postgresql"
    row = await _open_session_for_code(session_id, code, now, principal.ip, settings, guarded=not folded)
    if not folded:
        return await _record(row, await _attendee(principal, row), method=CheckinMethod.scan)
    room = (throttle.wrong_codes(settings), principal.ip)
    try:
        who = await _attendee(principal, row)
    except Forbidden:
        await throttle.guard(*room)  # a blocked address learns nothing from a right code, as on SQLite
        raise
    return await _record(row, who, method=CheckinMethod.scan, room=room)


async def check_in_with_claim(principal: Principal, claim: str, settings: Settings) -> CheckinResult:
    claim_hash = qr.hash_token(claim)
    rows = await db.fetch(_engine(), "SELECT session, used_at, expires_at FROM checkin_claim WHERE token_hash = {}",
                          claim_hash, types={"used_at": "timestamp", "expires_at": "timestamp"})
    if not rows:
        raise await _wrong_code(principal.ip, settings, "签到凭证无效，请重新扫描现场二维码")
    row = await _open_session_row(rows[0]["session"])
    assert row is not None
    if row["status"] != TrainingStatus.approved.value:
        raise _not_open()
    who = await _attendee(principal, row)
    if rows[0]["used_at"] is not None:
        # The same trainee resubmitting their claim (say, after a timeout) gets
        # their check-in back; anyone else gets nothing from a spent claim.
        existing = await _existing(row, who.person_id)
        if existing is not None:
            return existing
        raise invalid_code("签到凭证已使用或已过期，请重新扫描现场二维码")
    return await _record(row, who, method=CheckinMethod.claim, claim_hash=claim_hash)


async def check_out(principal: Principal, session_id: int, code: str, settings: Settings,
                    now: float | None = None) -> CheckinRead:
    """签退: the second scan of a training that asks for a minimum time present earns the credit."""
    now = time.time() if now is None else now
    row = await _open_session_for_code(session_id, code, now, principal.ip, settings)
    who = await _attendee(principal, row)
    existing = await _existing(row, who.person_id)
    if existing is None:
        raise Conflict("not_checked_in", "您尚未签到，请先扫描签到二维码")
    if existing.body["checked_out_at"] is not None or not row["requires_checkout"]:
        return _checkin_read(existing.body)
    moment = clock.now()
    present = moment - existing.body["checked_in_at"]
    needed = dt.timedelta(minutes=row["min_minutes"])
    if present < needed:
        left = int((needed - present).total_seconds() // 60) + 1
        raise Conflict("too_early", f"签到后须满 {row['min_minutes']} 分钟方可签退，还需约 {left} 分钟")

    def checkout_program() -> Program[bool]:
        updated = yield ("UPDATE checkin SET checked_out_at = {} WHERE id = {} AND checked_out_at IS NULL "
                         "RETURNING id", (moment, existing.body["id"]))
        if updated:
            yield from _credit_program(row, who, moment, "签退")
        return bool(updated)

    updated = await db.run_write(_engine(), checkout_program())
    if updated:
        await live.publish(row["id"])
    result = await _existing(row, who.person_id)
    assert result is not None
    return _checkin_read(result.body)


# -- reverse mode: the tablet scans the trainee's personal code -------------------------

PERSONAL_STEP = qr.DEFAULT_PERSONAL_STEP
# An offline tablet may sync hours later, but a scan can't predate the session
# by more than this, nor come from the future beyond clock drift.
_SCAN_EARLY = dt.timedelta(hours=2)
_SCAN_DRIFT = dt.timedelta(minutes=2)


class PersonalCodeRead(msgspec.Struct, frozen=True):
    payload: str
    person_id: int
    secret: str
    step: int
    expires_in: int


class ScanResult(msgspec.Struct, frozen=True, omit_defaults=True):
    client_id: str
    ok: bool
    created: bool | None = None
    checkin_id: int | None = None
    person_id: int | None = None
    name: str | None = None
    code: str | None = None
    detail: str | None = None


class ScanBatchRead(msgspec.Struct, frozen=True):
    results: list[ScanResult]


async def personal_code(principal: Principal, now: float | None = None) -> PersonalCodeRead:
    """The trainee's rotating personal code, and its secret so the phone can show it offline."""
    if principal.person_id is None:
        raise Forbidden("not_eligible", "只有学员账号有个人签到码")
    now = time.time() if now is None else now
    await Person.update({Person.checkin_secret: qr.new_secret()}).where(
        (Person.id == principal.person_id) & Person.checkin_secret.is_null())
    row = await Person.select(Person.checkin_secret).where(Person.id == principal.person_id).first()
    secret = row["checkin_secret"]
    return PersonalCodeRead(payload=qr.personal_payload(principal.person_id, secret, now, PERSONAL_STEP),
                            person_id=principal.person_id, secret=secret, step=PERSONAL_STEP,
                            expires_in=qr.expires_in(now, PERSONAL_STEP))


async def sync_scans(principal: Principal, session_id: int, items: list[dict]) -> ScanBatchRead:
    """Record what the tablet scanned (possibly offline, synced later): each item on its own."""
    session, training, _ = await load_session(principal, session_id)
    if training["status"] != TrainingStatus.approved.value:
        raise _not_open()
    row = await _session_row(session_id)
    assert row is not None
    now = clock.now()
    parsed_items = [(item, qr.parse_personal_payload(item["payload"])) for item in items]
    person_ids = sorted({p.person_id for _, p in parsed_items if p is not None})
    people = {r["id"]: r for r in await Person.select(Person.id, Person.name, Person.unit, Person.checkin_secret)
              .where(Person.id.is_in(person_ids or [0]))}
    results = []
    for item, parsed in parsed_items:
        client_id = item.get("client_id", "")
        scanned_at = item["scanned_at"]
        person = people.get(parsed.person_id) if parsed else None
        if parsed is None or person is None or not person["checkin_secret"] or not qr.verify_personal(
                parsed, person["checkin_secret"], scanned_at.timestamp(), PERSONAL_STEP):
            results.append(ScanResult(client_id, ok=False, code="invalid_code", detail="个人签到码无效或已过期"))
            continue
        if not (row["starts_at"] - _SCAN_EARLY <= scanned_at <= now + _SCAN_DRIFT):
            results.append(ScanResult(client_id, ok=False, code="invalid_time", detail="扫码时间不在本场次时间内"))
            continue
        if row["training_class"] is None and person["unit"] != row["unit"] and row["kind"] != _OPEN_TO_ALL:
            results.append(ScanResult(client_id, ok=False, code="not_eligible", detail="非本单位人员"))
            continue
        if row["training_class"] is not None and not await is_enrolled(row["training_class"], parsed.person_id):
            results.append(ScanResult(client_id, ok=False, code="not_eligible", detail="未报名该培训班或报名未确认"))
            continue
        recorded = await _record(row, await _someone(principal, parsed.person_id), method=CheckinMethod.reverse,
                                 at=scanned_at)
        results.append(ScanResult(client_id, ok=True, created=recorded.created, checkin_id=recorded.body["id"],
                                  person_id=parsed.person_id, name=person["name"]))
    return ScanBatchRead(results=results)


# -- organiser actions -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ManualCheckin:
    """A 补签: the check-in, and whether this call made it (201) or found it already there (200)."""

    created: bool
    checkin: CheckinRead


async def manual_add(principal: Principal, session_id: int, person_id: int, reason: str) -> ManualCheckin:
    """补签: the organiser adds someone who could not scan, with a reason."""
    if not reason.strip():
        raise Invalid("reason", "请填写补签原因")
    session, training, _ = await load_session(principal, session_id)
    if training["status"] != TrainingStatus.approved.value:
        raise _not_open()
    if training["training_class"] is not None:
        if not await is_enrolled(training["training_class"], person_id):
            raise NotFound("person_not_found", "该人员未报名本培训班或报名未确认")
    elif not await Person.exists().where((Person.id == person_id) & (Person.unit == training["unit"])):
        raise NotFound("person_not_found", "人员不存在或不是本单位人员")
    row = await _session_row(session_id)
    assert row is not None
    result = await _record(row, await _someone(principal, person_id), method=CheckinMethod.manual,
                           reason=reason.strip())
    if result.created:
        await audit.record("checkin_manual", principal=principal, target_type="checkin",
                           target_id=result.body["id"], detail=f"补签：{reason.strip()}")
    return ManualCheckin(created=result.created, checkin=_checkin_read(result.body))


async def undo(principal: Principal, checkin_id: int, reason: str) -> None:
    """Withdraw a check-in made by mistake; its credit goes too while still pending."""
    if not reason.strip():
        raise Invalid("reason", "请填写撤销原因")
    found = await Checkin.select(Checkin.session, Checkin.person, Checkin.training).where(
        Checkin.id == checkin_id).first()
    if found is None:
        raise NotFound("checkin_not_found", "签到记录不存在")
    await load_session(principal, found["session"])
    key = _credit_key(found["training"], found["person"])
    async with Checkin._meta.db.transaction():
        others = await Checkin.count().where(
            (Checkin.training == found["training"]) & (Checkin.person == found["person"])
            & (Checkin.id != checkin_id))
        credit = await Credit.select(Credit.id, Credit.status).where(Credit.dedupe_key == key).first()
        if credit and not others:
            if credit["status"] not in (CreditStatus.pending_dept.value, CreditStatus.returned.value):
                raise Conflict("invalid_state", "该签到的学分已进入审核，不能撤销")
            await Credit.delete().where(Credit.id == credit["id"])
        await Checkin.delete().where(Checkin.id == checkin_id)
        await audit.record("checkin_undo", principal=principal, target_type="checkin", target_id=checkin_id,
                           detail=f"撤销签到：{reason.strip()}")
    await live.publish(found["session"])


class AttendanceRead(msgspec.Struct, frozen=True):
    id: int
    person_id: int
    name: str
    person_no: str
    department_name: str | None
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    method: str
    reason: str
    credit_status: str | None


async def attendance(principal: Principal, session_id: int) -> Page[AttendanceRead]:
    """Who checked in to the session, the latest first."""
    session, training, _ = await load_session(principal, session_id)
    rows = await Checkin.raw(
        "SELECT c.id, c.person AS person_id, p.name, p.person_no, d.name AS department_name, c.checked_in_at, "
        "c.checked_out_at, c.method, c.reason, r.status AS credit_status "
        "FROM checkin c JOIN person p ON p.id = c.person LEFT JOIN department d ON d.id = p.department "
        "LEFT JOIN credit r ON r.training = c.training AND r.person = c.person "
        "AND r.source IN ('attendance', 'project') "
        "WHERE c.session = {} ORDER BY c.checked_in_at DESC, c.id DESC",
        session_id,
    )
    # The rows' keys are exactly AttendanceRead's fields.
    items = [msgspec.convert(r, AttendanceRead) for r in rows]
    return Page(items=items, total=len(items))


async def attendance_csv(principal: Principal, session_id: int) -> tuple[bytes, str]:
    """The attendance list as CSV that Excel opens correctly (UTF-8 with BOM), formula-safe."""
    from urllib.parse import quote

    session, training, _ = await load_session(principal, session_id)
    rows = (await attendance(principal, session_id)).items
    header = ["序号", "姓名", "人员编号", "科室", "签到时间", "签退时间", "方式", "备注", "学分状态"]
    lines = [[
        index, r.name, r.person_no, r.department_name or "",
        r.checked_in_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
        r.checked_out_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S") if r.checked_out_at else "",
        label(CHECKIN_METHOD, r.method), r.reason, label(CREDIT_STATUS, r.credit_status),
    ] for index, r in enumerate(reversed(rows), start=1)]
    day = session["starts_at"].astimezone(CHINA).strftime("%Y%m%d")
    return exports.csv_bytes(header, lines), quote(f"{training['title']}-{day}-签到表.csv")

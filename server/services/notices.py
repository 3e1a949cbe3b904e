"""Nothing missed (issue 13): notices a user must see, and the SMS each one sends.

A credit returned or rejected makes a notice for its person's account, in the same
transaction as the transition; the home card, the dot on the 学分 tab and the pinned
item read them. An organiser's "提醒单位审核" makes one for each admin of the unit.
A notice with a phone is also an SMS outbox row: :func:`deliver_pending` sends each
once (a conditional UPDATE claims it first), after the request that made it, and
again later for any left behind by a crash or a gateway failure.
"""

from __future__ import annotations

import datetime as dt
import logging

import msgspec

from server import db
from server.clock import china_time, now
from server.services import audit
from server.services.errors import Conflict, NotFound
from server.services.principal import Principal
from server.services.sms import SmsGateway
from server.services.trainings import load
from server.tables import Credit, Notice, Training, TrainingSession
from server.tables.enums import CreditStatus, NoticeKind, Role, TrainingStatus

log = logging.getLogger(__name__)

# One reminder a day per training: each texts every admin of the unit.
REMIND_EVERY = dt.timedelta(hours=20)
_SMS_TITLE_MAX = 20


class ReturnedRead(msgspec.Struct, frozen=True):
    credit_id: int
    title: str
    reason: str


class NoticeRead(msgspec.Struct, frozen=True):
    id: int
    kind: str
    title: str
    detail: str
    credit_id: int | None
    training_id: int | None
    created_at: dt.datetime


class AttentionRead(msgspec.Struct, frozen=True):
    """What the home card, the tab dot and the pinned items show: credits to fix, notices unread."""

    count: int  # of both lists
    returned: list[ReturnedRead]
    notices: list[NoticeRead]


def _short(title: str) -> str:
    return title if len(title) <= _SMS_TITLE_MAX else title[: _SMS_TITLE_MAX - 1] + "…"


_PHONE_OF_PERSON = """
SELECT a.id AS account_id, COALESCE(NULLIF(a.phone, ''), p.phone, '') AS phone
FROM account a JOIN person p ON p.id = a.person WHERE a.person = {} AND a.status = 'active' LIMIT 1
"""


async def credit_reviewed(credit_id: int, person_id: int, title: str, to: CreditStatus, reason: str) -> None:
    """The notice of a returned or rejected credit (call inside the transition's transaction)."""
    rows = await db.fetch(Notice._meta.db, _PHONE_OF_PERSON, person_id)
    if not rows:
        return  # a person with no account reads nothing here
    kind = NoticeKind.credit_returned if to == CreditStatus.returned else NoticeKind.credit_rejected
    await Notice.insert(Notice(account=rows[0]["account_id"], kind=kind, credit=credit_id, title=title[:200],
                               detail=reason[:500], sms_phone=rows[0]["phone"] or ""))


def _sms_text(kind: str, title: str, detail: str) -> str:
    if kind == NoticeKind.credit_returned.value:
        return f"【继教】您的学分“{_short(title)}”被退回：{_short(detail)}。请登录继教修改后重新提交。"
    if kind == NoticeKind.credit_rejected.value:
        return f"【继教】您的学分“{_short(title)}”未通过审核：{_short(detail)}。详情请登录继教查看。"
    if kind in (NoticeKind.compliance_reminder.value, NoticeKind.compliance_digest.value):
        return detail  # the whole message already (services/reminders.py)
    return f"【继教】{title}。请登录继教处理。"


async def deliver_pending(gateway: SmsGateway, limit: int = 500) -> int:
    """Send the SMS of notices not yet sent; each is claimed first, so it goes out once. Returns how many."""
    rows = await (Notice.select(Notice.id, Notice.kind, Notice.title, Notice.detail, Notice.sms_phone)
                  .where(Notice.sms_sent_at.is_null() & (Notice.sms_phone != "")).order_by(Notice.id).limit(limit))
    sent = 0
    for row in rows:
        claimed = await Notice.update({Notice.sms_sent_at: now()}).where(
            (Notice.id == row["id"]) & Notice.sms_sent_at.is_null()).returning(Notice.id)
        if not claimed:
            continue  # another worker has it
        try:
            await gateway.send(row["sms_phone"], "notice", "", _sms_text(row["kind"], row["title"], row["detail"]))
            sent += 1
        except Exception:  # noqa: BLE001 - a gateway failure must not lose the notice: retried next time
            log.exception("SMS for notice %s failed; it stays pending", row["id"])
            await Notice.update({Notice.sms_sent_at: None}).where(Notice.id == row["id"])
    return sent


# -- reading -------------------------------------------------------------------


async def attention(principal: Principal) -> AttentionRead:
    returned: list[ReturnedRead] = []
    if principal.person_id is not None:
        rows = await (Credit.select(Credit.id, Credit.title, Credit.reason, Credit.updated_at)
                      .where((Credit.person == principal.person_id) & (Credit.status == CreditStatus.returned.value))
                      .order_by(Credit.updated_at, ascending=False))
        returned = [ReturnedRead(credit_id=r["id"], title=r["title"], reason=r["reason"]) for r in rows]
    # A returned credit is listed above as one to fix for as long as it is returned (its notice
    # carried the SMS); the other notices stay until read.
    rows = await (Notice.select(Notice.id, Notice.kind, Notice.title, Notice.detail, Notice.credit,
                                Notice.training, Notice.created_at)
                  .where((Notice.account == principal.account_id) & Notice.read_at.is_null()
                         & (Notice.kind != NoticeKind.credit_returned.value))
                  .order_by(Notice.created_at, ascending=False).limit(50))
    notices = [NoticeRead(id=r["id"], kind=r["kind"], title=r["title"], detail=r["detail"], credit_id=r["credit"],
                          training_id=r["training"], created_at=r["created_at"]) for r in rows]
    return AttentionRead(count=len(returned) + len(notices), returned=returned, notices=notices)


async def mark_read(principal: Principal, *, notice_id: int | None = None, credit_id: int | None = None) -> int:
    """Mark the caller's unread notices read (one, or all of one credit); how many were."""
    where = (Notice.account == principal.account_id) & Notice.read_at.is_null()
    if notice_id is not None:
        where = where & (Notice.id == notice_id)
    if credit_id is not None:
        where = where & (Notice.credit == credit_id)
    done = await Notice.update({Notice.read_at: now()}).where(where).returning(Notice.id)
    if notice_id is not None and not done:
        exists = await Notice.exists().where((Notice.id == notice_id) & (Notice.account == principal.account_id))
        if not exists:
            raise NotFound("notice_not_found", "提醒不存在")
    return len(done)


# -- the organiser's reminder to the unit -------------------------------------------


_UNIT_ADMINS = """
SELECT a.id AS account_id, COALESCE(MIN(c.phone), NULLIF(a.phone, ''), '') AS phone
FROM role_grant g JOIN account a ON a.id = g.account LEFT JOIN admin_contact c ON c.account = a.id
WHERE g.role = {} AND g.unit = {} AND a.status = 'active' GROUP BY a.id, a.phone
"""


async def remind_unit(principal: Principal, training_id: int) -> int:
    """Ask the unit's admins to review a submitted training (its department's organisers, once a day).

    Returns how many admins were told; 409 ``invalid_state`` unless submitted, 409
    ``already_reminded`` within a day of the last reminder.
    """
    training, acc = await load(principal, training_id)
    if not acc.department:
        raise NotFound("training_not_found", "培训不存在或无权查看")
    if training["status"] != TrainingStatus.submitted.value:
        raise Conflict("invalid_state", "只有已提交、待单位审核的培训可以提醒审核")
    first = await (TrainingSession.select(TrainingSession.starts_at).where(TrainingSession.training == training_id)
                   .where(TrainingSession.starts_at > now()).order_by(TrainingSession.starts_at).first())
    when = f"（{china_time(first['starts_at']):%m月%d日 %H:%M} 开始）" if first else ""
    title = f"{training['department_name']}提醒您审核培训“{training['title'][:60]}”{when}"
    moment = now()
    admins = await db.fetch(Notice._meta.db, _UNIT_ADMINS, Role.unit_admin.value, training["unit"])
    async with Training._meta.db.transaction():
        claimed = await Training.update({Training.reminded_at: moment}).where(
            (Training.id == training_id) & (Training.status == TrainingStatus.submitted.value)
            & (Training.reminded_at.is_null() | (Training.reminded_at < moment - REMIND_EVERY))
        ).returning(Training.id)
        if not claimed:
            raise Conflict("already_reminded", "今天已提醒过单位审核，请耐心等待")
        for admin in admins:
            await Notice.insert(Notice(account=admin["account_id"], kind=NoticeKind.training_reminder,
                                       training=training_id, title=title, sms_phone=admin["phone"] or ""))
        await audit.record("training_remind", principal=principal, target_type="training", target_id=training_id,
                           detail=f"提醒单位审核《{training['title']}》")
    return len(admins)


"""Display links: the lecture-hall PC or projector shows a session's rotating code and live count
with no login (a link the organiser makes and can end at once; it dies with its session).

The link carries a 128-bit token of which only the hash is kept. What it shows is the
check-in QR and the number checked in (or out): no names, nothing to act on.
"""

from __future__ import annotations

import datetime as dt
import re
import time

import msgspec

import qr
from server import db
from server.clock import now
from server.services import audit
from server.services.attendance import checkin_url
from server.services.errors import Conflict, NotFound
from server.services.principal import Principal
from server.services.results import Page
from server.services.trainings import load_session
from server.tables import DisplayLink
from server.tables.enums import QrPhase, TrainingStatus


class DisplayLinkRead(msgspec.Struct, frozen=True):
    """A link just made: the only time its URL (and so its token) is shown."""

    id: int
    url: str
    expires_at: dt.datetime
    phase: str


class LiveLinkRead(msgspec.Struct, frozen=True):
    id: int
    phase: str
    created_at: dt.datetime
    expires_at: dt.datetime


class DisplayRead(msgspec.Struct, frozen=True):
    """What the display shows now. ``url``/``code`` are None while check-in is not open."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    phase: str
    open: bool
    url: str | None
    code: str | None
    interval: int
    expires_in: int
    checked_in: int
    checked_out: int
    expires_at: dt.datetime


_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _not_found() -> NotFound:
    return NotFound("display_link_not_found", "投屏链接已结束或不存在")


async def create(principal: Principal, session_id: int, phase: QrPhase, base_url: str) -> DisplayLinkRead:
    """A new link for a session the caller organises; 409 once the session is over."""
    session, training, _ = await load_session(principal, session_id)
    if session["ends_at"] <= now():
        raise Conflict("session_ended", "该场次已结束，不能再投屏")
    token = qr.new_display_token()
    async with DisplayLink._meta.db.transaction():
        link = DisplayLink(session=session_id, token_hash=qr.hash_token(token), phase=phase,
                           created_by=principal.account_id)
        await link.save()
        await audit.record("display_link_create", principal=principal, target_type="display_link",
                           target_id=link.id, detail=f"为《{training['title']}》开启投屏链接")
    return DisplayLinkRead(id=link.id, url=qr.display_url(base_url, token), expires_at=session["ends_at"],
                           phase=phase.value)


_LIVE_SQL = """
SELECT l.id, l.phase, l.created_at, s.ends_at FROM display_link l JOIN training_session s ON s.id = l.session
WHERE l.session = {} AND l.ended_at IS NULL AND s.ends_at > {} ORDER BY l.id
"""


async def live_links(principal: Principal, session_id: int) -> Page[LiveLinkRead]:
    """The session's links still showing (their tokens are not kept: a lost one is ended, not re-shown)."""
    await load_session(principal, session_id)
    rows = await db.fetch(DisplayLink._meta.db, _LIVE_SQL, session_id, now(),
                          types={"created_at": "timestamp", "ends_at": "timestamp"})
    items = [LiveLinkRead(id=r["id"], phase=r["phase"], created_at=r["created_at"], expires_at=r["ends_at"])
             for r in rows]
    return Page(items=items, total=len(items))


async def end(principal: Principal, link_id: int) -> None:
    """End a live link at once; 404 for a link the caller may not run, or one already over."""
    link = await DisplayLink.select(DisplayLink.session).where(DisplayLink.id == link_id).first()
    if link is None:
        raise _not_found()
    try:
        session, training, _ = await load_session(principal, link["session"])
    except NotFound:
        raise _not_found() from None
    moment = now()
    if session["ends_at"] <= moment:
        raise _not_found()
    async with DisplayLink._meta.db.transaction():
        ended = await DisplayLink.update({DisplayLink.ended_at: moment}).where(
            (DisplayLink.id == link_id) & DisplayLink.ended_at.is_null()).returning(DisplayLink.id)
        if not ended:
            raise _not_found()
        await audit.record("display_link_end", principal=principal, target_type="display_link",
                           target_id=link_id, detail=f"结束《{training['title']}》的投屏链接")


# The display polls every few seconds: one read for the link, its session and training, one for the counts.
_STATE_SQL = """
SELECT l.phase, s.id AS session_id, s.secret, s.step, s.starts_at, s.ends_at, s.location, t.title, t.status
FROM display_link l JOIN training_session s ON s.id = l.session JOIN training t ON t.id = s.training
WHERE l.token_hash = {} AND l.ended_at IS NULL
"""
_COUNT_SQL = "SELECT COUNT(*) AS checked_in, COUNT(checked_out_at) AS checked_out FROM checkin WHERE session = {}"


async def state(token: str, base_url: str, at: float | None = None) -> DisplayRead:
    """What the display link ``token`` shows now (no login); 404 once it is ended or its session is over."""
    if not _TOKEN_SHAPE.match(token):
        raise _not_found()  # names no link: answered like one that ended
    at = time.time() if at is None else at
    engine = DisplayLink._meta.db
    rows = await db.fetch(engine, _STATE_SQL, qr.hash_token(token),
                          types={"starts_at": "timestamp", "ends_at": "timestamp"})
    if not rows or rows[0]["ends_at"].timestamp() <= at:
        raise _not_found()
    row = rows[0]
    counts = (await db.fetch(engine, _COUNT_SQL, row["session_id"]))[0]
    is_open = row["status"] == TrainingStatus.approved.value
    code = qr.code_at(row["secret"], at, row["step"]) if is_open else None
    url = checkin_url(base_url, row["session_id"], code, row["phase"]) if code is not None else None
    return DisplayRead(title=row["title"], starts_at=row["starts_at"], ends_at=row["ends_at"],
                       location=row["location"], phase=row["phase"], open=is_open, url=url, code=code,
                       interval=row["step"], expires_in=qr.expires_in(at, row["step"]),
                       checked_in=int(counts["checked_in"]), checked_out=int(counts["checked_out"]),
                       expires_at=row["ends_at"])


async def qr_url(token: str, base_url: str) -> str:
    """The URL the display's QR encodes now; 409 while check-in is not open."""
    now_state = await state(token, base_url)
    if now_state.url is None:
        raise Conflict("training_not_open", "该培训当前不在签到中（未审核通过或已结束）")
    return now_state.url

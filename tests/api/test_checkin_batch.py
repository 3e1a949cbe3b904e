"""PostgreSQL: check-ins that arrive together are written by one statement, each with its own answer.

services/checkin_batch.py is PostgreSQL's path (SQLite's group commit runs programs instead),
so these run on PostgreSQL; the API tests of check-ins run through it on PostgreSQL too.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from server.services import checkin_batch, ledger, throttle
from server.tables import Checkin, Credit, CreditEvent, Person, Throttle
from server.tables.enums import CreditClass, CreditSource, CreditStatus
from tests.api.attendance_helpers import create_training, open_session
from tests.api.conftest import login
from tests.conftest import USING_POSTGRES

pytestmark = pytest.mark.skipif(not USING_POSTGRES, reason="the batched check-in statement is PostgreSQL's")

BLOCKED = "6.6.6.6"


@pytest.fixture
def setting(client, fresh_settings):  # type: ignore[no-untyped-def]
    """An approved training with a session, a draft training, five people of the unit, the wrong-code limit."""
    dept = login(client, "dept1")
    training, session = open_session(client, dept, login(client, "unit1"))
    draft = create_training(client, dept, title="未提交的培训")

    async def people() -> list[dict]:
        return await Person.select(Person.id, Person.unit, Person.department).where(
            Person.unit == training["unit_id"]).order_by(Person.id).limit(5)

    return {"training": training, "session": session, "draft": draft,
            "people": client.blocking_portal.call(people), "limit": throttle.wrong_codes(fresh_settings)}


def _item(setting: dict, person: dict, **changes) -> checkin_batch.Pending:
    training = setting["training"]
    credit = ledger.NewCredit(
        person_id=person["id"], unit_id=person["unit"], department_id=person["department"], year=2026,
        activity_date=dt.date(2026, 12, 6), credit_class=CreditClass.class_ii, title=training["title"],
        credits=Decimal("0.50"), hours=Decimal("2.00"), source=CreditSource.attendance,
        status=CreditStatus.pending_dept, created_by=None, ip="10.0.0.1",
        dedupe_key=f"attendance:{training['id']}:{person['id']}", training_id=training["id"], event_reason="签到")
    item = checkin_batch.Pending(
        session_id=setting["session"]["id"], training_id=training["id"], person_id=person["id"], account_id=None,
        method="scan", reason="", at=None, claim_hash=None, room=(setting["limit"], "10.0.0.1"), credit=credit)
    return dataclasses.replace(item, **changes)


def _together(client, items: list[checkin_batch.Pending]) -> list:  # type: ignore[no-untyped-def]
    """Write ``items`` as they would arrive in one burst: one batch (and return each one's answer or error)."""

    async def burst() -> list:
        return await asyncio.gather(*(checkin_batch.write(Checkin._meta.db, item) for item in items),
                                    return_exceptions=True)

    return client.blocking_portal.call(burst)


def _block(client, setting: dict) -> None:  # type: ignore[no-untyped-def]
    limit = setting["limit"]
    now = int(dt.datetime.now(dt.timezone.utc).timestamp())

    async def block() -> None:
        await Throttle.insert(Throttle(scope=limit.scope, subject=BLOCKED, period=now // limit.window,
                                       hits=limit.most, prev_hits=0, touched=now))

    client.blocking_portal.call(block)


def test_each_check_in_of_a_batch_gets_its_own_answer(client, setting) -> None:
    _block(client, setting)
    a, b, c, d, e = setting["people"]
    made = _together(client, [
        _item(setting, a),
        _item(setting, b, claim_hash="no-such-claim"),
        _item(setting, c, room=(setting["limit"], BLOCKED)),
        _item(setting, d, training_id=setting["draft"]["id"], credit=None),
        _item(setting, e, credit=None),  # a training that wants a check-out first: no credit yet
    ])
    assert [m.id is not None for m in made] == [True, False, False, False, True]
    assert made[0].credit_id is not None and made[0].status == "pending_dept" and made[0].credits == Decimal("0.50")
    assert made[4].credit_id is None
    assert (made[1].claimed, made[1].room) == (False, True)
    assert (made[2].claimed, made[2].room) == (True, False)
    assert made[3].training_status == "draft" and made[0].training_status == "approved"

    async def written() -> tuple:
        return (await Checkin.count(), await Credit.count(),
                await CreditEvent.select(CreditEvent.credit, CreditEvent.to_status, CreditEvent.reason))

    checkins, credits, events = client.blocking_portal.call(written)
    assert (checkins, credits) == (2, 1)
    assert events == [{"credit": made[0].credit_id, "to_status": "pending_dept", "reason": "签到"}]


def test_a_repeated_scan_in_the_same_burst_goes_to_the_next_batch(client, setting) -> None:
    person = setting["people"][0]
    # Without credits (a training that wants a check-out first): nothing else would keep them apart.
    first, again = _together(client, [_item(setting, person, credit=None), _item(setting, person, credit=None)])
    assert first.id is not None
    # The second found the first one's row: nothing made, every condition held (a repeated scan).
    assert again.id is None and (again.claimed, again.room, again.training_status) == (True, True, "approved")


def test_one_check_in_that_breaks_the_statement_fails_alone(client, setting) -> None:
    a, b = setting["people"][:2]
    ghost = {"id": 2**31 - 7, "unit": a["unit"], "department": a["department"]}  # no such person
    made = _together(client, [_item(setting, a), _item(setting, ghost), _item(setting, b)])
    assert made[0].id is not None and made[2].id is not None
    assert isinstance(made[1], Exception) and "foreign key" in str(made[1])


def test_a_lone_check_in_is_a_batch_of_one(client, setting) -> None:
    person = setting["people"][0]
    (made,) = _together(client, [_item(setting, person, reason="补签", method="manual")])

    async def row() -> dict:
        return await Checkin.select(Checkin.method, Checkin.reason).where(Checkin.id == made.id).first()

    assert client.blocking_portal.call(row) == {"method": "manual", "reason": "补签"}

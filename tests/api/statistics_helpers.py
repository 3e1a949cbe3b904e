"""A small generated unit for the statistics tests: records made through the ledger and the review.

Records are born the way the sources make them (``ledger.create``: effective at
birth as a provider class or a course exam is, or pending as a check-in is),
some pending ones are approved through the API (the two-level review), and one
effective one is revoked, so the per person-year totals are kept by the same
writes production makes.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from server import clock

YEAR = clock.today().year
# (source, class, category, rule_code)
KINDS = [
    ("attendance", "II", "professional", ""),
    ("project", "I", "professional", ""),
    ("personal", "II", "professional", "self_training"),
    ("personal", "I", "professional", "out_national"),
    ("class", "II", "elective", ""),
    ("course", "II", "public", ""),
    ("speaker", "II", "professional", ""),
    ("course", "I", "public", ""),
]
CREDITS = ["0.5", "1", "1.5", "2", "3", "5", "8"]
HOURS = ["0", "1", "3", "6", "2.5"]


def _day(rng: random.Random) -> dt.date:
    last = clock.today() if clock.today().year == YEAR else dt.date(YEAR, 12, 31)
    return dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange((last - dt.date(YEAR, 1, 1)).days + 1))


def generate(client, seed: int = 7, *, per_person: tuple[int, int] = (0, 16)) -> dict:
    """Records for every person of the demo set in ``YEAR``; returns {"pending": [ids of 内科 pending]}."""
    from server import db
    from server.services import ledger
    from server.tables import Credit, Person
    from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus

    rng = random.Random(seed)

    async def make() -> list[int]:
        people = await Person.select(Person.id, Person.unit, Person.department,
                                     Person.department.name.as_alias("department_name"),
                                     Person.unit.name.as_alias("unit_name"))
        waiting = []
        # One transaction for all of them: the same programs, a fraction of the commits.
        async with Credit._meta.db.transaction():
            await _make(people, waiting)
        return waiting

    async def _make(people, waiting) -> None:
        for person in people:
            for n in range(rng.randint(*per_person)):
                source, klass, category, rule = rng.choice(KINDS)
                pending = rng.random() < 0.2
                born = await db.run_write(Credit._meta.db, ledger.create(ledger.NewCredit(
                    person_id=person["id"], unit_id=person["unit"], department_id=person["department"], year=YEAR,
                    activity_date=_day(rng), credit_class=CreditClass(klass), category=CreditCategory(category),
                    title=f"统计测试活动{n}", credits=Decimal(rng.choice(CREDITS)), hours=Decimal(rng.choice(HOURS)),
                    source=CreditSource(source), status=CreditStatus.pending_dept if pending else CreditStatus.effective,
                    created_by=None, rule_code=rule)))
                if pending and person["unit_name"] == "示例第一医院" and person["department_name"] == "内科":
                    waiting.append(born.id)

    return {"pending": client.blocking_portal.call(make)}


def approve(client, as_user, credit_ids: list[int]) -> None:
    """The two-level review, through the API."""
    dept, unit = as_user("dept1"), as_user("unit1")
    for credit_id in credit_ids:
        assert client.post(f"/api/credits/{credit_id}/approve", headers=dept).status_code == 200
        assert client.post(f"/api/credits/{credit_id}/approve", headers=unit).json()["status"] == "effective"


def revoke(client, as_user, credit_id: int) -> None:
    response = client.post(f"/api/credits/{credit_id}/revoke", headers=as_user("unit1"), json={"reason": "重复录入"})
    assert response.json()["status"] == "revoked", response.text


def compliance_of(client, headers, person_id: int, **params) -> dict:
    response = client.get(f"/api/people/{person_id}/compliance", params={"year": YEAR, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def verdict(answer: dict) -> tuple[bool, float]:
    """(passed, counted credits) as a person's compliance says: every result passes (one at least);
    credits as the first result counted them."""
    results = answer["results"]
    return bool(results) and all(r["passed"] for r in results), (results[0]["counted_credits"] if results else 0.0)


def counted_people(client, headers) -> list[dict]:
    """The active people who join CME, as GET /api/people lists them for ``headers``."""
    people, page = [], 1
    while True:
        data = client.get("/api/people", params={"page": page, "page_size": 100}, headers=headers).json()
        people += data["items"]
        if len(people) >= data["total"]:
            break
        page += 1
    return [p for p in people if p["joins_cme"] and p["status"] == "正常"]

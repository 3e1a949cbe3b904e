"""Records of the hours-based sources: a provider's class and a public course (Guangdong, 人社 25号令).

Both make an effective record at once (the provider, or the exam, is the check),
through the one credit-creating function of services/ledger.py. Their unit is
学时; where a sector counts 学分, Guangdong counts 1 学时 = 1 学分 (shared/RULES.md,
"reprint"), so the record carries the same number as credits. The I/II class
of the national CME schemes does not apply to them; they are filed as class II
(a unit's or provider's own activities), which no hours-based standard reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from server import db
from server.services import ledger
from server.tables import Credit
from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus

CREDIT_CLASS = CreditClass.class_ii


@dataclass(frozen=True, slots=True)
class HoursRecord:
    person_id: int
    unit_id: int
    department_id: int | None
    year: int
    day: dt.date
    title: str
    hours: Decimal
    category: CreditCategory
    source: CreditSource
    # One record per activity and person, however often it is confirmed or passed.
    dedupe_key: str
    account_id: int
    ip: str
    event_reason: str


async def record(new: HoursRecord, moment: dt.datetime) -> ledger.Born | None:
    """The effective record (in the caller's transaction when there is one); None if its key exists."""
    return await db.run_write(Credit._meta.db, ledger.create(ledger.NewCredit(
        person_id=new.person_id, unit_id=new.unit_id, department_id=new.department_id, year=new.year,
        activity_date=new.day, credit_class=CREDIT_CLASS, title=new.title, credits=new.hours, hours=new.hours,
        source=new.source, status=CreditStatus.effective, created_by=new.account_id, ip=new.ip,
        category=new.category, dedupe_key=new.dedupe_key, effective_at=moment, event_reason=new.event_reason,
    ), moment))

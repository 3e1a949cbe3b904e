"""The one credit ledger and its transition log."""

from decimal import Decimal

from piccolo.columns import Date, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import CreditCategory, CreditClass, CreditSource, CreditStatus
from server.tables.organisation import Department, Unit
from server.tables.person import Person
from server.tables.rule import CreditRule
from server.tables.training import Training


class Credit(Table):
    """A credit record: credits and hours kept apart (national rules convert differently)."""

    # Indexed through the composites (person, year), (unit, status) and
    # (department, status) of migration jijiao_0101: every index is paid for on each
    # check-in, so none is kept twice.
    person = ForeignKey(Person)
    # Where the person was when the record was made: the review queues are
    # "my department's" and "my unit's" records, answered without a join.
    unit = ForeignKey(Unit)
    department = ForeignKey(Department, null=True)
    year = Integer()
    activity_date = Date()
    credit_class = Varchar(length=4, choices=CreditClass)
    # 公需/专业/选修 for the hours-based schemes; CME schemes count by class.
    category = Varchar(length=12, choices=CreditCategory, default=CreditCategory.professional)
    rule_code = Varchar(length=40, default="")
    # Personal entries (seed 001 §5.2): the catalogue rule and what was
    # declared; credits are computed from these on the server.
    rule = ForeignKey(CreditRule, null=True, default=None, on_delete=OnDelete.set_null)
    quantity = Numeric(digits=(8, 2), null=True, default=None)
    author_position = Integer(null=True, default=None)
    project_no = Varchar(length=50, default="")
    organiser = Varchar(length=100, default="")
    title = Varchar(length=200)
    credits = Numeric(digits=(6, 2))
    hours = Numeric(digits=(6, 2), default=Decimal("0"))
    source = Varchar(length=10, choices=CreditSource)
    training = ForeignKey(Training, null=True, index=True)
    status = Varchar(length=14, choices=CreditStatus)
    # Natural key of the activity, unique while set: one attendance credit per
    # person and training, one personal entry per rule, date and title.
    dedupe_key = Varchar(length=300, null=True, default=None, unique=True)
    reason = Text(default="")
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    effective_at = Timestamptz(null=True, default=None)


class CreditEvent(Table):
    """Every state transition of a credit: who, when, from, to, why, from where."""

    credit = ForeignKey(Credit, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz(default=TimestamptzNow())
    account = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    from_status = Varchar(length=14, default="")
    to_status = Varchar(length=14)
    reason = Text(default="")
    ip = Varchar(length=64, default="")


class Certificate(Table):
    """An issued certificate; ``code`` is what its QR verifies."""

    code = Varchar(length=20, unique=True)
    person = ForeignKey(Person, index=True)
    year = Integer()
    issued_at = Timestamptz(default=TimestamptzNow())
    credits_total = Numeric(digits=(8, 2))
    # The lines printed, as JSON, so verification shows what the paper says.
    snapshot = Text(default="")

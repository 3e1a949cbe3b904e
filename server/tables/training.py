"""In-house trainings (院内培训, seed 001 §4.1), their sessions, courses and attendance."""

from piccolo.columns import Boolean, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.account import Account
from server.tables.enums import CheckinMethod, CreditCategory, CreditClass, QrPhase, TrainingKind, TrainingStatus
from server.tables.organisation import Department, Unit
from server.tables.person import Person
from server.tables.provider import TrainingClass


class Training(Table):
    department = ForeignKey(Department, index=True)
    # Denormalised from the department: unit queues and eligibility need no join.
    unit = ForeignKey(Unit, index=True)
    year = Integer(index=True)
    title = Varchar(length=200)
    credit_class = Varchar(length=4, choices=CreditClass)
    category = Varchar(length=12, choices=CreditCategory, default=CreditCategory.professional)
    credits = Numeric(digits=(6, 2))
    hours = Numeric(digits=(6, 2))
    discipline = Varchar(length=50, default="")  # 二级学科
    subdiscipline = Varchar(length=50, default="")  # 三级学科
    format = Varchar(length=20, default="面授")  # 举办方式
    assessment = Varchar(length=20, default="")  # 考核方式
    other_no = Varchar(length=50, default="")  # 其他编号
    remark = Text(default="")
    status = Varchar(length=10, choices=TrainingStatus, default=TrainingStatus.draft, index=True)
    requires_checkout = Boolean(default=False)
    min_minutes = Integer(default=0)
    review_reason = Text(default="")
    # The organiser's last "提醒单位审核" (one a day: each one texts the unit's admins).
    reminded_at = Timestamptz(null=True, default=None)
    # Set on the Training a provider's class owns for its attendance sessions
    # (its unit and department are then empty): check-ins of its sessions are
    # for the class's confirmed enrolments and earn no credit by themselves.
    # Unique through migration jijiao_0101's index (SQLite cannot ALTER in a UNIQUE column).
    training_class = ForeignKey(TrainingClass, null=True, on_delete=OnDelete.cascade)
    # A delegated CME project runs its sessions, QR check-in and review queue
    # through a training row of kind "project" (server/services/projects.py).
    kind = Varchar(length=10, choices=TrainingKind, default=TrainingKind.inhouse)
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class TrainingSession(Table, tablename="training_session"):
    """One sitting of a training; its secret drives the rotating QR code."""

    training = ForeignKey(Training, on_delete=OnDelete.cascade, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    location = Varchar(length=100, default="")
    secret = Varchar(length=64, secret=True)
    step = Integer(default=20)
    created_at = Timestamptz(default=TimestamptzNow())


class TrainingCourse(Table):
    """A course within a training, with its speaker (主讲人)."""

    training = ForeignKey(Training, on_delete=OnDelete.cascade, index=True)
    title = Varchar(length=200)
    speaker = ForeignKey(Person, null=True)
    speaker_name = Varchar(length=50, default="")
    hours = Numeric(digits=(6, 2))
    sort_order = Integer(default=0)


class Checkin(Table):
    """A person's presence at a session; at most one per (session, person)."""

    # Indexed by the unique (session, person) of migration jijiao_0101.
    session = ForeignKey(TrainingSession)
    training = ForeignKey(Training, index=True)
    person = ForeignKey(Person, index=True)
    checked_in_at = Timestamptz(default=TimestamptzNow())
    checked_out_at = Timestamptz(null=True, default=None)
    method = Varchar(length=10, choices=CheckinMethod, default=CheckinMethod.scan)
    recorded_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    reason = Varchar(length=200, default="")
    undone_at = Timestamptz(null=True, default=None)


class CheckinClaim(Table, tablename="checkin_claim"):
    """A short-lived, single-use proof that this browser scanned a valid code."""

    token_hash = Varchar(length=64, unique=True)
    session = ForeignKey(TrainingSession, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class DisplayLink(Table, tablename="display_link"):
    """A no-login link to one session's rotating code and live count (the lecture-hall PC or projector).

    Only a hash of its token is kept; it works until ended or until its session ends.
    """

    session = ForeignKey(TrainingSession, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)
    phase = Varchar(length=10, choices=QrPhase, default=QrPhase.checkin)
    created_by = ForeignKey(Account, null=True, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    ended_at = Timestamptz(null=True, default=None)

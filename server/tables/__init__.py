"""Piccolo tables, one module per aggregate."""

from server.tables.account import Account, LoginAttempt, LoginSession, RoleGrant
from server.tables.audit import AuditLog
from server.tables.credit import Certificate, Credit, CreditEvent
from server.tables.organisation import Department, Region, Unit
from server.tables.person import Person, PersonYear
from server.tables.registration import Registration, SmsCode
from server.tables.training import Checkin, CheckinClaim, Training, TrainingCourse, TrainingSession

ALL_TABLES = (
    Region,
    Unit,
    Department,
    Person,
    PersonYear,
    Account,
    RoleGrant,
    LoginSession,
    LoginAttempt,
    AuditLog,
    Training,
    TrainingSession,
    TrainingCourse,
    Checkin,
    CheckinClaim,
    Credit,
    CreditEvent,
    Certificate,
    SmsCode,
    Registration,
)

__all__ = [t.__name__ for t in ALL_TABLES] + ["ALL_TABLES"]

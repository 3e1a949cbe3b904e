"""Piccolo tables, one module per aggregate."""

from server.tables.account import Account, LoginAttempt, LoginSession, RoleGrant
from server.tables.audit import AuditLog
from server.tables.organisation import Department, Region, Unit
from server.tables.person import Person, PersonYear

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
)

__all__ = [t.__name__ for t in ALL_TABLES] + ["ALL_TABLES"]

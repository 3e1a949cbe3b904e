"""Boundary types shared by several controllers."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import msgspec
from litestar.params import PathParameter, QueryParameter

from server.services.principal import Principal
from server.services.results import (  # noqa: F401 - the boundary's names for them
    BatchRead,
    BatchResult,
    Page,
    StatusRead,
)


# Ids are 64-bit integers in both databases; a larger number can name nothing
# (and SQLite would overflow binding it), so the boundary refuses it.
MAX_ID = 2**63 - 1
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
QueryId = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
# Text that must say something: "   " is as empty as "" (errors.py words the pattern).
NOT_BLANK = r"\S"


def text(most: int) -> Any:
    """A required text field of at most ``most`` characters, not all whitespace."""
    return Annotated[str, msgspec.Meta(min_length=1, max_length=most, pattern=NOT_BLANK)]

# 公需 / 专业 / 选修 (tables.enums.CreditCategory), as the API speaks them.
Category = Literal["public", "professional", "elective"]


# A reason given when returning, rejecting or refusing something (optional unless a service says not).
Reason = Annotated[str, msgspec.Meta(max_length=500)]


class ReasonUpdate(msgspec.Struct):
    reason: Reason = ""


class BatchUpdate(msgspec.Struct):
    """Approve or reject many requests at once (registrations, employer bindings)."""

    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=200)]
    action: Literal["approve", "reject"]
    reason: Reason = ""


class RoleRead(msgspec.Struct):
    role: str
    scope_id: int | None
    scope_name: str


class UserRead(msgspec.Struct, omit_defaults=True):
    id: int
    username: str
    name: str
    roles: list[RoleRead]
    person_id: int | None
    must_change_password: bool
    # False while a trainee must still complete the basic profile (services/profile.py);
    # only GET /api/me looks it up, so the login response leaves it out.
    profile_complete: bool | None = None

    @classmethod
    def of(cls, principal: Principal, *, profile_complete: bool | None = None) -> "UserRead":
        return cls(
            id=principal.account_id,
            username=principal.username,
            name=principal.name,
            roles=[RoleRead(g.role.value, g.scope_id, g.scope_name) for g in principal.grants],
            person_id=principal.person_id,
            must_change_password=principal.must_change_password,
            profile_complete=profile_complete,
        )

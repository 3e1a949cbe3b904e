"""Who is calling, with which scoped roles: built once per request from the session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from server.tables.enums import Role

ADMIN_ROLES = frozenset({Role.dept_admin, Role.unit_admin, Role.region_admin})


@dataclass(frozen=True, slots=True)
class Grant:
    """One role with its scope, resolved to ids and a display name."""

    role: Role
    scope_id: int | None
    scope_name: str
    department_id: int | None = None
    unit_id: int | None = None
    region_id: int | None = None
    region_prefix: str | None = None
    provider_id: int | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: int
    username: str
    name: str
    person_id: int | None
    must_change_password: bool
    grants: tuple[Grant, ...] = ()
    session_id: int | None = None
    csrf_token: str = ""
    via_cookie: bool = False
    ip: str = ""
    # The login session's "保持登录" and its current idle expiry (None for a principal
    # built without a session).
    remember: bool = False
    session_expires_at: dt.datetime | None = None
    roles: frozenset[Role] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(g.role for g in self.grants))

    def has_any(self, *roles: Role) -> bool:
        return any(r in self.roles for r in roles)

    @property
    def is_admin(self) -> bool:
        return bool(self.roles & ADMIN_ROLES)

    def grants_for(self, *roles: Role) -> list[Grant]:
        return [g for g in self.grants if g.role in roles]

    def department_ids(self) -> set[int]:
        return {g.department_id for g in self.grants_for(Role.dept_admin) if g.department_id}

    def unit_ids(self) -> set[int]:
        return {g.unit_id for g in self.grants_for(Role.unit_admin) if g.unit_id}

    def region_prefixes(self) -> set[str]:
        return {g.region_prefix for g in self.grants_for(Role.region_admin) if g.region_prefix}

    def provider_ids(self) -> set[int]:
        return {g.provider_id for g in self.grants_for(Role.provider_admin) if g.provider_id}

"""Append-only audit log: every change records who, when, from where and what.

Changes of a person (seed 001 §2.3 人员信息变动日志) also name the person and
carry the changed fields before and after, so the department reads each
person's history as "field: before → after".
"""

from __future__ import annotations

import datetime as dt
import json

from server.services.masking import mask_id_number, mask_phone
from server.services.principal import Principal
from server.tables import AuditLog


async def record(
    action: str,
    *,
    principal: Principal | None = None,
    ip: str = "",
    target_type: str = "",
    target_id: object = "",
    detail: str = "",
    account_id: int | None = None,
    account_name: str = "",
    person_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """Write one row. ``detail`` must already have personal data masked; ``before``/``after``
    are masked here (see :func:`masked`)."""
    await AuditLog.insert(row(action, principal=principal, ip=ip, target_type=target_type, target_id=target_id,
                              detail=detail, account_id=account_id, account_name=account_name,
                              person_id=person_id, before=before, after=after))


def row(action: str, *, principal: Principal | None = None, ip: str = "", target_type: str = "",
        target_id: object = "", detail: str = "", account_id: int | None = None, account_name: str = "",
        person_id: int | None = None, before: dict | None = None, after: dict | None = None,
        at: dt.datetime | None = None) -> AuditLog:
    """One unsaved row (bulk writers insert many at once)."""
    values = dict(
        account=principal.account_id if principal else account_id,
        account_name=principal.username if principal else account_name,
        ip=(principal.ip if principal and not ip else ip)[:64],
        action=action,
        target_type=target_type or ("person" if person_id else ""),
        target_id=str(target_id or person_id or "")[:40],
        detail=detail[:2000],
        person=person_id,
        before_data=_json(before),
        after_data=_json(after),
    )
    if at is not None:
        values["at"] = at
    return AuditLog(**values)


# Values a change log never shows in full.
_MASKS = {"id_number": mask_id_number, "phone": mask_phone}


def masked(values: dict) -> dict:
    return {key: (_MASKS[key](value) if key in _MASKS and isinstance(value, str) else value)
            for key, value in values.items()}


def _json(values: dict | None) -> str:
    if not values:
        return ""
    plain = {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in masked(values).items()}
    return json.dumps(plain, ensure_ascii=False, separators=(",", ":"))


def load(text: str) -> dict | None:
    return json.loads(text) if text else None

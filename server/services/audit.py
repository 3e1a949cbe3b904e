"""Append-only audit log: every change records who, when, from where and what."""

from __future__ import annotations

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
) -> None:
    """Write one row. ``detail`` must already have personal data masked."""
    await AuditLog.insert(
        AuditLog(
            account=principal.account_id if principal else account_id,
            account_name=principal.username if principal else account_name,
            ip=(principal.ip if principal and not ip else ip)[:64],
            action=action,
            target_type=target_type,
            target_id=str(target_id)[:40],
            detail=detail[:2000],
        )
    )

"""Training providers (施教机构): registered by a region's admin, run by provider_admin accounts."""

from __future__ import annotations

import asyncio
import datetime as dt

import msgspec

from server.services import audit, scope
from server.services.errors import Forbidden, Invalid, NotFound, is_unique_violation
from server.services.passwords import hash_password, password_problem
from server.services.principal import Principal
from server.services.results import Page
from server.tables import Account, Provider, Region, RoleGrant
from server.tables.enums import AccountStatus, Role

_COLUMNS = (Provider.id, Provider.name, Provider.region_code, Provider.region.name.as_alias("region_name"),
            Provider.contact, Provider.phone, Provider.active, Provider.created_at)


class ProviderRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    region_code: str
    region_name: str
    contact: str
    phone: str
    active: bool
    created_at: dt.datetime


class ProviderCreated(ProviderRead, frozen=True, kw_only=True):
    admin_username: str


def _fields(row: dict) -> dict:
    """ProviderRead's fields of a row selected with _COLUMNS."""
    return dict(id=row["id"], name=row["name"], region_code=row["region_code"], region_name=row["region_name"],
                contact=row["contact"], phone=row["phone"], active=bool(row["active"]), created_at=row["created_at"])


def scope_where(principal: Principal):
    """WHERE on Provider: a region admin's providers, a provider admin's own; None for nothing."""
    return scope.grants_where(principal, department=None, unit=None, region_code=Provider.region_code,
                              provider=Provider.id)


async def list_providers(principal: Principal, *, q: str, page: int, page_size: int) -> Page[ProviderRead]:
    where = scope_where(principal)
    if where is None:
        raise Forbidden("forbidden", "只有卫健委管理员可以管理施教机构")
    query, count = Provider.select(*_COLUMNS).where(where), Provider.count().where(where)
    q = scope.search_text(q)
    if q:
        query, count = query.where(Provider.name.like(f"%{q}%")), count.where(Provider.name.like(f"%{q}%"))
    rows = await query.order_by(Provider.id).limit(page_size).offset((page - 1) * page_size)
    return Page(items=[ProviderRead(**_fields(r)) for r in rows], total=await count)


async def register(principal: Principal, *, name: str, region_code: str, contact: str, phone: str,
                   admin_username: str, admin_name: str, admin_password: str) -> ProviderCreated:
    """A provider in the caller's region (or below) with its first provider_admin account.

    The account must change its password at first login, as accounts made by an admin do.
    """
    if not principal.region_prefixes():
        raise Forbidden("forbidden", "只有卫健委管理员可以登记施教机构")
    region = await Region.select(Region.id, Region.code, Region.name).where(Region.code == region_code).first()
    if region is None or not any(region["code"].startswith(p) for p in principal.region_prefixes()):
        raise NotFound("region_not_found", "行政区划不存在或不在您的管辖范围内")
    name = name.strip()
    if not name:
        raise Invalid("name", "请填写施教机构名称")
    if problem := password_problem(admin_password):
        raise Invalid("admin_password", problem, code="weak_password")
    if await Provider.exists().where(Provider.name == name):
        raise Invalid("name", "同名的施教机构已登记", code="duplicate")
    if await Account.exists().where(Account.username == admin_username):
        raise Invalid("admin_username", "用户名已被使用", code="username_taken")
    password_hash = await asyncio.to_thread(hash_password, admin_password)
    try:
        async with Provider._meta.db.transaction():
            provider = Provider(name=name, region=region["id"], region_code=region["code"], contact=contact.strip(),
                                phone=phone.strip())
            await provider.save()
            account = Account(username=admin_username, password_hash=password_hash, name=admin_name.strip() or name,
                              status=AccountStatus.active, must_change_password=True)
            await account.save()
            await RoleGrant.insert(RoleGrant(account=account.id, role=Role.provider_admin, provider=provider.id))
            await audit.record("provider_register", principal=principal, target_type="provider",
                               target_id=provider.id, detail=f"登记施教机构《{name}》，管理员账号 {admin_username}")
    except Exception as error:
        if is_unique_violation(error):  # the same name or username, at the same moment
            raise Invalid("name", "施教机构名称或管理员用户名刚刚已被使用", code="duplicate") from error
        raise
    row = await Provider.select(*_COLUMNS).where(Provider.id == provider.id).first()
    return ProviderCreated(**_fields(row), admin_username=admin_username)


async def provider_of(principal: Principal, provider_id: int | None = None) -> int:
    """The provider a provider_admin acts for (the one they name, when they run several)."""
    own = principal.provider_ids()
    if not own:
        raise Forbidden("forbidden", "只有施教机构管理员可以执行此操作")
    if provider_id is None:
        if len(own) > 1:
            raise Invalid("provider_id", "您管理多个施教机构，请选择一个")
        return next(iter(own))
    if provider_id not in own:
        raise NotFound("provider_not_found", "施教机构不存在或无权管理")
    return provider_id


async def visible_region_codes(unit_id: int) -> list[str]:
    """The codes of a unit's region and every region above it (seed 002 §3.3.2: a trainee sees
    the providers of their unit's region, 与单位所属行政区划相对应, and of the regions above)."""
    rows = await Region.raw(
        "SELECT r.code FROM region r JOIN unit u ON u.region_code LIKE r.prefix || '%' WHERE u.id = {}", unit_id)
    return sorted(r["code"] for r in rows)

"""管理员信息 (seed 001 §8): the named people behind a department or unit admin account.

Only a phone listed here can log in to the account by SMS code, so a phone is
listed at most once in the whole system. Saving replaces the account's list in
one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import msgspec

from server.services import audit, sms
from server.services.errors import Conflict, Forbidden, Invalid, is_unique_violation
from server.services.principal import Principal
from server.tables import AdminContact
from server.tables.enums import Role

MAX_CONTACTS = 20
_OFFICE_PHONE = re.compile(r"^[0-9+\-() ]{0,30}$")


@dataclass(slots=True)
class Contact:
    name: str
    phone: str
    office_phone: str = ""


class AdminContactRead(msgspec.Struct, frozen=True):
    id: int
    name: str
    phone: str
    office_phone: str


class AdminContactListRead(msgspec.Struct, frozen=True):
    items: list[AdminContactRead]


def _require_admin(principal: Principal) -> None:
    if not principal.has_any(Role.dept_admin, Role.unit_admin):
        raise Forbidden("forbidden", "只有科室或单位管理员账号可以维护管理员信息")


async def list_contacts(principal: Principal) -> AdminContactListRead:
    _require_admin(principal)
    # The account's own contacts: shown in full to the account that keeps them.
    rows = await (AdminContact.select(AdminContact.id, AdminContact.name, AdminContact.phone,
                                      AdminContact.office_phone)
                  .where(AdminContact.account == principal.account_id).order_by(AdminContact.id))
    return AdminContactListRead(items=[msgspec.convert(r, AdminContactRead) for r in rows])


def _clean(contacts: list[Contact]) -> list[Contact]:
    if len(contacts) > MAX_CONTACTS:
        raise Invalid("contacts", f"管理员信息最多登记 {MAX_CONTACTS} 条")
    seen: set[str] = set()
    cleaned = []
    for i, contact in enumerate(contacts):
        name = contact.name.strip()
        if not name:
            raise Invalid(f"contacts[{i}].name", "请填写姓名")
        phone = sms.check_phone(contact.phone, f"contacts[{i}].phone")
        if phone in seen:
            raise Invalid(f"contacts[{i}].phone", "同一手机号不能重复登记", code="duplicate_phone")
        seen.add(phone)
        office = contact.office_phone.strip()
        if not _OFFICE_PHONE.match(office):
            raise Invalid(f"contacts[{i}].office_phone", "办公电话只能包含数字、空格和 + - ( )")
        cleaned.append(Contact(name=name, phone=phone, office_phone=office))
    return cleaned


async def replace_contacts(principal: Principal, contacts: list[Contact]) -> AdminContactListRead:
    _require_admin(principal)
    cleaned = _clean(contacts)
    phones = [c.phone for c in cleaned]
    if phones:
        taken = await AdminContact.exists().where(
            AdminContact.phone.is_in(phones) & (AdminContact.account != principal.account_id))
        if taken:
            raise Conflict("phone_taken", "手机号已登记为其他账号的管理员，每个手机号只能登记一次")
    try:
        async with AdminContact._meta.db.transaction():
            await AdminContact.delete().where(AdminContact.account == principal.account_id)
            if cleaned:
                await AdminContact.insert(*[AdminContact(account=principal.account_id, name=c.name, phone=c.phone,
                                                         office_phone=c.office_phone) for c in cleaned])
            await audit.record("admin_contacts", principal=principal, target_type="account",
                               target_id=principal.account_id, detail=f"保存管理员信息 {len(cleaned)} 条")
    except Exception as error:
        # Another account listed the same phone between the check and the insert.
        if is_unique_violation(error):
            raise Conflict("phone_taken", "手机号已登记为其他账号的管理员，每个手机号只能登记一次") from error
        raise
    return await list_contacts(principal)

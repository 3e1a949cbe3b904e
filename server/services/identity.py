"""Which account a login names: by username, ID number or phone (one field on the login form)."""

from __future__ import annotations

import re

from server import db
from server.tables import Account, AdminContact

PHONE = re.compile(r"^1[3-9]\d{9}$")
_ID_NUMBER_SHAPE = re.compile(r"^\d{17}[\dXx]$|^\d{15}$")
_FIND_BY_ID_NUMBER = "SELECT a.id FROM account a JOIN person p ON p.id = a.person WHERE p.id_number = {} LIMIT 2"
# An account's own phone, or its person's: department-made accounts have only the latter.
_FIND_BY_PHONE = ("SELECT DISTINCT a.id FROM account a LEFT JOIN person p ON p.id = a.person "
                  "WHERE a.phone = {} OR p.phone = {} LIMIT 2")


async def account_for_phone(phone: str) -> int | None:
    """The one account whose phone (or person's phone) is ``phone``; None when none or several."""
    rows = await db.fetch(Account._meta.db, _FIND_BY_PHONE, phone, phone)
    return rows[0]["id"] if len(rows) == 1 else None


async def find_account(identifier: str) -> Account | None:
    """The account a login names by username, ID number or phone.

    The username wins; an ID number or phone counts only when it names exactly one
    account. Ambiguous and unknown both give None, so the caller answers them like a
    wrong password and nobody learns which phones or ID numbers are registered.
    """
    account = await Account.objects().where(Account.username == identifier).first()
    if account is not None:
        return account
    found: int | None = None
    if _ID_NUMBER_SHAPE.match(identifier):
        rows = await db.fetch(Account._meta.db, _FIND_BY_ID_NUMBER, identifier.upper())
        found = rows[0]["id"] if len(rows) == 1 else None
    elif PHONE.match(identifier):
        found = await account_for_phone(identifier)
    if found is None:
        return None
    return await Account.objects().where(Account.id == found).first()


async def sms_login_account(phone: str) -> tuple[int, str] | None:
    """Whom a login code for ``phone`` logs in, and the listed name the audit gives them.

    A listed admin contact (seed 001 §8) first, else the one account with that phone
    (trainees included); a phone shared by several accounts logs in none of them.
    """
    contact = await AdminContact.select(AdminContact.account, AdminContact.name).where(
        AdminContact.phone == phone).first()
    if contact is not None:
        return contact["account"], contact["name"]
    account_id = await account_for_phone(phone)
    return (account_id, "") if account_id is not None else None

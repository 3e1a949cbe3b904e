"""管理员信息: the admins of a department or unit account, who may log in by SMS code."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller, get, put
from litestar.params import JSONBody

from server.security import Caller
from server.services import admin_contacts


class AdminContactItem(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(max_length=50)]
    phone: Annotated[str, msgspec.Meta(max_length=20)]
    office_phone: Annotated[str, msgspec.Meta(max_length=30)] = ""


class AdminContactUpdate(msgspec.Struct):
    contacts: Annotated[list[AdminContactItem], msgspec.Meta(max_length=admin_contacts.MAX_CONTACTS)]


class AdminContactController(Controller):
    path = "/api/me/admin-contacts"
    tags = ["auth"]

    @get("")
    async def list(self, principal: Caller) -> admin_contacts.AdminContactListRead:
        return await admin_contacts.list_contacts(principal)

    @put("")
    async def replace(self, principal: Caller,
                      data: JSONBody[AdminContactUpdate]) -> admin_contacts.AdminContactListRead:
        contacts = [admin_contacts.Contact(c.name, c.phone, c.office_phone) for c in data.contacts]
        return await admin_contacts.replace_contacts(principal, contacts)

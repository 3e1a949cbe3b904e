"""Shared by the people-maintenance API tests: demo people by name, database reads."""

from __future__ import annotations

from server.tables import Department, Person


def db(client, fn):
    async def run():
        return await fn()

    return client.blocking_portal.call(run)


def person_id(client, name: str) -> int:
    return db(client, lambda: Person.select(Person.id).where(Person.name == name).first())["id"]


def person_of(client, username: str) -> int:
    from server.tables import Account

    return db(client, lambda: Account.select(Account.person).where(Account.username == username).first())["person"]


def department_id(client, unit_code: str, name: str) -> int:
    return db(client, lambda: Department.select(Department.id).where(
        (Department.unit.code == unit_code) & (Department.name == name)).first())["id"]

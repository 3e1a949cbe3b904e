"""Helpers for registration, SMS and recovery tests: codes come from the log gateway's outbox."""

from __future__ import annotations

import datetime as dt
import json

from server.services.idcard import make_id_number
from server.tables import Department, Unit

NEW_PHONE = "13912345678"
NEW_ID = make_id_number("990102", dt.date(1992, 3, 14), 517)  # sequence odd → 男
NEW_PASSWORD = "Newcomer2026"


def outbox(settings) -> list[dict]:
    path = settings.data_dir / "sms-outbox.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def last_code(settings, phone: str, purpose: str) -> str:
    codes = [m["code"] for m in outbox(settings) if m["phone"] == phone and m["purpose"] == purpose]
    assert codes, f"no {purpose} code sent to {phone}"
    return codes[-1]


def send_code(client, phone: str, purpose: str):
    return client.post("/api/sms/codes", json={"phone": phone, "purpose": purpose})


def end_cooldowns(client) -> None:
    """As if every SMS cooldown had passed (the send times are throttle rows)."""
    from server.tables import Throttle

    async def age():
        await Throttle.update({Throttle.period: Throttle.period - 3600}).where(Throttle.scope == "sms_cooldown")

    client.blocking_portal.call(age)


def unit_and_department(client, unit_code: str = "9901001", department: str = "内科") -> tuple[int, int]:
    async def find():
        unit = await Unit.select(Unit.id).where(Unit.code == unit_code).first()
        dept = await Department.select(Department.id).where(
            (Department.unit == unit["id"]) & (Department.name == department)).first()
        return unit["id"], dept["id"]

    return client.blocking_portal.call(find)


def form(client, settings, **overrides) -> dict:
    """A complete, valid registration body (sends the register code unless sms_code is given)."""
    unit_id, department_id = unit_and_department(client)
    body = {"phone": NEW_PHONE, "unit_id": unit_id, "department_id": department_id, "username": "newdoc",
            "name": "赵新", "id_number": NEW_ID, "email": "newdoc@example.com", "password": NEW_PASSWORD,
            "joins_cme": True}
    body.update(overrides)
    if "sms_code" not in body:
        assert send_code(client, body["phone"], "register").status_code == 202
        body["sms_code"] = last_code(settings, body["phone"], "register")
    return body


def register(client, settings, **overrides):
    return client.post("/api/registrations", json=form(client, settings, **overrides))

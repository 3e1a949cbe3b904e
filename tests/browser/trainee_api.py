"""Setting the scene for the trainee browser tests through the live server's API (httpx)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.api.attendance_helpers import CHINA, current_code, open_session
from tests.browser.conftest import DEMO_PASSWORD


@contextmanager
def api_client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=10) as client:
        yield client


def bearer(client: httpx.Client, username: str) -> dict[str, str]:
    response = client.post("/api/auth/login", json={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def this_year() -> int:
    return dt.datetime.now(CHINA).year


def unique_title(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}"


def open_training(client: httpx.Client, title: str, **overrides) -> tuple[dict, dict, dict]:
    """An approved training of dept1 (unit1) with one session starting now: (training, session, dept1 headers)."""
    dept = bearer(client, "dept1")
    unit = bearer(client, "unit1")
    training, session = open_session(client, dept, unit, title=title, year=this_year(), **overrides)
    return training, session, dept


def code_now(client: httpx.Client, dept: dict, session_id: int) -> str:
    return current_code(client, dept, session_id)


def qr_png(client: httpx.Client, dept: dict, session_id: int) -> bytes:
    response = client.get(f"/api/sessions/{session_id}/qr.png", headers=dept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    return response.content


def credits_of(client: httpx.Client, headers: dict, **query) -> list[dict]:
    response = client.get("/api/credits", params={"page_size": 200, **query}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]

"""Building blocks for attendance tests: an approved training with a session."""

from __future__ import annotations

import datetime as dt

from litestar.testing import TestClient

from server.clock import CHINA  # noqa: F401 - the tests' China time zone


def create_training(client: TestClient, dept_headers: dict, **overrides) -> dict:
    body = {"title": "心电图判读进阶", "year": 2026, "credit_class": "II", "credits": 0.5, "hours": 2}
    body.update(overrides)
    response = client.post("/api/trainings", json=body, headers=dept_headers)
    assert response.status_code == 201, response.text
    return response.json()


def add_session(client: TestClient, dept_headers: dict, training_id: int) -> dict:
    start = dt.datetime.now(CHINA).replace(microsecond=0)
    response = client.post(f"/api/trainings/{training_id}/sessions", headers=dept_headers, json={
        "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "location": "门诊楼三楼学术报告厅"})
    assert response.status_code == 201, response.text
    return response.json()


def open_session(client: TestClient, dept_headers: dict, unit_headers: dict, **overrides) -> tuple[dict, dict]:
    """A training created, given a session, submitted and approved: ready for check-in."""
    training = create_training(client, dept_headers, **overrides)
    session = add_session(client, dept_headers, training["id"])
    assert client.post(f"/api/trainings/{training['id']}/submit", headers=dept_headers).json() == {
        "id": training["id"], "status": "submitted"}
    assert client.post(f"/api/trainings/{training['id']}/approve", headers=unit_headers).json()["status"] == "approved"
    return training, session


def current_code(client: TestClient, headers: dict, session_id: int) -> str:
    response = client.get(f"/api/sessions/{session_id}/qr", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["code"]

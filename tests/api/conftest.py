"""API test helpers: a test client on a fresh demo database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from server.app import create_app
from server.services.demo import DEMO_PASSWORD
from server.settings import Settings


@pytest.fixture
def client(fresh_settings: Settings) -> Iterator[TestClient]:
    with TestClient(app=create_app(fresh_settings)) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in and return the bearer header; fails the test if login fails."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def as_user(client: TestClient):
    return lambda username: login(client, username)

"""API test helpers: a test client on a fresh demo database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from server.app import create_app
from server.services.demo import DEMO_PASSWORD
from server.services.sms import gateway_for
from server.settings import Settings


@pytest.fixture(scope="session")
def shared_app(template_settings: Settings) -> Litestar:
    """One app for the whole run: parsing ~400 route handlers costs ~0.2 s an app."""
    return create_app(template_settings)


@pytest.fixture
def client(shared_app: Litestar, fresh_settings: Settings) -> Iterator[TestClient]:
    # Handlers and start-up read the settings off the app's state, so pointing the state at
    # this test's fresh database is all a new app would have done differently.
    shared_app.state.settings = fresh_settings
    shared_app.state.sms_gateway = gateway_for(fresh_settings)
    with TestClient(app=shared_app) as test_client:
        yield test_client


def login(client: TestClient, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in and return the bearer header; fails the test if login fails."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


@pytest.fixture
def as_user(client: TestClient):
    return lambda username: login(client, username)

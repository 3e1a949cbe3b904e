"""An unexpected error answers 500 with an incident number that is also in the log's traceback."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar, get
from litestar.exceptions import InternalServerException
from litestar.testing import TestClient

from server.errors import exception_handler


@get("/boom", sync_to_thread=False)
def boom() -> None:
    raise RuntimeError("secret internals")


@get("/framework-boom", sync_to_thread=False)
def framework_boom() -> None:
    # What Litestar itself raises when it fails inside (a 5xx HTTPException).
    raise InternalServerException("secret internals")


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.parametrize("path", ["/boom", "/framework-boom"])
def test_a_crash_gives_a_chinese_message_with_an_incident_number_found_in_the_log(path):
    # A handler on our logger itself: Litestar's logging setup replaces the root's handlers.
    app = Litestar([boom, framework_boom], exception_handlers={Exception: exception_handler})
    handler = _Records()
    logging.getLogger("jijiao").addHandler(handler)
    try:
        with TestClient(app) as client:
            response = client.get(path)
    finally:
        logging.getLogger("jijiao").removeHandler(handler)
    body = response.json()
    assert response.status_code == 500
    assert body["code"] == "internal_error"
    assert body["incident"] in body["detail"] and len(body["incident"]) == 8
    assert "secret internals" not in response.text
    [record] = [r for r in handler.records if body["incident"] in r.getMessage()]
    assert record.exc_info and "secret internals" in str(record.exc_info[1])

"""/my-code: the trainee's rotating personal code, computed on the phone (and offline).

Account: trainee1 (the page only reads; the server gives trainee1 a secret once).
"""

from __future__ import annotations

import re
import time

import pytest

import qr as qrlib
from tests.browser.conftest import log_in, wait_for_service_worker
from tests.browser.trainee_api import api_client, bearer

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

PAYLOAD = re.compile(r"^JJ1\.\d+\.\d+\.\d{8}$")


def _shown(page) -> tuple[str, int]:
    box = page.get_by_test_id("my-code-qr")
    expect(box).to_have_attribute("data-payload", PAYLOAD)
    expect(box.locator("svg")).to_be_visible()
    payload = box.get_attribute("data-payload")
    return payload, int(payload.split(".")[2])


def test_my_code_matches_the_server_and_keeps_rotating_offline(phone, live_server, screenshot_dir):
    with api_client(live_server) as client:
        me = client.get("/api/me/personal-code", headers=bearer(client, "trainee1")).json()
    person_id, secret, step = me["person_id"], me["secret"], me["step"]

    phone.clock.install()  # real time, but the test may move it on
    log_in(phone, live_server, "trainee1")
    phone.screenshot(path=str(screenshot_dir / "trainee-home.png"), full_page=True)
    phone.get_by_test_id("home-action").and_(phone.locator('[data-action="my-code"]')).click()
    expect(phone.get_by_test_id("my-code-title")).to_be_visible()

    payload, counter = _shown(phone)
    assert abs(counter - int(time.time()) // step) <= 1
    assert payload == qrlib.personal_payload(person_id, secret, counter * step, step)
    expect(phone.get_by_test_id("my-code-countdown")).to_contain_text("秒后更新")
    phone.screenshot(path=str(screenshot_dir / "trainee-my-code.png"), full_page=True)

    # The next step brings the next code, computed on the phone.
    phone.clock.fast_forward(step * 1000)
    expect(phone.get_by_test_id("my-code-qr")).not_to_have_attribute("data-payload", payload)
    payload, later = _shown(phone)
    assert later > counter
    assert payload == qrlib.personal_payload(person_id, secret, later * step, step)

    # Offline, the page still opens (from the service worker) and still shows the right code.
    wait_for_service_worker(phone)
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_test_id("my-code-state")).to_contain_text("离线")
    payload, offline = _shown(phone)
    assert offline >= later
    assert payload == qrlib.personal_payload(person_id, secret, offline * step, step)


def test_my_code_needs_a_login(phone, live_server):
    phone.goto(live_server + "/my-code")
    phone.wait_for_url("**/login?next=%2Fmy-code")
    expect(phone.get_by_test_id("login-form")).to_be_visible()

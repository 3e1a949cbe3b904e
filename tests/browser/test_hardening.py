"""Issue 9 in the browser: the SMS captcha step, what admins are offered, and a returned check-in sent back."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from server.services.captcha import answer_hash
from tests.browser.conftest import log_in
from tests.browser.trainee_api import api_client, bearer, code_now, open_training, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

# The live server's captcha count for SMS (tests/browser/conftest.py sets JIJIAO_SMS_CAPTCHA_AFTER_PER_IP).
SMS_CAPTCHA_AFTER = 100


@pytest.fixture(scope="module")
def live_dir(live_server, tmp_path_factory) -> Path:
    found = sorted(tmp_path_factory.getbasetemp().glob("live-server*"))
    assert found, "the live server's directory"
    return found[-1]


def sql(live_dir: Path, statement: str, *args) -> None:
    connection = sqlite3.connect(live_dir / "jijiao.db", timeout=10)
    try:
        connection.execute(statement, args)
        connection.commit()
    finally:
        connection.close()


@pytest.fixture
def busy_network(live_dir):
    """127.0.0.1 has used this hour's captcha-free SMS sends (throttle.sms_without_captcha)."""
    now = int(time.time())
    sql(live_dir, "INSERT INTO throttle (scope, subject, period, hits, prev_hits, touched) "
        "VALUES ('sms_free', '127.0.0.1', ?, ?, 0, ?) ON CONFLICT (scope, subject) DO UPDATE SET "
        "period = excluded.period, hits = excluded.hits, prev_hits = 0, touched = excluded.touched",
        now // 3600, SMS_CAPTCHA_AFTER, now)
    yield
    sql(live_dir, "DELETE FROM throttle WHERE scope = 'sms_free' AND subject = '127.0.0.1'")


def test_the_sms_button_asks_for_the_image_captcha_on_a_busy_network(live_server, live_dir, phone, busy_network):
    number = "139" + str(int(time.time() * 1000))[-8:]
    phone.goto(live_server + "/register")
    phone.get_by_test_id("reg-phone").fill(number)
    with phone.expect_response("**/api/sms/codes"):
        phone.get_by_test_id("reg-sms").click()
    block = phone.get_by_test_id("reg-sms-captcha")
    expect(block).to_be_visible()
    image = phone.get_by_test_id("reg-sms-captcha-image")
    expect(image).to_have_attribute("data-captcha-id", re.compile(r".+"))
    # The server keeps only a hash of the answer: give the shown captcha a known one.
    sql(live_dir, "UPDATE login_captcha SET answer_hash = ? WHERE key = ?", answer_hash("K7PX"),
        image.get_attribute("data-captcha-id"))
    phone.get_by_test_id("reg-sms-captcha-answer").fill("k7px")
    phone.get_by_test_id("reg-sms").click()
    expect(phone.get_by_test_id("reg-sms-sent")).to_contain_text("验证码已发送")
    outbox = live_dir / "data" / "sms-outbox.jsonl"
    assert any(json.loads(line)["phone"] == number for line in outbox.read_text(encoding="utf-8").splitlines())


def test_only_a_department_admin_is_offered_to_add_trainings(live_server, phone):
    log_in(phone, live_server, "unit1")
    card = phone.locator('[data-testid="home-action"][data-action="trainings"]')
    expect(card).to_be_visible()
    expect(card).not_to_contain_text("新增")
    phone.goto(live_server + "/trainings")
    expect(phone.get_by_test_id("training-new")).to_have_count(0)


def test_a_trainee_sends_a_returned_check_in_credit_back_with_a_note(live_server, phone):
    with api_client(live_server) as client:
        _, session, dept = open_training(client, unique_title("退回补充"))
        trainee = bearer(client, "trainee2")
        body = client.post("/api/checkins", headers=trainee, json={
            "session_id": session["id"], "code": code_now(client, dept, session["id"])}).json()
        credit_id = body["credit"]["id"]
        returned = client.post(f"/api/credits/{credit_id}/return", headers=dept, json={"reason": "未见签退记录"})
        assert returned.json()["status"] == "returned"
    log_in(phone, live_server, "trainee2")
    phone.goto(f"{live_server}/credits/{credit_id}")
    expect(phone.get_by_test_id("credit-resubmit-section")).to_be_visible()
    phone.get_by_test_id("credit-resubmit").click()
    expect(phone.get_by_test_id("credit-resubmit-note")).to_be_focused()
    phone.get_by_test_id("credit-resubmit-note").fill("全程在场，签退时手机没电")
    phone.get_by_test_id("credit-resubmit").click()
    expect(phone.get_by_test_id("credit-saved")).to_have_text("已上报，等待科室审核。")
    expect(phone.get_by_test_id("credit-resubmit-section")).to_have_count(0)

"""Staying logged in on the phone (issue 13), in Chromium at phone size: 保持登录 and the cookie's
lifetime, SMS login of a trainee, login by ID number, the login page reached from a check-in link,
and the account page's devices.

Accounts: trainee3 (SMS login, 保持登录, devices), trainee2 (by ID number), trainee4 (from a check-in
link, on a desktop), dept1 opens a training through the API.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pytest

from tests.browser.conftest import log_in
from tests.browser.trainee_api import api_client, code_now, open_training, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

DAY_S = 86400


@pytest.fixture(scope="module")
def live_dir(live_server, tmp_path_factory) -> Path:
    """The live server's directory: jijiao.db and data/ (see conftest.py)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("live-server*"))
    assert found, "the live server's directory"
    return found[-1]


def query(live_dir: Path, statement: str, *args):
    connection = sqlite3.connect(live_dir / "jijiao.db", timeout=10)
    try:
        return connection.execute(statement, args).fetchall()
    finally:
        connection.close()


def login_code(live_dir: Path, phone: str, timeout: float = 5.0) -> str:
    outbox = live_dir / "data" / "sms-outbox.jsonl"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if outbox.exists():
            codes = [m["code"] for m in map(json.loads, outbox.read_text(encoding="utf-8").splitlines())
                     if m["phone"] == phone and m["purpose"] == "login"]
            if codes:
                return codes[-1]
        time.sleep(0.1)
    raise AssertionError(f"no login SMS to {phone}")


def session_cookie(page) -> dict:
    return next(c for c in page.context.cookies() if c["name"] == "jijiao_session")


def test_remember_on_a_phone_keeps_the_session_cookie_thirty_days(live_server, phone):
    phone.goto(live_server + "/login")
    expect(phone.get_by_test_id("login-remember")).to_be_checked()  # phones stay logged in by default
    log_in(phone, live_server, "trainee3")
    assert session_cookie(phone)["expires"] >= time.time() + 30 * DAY_S - 60


def test_without_remember_the_cookie_lives_hours(live_server, new_context):
    desk = new_context("desktop")
    desk.goto(live_server + "/login")
    expect(desk.get_by_test_id("login-remember")).not_to_be_checked()  # an office PC may be shared
    log_in(desk, live_server, "trainee3")
    assert session_cookie(desk)["expires"] <= time.time() + 13 * 3600


def test_trainee_logs_in_by_sms_code(live_server, live_dir, phone):
    phone.goto(live_server + "/login")
    phone.get_by_test_id("login-mode-sms").click()
    phone.get_by_test_id("sms-login-phone").fill("13800000003")
    phone.get_by_test_id("sms-login-send").click()
    phone.get_by_test_id("sms-login-code").fill(login_code(live_dir, "13800000003"))
    phone.get_by_test_id("sms-login-submit").click()
    expect(phone.get_by_test_id("home-title")).to_have_text("王强")
    assert session_cookie(phone)["expires"] >= time.time() + 30 * DAY_S - 60


def test_trainee_logs_in_by_id_number(live_server, live_dir, phone):
    [(id_number,)] = query(live_dir, "SELECT p.id_number FROM person p JOIN account a ON a.person = p.id "
                                     "WHERE a.username = 'trainee2'")
    phone.goto(live_server + "/login")
    expect(phone.get_by_text("用户名/身份证号/手机号")).to_be_visible()
    log_in(phone, live_server, id_number)
    expect(phone.get_by_test_id("home-title")).to_have_text("李娜")


def test_login_from_a_check_in_link_names_the_training_and_the_deadline(live_server, new_context):
    title = unique_title("登录提示讲座")
    with api_client(live_server) as client:
        _, session, dept = open_training(client, title)
        page = new_context("phone")
        page.goto(f"{live_server}/c/{session['id']}?t={code_now(client, dept, session['id'])}")
    page.get_by_test_id("checkin-login").click()
    expect(page.get_by_test_id("login-checkin")).to_contain_text(title)
    expect(page.get_by_test_id("login-checkin-deadline")).to_have_text(re.compile(r"^请在 \d{2}:\d{2} 前完成登录"))
    page.get_by_test_id("login-username").fill("trainee4")
    page.get_by_test_id("login-password").fill("Demo@2026")
    page.get_by_test_id("login-submit").click()
    # trainee4 works at another hospital: the check-in answers, after the login, that they may not.
    expect(page.get_by_test_id("checkin-status")).to_have_attribute("data-state", "not_eligible")


def test_the_account_page_ends_another_device(live_server, new_context):
    first = new_context("phone")
    log_in(first, live_server, "trainee3")
    second = new_context("desktop")
    log_in(second, live_server, "trainee3")
    second.goto(live_server + "/account")
    others = second.locator('[data-testid="device"][data-current="false"]')
    expect(others.first).to_be_visible()
    expect(second.locator('[data-testid="device"][data-current="true"]')).to_have_count(1)
    count = others.count()
    # The newest other device is the phone that logged in just before (the list is by last use).
    others.first.get_by_test_id("device-end").click()
    expect(others).to_have_count(count - 1)
    assert first.evaluate("fetch('/api/me').then((r) => r.status)") == 401
    assert second.evaluate("fetch('/api/me').then((r) => r.status)") == 200

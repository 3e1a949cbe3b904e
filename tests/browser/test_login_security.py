"""Login security in a real browser at phone size: the captcha after failures, two-step
verification (enrol by QR secret, log in with a code, turn off), and 管理员信息 + SMS-code login.

Account: unit2 (no other browser test uses it); every test leaves it as it found it. The server
keeps only a hash of a captcha's answer, so the test writes a known answer's hash into the live
server's SQLite file; TOTP codes come from the secret the page shows.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path

import pyotp
import pytest

from server.services.captcha import answer_hash
from tests.browser.conftest import DEMO_PASSWORD, page_width_overflow

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

USER = "unit2"
PHONE = "13766660002"


@pytest.fixture(scope="module")
def live_dir(live_server, tmp_path_factory) -> Path:
    """The live server's directory: jijiao.db and data/ (see conftest.py)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("live-server*"))
    assert found, "the live server's directory"
    return found[-1]


@pytest.fixture(autouse=True)
def fresh_attempts(live_dir):
    """Each test starts with no failed logins of unit2 (one failing test must not fail the next)."""
    sql(live_dir, "DELETE FROM throttle WHERE scope = 'login_user' AND subject = ?", USER)


def sql(live_dir: Path, statement: str, *args) -> None:
    connection = sqlite3.connect(live_dir / "jijiao.db", timeout=10)
    try:
        connection.execute(statement, args)
        connection.commit()
    finally:
        connection.close()


def sms_code(live_dir: Path, phone: str, timeout: float = 5.0) -> str:
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


def fill_login(page, password=DEMO_PASSWORD):
    """Submit the password form and wait for the server's answer (the error text may not change)."""
    page.get_by_test_id("login-username").fill(USER)
    page.get_by_test_id("login-password").fill(password)
    with page.expect_response("**/api/auth/login"):
        page.get_by_test_id("login-submit").click()


def log_out(page):
    page.get_by_test_id("logout").click()
    page.get_by_test_id("logout-confirm").click()
    page.get_by_test_id("login-form").wait_for()


def test_captcha_appears_after_three_failures_and_solving_it_logs_in(live_server, live_dir, phone, screenshot_dir):
    phone.goto(live_server + "/login")
    expect(phone.get_by_test_id("login-captcha")).to_be_hidden()
    for _ in range(3):
        fill_login(phone, "wrong-password1")
        expect(phone.get_by_test_id("login-error")).to_have_text("用户名或密码错误")
    # The third failure brings the captcha at once.
    expect(phone.get_by_test_id("login-captcha")).to_be_visible()
    image = phone.get_by_test_id("login-captcha-image")
    expect(image).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    first = image.get_attribute("data-captcha-id")

    # Tapping the image gives a new one.
    phone.get_by_test_id("login-captcha-refresh").click()
    expect(image).not_to_have_attribute("data-captcha-id", first)
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "login-captcha.png"))

    sql(live_dir, "UPDATE login_captcha SET answer_hash = ? WHERE key = ?", answer_hash("K7PX"),
        image.get_attribute("data-captcha-id"))
    phone.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    phone.get_by_test_id("login-captcha-answer").fill("k7px")
    phone.get_by_test_id("login-submit").click()
    expect(phone.get_by_test_id("home-title")).to_be_visible()
    log_out(phone)


def test_failures_elsewhere_make_the_server_ask_for_the_captcha(live_server, live_dir, phone):
    now = int(time.time())  # three failed tries, e.g. on another phone (15-minute windows)
    sql(live_dir, "INSERT INTO throttle (scope, subject, period, hits, prev_hits, touched) "
        "VALUES ('login_user', ?, ?, 3, 0, ?)", USER, now // 900, now)
    phone.goto(live_server + "/login")
    fill_login(phone)
    expect(phone.get_by_test_id("login-error")).to_contain_text("图形验证码")
    expect(phone.get_by_test_id("login-captcha-image")).to_have_attribute("src", re.compile(r"^data:image/png"))


def test_two_step_verification_enrol_log_in_and_turn_off(live_server, live_dir, phone, screenshot_dir):
    phone.goto(live_server + "/login")
    fill_login(phone)
    phone.get_by_test_id("home-security").click()
    expect(phone.get_by_test_id("totp-status")).to_contain_text("未开启")
    phone.get_by_test_id("totp-start").click()
    expect(phone.get_by_test_id("totp-qr")).to_be_visible()
    secret = phone.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    totp = pyotp.TOTP(secret)
    phone.get_by_test_id("totp-confirm-code").fill("000000")
    phone.get_by_test_id("totp-confirm").click()
    expect(phone.get_by_test_id("security-error")).to_contain_text("验证码不正确")
    phone.get_by_test_id("totp-confirm-code").fill(totp.now())
    phone.get_by_test_id("totp-confirm").click()
    expect(phone.get_by_test_id("totp-status")).to_contain_text("已开启")
    assert page_width_overflow(phone) == 0

    log_out(phone)
    fill_login(phone)
    expect(phone.get_by_test_id("login-totp")).to_be_visible()
    # The confirming code's step is used up; as if it were a step ago.
    sql(live_dir, "UPDATE account SET totp_last_step = NULL WHERE username = ?", USER)
    phone.get_by_test_id("login-totp").fill(totp.now())
    phone.get_by_test_id("login-submit").click()
    expect(phone.get_by_test_id("home-title")).to_be_visible()

    phone.goto(live_server + "/security")
    phone.get_by_test_id("totp-off-password").fill(DEMO_PASSWORD)
    phone.get_by_test_id("totp-off").click()
    expect(phone.get_by_test_id("totp-status")).to_contain_text("未开启")
    log_out(phone)


def test_admin_contacts_then_sms_code_login(live_server, live_dir, phone, screenshot_dir):
    phone.goto(live_server + "/login")
    fill_login(phone)
    phone.get_by_test_id("home-admin-contacts").click()
    expect(phone.get_by_test_id("contacts-empty")).to_be_visible()
    phone.get_by_test_id("contacts-add").click()
    row = phone.get_by_test_id("contact-row").last
    row.get_by_test_id("contact-name").fill("周主任")
    row.get_by_test_id("contact-phone").fill(PHONE)
    row.get_by_test_id("contact-office").fill("025-66668888")
    phone.get_by_test_id("contacts-add").click()
    phone.get_by_test_id("contact-row").last.get_by_test_id("contact-name").fill("多余的一行")
    phone.get_by_test_id("contact-row").last.get_by_test_id("contact-remove").click()
    phone.get_by_test_id("contacts-save").click()
    expect(phone.get_by_test_id("contacts-done")).to_have_text("已保存。")
    expect(phone.get_by_test_id("contact-row")).to_have_count(1)
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "admin-contacts.png"))
    log_out(phone)

    phone.get_by_test_id("login-mode-sms").click()
    phone.get_by_test_id("sms-login-phone").fill(PHONE)
    phone.get_by_test_id("sms-login-send").click()
    expect(phone.get_by_test_id("sms-login-send")).to_be_disabled()
    phone.get_by_test_id("sms-login-code").fill(sms_code(live_dir, PHONE))
    phone.get_by_test_id("sms-login-submit").click()
    expect(phone.get_by_test_id("home-title")).to_be_visible()

    # Leave unit2 as found.
    phone.goto(live_server + "/admin-contacts")
    phone.get_by_test_id("contact-remove").click()
    phone.get_by_test_id("contacts-save").click()
    expect(phone.get_by_test_id("contacts-empty")).to_be_visible()

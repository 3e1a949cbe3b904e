"""Issue 2 in a real browser at phone size: demo users log in and see their home pages.

Accounts: trainee1 home (WeChat), trainee2 a wrong password (one failed login), trainee4 logs out,
dept1 the people list, dept2 a deep link kept across the login.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request

import pytest

from tests.browser.conftest import DEMO_PASSWORD, WECHAT_UA, log_in, page_width_overflow

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

MASKED_ID = re.compile(r"^\d{3}\*+[\dX]{2}$")
MASKED_PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")


def test_trainee_logs_in_from_wechat_and_sees_their_home(live_server, new_phone, screenshot_dir):
    page = new_phone(user_agent=WECHAT_UA)
    log_in(page, live_server, "trainee1")

    expect(page).to_have_url(live_server + "/")
    expect(page.get_by_test_id("home-title")).to_have_text("张伟")
    expect(page.get_by_test_id("home-role")).to_have_text("个人")
    # Filled in from the trainee's own person record once it arrives.
    expect(page.get_by_test_id("home-scope")).to_have_text("示例第一医院 / 内科")
    expect(page.get_by_test_id("nav").get_by_role("link")).to_have_text(["首页", "签到", "学分", "证书"])
    expect(page.get_by_test_id("nav-home")).to_have_attribute("aria-current", "page")
    assert page_width_overflow(page) == 0
    page.screenshot(path=str(screenshot_dir / "trainee-home.png"))


def test_dept_admin_sees_only_their_departments_people_masked(live_server, phone, screenshot_dir):
    log_in(phone, live_server, "dept1")
    expect(phone.get_by_test_id("home-role")).to_have_text("科室管理员")
    expect(phone.get_by_test_id("home-scope")).to_have_text("示例第一医院 / 内科")

    phone.get_by_test_id("nav-people").click()
    expect(phone).to_have_url(live_server + "/people")
    expect(phone.get_by_test_id("people-total")).to_have_text(re.compile(r"^共 \d+ 人$"))
    rows = phone.get_by_test_id("people-row")
    total = int(re.search(r"\d+", phone.get_by_test_id("people-total").inner_text()).group())
    assert 1 < total <= 20  # one page
    expect(rows).to_have_count(total)

    # The same people the API gives this session, every one of them in 内科.
    api = phone.evaluate("fetch('/api/people?page_size=100').then((r) => r.json())")
    assert api["total"] == total
    assert {p["department_name"] for p in api["items"]} == {"内科"}
    names = [row.locator(".person-name").inner_text() for row in rows.all()]
    assert sorted(names) == sorted(p["name"] for p in api["items"])

    for row in rows.all():
        assert row.locator(".person-where").inner_text() == "内科"
        text = row.locator(".person-ids").inner_text()
        id_number = re.search(r"身份证\s*(\S+)", text).group(1)
        phone_number = re.search(r"手机\s*(\S+)", text).group(1)
        assert MASKED_ID.match(id_number), id_number
        assert MASKED_PHONE.match(phone_number), phone_number
    assert "外科" not in phone.get_by_test_id("people-list").inner_text()
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "dept-admin-people.png"))


def test_wrong_password_shows_the_chinese_error(live_server, phone):
    phone.goto(live_server + "/login")
    phone.get_by_test_id("login-username").fill("trainee2")
    phone.get_by_test_id("login-password").fill("wrong-" + "password1")
    phone.get_by_test_id("login-submit").click()

    expect(phone.get_by_test_id("login-error")).to_be_visible()
    expect(phone.get_by_test_id("login-error")).to_have_text("用户名或密码错误")
    expect(phone.get_by_test_id("login-password")).to_have_value("")
    expect(phone.get_by_test_id("login-password")).to_be_focused()
    expect(phone).to_have_url(live_server + "/login")


STORED = "Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith('jijiao.')).map((k) => [k, localStorage.getItem(k)]))"


def test_logout_asks_keeps_the_personal_code_and_ends_the_session(live_server, phone):
    log_in(phone, live_server, "trainee4")
    session = next(c for c in phone.context.cookies() if c["name"] == "jijiao_session")
    # What the device keeps: the personal-code secret (/my-code stores it), and, as reverse mode
    # would have left them on a shared tablet, a cached roster and a scan not yet synced.
    phone.goto(live_server + "/my-code")
    expect(phone.get_by_test_id("my-code-qr")).to_have_attribute("data-payload", re.compile(r"^JJ1\."))
    scans = '[{"payload":"JJ1.1.1.12345678","state":"pending"}]'
    phone.evaluate(
        "(scans) => { localStorage.setItem('jijiao.roster.dept_admin:1', '{\"people\":{}}');"
        " localStorage.setItem('jijiao.scans.1', scans); }",
        scans,
    )
    phone.goto(live_server + "/")

    phone.get_by_test_id("logout").click()
    expect(phone.get_by_test_id("logout-dialog")).to_contain_text("仍保留您的个人签到码")
    phone.get_by_test_id("logout-confirm").click()
    expect(phone.get_by_test_id("login-form")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"/login$"))
    assert phone.evaluate("fetch('/api/me').then((r) => r.status)") == 401
    # The secret stays (the code works offline after 退出); the roster is gone; the unsynced scan is kept.
    stored = phone.evaluate(STORED)
    assert "secret" in stored["jijiao.personalCode"]
    assert not [key for key in stored if key.startswith("jijiao.roster.")]
    assert stored["jijiao.scans.1"] == scans
    phone.goto(live_server + "/my-code")
    expect(phone.get_by_test_id("my-code-qr")).to_have_attribute("data-payload", re.compile(r"^JJ1\."))
    expect(phone.get_by_test_id("my-code-login")).to_be_visible()

    # The old cookie is dead on the server too, not just forgotten by the browser.
    replay = urllib.request.Request(live_server + "/api/me", headers={"Cookie": f"jijiao_session={session['value']}"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(replay, timeout=5)
    assert refused.value.code == 401


def test_logout_on_a_shared_phone_clears_the_personal_code(live_server, phone):
    log_in(phone, live_server, "trainee4")
    phone.goto(live_server + "/my-code")
    expect(phone.get_by_test_id("my-code-qr")).to_have_attribute("data-payload", re.compile(r"^JJ1\."))
    phone.goto(live_server + "/")
    phone.get_by_test_id("logout").click()
    phone.get_by_test_id("logout-clear-code").check()
    phone.get_by_test_id("logout-confirm").click()
    expect(phone.get_by_test_id("login-form")).to_be_visible()
    assert "jijiao.personalCode" not in phone.evaluate(STORED)


def test_cancelling_logout_stays_logged_in(live_server, phone):
    log_in(phone, live_server, "trainee4")
    phone.get_by_test_id("logout").click()
    phone.get_by_test_id("logout-cancel").click()
    expect(phone.get_by_test_id("logout-dialog")).to_have_count(0)
    assert phone.evaluate("fetch('/api/me').then((r) => r.status)") == 200


def test_home_redirects_to_login_when_logged_out(live_server, phone):
    phone.goto(live_server + "/")
    expect(phone).to_have_url(live_server + "/login?next=%2F")
    expect(phone.get_by_test_id("login-form")).to_be_visible()
    expect(phone.get_by_test_id("logout")).to_have_count(0)


def test_deep_link_is_kept_across_login(live_server, phone):
    phone.goto(live_server + "/people")
    expect(phone).to_have_url(live_server + "/login?next=%2Fpeople")
    phone.get_by_test_id("login-username").fill("dept2")
    phone.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    phone.get_by_test_id("login-password").press("Enter")

    expect(phone).to_have_url(live_server + "/people")
    expect(phone.get_by_test_id("people-row").first).to_be_visible()
    expect(phone.get_by_test_id("nav-people")).to_have_attribute("aria-current", "page")

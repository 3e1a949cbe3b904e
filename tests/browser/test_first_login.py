"""First login of a department-made account: forced password change, then 完善个人信息, then home.

Accounts: dept1 adds a new person (a random ID number) through 人员 → 新增人员; that person logs in.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, page_width_overflow
from tests.browser.test_registration import id_number, new_phone_number

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def test_department_made_account_changes_password_and_completes_profile(live_server, new_context, phone,
                                                                         screenshot_dir):
    number = id_number("19930412", "女")
    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/people")
    dept.get_by_test_id("people-add").click()
    dept.get_by_test_id("person-new-id").fill(number)
    dept.get_by_test_id("person-new-name").fill("周新")
    dept.get_by_test_id("person-new-submit").click()
    expect(dept.get_by_test_id("person-created-username")).to_have_text(number)
    expect(dept.get_by_test_id("person-created-rule")).to_have_text("初始密码为身份证号后六位，首次登录须修改。")
    dept.get_by_test_id("person-created-submit").click()

    phone.goto(live_server + "/login")
    phone.get_by_test_id("login-username").fill(number)
    phone.get_by_test_id("login-password").fill(number[-6:])
    phone.get_by_test_id("login-submit").click()
    expect(phone.get_by_test_id("password-forced")).to_be_visible()
    phone.get_by_test_id("password-old").fill(number[-6:])
    phone.get_by_test_id("password-new").fill("Zhouxin2026")
    phone.get_by_test_id("password-confirm").fill("Zhouxin2026")
    phone.get_by_test_id("password-submit").click()

    # Then the profile, before anything else: another address leads back to it.
    expect(phone.get_by_test_id("profile-forced")).to_be_visible()
    expect(phone.get_by_test_id("nav")).to_have_count(0)
    phone.goto(live_server + "/credits")
    expect(phone.get_by_test_id("profile-forced")).to_be_visible()
    expect(phone.get_by_test_id("profile-fixed")).to_contain_text("周新")
    phone.get_by_test_id("profile-submit").click()
    expect(phone.get_by_test_id("profile-title-error")).to_be_visible()
    phone.get_by_test_id("profile-title").fill("护师")
    phone.get_by_test_id("profile-title_level").select_option("初级")
    phone.get_by_test_id("profile-title_assessed_on").fill("2021-12-01")
    phone.get_by_test_id("profile-specialty").fill("护理学")
    # Not from the ID number: its check character may be X.
    phone.get_by_test_id("profile-phone").fill(new_phone_number())
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "first-login-profile.png"), full_page=True)
    phone.get_by_test_id("profile-submit").click()
    expect(phone.get_by_test_id("home-title")).to_have_text("周新")
    expect(phone.get_by_test_id("nav")).to_be_visible()

    # The saved profile waits for the unit (seed 000 §7.1): unit1 sees it with before → after and approves.
    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    unit.goto(live_server + "/archive-changes")
    row = unit.get_by_test_id("archive-review-row").filter(has_text="周新")
    expect(row.get_by_test_id("archive-review-diff")).to_contain_text("护师")
    row.get_by_test_id("archive-approve").click()
    expect(unit.get_by_test_id("archive-review-done")).to_contain_text("周新")
    phone.goto(live_server + "/profile")
    expect(phone.get_by_test_id("profile-title")).to_have_value("护师")
    expect(phone.get_by_test_id("profile-pending")).to_have_count(0)

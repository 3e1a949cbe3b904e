"""Registration, registration status, password and username recovery at phone size.

The wizard's own checks (step navigation, the ID number check digit, the password pair) run
against the real pickers (/api/regions, /api/units). The flows that need the server's
registration endpoints read the codes from the live server's SMS outbox.

Accounts: unit1 approves the registrations these tests create; every registered user, phone
and ID number is new (random), so the tests stay independent of each other and of the demo data.
"""

from __future__ import annotations

import json
import random
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import DEMO_PASSWORD, WECHAT_UA, page_width_overflow

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
PASSWORD = "Xinmima2026"


def id_number(birth: str, sex: str) -> str:
    """A valid GB 11643 number in 示例区 (990102) for a YYYYMMDD birth date and '男' / '女'."""
    sequence = random.randrange(0, 499) * 2 + (1 if sex == "男" else 0)
    first17 = f"990102{birth}{sequence:03d}"
    return first17 + CHECK[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


def new_phone_number() -> str:
    return "139" + f"{random.randrange(10**8):08d}"


def call(base: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> tuple[int, object]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Accept": "application/json"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw) if raw else None
        except ValueError:
            return error.code, None


@pytest.fixture(scope="module")
def outbox(live_server, tmp_path_factory) -> Path:
    """The live server's SMS outbox (its JIJIAO_DATA_DIR is live-server*/data, see conftest.py)."""
    found = sorted(tmp_path_factory.getbasetemp().glob("live-server*/data"))
    assert found, "the live server's data directory"
    return found[-1] / "sms-outbox.jsonl"


@pytest.fixture(scope="module")
def registration_api(live_server) -> str:
    """The live server, whose registration status check answers an unknown person with 404 mismatch."""
    status, body = call(live_server, "GET", "/api/registrations/status?username=nobody-here&id_number=11010519491231002X")
    assert (status, body.get("code") if isinstance(body, dict) else body) == (404, "mismatch")
    return live_server


def sms_code(outbox: Path, phone: str, purpose: str, timeout: float = 5.0) -> str:
    """The newest code sent to `phone` for `purpose`, waiting for it to be written."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if outbox.exists():
            codes = [
                line["code"]
                for line in map(json.loads, outbox.read_text(encoding="utf-8").splitlines())
                if line["phone"] == phone and line["purpose"] == purpose
            ]
            if codes:
                return codes[-1]
        time.sleep(0.1)
    raise AssertionError(f"no {purpose} SMS to {phone} in {outbox}")


def login_token(base: str, username: str, password: str = DEMO_PASSWORD) -> str:
    status, body = call(base, "POST", "/api/auth/login", {"username": username, "password": password})
    assert status == 200, body
    return body["token"]


def pick_unit(page, unit: str = "示例第一医院", department: str = "内科") -> None:
    """Step 2: 示例省 / 示例市, the unit by keyword, then the department."""
    page.get_by_test_id("reg-province").select_option(label="示例省")
    expect(page.get_by_test_id("reg-city")).to_be_enabled()
    page.get_by_test_id("reg-city").select_option(label="示例市")
    page.get_by_test_id("reg-unit-q").fill(unit[-4:])
    page.get_by_test_id("reg-unit-option").filter(has_text=re.compile("^" + unit + "$")).click()
    expect(page.get_by_test_id("reg-unit-selected")).to_have_text(unit)
    expect(page.get_by_test_id("reg-department")).to_be_enabled()
    page.get_by_test_id("reg-department").select_option(label=department)


def test_wizard_steps_check_id_number_and_password_pair(live_server, phone, screenshot_dir):
    phone.goto(live_server + "/login")
    phone.get_by_test_id("login-register").click()
    expect(phone).to_have_url(live_server + "/register")
    expect(phone.get_by_test_id("reg-stepper-1")).to_have_attribute("aria-current", "step")
    code = phone.get_by_test_id("reg-code")
    expect(code).to_have_attribute("inputmode", "numeric")
    expect(code).to_have_attribute("autocomplete", "one-time-code")

    # Step 1 refuses to move on without a proper phone and code, and says which field is wrong.
    phone.get_by_test_id("reg-next-1").click()
    expect(phone.get_by_test_id("reg-phone")).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_test_id("reg-phone-error")).to_have_text("请输入手机号。")
    expect(phone.get_by_test_id("reg-phone")).to_be_focused()
    phone.get_by_test_id("reg-phone").fill("13912345678")
    phone.get_by_test_id("reg-code").fill("12a3456")  # letters are dropped as typed
    expect(phone.get_by_test_id("reg-code")).to_have_value("123456")
    phone.screenshot(path=str(screenshot_dir / "register-step1.png"))
    phone.get_by_test_id("reg-next-1").click()

    # Step 2: the pickers come from the server; nothing chosen → it stays on step 2.
    expect(phone.get_by_test_id("reg-step-2")).to_be_visible()
    expect(phone.get_by_test_id("reg-stepper-2")).to_have_attribute("aria-current", "step")
    expect(phone.get_by_test_id("reg-stepper-1")).to_have_class(re.compile(r"\bdone\b"))
    phone.get_by_test_id("reg-next-2").click()
    expect(phone.get_by_test_id("reg-province-error")).to_be_visible()
    phone.get_by_test_id("reg-province").select_option(label="示例省")
    expect(phone.get_by_test_id("reg-unit-option").first).to_be_visible()  # the province's units, unfiltered
    phone.get_by_test_id("reg-unit-q").fill("第二")
    expect(phone.get_by_test_id("reg-unit-option")).to_have_text(["示例第二医院"])  # debounced search
    phone.screenshot(path=str(screenshot_dir / "register-step2-search.png"))
    pick_unit(phone)
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "register-step2.png"))
    phone.get_by_test_id("reg-next-2").click()

    # Step 3: the ID number is checked as it is typed.
    expect(phone.get_by_test_id("reg-step-3")).to_be_visible()
    id_input = phone.get_by_test_id("reg-id-number")
    id_input.fill("110105194912310021")
    expect(phone.get_by_test_id("reg-id-number-error")).to_contain_text("校验位不正确")
    expect(id_input).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_test_id("reg-id-number-derived")).to_be_hidden()
    id_input.fill("11010519491231002x")
    expect(id_input).to_have_value("11010519491231002X")
    expect(phone.get_by_test_id("reg-id-number-error")).to_be_hidden()
    expect(phone.get_by_test_id("reg-id-number-birth")).to_have_text("1949-12-31")
    expect(phone.get_by_test_id("reg-id-number-sex")).to_have_text("女")
    male = id_number("19850704", "男")
    id_input.fill(male)
    expect(phone.get_by_test_id("reg-id-number-birth")).to_have_text("1985-07-04")
    expect(phone.get_by_test_id("reg-id-number-sex")).to_have_text("男")

    # The password pair must match.
    phone.get_by_test_id("reg-username").fill("wizard_check")
    phone.get_by_test_id("reg-name").fill("赵敏")
    phone.get_by_test_id("reg-password").fill(PASSWORD)
    phone.get_by_test_id("reg-confirm").fill(PASSWORD + "x")
    assert page_width_overflow(phone) == 0  # an unstyled select once ran off the screen
    phone.get_by_test_id("reg-submit").click()
    expect(phone.get_by_test_id("reg-confirm-error")).to_have_text("两次输入的密码不一致。")
    expect(phone.get_by_test_id("reg-confirm")).to_be_focused()
    expect(phone.get_by_test_id("reg-step-3")).to_be_visible()
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "register-step3.png"), full_page=True)

    # Back and forth keeps what was entered.
    phone.get_by_test_id("reg-prev-3").click()
    expect(phone.get_by_test_id("reg-unit-selected")).to_have_text("示例第一医院")
    expect(phone.get_by_test_id("reg-department").locator("option:checked")).to_have_text("内科")
    phone.get_by_test_id("reg-prev-2").click()
    expect(phone.get_by_test_id("reg-phone")).to_have_value("13912345678")
    expect(phone.get_by_test_id("reg-code")).to_have_value("123456")
    phone.get_by_test_id("reg-next-1").click()
    phone.get_by_test_id("reg-next-2").click()
    expect(phone.get_by_test_id("reg-id-number")).to_have_value(male)
    expect(phone.get_by_test_id("reg-name")).to_have_value("赵敏")


def test_login_links_to_every_recovery_page(live_server, phone, screenshot_dir):
    phone.goto(live_server + "/login")
    expect(phone.get_by_test_id("login-form")).to_be_visible()
    phone.screenshot(path=str(screenshot_dir / "login-links.png"))
    for testid, path, title in [
        ("login-forgot", "/forgot", "忘记密码"),
        ("login-find-username", "/forgot/username", "找回用户名"),
        ("login-register-status", "/register/status", "注册状态查询"),
    ]:
        phone.get_by_test_id(testid).click()
        expect(phone).to_have_url(live_server + path)
        expect(phone.locator("h1")).to_have_text(title)
        assert page_width_overflow(phone) == 0
        phone.go_back()
        expect(phone.get_by_test_id("login-form")).to_be_visible()


def test_registration_end_to_end_then_approved_user_logs_in(registration_api, outbox, new_phone, screenshot_dir):
    base = registration_api
    page = new_phone(user_agent=WECHAT_UA)
    mobile = new_phone_number()
    username = f"reg{random.randrange(10**6):06d}"
    person_id = id_number("19900215", "男")

    page.goto(base + "/register")
    page.get_by_test_id("reg-phone").fill(mobile)
    page.get_by_test_id("reg-sms").click()
    expect(page.get_by_test_id("reg-sms-sent")).to_contain_text(mobile[:3] + "****" + mobile[7:])
    expect(page.get_by_test_id("reg-sms")).to_be_disabled()
    expect(page.get_by_test_id("reg-sms")).to_have_text(re.compile(r"^\d+ 秒后重发$"))
    page.get_by_test_id("reg-code").fill(sms_code(outbox, mobile, "register"))
    page.get_by_test_id("reg-next-1").click()

    pick_unit(page)
    page.get_by_test_id("reg-next-2").click()

    page.get_by_test_id("reg-username").fill(username)
    page.get_by_test_id("reg-name").fill("孙立")
    page.get_by_test_id("reg-id-number").fill(person_id)
    page.get_by_test_id("reg-email").fill(username + "@example.com")
    page.get_by_test_id("reg-password").fill(PASSWORD)
    page.get_by_test_id("reg-confirm").fill(PASSWORD)
    page.get_by_test_id("reg-submit").click()

    done = page.get_by_test_id("register-done")
    expect(page.get_by_test_id("register-done-text")).to_have_text("用户注册成功！请等待单位审核，审核通过后方能登录。")
    expect(page.get_by_test_id("register-done-username")).to_have_text(username)
    registration_id = int(done.get_attribute("data-registration-id"))
    assert page_width_overflow(page) == 0
    page.screenshot(path=str(screenshot_dir / "register-done.png"))

    # 注册状态查询: pending; a wrong ID number does not match.
    page.get_by_test_id("register-done-status").click()
    page.get_by_test_id("reg-status-username").fill(username)
    page.get_by_test_id("reg-status-id").fill("11010519491231002X")
    page.get_by_test_id("reg-status-submit").click()
    expect(page.get_by_test_id("reg-status-error")).to_have_text("用户名和身份证号码不匹配")
    page.get_by_test_id("reg-status-id").fill(person_id)
    page.get_by_test_id("reg-status-submit").click()
    expect(page.get_by_test_id("reg-status-label")).to_have_text("单位待审")
    expect(page.get_by_test_id("reg-status-error")).to_be_hidden()

    # The unit approves it; the status says so and the new user logs in.
    status, body = call(base, "POST", f"/api/registrations/{registration_id}/approve", {}, token=login_token(base, "unit1"))
    assert status == 200, body
    page.get_by_test_id("reg-status-submit").click()
    expect(page.get_by_test_id("reg-status-label")).to_have_text("单位审核通过")
    page.screenshot(path=str(screenshot_dir / "register-status-approved.png"))
    page.get_by_test_id("reg-status-login").click()
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login"))
    expect(page.get_by_test_id("logout")).to_be_visible()
    assert call(base, "POST", "/api/auth/login", {"username": username, "password": PASSWORD})[0] == 200


def test_server_error_on_a_field_goes_back_to_its_step(registration_api, phone):
    """A wrong SMS code is only found out on submit: the wizard returns to step 1 and marks it."""
    base = registration_api
    mobile = new_phone_number()
    phone.goto(base + "/register")
    phone.get_by_test_id("reg-phone").fill(mobile)
    phone.get_by_test_id("reg-sms").click()
    expect(phone.get_by_test_id("reg-sms-sent")).to_be_visible()
    phone.get_by_test_id("reg-code").fill("000000")
    phone.get_by_test_id("reg-next-1").click()
    pick_unit(phone)
    phone.get_by_test_id("reg-next-2").click()
    phone.get_by_test_id("reg-username").fill(f"reg{random.randrange(10**6):06d}")
    phone.get_by_test_id("reg-name").fill("周敏")
    phone.get_by_test_id("reg-id-number").fill(id_number("19920101", "女"))
    phone.get_by_test_id("reg-password").fill(PASSWORD)
    phone.get_by_test_id("reg-confirm").fill(PASSWORD)
    phone.get_by_test_id("reg-submit").click()

    expect(phone.get_by_test_id("reg-step-1")).to_be_visible()
    expect(phone.get_by_test_id("reg-code")).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_test_id("reg-code-error")).not_to_be_empty()
    expect(phone.get_by_test_id("reg-code")).to_be_focused()
    expect(phone.get_by_test_id("reg-phone")).to_have_value(mobile)


def registered_account(base: str, outbox: Path, reject_reason: str | None = None) -> dict:
    """A new trainee registered through the API, approved (or rejected): {username, phone, id_number}."""
    mobile = new_phone_number()
    account = {"username": f"reg{random.randrange(10**6):06d}", "phone": mobile, "id_number": id_number("19880808", "女")}
    assert call(base, "POST", "/api/sms/codes", {"phone": mobile, "purpose": "register"})[0] == 202
    units = call(base, "GET", "/api/units?q=" + urllib.request.quote("示例第一医院"))[1]["items"]
    unit_id = units[0]["id"]
    department_id = call(base, "GET", f"/api/units/{unit_id}/departments")[1]["items"][0]["id"]
    status, body = call(base, "POST", "/api/registrations", {
        "phone": mobile, "sms_code": sms_code(outbox, mobile, "register"), "unit_id": unit_id,
        "department_id": department_id, "username": account["username"], "name": "吴静",
        "id_number": account["id_number"], "password": PASSWORD, "joins_cme": True,
    })
    assert status == 201, body
    if reject_reason is None:
        status, body = call(base, "POST", f"/api/registrations/{body['id']}/approve", {}, token=login_token(base, "unit1"))
    else:
        status, body = call(base, "POST", f"/api/registrations/{body['id']}/reject", {"reason": reject_reason},
                            token=login_token(base, "unit1"))
    assert status == 200, body
    return account


def test_find_username_then_reset_password(registration_api, outbox, phone, screenshot_dir):
    base = registration_api
    account = registered_account(base, outbox)

    phone.goto(base + "/forgot/username")
    phone.get_by_test_id("find-id").fill(account["id_number"])
    phone.get_by_test_id("find-phone").fill(account["phone"])
    phone.get_by_test_id("find-sms").click()
    expect(phone.get_by_test_id("find-sms-sent")).to_be_visible()
    phone.get_by_test_id("find-code").fill(sms_code(outbox, account["phone"], "find_username"))
    phone.get_by_test_id("find-submit").click()
    expect(phone.get_by_test_id("find-username")).to_have_text(account["username"])
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "forgot-username.png"))

    phone.goto(base + "/forgot")
    phone.get_by_test_id("forgot-phone").fill(account["phone"])
    phone.get_by_test_id("forgot-sms").click()
    expect(phone.get_by_test_id("forgot-sms-sent")).to_be_visible()
    phone.get_by_test_id("forgot-code").fill(sms_code(outbox, account["phone"], "reset_password"))
    phone.get_by_test_id("forgot-password").fill("Chongzhi2026")
    phone.get_by_test_id("forgot-confirm").fill("Chongzhi2026")
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "forgot-password.png"))
    phone.get_by_test_id("forgot-submit").click()
    expect(phone.get_by_test_id("forgot-done")).to_be_visible()
    phone.get_by_test_id("forgot-done-login").click()
    phone.get_by_test_id("login-username").fill(account["username"])
    phone.get_by_test_id("login-password").fill("Chongzhi2026")
    phone.get_by_test_id("login-submit").click()
    expect(phone.get_by_test_id("logout")).to_be_visible()


def test_rejected_status_shows_the_reason_and_a_second_code_request_waits(registration_api, outbox, phone):
    base = registration_api
    account = registered_account(base, outbox, reject_reason="科室填写错误")

    phone.goto(base + "/register/status")
    phone.get_by_test_id("reg-status-username").fill(account["username"])
    phone.get_by_test_id("reg-status-id").fill(account["id_number"].lower())
    phone.get_by_test_id("reg-status-submit").click()
    expect(phone.get_by_test_id("reg-status-label")).to_have_text("单位审核不过")
    expect(phone.get_by_test_id("reg-status-reason")).to_have_text("（原因：科室填写错误）")

    # A code went to this phone a moment ago: the page's request meets the server's cooldown,
    # shows its detail and counts down before the next try.
    mobile = new_phone_number()
    assert call(base, "POST", "/api/sms/codes", {"phone": mobile, "purpose": "register"})[0] == 202
    phone.goto(base + "/register")
    phone.get_by_test_id("reg-phone").fill(mobile)
    phone.get_by_test_id("reg-sms").click()
    expect(phone.get_by_test_id("reg-error-1")).to_contain_text("秒后再试")
    expect(phone.get_by_test_id("reg-sms")).to_be_disabled()
    expect(phone.get_by_test_id("reg-sms")).to_have_text(re.compile(r"^\d+ 秒后重发$"))

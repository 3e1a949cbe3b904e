"""The issue's acceptance journey, end to end in Chromium: from the QR on the organiser's tablet
to a certificate anyone can verify.

The organiser (dept1) shows the session's QR on a landscape tablet (/sessions/{id}/screen). A
trainee's phone, in a second browser whose fake camera is fed the QR as the tablet shows it (a
screenshot of the <img>), scans it in the app (/scan) and is checked in. dept1, then unit1,
approve the credit in /review; the trainee downloads the year's certificate from /certificates,
and its code verifies, with the credit in the totals. A cheaper second test reads the same QR
with a logged-out phone and checks in through the login.

The QR rotates every 20 s and the server accepts the current and the previous code: whatever
the tablet shows stays valid for at least 20 s after it is captured, and each scan here is made
within a few seconds of its capture.

Accounts: dept1 and unit1 run and review; trainee1 (张伟, 内科) makes the journey, trainee2
(李娜, 内科) scans logged out. Each test runs a training of its own.
"""

from __future__ import annotations

import base64
import re
from urllib.parse import quote

import pytest

from tests.browser.conftest import DEMO_PASSWORD, log_in
from tests.browser.fake_camera import write_y4m
from tests.browser.trainee_api import (
    api_client,
    bearer,
    credits_of,
    open_training,
    this_year,
    unique_title,
)

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def open_screen(page, base_url: str, session_id: int, title: str):
    """dept1's tablet showing the session's check-in QR; returns the QR <img> locator."""
    log_in(page, base_url, "dept1")
    page.goto(f"{base_url}/sessions/{session_id}/screen")
    expect(page.get_by_test_id("screen-title")).to_have_text(title)
    qr = page.get_by_test_id("screen-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(rf"^/api/sessions/{session_id}/qr\.svg\?v=\d+$"))
    return qr


# The phone's own decoder (the app's vendored zxing BarcodeDetector) reading a PNG.
DECODE_PNG = """async (b64) => {
    const mod = await import('/vendor/barcode-detector/ponyfill.js');
    mod.setZXingModuleOverrides({
        locateFile: (path, prefix) => (path.endsWith('.wasm') ? '/vendor/barcode-detector/' + path : prefix + path),
    });
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const found = await new mod.BarcodeDetector({ formats: ['qr_code'] }).detect(bitmap);
    return found.map((code) => code.rawValue);
}"""


def effective_totals(client) -> dict[str, float]:
    """trainee1's effective credits of this year, summed by class, and hours (from the API)."""
    items = credits_of(client, bearer(client, "trainee1"), year=this_year(), in_force="true")
    totals: dict[str, float] = {"I": 0.0, "II": 0.0, "hours": 0.0}
    for item in items:
        totals[item["credit_class"]] = totals.get(item["credit_class"], 0.0) + item["credits"]
        totals["hours"] += item["hours"]
    return totals


def approve_in_review(page, base_url: str, name: str, title: str) -> None:
    """Approve the credit of `name` for `title` with the row's 通过 on /review (the page's own queue)."""
    page.goto(f"{base_url}/review?q={quote(name)}")
    expect(page.get_by_test_id("review-title")).to_have_text("学分审核")
    row = page.get_by_test_id("review-row").filter(has_text=title)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(name)
    row.get_by_test_id("review-approve").click()
    expect(page.get_by_test_id("review-result")).to_contain_text("成功 1 条")
    expect(row).to_have_count(0)


def test_from_the_screen_qr_to_a_verified_certificate(
    new_context, camera_phone, camera_file, live_server, screenshot_dir
):
    title = unique_title("验收·心衰规范化管理")
    with api_client(live_server) as client:
        _training, session, _dept = open_training(client, title, credit_class="I", credits=1.5, hours=3)
        before = effective_totals(client)
    sid = session["id"]

    # The organiser's tablet at the front of the hall.
    tablet = new_context("tablet")
    qr = open_screen(tablet, live_server, sid, title)
    expect(tablet.get_by_test_id("screen-count")).to_have_text("0")

    # The trainee's phone: logged in, then the in-app scanner pointed at the screen.
    phone = camera_phone
    log_in(phone, live_server, "trainee1")
    write_y4m(camera_file, qr.screenshot())  # what the camera sees is what the screen shows
    phone.get_by_test_id("nav-scan").click()
    expect(phone.get_by_test_id("scan-video")).to_be_visible()
    phone.wait_for_url(re.compile(rf"/c/{sid}$"))  # decoded, opened, and the code taken out of the URL
    status = phone.get_by_test_id("checkin-status")
    expect(status).to_have_attribute("data-state", "created")
    expect(status).to_contain_text("签到成功")
    expect(phone.get_by_test_id("checkin-training-title")).to_have_text(title)
    expect(phone.get_by_test_id("checkin-credit")).to_contain_text("待科室审核")
    phone.screenshot(path=str(screenshot_dir / "journey-checked-in.png"), full_page=True)

    # The screen counts the trainee by its next poll.
    expect(tablet.get_by_test_id("screen-count")).to_have_text("1")
    expect(tablet.get_by_test_id("screen-name").first).to_contain_text("张伟")
    tablet.screenshot(path=str(screenshot_dir / "journey-screen.png"))

    # Two-level review in the UI: dept1 (on the tablet), then unit1.
    approve_in_review(tablet, live_server, "张伟", title)
    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    approve_in_review(unit, live_server, "张伟", title)

    # The trainee sees the credit in effect, and downloads this year's certificate.
    phone.get_by_test_id("checkin-credits-link").click()  # still on the check-in page: 查看我的学分
    expect(phone.get_by_test_id("credit-row").filter(has_text=title).get_by_test_id("status-chip")).to_have_text("已生效")
    phone.get_by_test_id("nav-certificates").click()
    class_i = before["I"] + 1.5
    expect(phone.get_by_test_id("certificate-totals-I").locator(".total-value")).to_have_text(f"{round(class_i, 2):g}")
    link = phone.get_by_test_id("certificate-download")
    expect(link).to_have_attribute("href", f"/api/me/certificate.pdf?year={this_year()}")
    with phone.expect_response(lambda r: "/api/me/certificate.pdf" in r.url) as answer, phone.expect_download() as download:
        link.click()
    response = answer.value
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/pdf")
    code = response.headers["x-certificate-code"]
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # Anyone can check it (no login): valid, the new credit among its lines and in its totals.
    with api_client(live_server) as client:
        verified = client.get(f"/api/verify/{code}")
        after = effective_totals(client)
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert (body["valid"], body["code"], body["name"], body["year"]) == (True, code, "张伟", this_year())
    assert [(line["credit_class"], line["credits"]) for line in body["lines"] if line["title"] == title] == [("I", 1.5)]
    assert after == {"I": pytest.approx(before["I"] + 1.5), "II": pytest.approx(before["II"]), "hours": pytest.approx(before["hours"] + 3)}
    assert body["class_i_total"] == pytest.approx(after["I"])
    assert body["class_ii_total"] == pytest.approx(after["II"])
    assert body["hours_total"] == pytest.approx(after["hours"])


def test_the_screen_qr_read_logged_out_checks_in_after_the_login(new_context, live_server):
    title = unique_title("验收·未登录扫码")
    with api_client(live_server) as client:
        _training, session, _dept = open_training(client, title)
    sid = session["id"]
    tablet = new_context("tablet")
    qr = open_screen(tablet, live_server, sid, title)

    # A logged-out phone reads the QR on the screen (with the app's own decoder) and opens it.
    phone = new_context("phone")
    phone.goto(live_server + "/login")
    decoded = phone.evaluate(DECODE_PNG, base64.b64encode(qr.screenshot()).decode("ascii"))
    assert len(decoded) == 1 and re.fullmatch(rf"{re.escape(live_server)}/c/{sid}\?t=\d{{8}}", decoded[0]), decoded
    phone.goto(decoded[0])
    expect(phone.get_by_test_id("checkin-training-title")).to_have_text(title)
    status = phone.get_by_test_id("checkin-status")
    expect(status).to_have_attribute("data-state", "login")

    phone.get_by_test_id("checkin-login").click()
    phone.wait_for_url("**/login?next=*")
    phone.get_by_test_id("login-username").fill("trainee2")
    phone.get_by_test_id("login-password").fill(DEMO_PASSWORD)
    phone.get_by_test_id("login-submit").click()
    phone.wait_for_url(f"{live_server}/c/{sid}")
    expect(status).to_have_attribute("data-state", "created")
    expect(status).to_contain_text("签到成功")
    expect(phone.get_by_test_id("checkin-training-title")).to_have_text(title)
    expect(tablet.get_by_test_id("screen-count")).to_have_text("1")
    expect(tablet.get_by_test_id("screen-name").first).to_contain_text("李娜")

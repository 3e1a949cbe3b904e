"""The in-app scanner (/scan) with Chromium's fake camera showing a QR code.

The fake camera is a browser launch flag, so these tests get a browser of their own (conftest's
camera_browser); its video file is rewritten before each test (Chromium reads it when the page
opens the camera).
Accounts: trainee3 checks in (a dept1 training of the same unit); the no-camera test logs
trainee3 in without changing anything.
"""

from __future__ import annotations

import re

import pytest

import qr as qrlib
from tests.browser.conftest import log_in
from tests.browser.fake_camera import write_y4m
from tests.browser.trainee_api import (
    api_client,
    bearer,
    credits_of,
    open_training,
    qr_png,
    unique_title,
)

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def test_scanning_the_session_qr_checks_in(camera_phone, camera_file, live_server, screenshot_dir):
    page = camera_phone
    title = unique_title("扫码签到演练")
    with api_client(live_server) as client:
        training, session, dept = open_training(client, title)
        log_in(page, live_server, "trainee3")
        # The code lives 20-40 s: take it (as the lecture-hall screen shows it) just before scanning.
        write_y4m(camera_file, qr_png(client, dept, session["id"]))
        page.get_by_test_id("nav-scan").click()
        expect(page.get_by_test_id("scan-video")).to_be_visible()

        page.wait_for_url(re.compile(rf"/c/{session['id']}(\?|$)"))
        status = page.get_by_test_id("checkin-status")
        expect(status).to_have_attribute("data-state", "created")
        expect(status).to_contain_text("签到成功")
        expect(page.get_by_test_id("checkin-training-title")).to_have_text(title)
        expect(page.get_by_test_id("checkin-credit")).to_contain_text("待科室审核")
        assert "t=" not in page.url  # the code is gone from the address bar
        # The camera is off once the page is left.
        assert page.evaluate("document.querySelector('video') === null")
        page.screenshot(path=str(screenshot_dir / "trainee-checkin-success.png"), full_page=True)

        mine = credits_of(client, bearer(client, "trainee3"), training_id=training["id"])
    assert [(c["title"], c["status"], c["source"]) for c in mine] == [(title, "pending_dept", "attendance")]


def test_a_foreign_qr_is_named_not_ours(camera_phone, camera_file, live_server, screenshot_dir):
    page = camera_phone
    write_y4m(camera_file, qrlib.qr_png("https://example.com/c/1?t=12345678"))
    log_in(page, live_server, "trainee3")
    page.goto(live_server + "/scan")
    result = page.get_by_test_id("scan-result")
    expect(result).to_contain_text("这不是继教的签到二维码")
    expect(page.get_by_test_id("scan-result-text")).to_have_text("https://example.com/c/1?t=12345678")
    expect(page.get_by_test_id("scan-viewport")).to_have_attribute("data-state", "scanning")
    assert page.url == live_server + "/scan"
    page.screenshot(path=str(screenshot_dir / "trainee-scan.png"), full_page=True)

    # Leaving the page turns the camera off.
    page.get_by_test_id("nav-credits").click()
    expect(page.get_by_test_id("credits-title")).to_be_visible()
    page.wait_for_function("() => !document.querySelector('video')")


def test_without_a_camera_the_page_says_what_to_do(phone, live_server, screenshot_dir):
    # The default test browser has no camera and refuses camera permission.
    log_in(phone, live_server, "trainee3")
    phone.goto(live_server + "/scan")
    error = phone.get_by_test_id("scan-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("无法使用摄像头扫码")
    expect(error).to_contain_text("扫一扫")
    expect(phone.get_by_test_id("scan-retry")).to_be_visible()
    phone.screenshot(path=str(screenshot_dir / "trainee-scan-no-camera.png"), full_page=True)

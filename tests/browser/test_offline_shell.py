"""Offline is real, and nothing is missed (issue 13), in Chromium at phone size.

A trainee who logged in once online opens home, 学分 and 我的签到码 with no network (from what the
phone kept: the user, the last known credits marked as of when, the personal code), and a check-in
link opened offline says so and offers 我的签到码. A returned credit shows on the home page, as a dot
on the 学分 tab and pinned on top of the credits list.

Accounts: trainee1 (offline, on the installed app's profile), trainee2 (a returned credit), dept1
(returns it, through the API).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in
from tests.browser.trainee_api import api_client, bearer, code_now, open_training, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

KEPT = """() => ['jijiao.offline.user', 'jijiao.offline.credits', 'jijiao.personalCode']
    .every((key) => localStorage.getItem(key) !== null)"""


def test_trainee_home_credits_and_code_open_offline(installed_app, live_server, screenshot_dir):
    page = installed_app
    log_in(page, live_server, "trainee1")
    # Kept in the background after an online start (app.js keepForOffline).
    page.wait_for_function(KEPT)
    kept_titles = page.evaluate("JSON.parse(localStorage.getItem('jijiao.offline.credits')).data.items.map((c) => c.title)")

    page.context.set_offline(True)
    page.goto(live_server + "/")
    expect(page.get_by_test_id("home-title")).to_have_text("张伟")
    expect(page.get_by_test_id("offline-banner")).to_contain_text("离线模式")
    page.screenshot(path=str(screenshot_dir / "offline-home.png"))

    page.get_by_test_id("nav-credits").click()
    expect(page.get_by_test_id("credits-offline")).to_contain_text("当前离线，显示的是")
    expect(page.get_by_test_id("credit-row-title")).to_have_text(kept_titles)

    page.goto(live_server + "/my-code")
    expect(page.get_by_test_id("my-code-qr")).to_have_attribute("data-payload", re.compile(r"^JJ1\.\d+\.\d+\.\d{8}$"))


def test_a_check_in_link_opened_offline_says_so_and_offers_the_personal_code(installed_app, live_server):
    page = installed_app
    page.context.set_offline(True)
    page.goto(live_server + "/c/1?t=12345678")
    status = page.get_by_test_id("checkin-status")
    expect(status).to_have_attribute("data-state", "offline")
    expect(status).to_contain_text("当前没有网络")
    expect(page.get_by_test_id("checkin-my-code")).to_have_attribute("href", "/my-code")
    expect(page.get_by_test_id("checkin-rescan")).to_be_visible()


def test_a_returned_credit_is_on_the_home_card_the_tab_and_pinned(live_server, phone, screenshot_dir):
    title = unique_title("退回提醒讲座")
    with api_client(live_server) as client:
        _, session, dept = open_training(client, title)
        body = client.post("/api/checkins", headers=bearer(client, "trainee2"),
                           json={"session_id": session["id"], "code": code_now(client, dept, session["id"])}).json()
        returned = client.post(f"/api/credits/{body['credit']['id']}/return", headers=dept,
                               json={"reason": "请补充签到照片"})
        assert returned.status_code == 200
    log_in(phone, live_server, "trainee2")
    card = phone.get_by_test_id("home-attention-returned")
    expect(card).to_contain_text(re.compile(r"^\d+ 条学分被退回：“" + title + "”（请补充签到照片）去修改$"))
    expect(phone.get_by_test_id("nav-credits-dot")).to_be_visible()
    phone.screenshot(path=str(screenshot_dir / "home-returned-card.png"))

    card.click()
    expect(phone).to_have_url(re.compile(r"/credits/" + str(body["credit"]["id"]) + "$"))
    phone.get_by_test_id("nav-credits").click()
    expect(phone.get_by_test_id("credit-pinned").first).to_contain_text(title)

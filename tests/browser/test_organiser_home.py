"""The organiser's day on the home page (issue 13): today's sessions with their 签到屏, and a training the
unit has not approved yet flagged the day before its session, with a one-tap reminder to the unit.

Accounts: dept2 (its own trainings, so that the agenda is its own), unit1 (approves through the API).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.api.attendance_helpers import CHINA, open_session
from tests.browser.conftest import log_in
from tests.browser.trainee_api import api_client, bearer, this_year, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def test_todays_session_and_tomorrows_unapproved_training_with_a_reminder(live_server, new_context):
    today_title, tomorrow_title = unique_title("今日讲座"), unique_title("明日讲座")
    with api_client(live_server) as client:
        dept, unit = bearer(client, "dept2"), bearer(client, "unit1")
        _, session = open_session(client, dept, unit, title=today_title, year=this_year())
        training = client.post("/api/trainings", headers=dept, json={
            "title": tomorrow_title, "year": this_year(), "credit_class": "II", "credits": 0.5, "hours": 2}).json()
        start = (dt.datetime.now(CHINA) + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        client.post(f"/api/trainings/{training['id']}/sessions", headers=dept, json={
            "starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=2)).isoformat(), "location": "示教室"})
        client.post(f"/api/trainings/{training['id']}/submit", headers=dept)

    page = new_context("phone")
    log_in(page, live_server, "dept2")
    today = page.get_by_test_id("agenda-item").filter(has_text=today_title)
    expect(today.get_by_test_id("agenda-screen")).to_have_attribute("href", f"/sessions/{session['id']}/screen")
    tomorrow = page.get_by_test_id("agenda-item").filter(has_text=tomorrow_title)
    expect(tomorrow.get_by_test_id("agenda-warning")).to_contain_text("尚未通过单位审核")
    tomorrow.get_by_test_id("agenda-remind").click()
    expect(tomorrow.get_by_test_id("agenda-remind")).to_have_text("已提醒单位 1 位管理员")
    expect(tomorrow.get_by_test_id("agenda-remind")).to_be_disabled()

    unit_page = new_context("desktop")
    log_in(unit_page, live_server, "unit1")
    expect(unit_page.get_by_test_id("home-attention-reminder").filter(has_text=tomorrow_title)).to_be_visible()

"""Compliance (达标) on a phone and at the desk: the progress card, the explanation, the personal
standard picker, an admin's view of a person, and the region admin's standards editor.

Accounts: trainee3 (checks in on the phone; approved by dept2, then unit1), region1 (standards),
dept2 (reads trainee3's compliance). Each test makes its own standard with a unique name, counting
only elective hours (选修) or a year nobody else uses, so other tests' records never meet it.
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in, page_width_overflow
from tests.browser.trainee_api import api_client, bearer, code_now, open_training, this_year, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def _elective_standard(client, name: str) -> dict:
    """An hours standard of this year asking for 2 elective hours, applied only to whoever chooses it."""
    response = client.post("/api/standards", headers=bearer(client, "region1"), json={
        "year": this_year(), "name": name, "scheme": "hours", "auto_apply": False,
        "requirements": [{"measure": "hours", "category": "elective", "min": 2}]})
    assert response.status_code == 201, response.text
    return response.json()


def test_check_in_shows_pending_on_the_card_then_the_line_is_met(phone, live_server, screenshot_dir):
    with api_client(live_server) as client:
        standard = _elective_standard(client, unique_title("示例省 选修学时"))
        trainee = bearer(client, "trainee3")
        chosen = client.post("/api/me/standards", headers=trainee,
                             json={"year": this_year(), "standard_id": standard["id"]})
        assert chosen.status_code == 201, chosen.text
        title = unique_title("选修：医患沟通")
        _training, session, dept = open_training(client, title, category="elective", credits=0.5, hours=2)

        log_in(phone, live_server, "trainee3")
        card = phone.locator(f"[data-testid=compliance-result][data-standard='{standard['id']}']")
        line = card.get_by_test_id("compliance-line")
        expect(line).to_have_attribute("data-met", "false")
        expect(line.get_by_test_id("compliance-line-value")).to_have_text("0 / 2")

        # Check in on the phone, as the lecture-hall QR does.
        phone.goto(f"{live_server}/c/{session['id']}?t={code_now(client, dept, session['id'])}")
        expect(phone.get_by_test_id("checkin-status")).to_have_attribute("data-state", "created")
        phone.goto(live_server + "/")
        expect(card.get_by_test_id("compliance-pending")).to_have_text("审核中 2")
        expect(line.get_by_test_id("compliance-line-waiting")).to_have_text("审核中 2")
        expect(line).to_have_attribute("data-met", "false")
        expect(card.get_by_test_id("compliance-passed")).to_have_text("未达标")
        expect(card.get_by_test_id("compliance-missing")).to_have_text("还差 选修科目 2 学时")
        assert page_width_overflow(phone) == 0
        phone.screenshot(path=str(screenshot_dir / "compliance-card-pending.png"), full_page=True)

        credit_id = next(c["id"] for c in client.get("/api/credits", headers=trainee, params={"q": title}).json()["items"])
        for approver in ("dept2", "unit1"):
            response = client.post(f"/api/credits/{credit_id}/approve", headers=bearer(client, approver))
            assert response.status_code == 200, response.text

    phone.reload()
    expect(line).to_have_attribute("data-met", "true")
    expect(line.get_by_test_id("compliance-line-value")).to_have_text("2 / 2")
    expect(card.get_by_test_id("compliance-passed")).to_have_text("已达标")
    expect(card.get_by_test_id("compliance-headline")).to_have_text("已计入 选修科目 2 / 2 学时")
    expect(card.get_by_test_id("compliance-pending")).to_have_count(0)
    phone.screenshot(path=str(screenshot_dir / "compliance-card-met.png"), full_page=True)

    # The explanation lists the record behind the line.
    phone.get_by_test_id("compliance-more").click()
    expect(phone).to_have_url(re.compile(r"/compliance$"))
    result = phone.locator(f"[data-testid=compliance-result][data-standard='{standard['id']}']")
    expect(result.get_by_test_id("compliance-record")).to_have_attribute("data-credit", str(credit_id))
    expect(result.get_by_test_id("compliance-record")).to_contain_text(title)
    expect(phone.get_by_test_id("compliance-year")).to_have_count(5)
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "compliance-page.png"), full_page=True)


def test_a_pending_record_is_explained_in_plain_words(phone, live_server):
    with api_client(live_server) as client:
        standard = _elective_standard(client, unique_title("示例省 选修说明"))
        trainee = bearer(client, "trainee3")
        # This year's hours choice of trainee3 may exist from another test: judge by standard_id instead.
        title = unique_title("选修：急救演练")
        _training, session, dept = open_training(client, title, category="elective", credits=0.5, hours=1)
        response = client.post("/api/checkins", headers=trainee, json={"session_id": session["id"],
                                                                         "code": code_now(client, dept, session["id"])})
        assert response.status_code == 201, response.text
        credit_id = response.json()["credit"]["id"]
        body = client.get("/api/me/compliance", headers=trainee,
                          params={"year": this_year(), "standard_id": standard["id"]}).json()
    assert {"credit_id": credit_id, "reason": "pending", "counted_credits": 0.0,
            "counted_hours": 0.0} in body["results"][0]["excluded"]
    log_in(phone, live_server, "trainee3")
    phone.goto(live_server + "/compliance")
    # Every result that would count it (the demo province's table counts everything) says the same.
    excluded = phone.locator(f"[data-testid=compliance-excluded][data-credit='{credit_id}']").first
    expect(excluded).to_have_attribute("data-reason", "pending")
    expect(excluded).to_contain_text("审核中，科室和单位审核通过后计入")


def test_the_personal_standard_picker_saves_lists_and_deletes(phone, live_server):
    log_in(phone, live_server, "trainee3")
    phone.goto(live_server + "/standards/mine")
    next_year = str(this_year() + 1)
    phone.get_by_test_id("my-standard-year").select_option(next_year)
    phone.get_by_test_id("my-standard-unit-level").select_option("区县")
    phone.get_by_test_id("my-standard-title-level").select_option("初级")
    match = phone.get_by_test_id("my-standard-match")
    expect(match).to_have_count(1)
    expect(match).to_contain_text("示例省 初级")
    expect(match.get_by_test_id("standard-lines")).to_have_text("合计学分 ≥ 25")
    match.get_by_test_id("my-standard-save").click()
    expect(phone.get_by_test_id("my-standard-done")).to_contain_text(next_year + " 年度按“示例省 初级”判定")
    choice = phone.locator(f"[data-testid=my-standard-choice][data-year='{next_year}']")
    expect(choice).to_contain_text("示例省 初级")
    assert page_width_overflow(phone) == 0
    choice.get_by_test_id("my-standard-delete").click()
    expect(choice).to_have_count(0)


def test_a_department_admin_reads_a_persons_compliance(new_context, live_server):
    with api_client(live_server) as client:
        person_id = client.get("/api/me", headers=bearer(client, "trainee3")).json()["person_id"]
    page = new_context("desktop")
    log_in(page, live_server, "dept2")
    page.goto(f"{live_server}/people/{person_id}")
    section = page.get_by_test_id("person-compliance")
    expect(section.get_by_test_id("compliance-result").first).to_be_visible()
    expect(page.get_by_test_id("person-compliance-years").get_by_test_id("compliance-year")).to_have_count(5)


def test_the_region_admin_adds_a_standard_and_is_told_what_is_wrong(new_context, live_server):
    page = new_context("desktop")
    log_in(page, live_server, "region1")
    year = this_year() + 3
    page.goto(f"{live_server}/standards/new?year={year}")
    name = unique_title("示例省 编辑器标准")
    page.get_by_test_id("sf-name").fill(name)
    page.get_by_test_id("sf-title-中级").check()
    page.get_by_test_id("sf-req-min").fill("-1")
    page.get_by_test_id("sf-submit").click()
    expect(page.get_by_test_id("sf-error")).to_have_text("请填写数值（0–1000，最多两位小数）。")
    page.get_by_test_id("sf-req-min").fill("20")
    # The same line twice passes the form's own checks; the server names it.
    page.get_by_test_id("sf-reqs-add").click()
    page.get_by_test_id("sf-req-min").nth(1).fill("8")
    page.get_by_test_id("sf-submit").click()
    expect(page.get_by_test_id("sf-error")).to_contain_text("重复（requirements[1]）")
    page.get_by_test_id("sf-req-category").nth(1).select_option("I")
    page.get_by_test_id("sf-submit").click()
    expect(page).to_have_url(re.compile(rf"/standards\?year={year}$"))
    card = page.locator("[data-testid=standard-card]", has_text=name)
    expect(card.get_by_test_id("standard-lines")).to_have_text("合计学分 ≥ 20I类学分 ≥ 8")
    card.get_by_test_id("standard-retire").click()
    page.get_by_test_id("standard-retire-dialog-submit").click()
    expect(page.get_by_test_id("standards-done")).to_contain_text("已停用：" + name)
    expect(page.locator("[data-testid=standard-card]", has_text=name)).to_have_count(0)


def test_the_training_form_and_the_rule_editor_take_a_category(new_context, live_server):
    title = unique_title("公需：医疗法规")
    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    dept.goto(live_server + "/trainings/new")
    dept.get_by_test_id("tf-title").fill(title)
    dept.get_by_test_id("tf-class").select_option("II")
    dept.get_by_test_id("tf-category").select_option("public")
    dept.get_by_test_id("tf-credits").fill("0.5")
    dept.get_by_test_id("tf-hours").fill("2")
    dept.get_by_test_id("tf-save").click()
    expect(dept).to_have_url(re.compile(r"/trainings$"))

    region = new_context("desktop")
    log_in(region, live_server, "region1")
    region.goto(live_server + "/rules")
    region.get_by_test_id("rule-add").click()
    code = "elective_" + unique_title("r").split("-")[1]
    region.get_by_test_id("rd-code").fill(code)
    region.get_by_test_id("rd-name").fill("选修课程学习")
    region.get_by_test_id("rd-category").select_option("elective")
    region.get_by_test_id("rd-cap").fill("10")
    region.get_by_test_id("rule-dialog-submit").click()
    row = region.locator(f"[data-testid=rule-row][data-code='{code}']")
    expect(row.get_by_test_id("rule-category")).to_have_text("选修科目")

    with api_client(live_server) as client:
        found = client.get("/api/trainings", params={"q": title}, headers=bearer(client, "dept1")).json()["items"]
        rules = client.get("/api/credit-rules", params={"year": this_year()}, headers=bearer(client, "region1")).json()
    assert [t["category"] for t in found] == ["public"]
    assert [r["category"] for r in rules["items"] if r["code"] == code] == ["elective"]

"""Statistics pages in a real browser: the completion chart, the at-risk list and a reminder that
reaches the trainee's home screen.

    unit1     reads the completion statistics (desktop)
    dept1     reminds 李娜 from the at-risk list (desktop)
    trainee2  (李娜) finds the reminder on the home screen (phone); nobody else reminds her
    unit1     prints the multi-year verification of 李娜 and 张伟 (at most five years)
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def test_the_completion_statistics_draw_a_bar_per_department(new_context, live_server):
    page = new_context("desktop")
    log_in(page, live_server, "unit1")
    page.goto(live_server + "/statistics")
    rows = page.get_by_test_id("stats-row")
    expect(rows.first).to_be_visible()
    expect(page.get_by_test_id("stats-chart").locator("[data-testid=bar]")).to_have_count(rows.count())
    expect(rows.first).to_contain_text("内科")
    expect(page.get_by_test_id("stats-total")).to_contain_text("年度，共")


def test_a_reminder_from_the_at_risk_list_reaches_the_trainees_home_screen(new_context, live_server):
    admin = new_context("desktop")
    log_in(admin, live_server, "dept1")
    admin.goto(live_server + "/statistics/at-risk")
    row = admin.get_by_test_id("risk-row").filter(has_text="李娜")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("risk-lines")).to_contain_text("差")
    expect(row.get_by_test_id("risk-last")).to_have_text("未提醒")
    row.get_by_test_id("risk-send").click()
    expect(admin.get_by_test_id("risk-result")).to_have_text("已提醒 1 人")
    expect(admin.get_by_test_id("risk-row").filter(has_text="李娜").get_by_test_id("risk-last")).not_to_have_text(
        "未提醒")

    phone = new_context("phone")
    log_in(phone, live_server, "trainee2")
    line = phone.get_by_test_id("home-attention-compliance")
    expect(line).to_have_count(1)
    expect(line).to_contain_text(re.compile(r"\d{4} 年度学分尚未达标"))
    expect(line).to_contain_text("李娜您好")
    with phone.expect_response(lambda r: r.url.endswith("/read") and r.status == 204):
        line.click()  # opens 学分 and marks the reminder read
    # 学分 writes its year into the address (/credits?year=2026) once it loads.
    phone.wait_for_url(re.compile(r"/credits(\?year=\d{4})?$"))
    phone.goto(live_server + "/")
    phone.get_by_test_id("home-title").wait_for()
    expect(phone.get_by_test_id("home-attention-compliance")).to_have_count(0)


def test_the_multi_year_verification_moves_people_to_chosen_and_stops_at_five_years(new_context, live_server,
                                                                                     tmp_path):
    import shutil
    import subprocess

    page = new_context("desktop")
    log_in(page, live_server, "unit1")
    page.goto(live_server + "/reports")
    card = page.get_by_test_id("verify-card")
    card.get_by_test_id("verify-department").select_option(label="内科")
    pool = card.get_by_test_id("verify-pool")
    expect(pool.locator("option").filter(has_text="李娜")).to_have_count(1)
    pool.select_option(label=[o for o in pool.locator("option").all_text_contents() if "李娜" in o or "张伟" in o])
    card.get_by_test_id("verify-add").click()
    chosen = card.get_by_test_id("verify-chosen")
    expect(chosen.locator("option")).to_have_count(2)
    expect(pool.locator("option").filter(has_text="李娜")).to_have_count(0)
    # Three years are ticked to begin with: two more make five, a sixth is refused.
    boxes = card.get_by_test_id("verify-year")
    unticked = [i for i in range(boxes.count()) if not boxes.nth(i).is_checked()]
    boxes.nth(unticked[0]).check()
    boxes.nth(unticked[1]).check()
    boxes.nth(unticked[2]).click()
    expect(boxes.nth(unticked[2])).not_to_be_checked()
    expect(card.get_by_test_id("verify-error")).to_contain_text("最多选择 5 个年度")
    with page.expect_download() as download:
        card.get_by_test_id("verify-pdf").click()
    path = tmp_path / "verification.pdf"
    download.value.save_as(path)
    text = subprocess.run([shutil.which("pdftotext"), str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert "多年度学分验证表" in squeezed and "李娜" in squeezed and "张伟" in squeezed
    assert squeezed.count("共5个年度") == 2

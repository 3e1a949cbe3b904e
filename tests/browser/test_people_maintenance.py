"""A department secretary keeps the people (seed 001 §2.1–2.3): edits a title, reads the change log,
imports a workbook with one bad row, fixes it and imports again.

Accounts: dept1 (内科). The edited person is one of 内科's demo staff without an account; the
imported people are new ID numbers of the 示范区 (990103), so no other test meets them.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from server.services.idcard import make_id_number
from tests.browser.conftest import log_in, page_width_overflow

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def _rows(seed: int) -> list[list]:
    rows = []
    for i in range(3):
        number = make_id_number("990103", dt.date(1990, 2, 3 + i), 700 + seed * 10 + i)
        rows.append([number, f"新同事{i}", "内科", "护师", None, "2022-12-01", "未聘任", "编外", "正常",
                     f"1360{seed:03d}{i:04d}", "护理学", None, None, "是"])
    return rows


def test_secretary_edits_a_title_reads_the_log_and_imports_staff(live_server, new_context, screenshot_dir):
    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    people = dept.evaluate("fetch('/api/people?title=' + encodeURIComponent('住院医师')).then((r) => r.json())")
    person = next(p for p in people["items"] if p["name"] != "李娜")

    # 人员 → the person → 编辑: the title (its level follows), saved.
    dept.goto(live_server + "/people?title=" + "住院医师")
    dept.locator(f'[data-testid="people-row"][data-id="{person["id"]}"]').click()
    expect(dept.get_by_test_id("person-name")).to_have_text(person["name"])
    dept.get_by_test_id("person-edit-open").click()
    dept.get_by_test_id("edit-title").select_option("主治医师")
    expect(dept.get_by_test_id("edit-title_level")).to_have_value("中级")
    dept.get_by_test_id("person-edit-submit").click()
    expect(dept.get_by_test_id("person-saved")).to_have_text("已保存。")
    expect(dept.locator('[data-field="title"]')).to_have_text("主治医师")
    expect(dept.locator('[data-field="title_level"]')).to_have_text("中级")

    # 变动记录: who, from where, before → after.
    dept.get_by_test_id("person-changes").click()
    row = dept.get_by_test_id("changes-row").first
    expect(row.get_by_test_id("changes-account-cell")).to_have_text("dept1")
    expect(row.get_by_test_id("changes-ip")).to_have_text("127.0.0.1")
    expect(row.get_by_test_id("changes-summary")).to_contain_text("住院医师 → 主治医师")
    expect(row.get_by_test_id("change-diff").first).to_contain_text("当前职称：住院医师 → 主治医师")
    assert page_width_overflow(dept) == 0
    dept.screenshot(path=str(screenshot_dir / "people-change-log.png"), full_page=True)

    # 导入: the template, one bad row (a wrong check digit), nothing written, the row named.
    before = dept.evaluate("fetch('/api/people?page_size=1').then((r) => r.json())")["total"]
    dept.goto(live_server + "/people")
    dept.get_by_test_id("people-import").click()
    template = dept.request.get(live_server + "/api/people/template.xlsx")
    assert template.ok
    rows = _rows(1)
    good = rows[1][0]
    rows[1][0] = good[:17] + ("0" if good[17] != "0" else "1")

    def workbook(values) -> bytes:
        book = load_workbook(io.BytesIO(template.body()))
        for value in values:
            book["人员"].append(value)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    dept.get_by_test_id("import-file").set_input_files(
        files=[{"name": "人员.xlsx", "mimeType": xlsx, "buffer": workbook(rows)}])
    dept.get_by_test_id("import-submit").click()
    error_rows = dept.get_by_test_id("import-error-table-row")
    expect(error_rows).to_have_count(1)
    expect(error_rows.first).to_have_attribute("data-row", "3")
    expect(error_rows.first).to_contain_text("身份证号")
    expect(dept.get_by_test_id("import-error")).to_contain_text("未导入任何数据")
    assert dept.evaluate("fetch('/api/people?page_size=1').then((r) => r.json())")["total"] == before
    dept.screenshot(path=str(screenshot_dir / "people-import-errors.png"), full_page=True)

    # Fixed and sent again: all three are in.
    rows[1][0] = good
    dept.get_by_test_id("import-file").set_input_files(
        files=[{"name": "人员.xlsx", "mimeType": xlsx, "buffer": workbook(rows)}])
    dept.get_by_test_id("import-submit").click()
    expect(dept.get_by_test_id("import-done")).to_have_text("导入成功：新增 3 人，更新 0 人。")
    expect(dept.get_by_test_id("import-error-table-row")).to_have_count(0)
    assert dept.evaluate("fetch('/api/people?page_size=1').then((r) => r.json())")["total"] == before + 3


def test_batch_change_of_a_past_year_and_the_trainees_archive(live_server, new_context, screenshot_dir):
    dept = new_context("desktop")
    log_in(dept, live_server, "dept1")
    # Two of 内科's demo staff without accounts: the batch touches only their 2020 rows.
    dept.goto(live_server + "/people?title=" + "主任医师")
    rows = dept.get_by_test_id("people-row")
    expect(rows.first).to_be_visible()
    person_id = rows.first.get_attribute("data-id")
    dept.get_by_test_id("people-check").first.check()
    expect(dept.get_by_test_id("people-selected")).to_have_text("已选 1 人")
    dept.get_by_test_id("people-batch").click()
    dept.get_by_test_id("batch-year").select_option("2020")
    dept.get_by_test_id("batch-status").select_option("停用")
    dept.get_by_test_id("batch-submit").click()
    expect(dept.get_by_test_id("batch-warning")).to_contain_text("点击后将影响达标结果")
    expect(dept.get_by_test_id("batch-counts")).to_contain_text("将修改 1 人的 2020 年度记录")
    dept.get_by_test_id("batch-confirm-submit").click()
    expect(dept.get_by_test_id("people-done")).to_have_text("已修改 1 人。")

    dept.goto(live_server + f"/people/{person_id}/years")
    expect(dept.get_by_test_id("years-warning")).to_contain_text("请添加不要修改")
    year_row = dept.locator('[data-testid="years-row"][data-year="2020"]')
    expect(year_row).to_contain_text("停用")
    expect(year_row).to_contain_text("示例第一医院")
    dept.screenshot(path=str(screenshot_dir / "person-years.png"), full_page=True)

    # The trainee adds an education entry; it waits for the unit, then reaches the résumé.
    trainee = new_context("phone")
    log_in(trainee, live_server, "trainee2")
    trainee.goto(live_server + "/archive")
    trainee.get_by_test_id("archive-add-education").click()
    trainee.get_by_test_id("archive-education-start_on").fill("2012-09-01")
    trainee.get_by_test_id("archive-education-school").fill("示例医学院")
    trainee.get_by_test_id("archive-education-degree").select_option("本科")
    trainee.get_by_test_id("archive-item-submit").click()
    expect(trainee.get_by_test_id("archive-done")).to_have_text("已提交，请等待单位审核。")
    expect(trainee.locator('[data-testid="archive-change"][data-status="pending"]')).to_have_count(1)

    unit = new_context("desktop")
    log_in(unit, live_server, "unit1")
    unit.goto(live_server + "/archive-changes")
    row = unit.get_by_test_id("archive-review-row").filter(has_text="示例医学院")
    row.get_by_test_id("archive-approve").click()
    expect(unit.get_by_test_id("archive-review-done")).to_contain_text("李娜")

    trainee.reload()
    expect(trainee.get_by_test_id("archive-item-education")).to_contain_text("示例医学院")
    pdf = trainee.request.get(live_server + "/api/me/resume.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    trainee.screenshot(path=str(screenshot_dir / "trainee-archive.png"), full_page=True)

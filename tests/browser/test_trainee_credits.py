"""/credits, /credits/{id} and /certificates for a trainee with an effective attendance credit.

Account: trainee1 (a fresh training's credit, checked in and approved through the API).
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import log_in, page_width_overflow
from tests.browser.trainee_api import (
    api_client,
    bearer,
    code_now,
    credits_of,
    open_training,
    this_year,
    unique_title,
)

pytestmark = pytest.mark.browser
from playwright.sync_api import expect


def _num(value: float) -> str:
    """As the page writes numbers: at most two decimals, no trailing zeros."""
    return f"{round(value, 2):.2f}".rstrip("0").rstrip(".")


@pytest.fixture
def effective_credit(live_server):
    """trainee1 checked in to a new training and both reviews approved: (title, credit id)."""
    title = unique_title("继教学分页")
    with api_client(live_server) as client:
        _training, session, dept = open_training(client, title, credit_class="I", credits=1.5, hours=3)
        trainee = bearer(client, "trainee1")
        response = client.post("/api/checkins", headers=trainee,
                               json={"session_id": session["id"], "code": code_now(client, dept, session["id"])})
        assert response.status_code == 201, response.text
        credit_id = response.json()["credit"]["id"]
        for approver in ("dept1", "unit1"):
            response = client.post(f"/api/credits/{credit_id}/approve", headers=bearer(client, approver))
            assert response.status_code == 200, response.text
        effective = credits_of(client, trainee, year=this_year(), in_force="true")
    assert credit_id in [c["id"] for c in effective]
    totals = {
        "I": sum(c["credits"] for c in effective if c["credit_class"] == "I"),
        "II": sum(c["credits"] for c in effective if c["credit_class"] == "II"),
        "hours": sum(c["hours"] for c in effective),
    }
    return title, credit_id, totals


def test_credits_list_totals_detail_and_certificate(phone, live_server, effective_credit, screenshot_dir):
    title, credit_id, totals = effective_credit
    log_in(phone, live_server, "trainee1")

    phone.get_by_test_id("nav-credits").click()
    expect(phone.get_by_test_id("credits-year")).to_have_value(str(this_year()))
    for name, value in totals.items():
        expect(phone.get_by_test_id(f"credits-totals-{name}").locator(".total-value")).to_have_text(_num(value))
    row = phone.get_by_test_id("credit-row").filter(has_text=title)
    expect(row).to_be_visible()
    expect(row.get_by_test_id("status-chip")).to_have_text("已生效")
    assert page_width_overflow(phone) == 0
    phone.screenshot(path=str(screenshot_dir / "trainee-credits.png"), full_page=True)

    row.click()
    phone.wait_for_url(f"**/credits/{credit_id}")
    detail = phone.get_by_test_id("credit-detail")
    expect(detail.get_by_test_id("credit-title")).to_have_text(title)
    expect(phone.get_by_test_id("credit-source")).to_have_text("院内培训签到")
    events = phone.get_by_test_id("credit-event")
    expect(events).to_have_count(3)
    assert [events.nth(i).get_attribute("data-status") for i in range(3)] == ["pending_dept", "pending_unit", "effective"]
    phone.screenshot(path=str(screenshot_dir / "trainee-credit-detail.png"), full_page=True)

    phone.get_by_test_id("nav-certificates").click()
    link = phone.get_by_test_id("certificate-download")
    expect(link).to_have_attribute("href", f"/api/me/certificate.pdf?year={this_year()}")
    expect(phone.get_by_test_id("certificate-verify")).to_contain_text("扫描")
    phone.screenshot(path=str(screenshot_dir / "trainee-certificates.png"), full_page=True)
    pdf = phone.request.get(live_server + link.get_attribute("href"))  # the browser's cookies
    assert pdf.status == 200
    assert pdf.headers["content-type"].startswith("application/pdf")
    assert pdf.body().startswith(b"%PDF")
    assert pdf.headers.get("x-certificate-code")

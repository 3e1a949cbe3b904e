"""The projector link (issue 13): the organiser makes a display link on the check-in screen; a PC with no
login opens it and shows only the rotating QR and the live count; ending the link closes that screen.

Accounts: dept1 (organiser, on a tablet), trainee1 (checks in through the API).
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.trainee_api import api_client, bearer, code_now, open_training, unique_title
from tests.qr_render import decode_svg


def test_display_link_opens_with_no_login_and_ends_at_once(live_server, new_context, screenshot_dir, tmp_path):
    with api_client(live_server) as client:
        _, session, dept = open_training(client, unique_title("投屏讲座"))
        organiser = new_context("tablet")
        log_in(organiser, live_server, "dept1")
        organiser.goto(f"{live_server}/sessions/{session['id']}/screen")
        organiser.get_by_test_id("screen-display-links").click()
        organiser.get_by_test_id("display-link-create").click()
        url = organiser.get_by_test_id("display-link-url").input_value()
        assert url.startswith(live_server + "/d/")

        projector = new_context("desktop")
        projector.set_viewport_size({"width": 1920, "height": 1080})
        projector.goto(url)
        qr = projector.get_by_test_id("display-qr")
        expect(qr).to_have_attribute("data-code", code_now(client, dept, session["id"]))
        expect(projector.get_by_test_id("display-count")).to_have_text("0")
        # Display only: nothing to press, no way into the app.
        assert projector.locator("button, a, input").count() == 0
        svg = client.get(f"/api/display/{url.rsplit('/d/', 1)[1]}/qr.svg").text
        assert decode_svg(svg, tmp_path / "qr.png").startswith(f"{live_server}/c/{session['id']}?t=")

        client.post("/api/checkins", headers=bearer(client, "trainee1"),
                    json={"session_id": session["id"], "code": code_now(client, dept, session["id"])})
        expect(projector.get_by_test_id("display-count")).to_have_text("1")
        projector.screenshot(path=str(screenshot_dir / "display-link-1080p.png"))

        organiser.get_by_test_id("display-link-end").click()
        expect(organiser.get_by_test_id("display-link")).to_have_count(0)
        expect(projector.get_by_test_id("display-ended")).to_be_visible()

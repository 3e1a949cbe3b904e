"""Display links (issue 13): the lecture-hall screen's rotating code and live count with no login."""

import datetime as dt

from server.tables import TrainingSession
from tests.api.attendance_helpers import add_session, create_training, current_code, open_session
from tests.api.conftest import login
from tests.qr_render import decode_svg


def _open(client):
    dept, unit = login(client, "dept1"), login(client, "unit1")
    training, session = open_session(client, dept, unit, title="投屏测试讲座")
    return dept, unit, training, session


def _create(client, headers, session_id, **body):
    return client.post(f"/api/sessions/{session_id}/display-links", headers=headers, json=body or None)


def _token(url: str) -> str:
    return url.rsplit("/d/", 1)[1]


def _end_session(client, session_id):
    async def run():
        past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
        await TrainingSession.update({TrainingSession.ends_at: past}).where(TrainingSession.id == session_id)

    client.blocking_portal.call(run)


def test_organiser_makes_a_short_link_that_expires_with_the_session(client):
    dept, _, _, session = _open(client)
    response = _create(client, dept, session["id"])
    assert response.status_code == 201
    body = response.json()
    assert set(body) >= {"id", "url", "expires_at"}
    assert body["url"].startswith("http://testserver.local/d/")
    assert len(_token(body["url"])) == 22
    assert dt.datetime.fromisoformat(body["expires_at"]) == dt.datetime.fromisoformat(session["ends_at"])


def test_the_link_opens_with_no_login_showing_the_current_code_and_count(client):
    dept, _, _, session = _open(client)
    token = _token(_create(client, dept, session["id"]).json()["url"])
    client.cookies.clear()
    response = client.get(f"/api/display/{token}")
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == current_code(client, dept, session["id"])
    assert body["url"] == f"http://testserver.local/c/{session['id']}?t={body['code']}"
    assert (body["checked_in"], body["open"], body["title"]) == (0, True, "投屏测试讲座")
    assert response.headers["cache-control"] == "no-store"


def test_the_count_follows_check_ins(client):
    dept, _, _, session = _open(client)
    token = _token(_create(client, dept, session["id"]).json()["url"])
    code = current_code(client, dept, session["id"])
    for trainee in ("trainee1", "trainee2"):
        client.post("/api/checkins", headers=login(client, trainee), json={"session_id": session["id"], "code": code})
    assert client.get(f"/api/display/{token}").json()["checked_in"] == 2


def test_the_display_shows_no_names(client):
    dept, _, _, session = _open(client)
    token = _token(_create(client, dept, session["id"]).json()["url"])
    client.post("/api/checkins", headers=login(client, "trainee1"),
                json={"session_id": session["id"], "code": current_code(client, dept, session["id"])})
    text = client.get(f"/api/display/{token}").text
    assert "张伟" not in text and "trainee1" not in text


def test_the_qr_image_of_the_link_decodes_to_the_check_in_url(client, tmp_path):
    dept, _, _, session = _open(client)
    token = _token(_create(client, dept, session["id"]).json()["url"])
    svg = client.get(f"/api/display/{token}/qr.svg")
    assert svg.status_code == 200
    assert decode_svg(svg.text, tmp_path / "qr.png") == client.get(f"/api/display/{token}").json()["url"]


def test_a_checkout_link_encodes_the_check_out_url(client):
    dept, _, _, session = _open(client)
    response = _create(client, dept, session["id"], phase="checkout")
    body = client.get(f"/api/display/{_token(response.json()['url'])}").json()
    assert body["phase"] == "checkout"
    assert body["url"].endswith("&p=out")


def test_ending_a_link_closes_it_at_once(client):
    dept, _, _, session = _open(client)
    link = _create(client, dept, session["id"]).json()
    assert client.delete(f"/api/display-links/{link['id']}", headers=dept).status_code == 204
    response = client.get(f"/api/display/{_token(link['url'])}")
    assert response.status_code == 404
    assert response.json()["code"] == "display_link_not_found"


def test_the_unit_may_end_its_departments_link(client):
    dept, unit, _, session = _open(client)
    link = _create(client, dept, session["id"]).json()
    assert client.delete(f"/api/display-links/{link['id']}", headers=unit).status_code == 204


def test_ending_an_ended_link_is_404(client):
    dept, _, _, session = _open(client)
    link = _create(client, dept, session["id"]).json()
    client.delete(f"/api/display-links/{link['id']}", headers=dept)
    response = client.delete(f"/api/display-links/{link['id']}", headers=dept)
    assert response.status_code == 404
    assert response.json()["code"] == "display_link_not_found"


def test_a_link_dies_with_its_session(client):
    dept, _, _, session = _open(client)
    link = _create(client, dept, session["id"]).json()
    _end_session(client, session["id"])
    response = client.get(f"/api/display/{_token(link['url'])}")
    assert response.status_code == 404
    assert response.json()["code"] == "display_link_not_found"


def test_no_link_for_a_session_that_is_over(client):
    dept, _, _, session = _open(client)
    _end_session(client, session["id"])
    response = _create(client, dept, session["id"])
    assert response.status_code == 409
    assert response.json()["code"] == "session_ended"


def test_an_unknown_token_is_404(client):
    response = client.get("/api/display/" + "A" * 22)
    assert response.status_code == 404
    assert response.json()["code"] == "display_link_not_found"


def test_a_malformed_token_is_404_like_an_ended_one(client):
    response = client.get("/api/display/short!")
    assert response.status_code == 404
    assert response.json()["code"] == "display_link_not_found"


def test_another_departments_session_is_404(client):
    _, _, _, session = _open(client)
    response = _create(client, login(client, "dept2"), session["id"])
    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_another_departments_link_cannot_be_ended(client):
    dept, _, _, session = _open(client)
    link = _create(client, dept, session["id"]).json()
    response = client.delete(f"/api/display-links/{link['id']}", headers=login(client, "dept3"))
    assert response.status_code == 404
    assert response.json()["code"] == "display_link_not_found"
    assert client.get(f"/api/display/{_token(link['url'])}").status_code == 200


def test_a_trainee_cannot_make_a_link(client):
    _, _, _, session = _open(client)
    response = _create(client, login(client, "trainee1"), session["id"])
    assert response.status_code == 404
    assert response.json()["code"] == "session_not_found"


def test_making_a_link_needs_a_login(client):
    _, _, _, session = _open(client)
    client.cookies.clear()
    response = client.post(f"/api/sessions/{session['id']}/display-links")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_an_unknown_phase_is_refused(client):
    dept, _, _, session = _open(client)
    response = _create(client, dept, session["id"], phase="later")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_a_link_to_an_unapproved_training_shows_no_code(client):
    dept = login(client, "dept1")
    training = create_training(client, dept, title="尚未审核的讲座")
    session = add_session(client, dept, training["id"])
    link = _create(client, dept, session["id"]).json()
    body = client.get(f"/api/display/{_token(link['url'])}").json()
    assert (body["open"], body["code"], body["url"]) == (False, None, None)
    image = client.get(f"/api/display/{_token(link['url'])}/qr.svg")
    assert image.status_code == 409
    assert image.json()["code"] == "training_not_open"


def test_live_links_are_listed_without_their_tokens(client):
    dept, _, _, session = _open(client)
    first = _create(client, dept, session["id"]).json()
    second = _create(client, dept, session["id"]).json()
    client.delete(f"/api/display-links/{first['id']}", headers=dept)
    body = client.get(f"/api/sessions/{session['id']}/display-links", headers=dept).json()
    assert [item["id"] for item in body["items"]] == [second["id"]]
    assert "url" not in body["items"][0]

"""Training lifecycle: department plans, unit approves."""

from tests.api.attendance_helpers import add_session, create_training


def test_department_admin_creates_a_draft(client, as_user):
    training = create_training(client, as_user("dept1"))
    assert training["status"] == "draft"
    assert training["department_name"] == "内科" and training["unit_name"] == "示例第一医院"
    assert training["credits"] == 0.5


def test_trainee_cannot_create_a_training(client, as_user):
    response = client.post("/api/trainings", headers=as_user("trainee1"), json={
        "title": "x", "year": 2026, "credit_class": "I", "credits": 1, "hours": 1})
    assert response.status_code == 403


def test_credit_class_must_be_i_or_ii(client, as_user):
    response = client.post("/api/trainings", headers=as_user("dept1"), json={
        "title": "x", "year": 2026, "credit_class": "III", "credits": 1, "hours": 1})
    assert response.status_code == 422
    assert response.json()["field"] == "credit_class"


def test_credits_with_three_decimals_are_refused(client, as_user):
    response = client.post("/api/trainings", headers=as_user("dept1"), json={
        "title": "x", "year": 2026, "credit_class": "I", "credits": 1.234, "hours": 1})
    assert response.status_code == 422
    assert response.json()["field"] == "credits"


def test_session_end_must_follow_start(client, as_user):
    headers = as_user("dept1")
    training = create_training(client, headers)
    response = client.post(f"/api/trainings/{training['id']}/sessions", headers=headers, json={
        "starts_at": "2026-03-01T10:00:00+08:00", "ends_at": "2026-03-01T09:00:00+08:00"})
    assert response.status_code == 422
    assert response.json()["field"] == "ends_at"


def test_submit_needs_a_session(client, as_user):
    headers = as_user("dept1")
    training = create_training(client, headers)
    response = client.post(f"/api/trainings/{training['id']}/submit", headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "no_sessions"


def test_other_department_cannot_see_or_submit(client, as_user):
    training = create_training(client, as_user("dept1"))
    headers = as_user("dept2")
    assert client.get(f"/api/trainings/{training['id']}", headers=headers).status_code == 404
    assert client.post(f"/api/trainings/{training['id']}/submit", headers=headers).status_code == 404


def test_department_cannot_approve_its_own_training(client, as_user):
    headers = as_user("dept1")
    training = create_training(client, headers)
    add_session(client, headers, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=headers)
    assert client.post(f"/api/trainings/{training['id']}/approve", headers=headers).status_code == 403


def test_other_unit_cannot_approve(client, as_user):
    headers = as_user("dept1")
    training = create_training(client, headers)
    add_session(client, headers, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=headers)
    assert client.post(f"/api/trainings/{training['id']}/approve", headers=as_user("unit2")).status_code == 404


def test_approving_a_draft_is_409(client, as_user):
    training = create_training(client, as_user("dept1"))
    response = client.post(f"/api/trainings/{training['id']}/approve", headers=as_user("unit1"))
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_state"


def test_unit_rejects_with_a_reason_and_department_resubmits(client, as_user):
    dept, unit = as_user("dept1"), as_user("unit1")
    training = create_training(client, dept)
    add_session(client, dept, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=dept)
    assert client.post(f"/api/trainings/{training['id']}/reject", headers=unit, json={"reason": ""}).status_code == 422
    rejected = client.post(f"/api/trainings/{training['id']}/reject", headers=unit, json={"reason": "学分过高"})
    assert rejected.json()["status"] == "rejected"
    assert client.patch(f"/api/trainings/{training['id']}", headers=dept, json={"credits": 0.3}).status_code == 200
    assert client.post(f"/api/trainings/{training['id']}/submit", headers=dept).json()["status"] == "submitted"


def test_submitted_training_cannot_be_edited(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept)
    add_session(client, dept, training["id"])
    client.post(f"/api/trainings/{training['id']}/submit", headers=dept)
    assert client.patch(f"/api/trainings/{training['id']}", headers=dept, json={"credits": 9}).status_code == 409


def test_list_is_scoped_and_filtered(client, as_user):
    create_training(client, as_user("dept1"), title="内科培训A")
    create_training(client, as_user("dept2"), title="外科培训B")
    titles = {t["title"] for t in client.get("/api/trainings", headers=as_user("dept1")).json()["items"]}
    assert titles == {"内科培训A"}
    unit_titles = {t["title"] for t in client.get("/api/trainings", headers=as_user("unit1")).json()["items"]}
    assert unit_titles == {"内科培训A", "外科培训B"}
    assert client.get("/api/trainings", headers=as_user("unit2")).json()["total"] == 0


def test_detail_lists_sessions_and_courses(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept)
    add_session(client, dept, training["id"])
    course = client.post(f"/api/trainings/{training['id']}/courses", headers=dept,
                         json={"title": "心律失常", "hours": 1, "speaker_name": "赵医生"})
    assert course.status_code == 201
    detail = client.get(f"/api/trainings/{training['id']}", headers=dept).json()
    assert len(detail["sessions"]) == 1 and detail["courses"][0]["speaker_name"] == "赵医生"


def test_status_filter_lists_what_waits_for_the_unit(client, as_user):
    dept = as_user("dept1")
    waiting = create_training(client, dept, title="待审培训")
    add_session(client, dept, waiting["id"])
    client.post(f"/api/trainings/{waiting['id']}/submit", headers=dept)
    create_training(client, dept, title="草稿培训")
    body = client.get("/api/trainings", params={"status": "submitted"}, headers=as_user("unit1")).json()
    assert [t["title"] for t in body["items"]] == ["待审培训"]


def test_held_and_not_held_tabs(client, as_user):
    dept = as_user("dept1")
    held = create_training(client, dept, title="已开始")
    add_session(client, dept, held["id"])  # starts now
    create_training(client, dept, title="未安排")
    assert [t["title"] for t in client.get("/api/trainings", params={"tab": "held"}, headers=dept).json()["items"]] == ["已开始"]
    assert [t["title"] for t in client.get("/api/trainings", params={"tab": "not_held"}, headers=dept).json()["items"]] == ["未安排"]


def test_session_detail_names_its_training(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept)
    session = add_session(client, dept, training["id"])
    body = client.get(f"/api/sessions/{session['id']}", headers=dept).json()
    assert body["training"]["title"] == training["title"] and body["interval"] == 20
    assert client.get(f"/api/sessions/{session['id']}", headers=as_user("dept2")).status_code == 404


def test_session_time_without_offset_is_china_time(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept)
    response = client.post(f"/api/trainings/{training['id']}/sessions", headers=dept, json={
        "starts_at": "2026-03-01T09:00:00", "ends_at": "2026-03-01T11:00:00", "location": "示教室"})
    assert response.status_code == 201
    assert response.json()["starts_at"].startswith("2026-03-01T09:00:00+08:00")

"""Personal credit entries: computed on the server, drafts, submission, edits and deletion."""

from __future__ import annotations

import datetime as dt

from server import clock
from tests.api.entry_helpers import DAY, attach, create, entry


def test_catalogue_lists_province_and_national_rules(client, as_user):
    response = client.get("/api/credit-rules?year=2026", headers=as_user("trainee1"))
    assert response.status_code == 200
    rules = {r["code"]: r for r in response.json()["items"]}
    assert len([r for r in rules.values() if not r["national"]]) == 14
    assert rules["out_national"]["rule_text"] == "每3小时 授予1分（最高限分10）"
    assert rules["national_project"]["national"] is True
    assert rules["paper_sci"]["author_credits"] == [25, 15, 10]
    assert set(rules["out_national"]) >= {"code", "name", "class", "unit", "credits_per_unit", "cap",
                                          "evidence_required"}


def test_catalogue_search_by_name(client, as_user):
    items = client.get("/api/credit-rules?year=2026&q=中文核心", headers=as_user("trainee1")).json()["items"]
    assert [r["code"] for r in items] == ["paper_core"]


def test_entry_credits_are_computed_on_the_server(client, as_user):
    headers = as_user("trainee1")
    body = entry("out_national", quantity=7, credits=99)
    response = client.post("/api/credits", json=body, headers=headers)
    assert response.status_code == 201
    assert response.json()["status"] == "pending_dept"
    assert response.json()["credits"] == 2.33


def test_entry_is_capped_by_the_rule(client, as_user):
    assert create(client, as_user("trainee1"), rule_code="out_national", quantity=45)["credits"] == 10


def test_day_rule_counts_days(client, as_user):
    assert create(client, as_user("trainee1"), rule_code="study_short", quantity=12)["credits"] == 12


def test_time_rule_gives_its_fixed_award(client, as_user):
    assert create(client, as_user("trainee1"), rule_code="degree", quantity=None)["credits"] == 25


def test_authorship_rule_pays_by_position(client, as_user):
    headers = as_user("trainee1")
    assert create(client, headers, rule_code="paper_sci", quantity=None, author_position=2)["credits"] == 15


def test_authorship_position_beyond_the_rule_is_refused(client, as_user):
    response = client.post("/api/credits", json=entry("paper_core", quantity=None, author_position=3),
                           headers=as_user("trainee1"))
    assert response.status_code == 422
    assert response.json()["field"] == "author_position"


def test_national_project_rule_applies_in_the_province(client, as_user):
    assert create(client, as_user("trainee1"), rule_code="provincial_project", quantity=12)["credits"] == 2


def test_same_rule_date_and_title_twice_is_a_duplicate(client, as_user):
    headers = as_user("trainee1")
    create(client, headers)
    response = client.post("/api/credits", json=entry(title=" 全国心血管病学术年会 "), headers=headers)
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate"


def test_self_declared_hours_are_limited_per_day(client, as_user):
    headers = as_user("trainee1")
    create(client, headers, rule_code="self_training", quantity=4, title="院内培训上午")
    response = client.post("/api/credits", json=entry("self_training", quantity=3, title="院内培训下午"),
                           headers=headers)
    assert response.status_code == 422
    assert response.json()["code"] == "daily_limit"


def test_future_activity_date_is_refused(client, as_user):
    tomorrow = (clock.today() + dt.timedelta(days=2)).isoformat()
    response = client.post("/api/credits", json=entry(day=tomorrow), headers=as_user("trainee1"))
    assert response.status_code == 422
    assert response.json()["field"] == "activity_date"


def test_unknown_rule_is_not_found(client, as_user):
    response = client.post("/api/credits", json=entry("no_such_rule"), headers=as_user("trainee1"))
    assert response.status_code == 404
    assert response.json()["code"] == "rule_not_found"


def test_missing_quantity_names_the_field(client, as_user):
    response = client.post("/api/credits", json=entry(quantity=None), headers=as_user("trainee1"))
    assert response.status_code == 422
    assert response.json()["field"] == "quantity"


def test_draft_is_saved_unsubmitted_and_submitted_with_proof(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers, draft=True)
    assert created["status"] == "draft"
    refused = client.post(f"/api/credits/{created['id']}/submit", headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "evidence_required"
    attach(client, headers, created["id"])
    submitted = client.post(f"/api/credits/{created['id']}/submit", headers=headers)
    assert submitted.json() == {"id": created["id"], "status": "pending_dept"}


def test_owner_edits_a_pending_entry_and_credits_are_recomputed(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers)
    response = client.put(f"/api/credits/{created['id']}", json={"quantity": 9}, headers=headers)
    assert response.status_code == 200
    assert response.json()["credits"] == 3
    assert response.json()["events"][-1]["reason"].startswith("修改：数量 6→9")


def test_owner_cannot_type_credits(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers)
    response = client.put(f"/api/credits/{created['id']}", json={"credits": 10}, headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == "credits"


def _approve_fully(client, as_user, credit_id):
    attach(client, as_user("trainee1"), credit_id)  # every demo rule requires proof
    assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user("dept1")).status_code == 200
    assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user("unit1")).status_code == 200


def test_effective_entry_cannot_be_edited_or_deleted(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers)
    _approve_fully(client, as_user, created["id"])
    edit = client.put(f"/api/credits/{created['id']}", json={"quantity": 3}, headers=as_user("unit1"))
    assert edit.status_code == 409
    assert edit.json()["code"] == "invalid_state"
    assert client.delete(f"/api/credits/{created['id']}?reason=x", headers=as_user("unit1")).status_code == 409


def test_approved_personal_entry_counts_from_the_next_day(client, as_user):
    created = create(client, as_user("trainee1"))
    _approve_fully(client, as_user, created["id"])
    detail = client.get(f"/api/credits/{created['id']}", headers=as_user("trainee1")).json()
    assert detail["status"] == "effective"
    assert dt.datetime.fromisoformat(detail["effective_at"]) > dt.datetime.now(dt.timezone.utc)


def test_owner_cannot_edit_after_the_department_approved(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers)
    attach(client, headers, created["id"])
    assert client.post(f"/api/credits/{created['id']}/approve", headers=as_user("dept1")).status_code == 200
    response = client.put(f"/api/credits/{created['id']}", json={"quantity": 3}, headers=headers)
    assert response.status_code == 409


def test_another_trainee_cannot_see_or_edit_an_entry(client, as_user):
    created = create(client, as_user("trainee1"))
    assert client.put(f"/api/credits/{created['id']}", json={"quantity": 3},
                      headers=as_user("trainee2")).status_code == 404
    assert client.delete(f"/api/credits/{created['id']}", headers=as_user("trainee2")).status_code == 404


def test_other_departments_admin_cannot_correct_an_entry(client, as_user):
    created = create(client, as_user("trainee1"))
    response = client.put(f"/api/credits/{created['id']}", json={"quantity": 3, "reason": "核对"},
                          headers=as_user("dept2"))
    assert response.status_code == 404


def test_admin_correction_needs_a_reason(client, as_user):
    created = create(client, as_user("trainee1"))
    response = client.put(f"/api/credits/{created['id']}", json={"quantity": 3}, headers=as_user("dept1"))
    assert response.status_code == 422
    assert response.json()["field"] == "reason"


def test_admin_correction_is_logged(client, as_user):
    created = create(client, as_user("trainee1"))
    response = client.put(f"/api/credits/{created['id']}", json={"quantity": 3, "reason": "证书只写3学时"},
                          headers=as_user("dept1"))
    assert response.status_code == 200
    assert response.json()["credits"] == 1
    assert "证书只写3学时" in response.json()["events"][-1]["reason"]


def test_owner_deletes_a_returned_entry(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers)
    client.post(f"/api/credits/{created['id']}/return", json={"reason": "补充材料"}, headers=as_user("dept1"))
    assert client.delete(f"/api/credits/{created['id']}", headers=headers).status_code == 204
    assert client.get(f"/api/credits/{created['id']}", headers=headers).status_code == 404


def test_department_enters_on_behalf_and_it_waits_for_the_unit(client, as_user):
    person_id = client.get("/api/me", headers=as_user("trainee1")).json()["person_id"]
    response = client.post("/api/credits", json=entry(person_id=person_id), headers=as_user("dept1"))
    assert response.status_code == 201
    assert response.json()["status"] == "pending_unit"


def test_department_cannot_enter_for_another_department(client, as_user):
    person_id = client.get("/api/me", headers=as_user("trainee3")).json()["person_id"]
    response = client.post("/api/credits", json=entry(person_id=person_id), headers=as_user("dept1"))
    assert response.status_code == 404


def test_list_marks_editable_records_and_evidence_counts(client, as_user):
    headers = as_user("trainee1")
    created = create(client, headers)
    attach(client, headers, created["id"])
    items = client.get("/api/credits?source=personal", headers=headers).json()["items"]
    row = next(i for i in items if i["id"] == created["id"])
    assert row["editable"] is True
    assert row["evidence_count"] == 1
    assert row["activity_date"] == DAY


def test_reviewers_do_not_list_a_trainees_draft(client, as_user):
    created = create(client, as_user("trainee1"), draft=True)
    ids = [i["id"] for i in client.get("/api/credits?source=personal", headers=as_user("dept1")).json()["items"]]
    assert created["id"] not in ids


def test_without_the_next_day_setting_an_approved_entry_counts_at_once(fresh_settings):
    import dataclasses

    from litestar.testing import TestClient

    from server.app import create_app
    from tests.api.conftest import login

    settings = dataclasses.replace(fresh_settings, personal_credit_next_day=False)
    with TestClient(app=create_app(settings)) as client:
        created = create(client, login(client, "trainee1"))
        attach(client, login(client, "trainee1"), created["id"])
        for admin in ("dept1", "unit1"):
            assert client.post(f"/api/credits/{created['id']}/approve", headers=login(client, admin)).status_code == 200
        detail = client.get(f"/api/credits/{created['id']}", headers=login(client, "trainee1")).json()
    assert dt.datetime.fromisoformat(detail["effective_at"]) <= dt.datetime.now(dt.timezone.utc)


def test_trainee_searches_own_credits_by_title_and_class(client, as_user):
    headers = as_user("trainee1")
    create(client, headers, title="全国心血管病学术年会")
    create(client, headers, rule_code="degree", quantity=None, title="在职临床医学硕士")
    found = client.get("/api/credits", params={"q": "心血管", "credit_class": "I"}, headers=headers).json()
    assert [i["title"] for i in found["items"]] == ["全国心血管病学术年会"]
    assert client.get("/api/credits", params={"q": "心血管", "credit_class": "II"}, headers=headers).json()[
        "total"] == 0


def test_in_force_leaves_out_an_entry_that_counts_from_tomorrow(client, as_user):
    created = create(client, as_user("trainee1"))
    _approve_fully(client, as_user, created["id"])
    headers = as_user("trainee1")
    effective = [i["id"] for i in client.get("/api/credits?status=effective", headers=headers).json()["items"]]
    in_force = [i["id"] for i in client.get("/api/credits?in_force=true", headers=headers).json()["items"]]
    assert created["id"] in effective
    assert created["id"] not in in_force

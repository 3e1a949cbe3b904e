"""Dishonesty records (失信信息): recorded by the region admin, seen by the person, with consequences."""

import shutil
import subprocess

from tests.api.guangdong_helpers import YEAR, confirmed, open_class, person_id


def _record(client, region, person, **overrides):
    body = {"person_id": person, "reason": "伪造继续教育学时证明", "starts_on": f"{YEAR}-01-01",
            "ends_on": f"{YEAR + 1}-12-31"}
    body.update(overrides)
    return client.post("/api/dishonesty", headers=region, json=body)


def _class_record(client, as_user, trainee):
    """An effective class record of the trainee (hours confirmed by the demo provider)."""
    provider = as_user("provider1")
    _, enrolment = confirmed(client, provider, trainee)
    return client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider,
                       json={"hours": 8}).json()["credit_id"]


def test_region_admin_records_and_the_trainee_sees_it(client, as_user):
    trainee = as_user("trainee1")
    response = _record(client, as_user("region1"), person_id(client, trainee))
    assert response.status_code == 201
    mine = client.get("/api/me/dishonesty", headers=trainee).json()
    assert mine["total"] == 1
    item = mine["items"][0]
    assert (item["reason"], item["starts_on"], item["ends_on"], item["active"]) == (
        "伪造继续教育学时证明", f"{YEAR}-01-01", f"{YEAR + 1}-12-31", True)
    assert item["authority"] == "示例省卫生健康委员会"


def test_another_trainee_sees_nothing(client, as_user):
    _record(client, as_user("region1"), person_id(client, as_user("trainee1")))
    assert client.get("/api/me/dishonesty", headers=as_user("trainee2")).json() == {"items": [], "total": 0}


def test_linked_credits_are_revoked_with_the_reason(client, as_user):
    trainee = as_user("trainee1")
    credit_id = _class_record(client, as_user, trainee)
    response = _record(client, as_user("region1"), person_id(client, trainee), credit_ids=[credit_id])
    assert response.json()["credits"][0]["status"] == "revoked"
    detail = client.get(f"/api/credits/{credit_id}", headers=trainee).json()
    assert detail["status"] == "revoked" and detail["reason"] == "失信：伪造继续教育学时证明"
    assert [(e["from_status"], e["to_status"]) for e in detail["events"]][-1] == ("effective", "revoked")


def test_a_linked_credit_not_effective_is_409_and_nothing_is_recorded(client, as_user):
    trainee = as_user("trainee1")
    pending = client.post("/api/credits", headers=trainee, json={
        "rule_code": "self_training", "quantity": 3, "activity_date": f"{YEAR}-03-02", "title": "科内业务学习"})
    assert pending.json()["status"] == "pending_dept"
    response = _record(client, as_user("region1"), person_id(client, trainee), credit_ids=[pending.json()["id"]])
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    assert client.get("/api/me/dishonesty", headers=trainee).json()["total"] == 0


def test_another_persons_credit_is_422(client, as_user):
    credit_id = _class_record(client, as_user, as_user("trainee2"))
    response = _record(client, as_user("region1"), person_id(client, as_user("trainee1")), credit_ids=[credit_id])
    assert response.status_code == 422 and response.json()["code"] == "credit_not_found"


def test_only_region_admins_record(client, as_user):
    trainee = as_user("trainee1")
    for name in ("unit1", "provider1", "trainee1"):
        response = _record(client, as_user(name), person_id(client, trainee))
        assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_period_ending_before_it_starts_is_422(client, as_user):
    response = _record(client, as_user("region1"), person_id(client, as_user("trainee1")),
                       starts_on=f"{YEAR}-05-01", ends_on=f"{YEAR}-04-30")
    assert response.status_code == 422 and response.json()["field"] == "ends_on"


def test_a_period_not_yet_begun_does_not_bar_enrolment(client, as_user):
    trainee = as_user("trainee1")
    _record(client, as_user("region1"), person_id(client, trainee), starts_on=f"{YEAR + 5}-01-01",
            ends_on=f"{YEAR + 6}-01-01")
    klass = open_class(client, as_user("provider1"))
    assert client.post(f"/api/classes/{klass['id']}/enrolments", headers=trainee).status_code == 201


def test_a_withdrawn_record_no_longer_bars_enrolment(client, as_user):
    trainee, region = as_user("trainee1"), as_user("region1")
    record = _record(client, region, person_id(client, trainee)).json()
    withdrawn = client.post(f"/api/dishonesty/{record['id']}/withdraw", headers=region, json={"reason": "复核撤销"})
    assert withdrawn.json()["active"] is False
    klass = open_class(client, as_user("provider1"))
    assert client.post(f"/api/classes/{klass['id']}/enrolments", headers=trainee).status_code == 201


def test_certificates_issued_during_the_period_say_so(client, as_user, tmp_path):
    trainee = as_user("trainee1")
    _record(client, as_user("region1"), person_id(client, trainee))
    response = client.get("/api/me/certificate.pdf", params={"year": YEAR}, headers=trainee)
    assert response.status_code == 200
    path = tmp_path / "certificate.pdf"
    path.write_bytes(response.content)
    text = subprocess.run([shutil.which("pdftotext"), str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "失信惩戒期内" in text and "伪造继续教育学时证明" in text
    verified = client.get(f"/api/verify/{response.headers['x-certificate-code']}").json()
    assert verified["dishonesty"].startswith(f"失信惩戒期内（{YEAR}-01-01 至 {YEAR + 1}-12-31）")


def test_certificates_without_a_record_say_nothing_of_it(client, as_user):
    response = client.get("/api/me/certificate.pdf", params={"year": YEAR}, headers=as_user("trainee1"))
    assert client.get(f"/api/verify/{response.headers['x-certificate-code']}").json()["dishonesty"] is None


def test_region_admin_lists_records_of_its_region(client, as_user):
    region = as_user("region1")
    person = person_id(client, as_user("trainee1"))
    _record(client, region, person)
    body = client.get("/api/dishonesty", params={"person_id": person}, headers=region).json()
    assert body["total"] == 1 and body["items"][0]["person_name"] == "张伟"

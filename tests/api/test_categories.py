"""公需 / 专业 / 选修: trainings and catalogue rules take a category, and credit records inherit it."""

from tests.api.attendance_helpers import create_training
from tests.api.entry_helpers import create as create_entry

RULE = {"year": 2026, "code": "public_course", "name": "2026公需科目学习", "class": "II", "unit": "hour",
        "unit_size": 3, "credits_per_step": 1, "cap": 10}


def test_a_training_is_professional_unless_told(client, as_user):
    assert create_training(client, as_user("dept1"))["category"] == "professional"


def test_a_training_takes_a_category_and_reads_it_back(client, as_user):
    dept = as_user("dept1")
    made = create_training(client, dept, category="public")
    detail = client.get(f"/api/trainings/{made['id']}", headers=dept).json()
    assert made["category"] == "public" and detail["training"]["category"] == "public"


def test_a_drafts_category_can_change(client, as_user):
    dept = as_user("dept1")
    made = create_training(client, dept)
    response = client.patch(f"/api/trainings/{made['id']}", json={"category": "elective"}, headers=dept)
    assert response.status_code == 200 and response.json()["category"] == "elective"


def test_an_unknown_training_category_is_422(client, as_user):
    response = client.post("/api/trainings", headers=as_user("dept1"), json={
        "title": "x", "year": 2026, "credit_class": "II", "credits": 1, "hours": 1, "category": "mandatory"})
    assert response.status_code == 422 and response.json()["field"] == "category"


def test_a_rule_takes_a_category_and_entries_under_it_inherit_it(client, as_user):
    response = client.post("/api/credit-rules", json={**RULE, "category": "public"}, headers=as_user("region1"))
    assert response.status_code == 201 and response.json()["category"] == "public"
    trainee = as_user("trainee1")
    listed = client.get("/api/credit-rules", params={"year": 2026}, headers=trainee).json()["items"]
    assert [r["category"] for r in listed if r["code"] == "public_course"] == ["public"]
    made = create_entry(client, trainee, rule_code="public_course", quantity=3, title="法治教育公需课")
    assert client.get(f"/api/credits/{made['id']}", headers=trainee).json()["category"] == "public"


def test_a_rule_is_professional_unless_told(client, as_user):
    response = client.post("/api/credit-rules", json=RULE, headers=as_user("region1"))
    assert response.json()["category"] == "professional"


def test_an_unknown_rule_category_is_422(client, as_user):
    response = client.post("/api/credit-rules", json={**RULE, "category": "general"}, headers=as_user("region1"))
    assert response.status_code == 422 and response.json()["field"] == "category"


def test_changing_an_entrys_rule_changes_its_category(client, as_user):
    client.post("/api/credit-rules", json={**RULE, "category": "elective"}, headers=as_user("region1"))
    trainee = as_user("trainee1")
    made = create_entry(client, trainee, quantity=3)
    response = client.put(f"/api/credits/{made['id']}", json={"rule_code": "public_course"}, headers=trainee)
    assert response.status_code == 200, response.text
    assert response.json()["category"] == "elective"

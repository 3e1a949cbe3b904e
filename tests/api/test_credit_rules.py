"""The rule catalogue is kept by the province's administration and read by everyone logged in."""

from __future__ import annotations

from tests.api.entry_helpers import create


def _rule(client, headers, code, year=2026):
    items = client.get(f"/api/credit-rules?year={year}&include_inactive=true", headers=headers).json()["items"]
    return next(r for r in items if r["code"] == code)


def _body(rule, **changes):
    body = {k: rule[k] for k in ("year", "code", "name", "subtype", "class", "unit", "unit_size",
                                 "credits_per_step", "author_credits", "cap", "daily_limit",
                                 "evidence_required", "guidance", "active")}
    return {**body, **changes}


def test_catalogue_needs_login(client):
    assert client.get("/api/credit-rules").status_code == 401


def test_region_admin_changes_a_rule_and_new_entries_follow_it(client, as_user):
    region = as_user("region1")
    rule = _rule(client, region, "out_national")
    response = client.put(f"/api/credit-rules/{rule['id']}", json=_body(rule, unit_size=2), headers=region)
    assert response.status_code == 200
    assert response.json()["rule_text"] == "每2小时 授予1分（最高限分10）"
    assert create(client, as_user("trainee1"), quantity=6)["credits"] == 3


def test_existing_entries_keep_their_credits_when_a_rule_changes(client, as_user):
    trainee = as_user("trainee1")
    created = create(client, trainee, quantity=6)
    region = as_user("region1")
    rule = _rule(client, region, "out_national")
    assert created["credits"] == 2
    response = client.put(f"/api/credit-rules/{rule['id']}", json=_body(rule, credits_per_step=3), headers=region)
    assert response.status_code == 200, response.text
    assert response.json()["credits_per_step"] == 3
    # The edit took: a new entry of the same quantity is worth more, the old one keeps its 2.
    assert create(client, trainee, quantity=6, title="另一次学术年会")["credits"] > 2
    assert client.get(f"/api/credits/{created['id']}", headers=trainee).json()["credits"] == 2


def test_unit_admin_cannot_edit_the_catalogue(client, as_user):
    rule = _rule(client, as_user("region1"), "out_national")
    response = client.put(f"/api/credit-rules/{rule['id']}", json=_body(rule, unit_size=1), headers=as_user("unit1"))
    assert response.status_code == 403


def test_national_rules_are_not_the_provinces_to_edit(client, as_user):
    region = as_user("region1")
    rule = _rule(client, region, "national_project")
    response = client.put(f"/api/credit-rules/{rule['id']}", json=_body(rule, unit_size=1), headers=region)
    assert response.status_code == 404


def test_inactive_rule_disappears_for_trainees_and_refuses_entries(client, as_user):
    region = as_user("region1")
    rule = _rule(client, region, "degree")
    before = {r["code"] for r in client.get("/api/credit-rules?year=2026", headers=as_user("trainee1")).json()["items"]}
    assert "degree" in before
    response = client.put(f"/api/credit-rules/{rule['id']}", json=_body(rule, active=False), headers=region)
    assert response.status_code == 200 and response.json()["active"] is False
    codes = {r["code"] for r in client.get("/api/credit-rules?year=2026", headers=as_user("trainee1")).json()["items"]}
    assert "degree" not in codes
    response = client.post("/api/credits", json={"rule_code": "degree", "activity_date": "2026-03-02",
                                                 "title": "在职硕士"}, headers=as_user("trainee1"))
    assert response.status_code == 404


def test_region_admin_adds_a_rule(client, as_user):
    region = as_user("region1")
    body = {"year": 2026, "code": "lecture_local", "name": "2026基层授课", "class": "II", "unit": "hour",
            "unit_size": 1, "credits_per_step": 1, "cap": 5}
    response = client.post("/api/credit-rules", json=body, headers=region)
    assert response.status_code == 201
    assert response.json()["rule_text"] == "每1小时 授予1分（最高限分5）"
    assert client.post("/api/credit-rules", json=body, headers=region).json()["code"] == "duplicate"


def test_rule_with_zero_credits_is_invalid(client, as_user):
    body = {"year": 2026, "code": "zero", "name": "零分", "class": "II", "unit": "hour", "unit_size": 1,
            "credits_per_step": 0}
    response = client.post("/api/credit-rules", json=body, headers=as_user("region1"))
    assert response.status_code == 422
    assert response.json()["field"] == "credits_per_step"


def test_copy_a_year_adds_only_missing_rules(client, as_user):
    region = as_user("region1")
    response = client.post("/api/credit-rules/copy", json={"from_year": 2026, "to_year": 2028}, headers=region)
    assert response.json() == {"copied": 14}
    again = client.post("/api/credit-rules/copy", json={"from_year": 2026, "to_year": 2028}, headers=region)
    assert again.json() == {"copied": 0}
    names = {r["name"] for r in client.get("/api/credit-rules?year=2028", headers=region).json()["items"]}
    assert "2028在职学历教育" in names


def test_editing_a_rule_keeps_its_place_in_the_list(client, as_user):
    region = as_user("region1")
    rule = _rule(client, region, "degree")
    response = client.put(f"/api/credit-rules/{rule['id']}", json=_body(rule, guidance="学籍证明"), headers=region)
    assert response.json()["sort"] == rule["sort"] != 0


def test_the_pickers_order_puts_the_units_most_used_rules_first(client, as_user):
    """Issue 13: the entry form lists the credit types colleagues use most first."""
    trainee2 = as_user("trainee2")
    catalogue = client.get("/api/credit-rules", params={"year": 2026}, headers=trainee2).json()["items"]
    used = next(r for r in catalogue if r["code"] == "self_training")
    assert used["code"] != catalogue[0]["code"]
    create(client, trainee2, rule_code=used["code"], quantity=1, draft=True)
    ordered = client.get("/api/credit-rules", params={"year": 2026, "order": "usage"},
                         headers=as_user("trainee1")).json()["items"]
    assert ordered[0]["code"] == used["code"]
    assert [r["code"] for r in ordered[1:]] == [r["code"] for r in catalogue if r["code"] != used["code"]]

"""GET /api/statistics/compliance (and its workbook) against each person's own compliance, and scoping."""

from __future__ import annotations

import io
from collections import defaultdict

import pytest

from tests.api.statistics_helpers import YEAR, approve, compliance_of, counted_people, generate, revoke, verdict

DIMENSIONS = ("department", "unit", "title_level", "title", "staffing")


@pytest.fixture
def unit(client, as_user):
    """The demo set with a year of generated records; one person retired, one not in CME (both left out)."""
    made = generate(client)
    approve(client, as_user, made["pending"][:3])
    revoke(client, as_user, made["pending"][0])

    async def leave_out():
        from server.tables import Person

        ids = [r["id"] for r in await Person.select(Person.id).order_by(Person.id).limit(2).offset(10)]
        await Person.update({Person.status: "退休"}).where(Person.id == ids[0])
        await Person.update({Person.joins_cme: False}).where(Person.id == ids[1])

    client.blocking_portal.call(leave_out)
    return made


def _verdicts(client, headers, **params) -> list[tuple[dict, bool, float]]:
    """Every counted person with (passed, credits) from their own GET …/compliance."""
    return [(person, *verdict(compliance_of(client, headers, person["id"], **params)))
            for person in counted_people(client, headers)]


def _expected(verdicts, key: str) -> dict:
    """Per group: [people, passed, credits] summed from the people's own verdicts."""
    groups: dict = defaultdict(lambda: [0, 0, 0.0])
    for person, passed, credits in verdicts:
        group = groups[person[{"department": "department_id", "unit": "unit_id"}.get(key, key)]]
        group[0] += 1
        group[1] += int(passed)
        group[2] = round(group[2] + credits, 2)
    return dict(groups)


def _table(client, headers, **params) -> dict:
    response = client.get("/api/statistics/compliance", params={"year": YEAR, **params}, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {g["key"]: [g["people"], g["passed"], g["credits"]] for g in body["items"]}


def test_the_table_agrees_with_each_persons_compliance(client, as_user, unit):
    region = as_user("region1")
    verdicts = _verdicts(client, region)
    assert any(passed for _, passed, _ in verdicts) and not all(passed for _, passed, _ in verdicts)
    for by in DIMENSIONS:
        assert _table(client, region, by=by) == _expected(verdicts, by), by


def test_judged_against_one_standard_it_agrees_with_compliance_against_it(client, as_user, unit):
    region = as_user("region1")
    standards = client.get("/api/standards", params={"year": YEAR, "page_size": 100}, headers=region).json()
    # The one with a cap on in-house attendance: its sums are where the totals and the records could part.
    capped = next(s for s in standards["items"] if s["caps"] and s["region_code"] == "990000")
    assert _table(client, region, by="unit", standard_id=capped["id"]) == _expected(
        _verdicts(client, region, standard_id=capped["id"]), "unit")


def test_the_groups_carry_chinese_labels(client, as_user, unit):
    body = client.get("/api/statistics/compliance", params={"year": YEAR, "by": "department"},
                      headers=as_user("unit1")).json()
    assert [g["label"] for g in body["items"]][:3] == ["内科", "外科", "儿科"]


def test_a_department_admin_counts_only_their_department(client, as_user, unit):
    dept = as_user("dept1")
    table = _table(client, dept, by="department")
    assert list(table) == [next(p["department_id"] for p in counted_people(client, dept))]
    assert table == _expected(_verdicts(client, dept), "department")


def test_a_unit_outside_the_callers_scope_is_not_found(client, as_user):
    unit2 = client.get("/api/people", headers=as_user("unit2")).json()["items"][0]["unit_id"]
    response = client.get("/api/statistics/compliance", params={"by": "unit", "unit_id": unit2},
                          headers=as_user("unit1"))
    assert response.status_code == 404 and response.json()["code"] == "unit_not_found"


def test_a_department_outside_the_callers_scope_is_not_found(client, as_user):
    other = client.get("/api/people", headers=as_user("dept2")).json()["items"][0]["department_id"]
    response = client.get("/api/statistics/compliance", params={"department_id": other}, headers=as_user("dept1"))
    assert response.status_code == 404 and response.json()["code"] == "department_not_found"


def test_a_trainee_gets_no_statistics(client, as_user):
    response = client.get("/api/statistics/compliance", headers=as_user("trainee1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_an_unknown_dimension_is_refused(client, as_user):
    response = client.get("/api/statistics/compliance", params={"by": "sex"}, headers=as_user("unit1"))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_a_standard_of_another_year_is_refused(client, as_user):
    region = as_user("region1")
    other = client.get("/api/standards", params={"year": YEAR - 1}, headers=region).json()["items"][0]
    response = client.get("/api/statistics/compliance", params={"year": YEAR, "standard_id": other["id"]},
                          headers=region)
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_the_workbook_holds_the_same_table(client, as_user, unit):
    from openpyxl import load_workbook

    headers = as_user("unit1")
    table = client.get("/api/statistics/compliance", params={"year": YEAR, "by": "department"},
                       headers=headers).json()["items"]
    response = client.get("/api/statistics/compliance.xlsx", params={"year": YEAR, "by": "department"},
                          headers=headers)
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("科室", "人数", "达标人数", "达标率", "计入达标学分")
    assert [(r[0], r[1], r[2], r[4]) for r in rows[1:-1]] == [
        (g["label"], g["people"], g["passed"], g["credits"]) for g in table]
    assert rows[-1][0] == "合计" and rows[-1][1] == sum(g["people"] for g in table)
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width >= 20

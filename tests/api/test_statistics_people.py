"""The people's summary (GET /api/statistics/people), its 达标 filter, the health commission's table by
city and the at-risk list, each against every person's own GET …/compliance on a small generated
unit: the same people pass everywhere, and the counts add up to the completion table's."""

from __future__ import annotations

import io

import pytest

from tests.api.statistics_helpers import YEAR, approve, compliance_of, counted_people, generate, revoke, verdict


@pytest.fixture
def unit(client, as_user):
    """The demo set with a year of generated records, some approved through the review, one revoked."""
    made = generate(client, seed=31, per_person=(0, 14))
    approve(client, as_user, made["pending"][:2])
    revoke(client, as_user, made["pending"][0])
    return made


def _all_pages(client, path: str, headers, **params) -> tuple[list[dict], int]:
    items, page = [], 1
    while True:
        response = client.get(path, params={"year": YEAR, "page": page, "page_size": 50, **params}, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        if len(items) >= body["total"] or not body["items"]:
            return items, body["total"]
        page += 1


def _own(client, headers) -> dict[int, dict]:
    """Every counted person's own compliance answer, by id."""
    return {p["id"]: compliance_of(client, headers, p["id"]) for p in counted_people(client, headers)}


def test_each_summary_row_passes_as_the_persons_own_compliance_says(client, as_user, unit):
    headers = as_user("unit1")
    own = _own(client, headers)
    items, total = _all_pages(client, "/api/statistics/people", headers)
    assert total == len(items) == len(own)
    assert {i["id"] for i in items} == set(own)
    passing = 0
    for item in items:
        passed, credits = verdict(own[item["id"]])
        assert (item["passed"], item["counted_credits"]) == (passed, credits), item["name"]
        assert [r["passed"] for r in item["results"]] == [r["passed"] for r in own[item["id"]]["results"]]
        assert item["credits_total"] == round(item["credits_i"] + item["credits_ii"], 2)
        passing += passed
    # Some pass and some do not: the comparison above could have told them apart.
    assert 0 < passing < len(items)


def test_the_pass_filter_counts_what_the_table_counts(client, as_user, unit):
    headers = as_user("unit1")
    table = client.get("/api/statistics/compliance", params={"year": YEAR, "by": "department"},
                       headers=headers).json()["items"]
    people, passed = sum(g["people"] for g in table), sum(g["passed"] for g in table)
    own_passed = sum(verdict(answer)[0] for answer in _own(client, headers).values())
    yes, yes_total = _all_pages(client, "/api/statistics/people", headers, passed="true")
    no, no_total = _all_pages(client, "/api/statistics/people", headers, passed="false")
    assert yes_total == passed == own_passed and no_total == people - passed
    assert all(i["passed"] for i in yes) and not any(i["passed"] for i in no)
    assert not {i["id"] for i in yes} & {i["id"] for i in no}


def test_the_health_commission_by_city_counts_every_person_of_the_city(client, as_user, unit):
    region = as_user("region1")
    own = _own(client, region)
    body = client.get("/api/statistics/compliance", params={"year": YEAR, "by": "city"}, headers=region).json()
    # Every demo unit is in 示例市 (990100).
    assert [(g["key"], g["label"]) for g in body["items"]] == [("9901", "示例市")]
    (city,) = body["items"]
    assert (city["people"], city["passed"]) == (len(own), sum(verdict(a)[0] for a in own.values()))
    assert city["credits"] == round(sum(verdict(a)[1] for a in own.values()), 2)


def test_the_at_risk_list_is_everyone_not_passing_with_a_gap_largest_first(client, as_user, unit):
    headers = as_user("unit1")
    own = _own(client, headers)
    items, total = _all_pages(client, "/api/statistics/at-risk", headers)
    gaps = {pid: round(sum(line["missing"] for r in answer["results"] for line in r["lines"]), 2)
            for pid, answer in own.items()}
    expected = {pid for pid, answer in own.items() if not verdict(answer)[0] and gaps[pid] > 0}
    assert total == len(items) == len(expected) > 0
    assert {i["id"] for i in items} == expected
    assert [i["gap"] for i in items] == sorted((i["gap"] for i in items), reverse=True)
    for item in items:
        assert item["gap"] == gaps[item["id"]]
        assert item["lines"] and not any(line["met"] for line in item["lines"])


def test_the_summary_workbook_holds_every_row_under_chinese_headers(client, as_user, unit):
    from openpyxl import load_workbook

    headers = as_user("dept1")
    items, total = _all_pages(client, "/api/statistics/people", headers)
    response = client.get("/api/statistics/people.xlsx", params={"year": YEAR}, headers=headers)
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("人员编号", "姓名", "单位") and "达标结果" in rows[0]
    assert sheet.freeze_panes == "A2" and sheet.column_dimensions["C"].width >= 20
    result = rows[0].index("达标结果")
    assert len(rows) - 1 == total
    assert sorted((r[1], r[result]) for r in rows[1:]) == sorted(
        (i["name"], "达标" if i["passed"] else ("未达标" if i["results"] else "无适用标准")) for i in items)

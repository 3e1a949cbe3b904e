"""GET /api/people filters (seed 001 §2.1 筛选区): known values narrow, unknown values are 422."""

import pytest

from tests.api.conftest import login


@pytest.mark.parametrize("name, value, field", [
    ("status", "正常", "status"), ("title_level", "中级", "title_level"), ("title", "主治医师", "title"),
    ("specialty", "内科学", "specialty"), ("staffing", "在编", "staffing"),
])
def test_a_known_value_narrows_the_list(client, name, value, field):
    unit1 = login(client, "unit1")
    everyone = client.get("/api/people", headers=unit1, params={"page_size": 100}).json()
    narrowed = client.get("/api/people", headers=unit1, params={name: value, "page_size": 100})
    assert narrowed.status_code == 200
    items = narrowed.json()["items"]
    assert items and all(i[field] == value for i in items)
    assert narrowed.json()["total"] == sum(1 for i in everyone["items"] if i[field] == value)


@pytest.mark.parametrize("name, value", [
    ("status", "在岗"), ("title_level", "特级"), ("title", "大医师"), ("specialty", "星象学"), ("staffing", "外聘"),
])
def test_an_unknown_value_is_422_naming_the_filter(client, name, value):
    response = client.get("/api/people", headers=login(client, "unit1"), params={name: value})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert response.json()["field"] == name


def test_filters_combine_with_paging_and_masking(client):
    response = client.get("/api/people", headers=login(client, "unit1"),
                          params={"status": "正常", "title_level": "初级", "page_size": 2, "page": 2})
    body = response.json()
    assert response.status_code == 200 and len(body["items"]) <= 2 and body["total"] > 2
    assert all("*" in i["id_number"] and "*" in i["phone"] for i in body["items"])

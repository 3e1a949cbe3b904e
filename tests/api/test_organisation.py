"""The public region / unit / department pickers."""


def test_top_level_regions(client):
    body = client.get("/api/regions").json()
    assert [r["code"] for r in body["items"]] == ["990000"]
    assert body["items"][0]["name"] == "示例省"


def test_child_regions(client):
    body = client.get("/api/regions", params={"parent": "990000"}).json()
    assert [r["name"] for r in body["items"]] == ["示例市"]


def test_unknown_parent_region_is_404(client):
    assert client.get("/api/regions", params={"parent": "110000"}).status_code == 404


def test_malformed_region_code_is_422(client):
    response = client.get("/api/regions", params={"parent": "99"})
    assert response.status_code == 422
    assert response.json()["field"] == "parent"


def test_units_of_a_city_include_its_districts(client):
    body = client.get("/api/units", params={"region": "990100"}).json()
    assert {u["name"] for u in body["items"]} == {"示例第一医院", "示例第二医院"}


def test_units_search_by_keyword(client):
    body = client.get("/api/units", params={"q": "第二"}).json()
    assert [u["name"] for u in body["items"]] == ["示例第二医院"]


def test_departments_of_a_unit(client):
    unit = client.get("/api/units", params={"q": "第一"}).json()["items"][0]
    names = [d["name"] for d in client.get(f"/api/units/{unit['id']}/departments").json()["items"]]
    assert names[:2] == ["内科", "外科"]


def test_departments_of_unknown_unit_is_404(client):
    assert client.get("/api/units/99999/departments").status_code == 404

"""Compliance standards through the API: browsing, the region admin's editor, and every wrong path."""

from tests.api.compliance_helpers import STANDARD, create_standard


def test_everyone_browses_the_seeded_standards_of_a_year(client, as_user):
    body = client.get("/api/standards", params={"year": 2026, "page_size": 100}, headers=as_user("trainee1")).json()
    names = {s["name"] for s in body["items"]}
    assert body["total"] == len(body["items"])
    assert {"全国继续医学教育（2024年办法）", "专业技术人员继续教育（人社部令第25号）", "广东省专业技术人员继续教育",
            "示例省 省直/市直属 中级及以上", "示例省 区县 中级及以上", "示例省 初级"} <= names
    assert all(s["year"] == 2026 for s in body["items"])


def test_a_seeded_standard_reads_as_the_contract_says(client, as_user):
    items = client.get("/api/standards", params={"year": 2026, "region_code": "440000"},
                       headers=as_user("trainee4")).json()["items"]
    (guangdong,) = items
    assert {k: guangdong[k] for k in ("region_code", "scheme", "title_levels", "unit_levels",
                                      "certificate_requires_pass")} == {
        "region_code": "440000", "scheme": "hours", "title_levels": [], "unit_levels": [],
        "certificate_requires_pass": True}
    assert guangdong["requirements"] == [{"measure": "hours", "category": "public", "min": 30.0},
                                         {"measure": "hours", "category": "professional", "min": 42.0},
                                         {"measure": "hours", "category": "elective", "min": 18.0}]


def test_caps_read_with_every_matcher(client, as_user):
    items = client.get("/api/standards", params={"year": 2026, "region_code": "990000"},
                       headers=as_user("dept1")).json()["items"]
    senior = next(s for s in items if s["name"] == "示例省 省直/市直属 中级及以上")
    assert senior["caps"] == [{"measure": "credits", "class": None, "category": None, "source": "attendance",
                               "rule_code": None, "max": 10.0}]
    assert senior["title_levels"] == ["正高", "副高", "中级"] and senior["unit_levels"] == ["省直", "市直属"]


def test_national_standards_are_listed_with_an_empty_region_filter(client, as_user):
    items = client.get("/api/standards", params={"year": 2024, "region_code": ""},
                       headers=as_user("trainee1")).json()["items"]
    assert {s["name"] for s in items} == {"全国继续医学教育（2006年办法）中级及以上", "专业技术人员继续教育（人社部令第25号）"}
    assert all(s["region_code"] is None for s in items)


def test_region_admin_creates_a_standard_for_its_province(client, as_user):
    made = create_standard(client, as_user("region1"))
    assert made["region_code"] == "990000" and made["region_name"] == "示例省"
    assert made["requirements"] == STANDARD["requirements"] and made["caps"][0]["class"] == "II"
    assert made["certificate_requires_pass"] is False and made["retired"] is False
    assert client.get(f"/api/standards/{made['id']}", headers=as_user("trainee1")).json() == made


def test_region_code_may_be_left_out(client, as_user):
    body = {k: v for k, v in STANDARD.items() if k != "region_code"}
    response = client.post("/api/standards", json=body, headers=as_user("region1"))
    assert response.status_code == 201 and response.json()["region_code"] == "990000"


def test_a_region_below_the_admins_own_is_theirs_too(client, as_user):
    made = create_standard(client, as_user("region1"), region_code="990100", name="示例市 标准")
    assert made["region_code"] == "990100" and made["region_name"] == "示例市"


def test_caps_and_certificate_flag_may_be_left_out(client, as_user):
    body = {k: v for k, v in STANDARD.items() if k not in ("caps", "certificate_requires_pass")}
    made = client.post("/api/standards", json=body, headers=as_user("region1")).json()
    assert made["caps"] == [] and made["certificate_requires_pass"] is False


def test_a_caps_unused_matchers_may_be_left_out(client, as_user):
    made = create_standard(client, as_user("region1"), caps=[{"measure": "credits", "rule_code": "self_training",
                                                               "max": 6}])
    assert made["caps"] == [{"measure": "credits", "class": None, "category": None, "source": None,
                             "rule_code": "self_training", "max": 6.0}]


def test_the_same_name_twice_in_a_year_is_409(client, as_user):
    region = as_user("region1")
    create_standard(client, region)
    response = client.post("/api/standards", json=STANDARD, headers=region)
    assert response.status_code == 409 and response.json()["code"] == "duplicate"


def _bad(client, as_user, field, **changes):
    body = {**STANDARD, **changes}
    response = client.post("/api/standards", json=body, headers=as_user("region1"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert response.json()["field"] == field
    return response.json()


def test_a_negative_minimum_is_422_naming_it(client, as_user):
    _bad(client, as_user, "requirements[1].min",
         requirements=[{"measure": "credits", "category": "total", "min": 25},
                       {"measure": "credits", "category": "I", "min": -1}])


def test_an_unknown_category_is_422_naming_it(client, as_user):
    _bad(client, as_user, "requirements[0].category",
         requirements=[{"measure": "credits", "category": "III", "min": 5}])


def test_an_unknown_measure_is_422(client, as_user):
    _bad(client, as_user, "requirements[0].measure", requirements=[{"measure": "days", "category": "total", "min": 5}])


def test_a_minimum_with_three_decimals_is_422(client, as_user):
    _bad(client, as_user, "requirements[0].min",
         requirements=[{"measure": "credits", "category": "total", "min": 25.125}])


def test_no_requirement_at_all_is_422(client, as_user):
    _bad(client, as_user, "requirements", requirements=[])


def test_the_same_line_twice_is_422(client, as_user):
    line = {"measure": "credits", "category": "total", "min": 5}
    _bad(client, as_user, "requirements[1]", requirements=[line, line])


def test_an_unknown_title_level_is_422(client, as_user):
    _bad(client, as_user, "title_levels[0]", title_levels=["院士"])


def test_an_unknown_unit_level_is_422(client, as_user):
    _bad(client, as_user, "unit_levels[0]", unit_levels=["乡镇"])


def test_an_unknown_scheme_is_422(client, as_user):
    _bad(client, as_user, "scheme", scheme="points")


def test_a_negative_cap_is_422(client, as_user):
    _bad(client, as_user, "caps[0].max", caps=[{"measure": "credits", "source": "attendance", "max": -3}])


def test_a_cap_of_an_unknown_class_is_422(client, as_user):
    _bad(client, as_user, "caps[0].class", caps=[{"measure": "credits", "class": "III", "max": 3}])


def test_a_year_out_of_range_is_422(client, as_user):
    _bad(client, as_user, "year", year=1999)


def test_an_empty_name_is_422(client, as_user):
    _bad(client, as_user, "name", name="")


def test_a_region_code_that_does_not_exist_is_422(client, as_user):
    _bad(client, as_user, "region_code", region_code="990999")


def test_another_provinces_standard_is_403(client, as_user):
    response = client.post("/api/standards", json={**STANDARD, "region_code": "440000"}, headers=as_user("region1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_national_standard_is_403_for_a_region_admin(client, as_user):
    response = client.post("/api/standards", json={**STANDARD, "region_code": None}, headers=as_user("region1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_nobody_but_a_region_admin_creates_standards(client, as_user):
    for username in ("trainee1", "dept1", "unit1"):
        response = client.post("/api/standards", json=STANDARD, headers=as_user(username))
        assert response.status_code == 403 and response.json()["code"] == "forbidden", username


def test_nobody_but_a_region_admin_edits_or_retires(client, as_user):
    made = create_standard(client, as_user("region1"))
    for username in ("trainee1", "dept1", "unit1"):
        headers = as_user(username)
        put = client.put(f"/api/standards/{made['id']}", json={"name": "改名"}, headers=headers)
        gone = client.delete(f"/api/standards/{made['id']}", headers=headers)
        assert (put.status_code, put.json()["code"], gone.status_code) == (403, "forbidden", 403), username


def test_not_logged_in_is_401(client):
    assert client.get("/api/standards").status_code == 401


def test_region_admin_edits_its_standard(client, as_user):
    region = as_user("region1")
    made = create_standard(client, region)
    response = client.put(f"/api/standards/{made['id']}", headers=region, json={
        "name": "示例省 测试标准（修订）", "requirements": [{"measure": "credits", "category": "total", "min": 30}]})
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "示例省 测试标准（修订）" and body["requirements"] == [
        {"measure": "credits", "category": "total", "min": 30.0}]
    assert body["caps"] == made["caps"] and body["year"] == made["year"]


def test_an_edit_is_validated_like_a_new_standard(client, as_user):
    region = as_user("region1")
    made = create_standard(client, region)
    response = client.put(f"/api/standards/{made['id']}", headers=region, json={
        "requirements": [{"measure": "hours", "category": "elective", "min": -5}]})
    assert response.status_code == 422 and response.json()["field"] == "requirements[0].min"


def test_a_national_standard_cannot_be_edited_by_a_region_admin(client, as_user):
    national = client.get("/api/standards", params={"year": 2026, "region_code": ""},
                          headers=as_user("region1")).json()["items"][0]
    response = client.put(f"/api/standards/{national['id']}", json={"name": "x"}, headers=as_user("region1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_another_provinces_standard_cannot_be_retired(client, as_user):
    guangdong = client.get("/api/standards", params={"year": 2026, "region_code": "440000"},
                           headers=as_user("region1")).json()["items"][0]
    response = client.delete(f"/api/standards/{guangdong['id']}", headers=as_user("region1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_an_unknown_standard_is_404(client, as_user):
    response = client.put("/api/standards/987654", json={"name": "x"}, headers=as_user("region1"))
    assert response.status_code == 404 and response.json()["code"] == "standard_not_found"
    assert client.get("/api/standards/987654", headers=as_user("trainee1")).json()["code"] == "standard_not_found"


def test_retiring_hides_it_and_frees_its_name(client, as_user):
    region = as_user("region1")
    made = create_standard(client, region)
    assert client.delete(f"/api/standards/{made['id']}", headers=region).status_code == 204
    listed = client.get("/api/standards", params={"year": made["year"], "page_size": 100}, headers=region).json()
    assert made["id"] not in [s["id"] for s in listed["items"]]
    kept = client.get("/api/standards", params={"year": made["year"], "include_retired": True, "page_size": 100},
                      headers=region).json()
    assert next(s for s in kept["items"] if s["id"] == made["id"])["retired"] is True
    assert client.post("/api/standards", json=STANDARD, headers=region).status_code == 201


def test_a_retired_standard_cannot_be_retired_or_edited_again(client, as_user):
    region = as_user("region1")
    made = create_standard(client, region)
    client.delete(f"/api/standards/{made['id']}", headers=region)
    again = client.delete(f"/api/standards/{made['id']}", headers=region)
    edit = client.put(f"/api/standards/{made['id']}", json={"name": "x"}, headers=region)
    assert (again.status_code, again.json()["code"]) == (409, "invalid_state")
    assert (edit.status_code, edit.json()["code"]) == (409, "invalid_state")


def test_copying_a_year_brings_the_provinces_standards_over_once(client, as_user):
    region = as_user("region1")
    create_standard(client, region, year=2031)
    first = client.post("/api/standards/copy", json={"from_year": 2031, "to_year": 2032}, headers=region)
    again = client.post("/api/standards/copy", json={"from_year": 2031, "to_year": 2032}, headers=region)
    assert first.json() == {"copied": 1} and again.json() == {"copied": 0}
    copied = client.get("/api/standards", params={"year": 2032}, headers=region).json()["items"]
    assert [(s["name"], s["region_code"], s["requirements"]) for s in copied] == [
        (STANDARD["name"], "990000", STANDARD["requirements"])]


def test_copying_into_the_same_year_is_422(client, as_user):
    response = client.post("/api/standards/copy", json={"from_year": 2026, "to_year": 2026},
                           headers=as_user("region1"))
    assert response.status_code == 422 and response.json()["field"] == "to_year"


def test_copying_leaves_national_and_other_provinces_standards_alone(client, as_user):
    region = as_user("region1")
    copied = client.post("/api/standards/copy", json={"from_year": 2030, "to_year": 2031}, headers=region).json()
    assert copied == {"copied": 3}
    names = {s["name"] for s in client.get("/api/standards", params={"year": 2031}, headers=region).json()["items"]}
    assert names == {"示例省 省直/市直属 中级及以上", "示例省 区县 中级及以上", "示例省 初级"}


def test_the_picker_shows_the_standard_that_follows_from_level_and_title(client, as_user):
    trainee = as_user("trainee1")
    found = client.get("/api/standards/match", params={"year": 2026, "unit_level": "区县", "title_level": "中级"},
                       headers=trainee).json()
    assert [s["name"] for s in found["items"]] == ["示例省 区县 中级及以上"]
    junior = client.get("/api/standards/match", params={"year": 2026, "unit_level": "省直", "title_level": "初级"},
                        headers=trainee).json()
    assert [s["name"] for s in junior["items"]] == ["示例省 初级"]


def test_the_picker_refuses_an_unknown_title_level(client, as_user):
    response = client.get("/api/standards/match", params={"year": 2026, "unit_level": "区县", "title_level": "x"},
                          headers=as_user("trainee1"))
    assert response.status_code == 422 and response.json()["field"] == "title_level"

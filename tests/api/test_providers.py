"""Training providers (施教机构): the demo provider, registration by the region admin, scope."""

from tests.api.guangdong_helpers import create_class, second_provider


def test_provider1_logs_in_as_the_demo_providers_admin(client, as_user):
    me = client.get("/api/me", headers=as_user("provider1")).json()
    assert me["roles"] == [{"role": "provider_admin", "scope_id": me["roles"][0]["scope_id"],
                            "scope_name": "示例继续教育培训中心"}]
    assert me["person_id"] is None


def test_region_admin_lists_the_providers_of_its_region(client, as_user):
    body = client.get("/api/providers", headers=as_user("region1")).json()
    assert [p["name"] for p in body["items"]] == ["示例继续教育培训中心"]
    assert body["items"][0]["region_name"] == "示例省"


def test_region_admin_registers_a_provider_whose_admin_must_change_the_password(client, as_user):
    response = client.post("/api/providers", headers=as_user("region1"), json={
        "name": "示例市医学会培训部", "region_code": "990100", "admin_username": "cityprovider",
        "admin_password": "Start@2026"})
    assert response.status_code == 201
    assert response.json()["region_code"] == "990100" and response.json()["admin_username"] == "cityprovider"
    login = client.post("/api/auth/login", json={"username": "cityprovider", "password": "Start@2026"}).json()
    assert login["user"]["must_change_password"] is True
    assert login["user"]["roles"][0]["scope_name"] == "示例市医学会培训部"


def test_a_registered_provider_runs_only_its_own_classes(client, as_user):
    other = second_provider(client, as_user("region1"))
    mine = create_class(client, as_user("provider1"))
    assert client.get(f"/api/classes/{mine['id']}", headers=other).status_code == 404
    assert client.get("/api/classes", headers=other).json()["total"] == 0


def test_registering_is_for_region_admins_only(client, as_user):
    response = client.post("/api/providers", headers=as_user("unit1"), json={
        "name": "某机构", "region_code": "990100", "admin_username": "someone", "admin_password": "Start@2026"})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_region_outside_the_admins_region_is_not_found(client, as_user):
    response = client.post("/api/providers", headers=as_user("region1"), json={
        "name": "外省机构", "region_code": "110000", "admin_username": "outsider", "admin_password": "Start@2026"})
    assert response.status_code == 404 and response.json()["code"] == "region_not_found"


def test_a_taken_admin_username_is_422_and_nothing_is_registered(client, as_user):
    region = as_user("region1")
    response = client.post("/api/providers", headers=region, json={
        "name": "重名账号机构", "region_code": "990100", "admin_username": "unit1", "admin_password": "Start@2026"})
    assert response.status_code == 422 and response.json()["code"] == "username_taken"
    assert client.get("/api/providers", headers=region, params={"q": "重名账号机构"}).json()["total"] == 0


def test_a_weak_admin_password_is_422(client, as_user):
    response = client.post("/api/providers", headers=as_user("region1"), json={
        "name": "弱密码机构", "region_code": "990100", "admin_username": "weakone", "admin_password": "12345678"})
    assert response.status_code == 422 and response.json()["code"] == "weak_password"


def test_trainees_cannot_list_providers(client, as_user):
    response = client.get("/api/providers", headers=as_user("trainee1"))
    assert response.status_code == 403 and response.json()["code"] == "forbidden"

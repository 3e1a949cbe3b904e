"""管理员信息: a department or unit admin keeps the list of named admins who may log in by SMS."""

from server.tables import AdminContact
from tests.api.conftest import login

URL = "/api/me/admin-contacts"
ZHANG = {"name": "张主任", "phone": "13700000001", "office_phone": "025-88886666"}
LI = {"name": "李护士长", "phone": "13700000002", "office_phone": ""}


def test_a_new_account_has_no_contacts(client):
    response = client.get(URL, headers=login(client, "dept1"))
    assert response.status_code == 200
    assert response.json() == {"items": []}


def test_saving_replaces_the_list_and_shows_phones_in_full_to_the_owner(client):
    headers = login(client, "dept1")
    assert client.put(URL, headers=headers, json={"contacts": [ZHANG, LI]}).status_code == 200
    response = client.put(URL, headers=headers, json={"contacts": [LI]})
    assert response.status_code == 200
    [row] = response.json()["items"]
    assert {k: row[k] for k in ("name", "phone", "office_phone")} == LI
    assert client.get(URL, headers=headers).json() == response.json()


def test_an_empty_list_clears_it(client):
    headers = login(client, "dept1")
    client.put(URL, headers=headers, json={"contacts": [ZHANG]})
    assert client.put(URL, headers=headers, json={"contacts": []}).json() == {"items": []}


def test_each_account_sees_only_its_own_contacts(client):
    client.put(URL, headers=login(client, "dept1"), json={"contacts": [ZHANG]})
    assert client.get(URL, headers=login(client, "dept2")).json() == {"items": []}


def test_unit_admin_may_keep_contacts(client):
    assert client.put(URL, headers=login(client, "unit1"), json={"contacts": [ZHANG]}).status_code == 200


def test_trainee_and_region_admin_are_403(client):
    for username in ("trainee1", "region1"):
        headers = login(client, username)
        assert client.get(URL, headers=headers).status_code == 403
        assert client.put(URL, headers=headers, json={"contacts": [ZHANG]}).status_code == 403


def test_a_phone_listed_by_another_account_is_409_and_nothing_changes(client):
    client.put(URL, headers=login(client, "dept1"), json={"contacts": [ZHANG]})
    headers = login(client, "dept2")
    client.put(URL, headers=headers, json={"contacts": [LI]})
    response = client.put(URL, headers=headers, json={"contacts": [{**ZHANG, "name": "王"}]})
    assert response.status_code == 409
    assert response.json()["code"] == "phone_taken"
    assert [r["phone"] for r in client.get(URL, headers=headers).json()["items"]] == [LI["phone"]]


def test_the_same_phone_twice_in_one_list_is_422(client):
    twice = [ZHANG, {**LI, "phone": ZHANG["phone"]}]
    response = client.put(URL, headers=login(client, "dept1"), json={"contacts": twice})
    assert response.status_code == 422
    assert response.json()["field"] == "contacts[1].phone"


def test_bad_rows_are_422_naming_the_field(client):
    headers = login(client, "dept1")
    for row, field in (({**ZHANG, "name": "  "}, "contacts[0].name"),
                       ({**ZHANG, "phone": "12345678901"}, "contacts[0].phone"),
                       ({**ZHANG, "office_phone": "call me"}, "contacts[0].office_phone")):
        response = client.put(URL, headers=headers, json={"contacts": [row]})
        assert response.status_code == 422, row
        assert response.json()["field"] == field


def test_missing_phone_is_422(client):
    response = client.put(URL, headers=login(client, "dept1"), json={"contacts": [{"name": "张"}]})
    assert response.status_code == 422


def test_a_failed_save_keeps_the_old_list(client):
    headers = login(client, "dept1")
    client.put(URL, headers=headers, json={"contacts": [ZHANG]})
    client.put(URL, headers=headers, json={"contacts": [LI, {**LI, "phone": "1"}]})

    async def phones():
        return [r["phone"] for r in await AdminContact.select(AdminContact.phone)]

    assert client.blocking_portal.call(phones) == [ZHANG["phone"]]

"""The registrant reads back their own form (to edit and resubmit it), proving it with the password."""

from tests.api.registration_helpers import NEW_ID, NEW_PASSWORD, NEW_PHONE, register


def _lookup(client, **overrides):
    body = {"username": "newdoc", "id_number": NEW_ID, "password": NEW_PASSWORD, **overrides}
    return client.post("/api/registrations/lookup", json=body)


def test_owner_gets_the_whole_form(client, fresh_settings):
    reg_id = register(client, fresh_settings).json()["id"]
    response = _lookup(client, id_number=NEW_ID.lower())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == reg_id and body["status"] == "pending" and body["name"] == "赵新"
    assert body["id_number"] == NEW_ID and body["phone"] == NEW_PHONE and body["department_name"] == "内科"
    assert body["email"] == "newdoc@example.com" and "password_hash" not in body


def test_wrong_password_is_422_and_unknown_pair_404(client, fresh_settings):
    register(client, fresh_settings)
    wrong = _lookup(client, password="Wrong12345")
    assert wrong.status_code == 422 and wrong.json()["field"] == "password"
    unknown = _lookup(client, username="trainee1")
    assert unknown.status_code == 404 and unknown.json()["code"] == "mismatch"


def test_guessing_is_throttled(client, fresh_settings):
    register(client, fresh_settings)
    codes = [_lookup(client, password=f"Wrong{i:05d}").status_code for i in range(12)]
    assert codes[0] == 422 and codes[-1] == 429
    assert _lookup(client).status_code == 429

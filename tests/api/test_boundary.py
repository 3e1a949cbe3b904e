"""What every request meets at the door (issue 9 §5, §7, §9): bodies, paths, numbers, headers, the schema."""

from __future__ import annotations

import dataclasses
import io

from litestar.testing import TestClient
from PIL import Image

from server.app import create_app
from tests.api.attendance_helpers import create_training
from tests.api.conftest import login
from tests.api.test_evidence import new_credit, upload

DEEP = "[" * 1200 + "]" * 1200


# -- bodies and paths -----------------------------------------------------------------------


def test_deeply_nested_json_is_400(client):
    for path, body in (("/api/claims", '{"session_id": 1, "code": "123456", "x": ' + DEEP + "}"),
                       ("/api/auth/login", DEEP)):
        response = client.post(path, content=body, headers={"content-type": "application/json"})
        assert response.status_code == 400, path
        assert response.json()["code"] == "bad_request"


def test_a_nul_byte_in_the_path_is_400(client):
    for path in ("/%00", "/api/verify/ab%00cd", "/js/%00.js"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert response.json()["code"] == "bad_request"


def test_a_nul_character_in_a_json_string_is_400(client):
    response = client.post("/api/auth/login", json={"username": "trainee1\u0000", "password": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_full_width_digit_names_no_id(client, as_user):
    dept = as_user("dept1")
    training = create_training(client, dept)
    assert client.get(f"/api/trainings/{training['id']}", headers=dept).status_code == 200
    full_width = "".join(chr(0xFF10 + int(d)) for d in str(training["id"]))
    for path in (f"/api/trainings/{full_width}", f"/api/trainings/+{training['id']}"):
        response = client.get(path, headers=dept)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_a_number_sent_as_text_is_422(client, as_user):
    body = {"title": "心电图判读", "year": 2026, "credit_class": "I", "credits": 1, "hours": 2}
    for field, text in (("year", "2026"), ("credits", "1")):
        response = client.post("/api/trainings", headers=as_user("dept1"), json={**body, field: text})
        assert response.status_code == 422, field
        assert response.json()["code"] == "validation_error" and response.json()["field"] == field


def test_a_blank_title_is_422(client, as_user):
    body = {"title": "   ", "year": 2026, "credit_class": "I", "credits": 1, "hours": 2}
    response = client.post("/api/trainings", headers=as_user("dept1"), json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "title" and "空白" in response.json()["detail"]


def test_titles_are_stored_without_surrounding_spaces(client, as_user):
    training = create_training(client, as_user("dept1"), title="  心电图判读  ")
    assert training["title"] == "心电图判读"


# -- images -----------------------------------------------------------------------------------


def test_a_png_bomb_is_413_before_decoding(client, as_user):
    out = io.BytesIO()
    Image.new("1", (7740, 7740), 1).save(out, "PNG", optimize=True)
    trainee = as_user("trainee1")
    response = upload(client, trainee, new_credit(client, trainee), out.getvalue(), "bomb.png", "image/png")
    assert response.status_code == 413
    assert response.json()["code"] == "image_too_large"


# -- rule numbers -------------------------------------------------------------------------------


RULE = {"year": 2026, "code": "odd_rule", "name": "院外讲座", "class": "II", "unit": "hour", "unit_size": 1,
        "credits_per_step": 1, "cap": 10}


def test_absurd_rule_numbers_are_422_and_the_catalogue_stays_whole(client, as_user):
    region = as_user("region1")
    for change, field in (({"unit_size": 1e-300}, "unit_size"), ({"unit_size": 0.001}, "unit_size"),
                          ({"credits_per_step": 0.005}, "credits_per_step"),
                          ({"unit_size": 0.1, "credits_per_step": 100, "cap": None}, "cap")):
        response = client.post("/api/credit-rules", headers=region, json={**RULE, **change})
        assert response.status_code == 422, change
        assert response.json()["field"] == field, change
    assert client.get("/api/credit-rules", params={"year": 2026}, headers=as_user("trainee1")).status_code == 200


def test_a_sensible_rule_is_still_taken(client, as_user):
    response = client.post("/api/credit-rules", headers=as_user("region1"), json=RULE)
    assert response.status_code == 201, response.text


# -- headers ------------------------------------------------------------------------------------


def test_authenticated_answers_are_not_stored_and_not_sniffed(client, as_user):
    response = client.get("/api/me", headers=as_user("trainee1"))
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "camera=(self)" in response.headers["permissions-policy"]


def test_public_answers_are_not_sniffed_either(client):
    response = client.get("/api/health")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in response.headers
    assert client.get("/api/nowhere").headers["x-content-type-options"] == "nosniff"


def test_hsts_when_configured(fresh_settings):
    with TestClient(app=create_app(dataclasses.replace(fresh_settings, hsts_seconds=31536000))) as client:
        assert client.get("/api/health").headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"


def test_405_names_the_allowed_methods(client):
    response = client.put("/api/auth/login", json={})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "POST" in response.headers["allow"]


# -- the schema ------------------------------------------------------------------------------------


def test_schema_is_json_only_with_no_cdn_pages(client):
    assert client.get("/api/schema/openapi.json").status_code == 200
    for page in ("/api/schema/swagger", "/api/schema/redoc", "/api/schema/elements"):
        assert client.get(page).status_code == 404, page
    assert "cdn." not in client.get("/api/schema").text


def test_schema_describes_our_error_body_and_each_routes_statuses(client):
    schema = client.get("/api/schema/openapi.json").json()
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["code", "detail"]
    login_responses = schema["paths"]["/api/auth/login"]["post"]["responses"]
    assert {"400", "422", "429"} <= set(login_responses) and "401" not in login_responses
    assert login_responses["429"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Error"
    detail = schema["paths"]["/api/credits/{credit_id}"]["get"]["responses"]
    assert {"401", "403", "404"} <= set(detail) and "409" not in detail
    claims = schema["paths"]["/api/claims"]["post"]["responses"]
    assert "429" in claims and "401" not in claims


# -- filters -------------------------------------------------------------------------------------


def test_the_people_list_refuses_a_filter_it_does_not_know(client, as_user):
    unit = as_user("unit1")
    assert client.get("/api/people", params={"q": "张", "page": 1}, headers=unit).status_code == 200
    response = client.get("/api/people", params={"statuz": "在职"}, headers=unit)
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_filter" and response.json()["field"] == "statuz"


def test_a_filter_value_of_the_wrong_kind_is_422(client, as_user):
    response = client.get("/api/people", params={"department_id": "内科"}, headers=as_user("unit1"))
    assert response.status_code == 422
    assert response.json()["field"] == "department_id"

"""Certificates through the HTTP API: the caller's PDF, /api/verify/{code} and the /v/{code} page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from litestar.testing import TestClient

from server import clock
from server.app import create_app
from server.tables import Person
from server.tables.credit import Certificate, Credit
from tests.api.conftest import login

# No demo data lives in this year, so the ledger holds exactly what a test puts there.
YEAR = 2011


def _db(client, coro_fn):
    return client.blocking_portal.call(coro_fn)


def _add_credit(client, username: str, title: str, *, credit_class: str = "I", credits: str = "1",
                hours: str = "2", source: str = "attendance", status: str = "effective",
                year: int = YEAR, day: dt.date | None = None) -> int:
    """A credit row for the person behind ``username``, written straight to the database."""
    from server.tables import Account

    async def add():
        account = await Account.select(Account.person).where(Account.username == username).first()
        person = await Person.select(Person.id, Person.unit, Person.department).where(
            Person.id == account["person"]
        ).first()
        credit = Credit(
            person=person["id"], unit=person["unit"], department=person["department"], year=year,
            activity_date=day or dt.date(year, 3, 15), credit_class=credit_class, title=title,
            credits=Decimal(credits), hours=Decimal(hours), source=source, status=status,
        )
        await credit.save()
        return credit.id

    return _db(client, add)


def _set_status(client, credit_id: int, status: str) -> None:
    async def change():
        await Credit.update({Credit.status: status}).where(Credit.id == credit_id)

    _db(client, change)


def _download(client, headers, year=YEAR):
    return client.get("/api/me/certificate.pdf", params={"year": year}, headers=headers)


def _code(response) -> str:
    assert response.status_code == 200, response.text
    return response.headers["x-certificate-code"]


def _pdf_text(pdf: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is not installed (`make test` installs poppler-utils)")
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def ledger(client):
    """trainee1: two effective credits, one pending, one from another year; trainee2: one effective."""
    _add_credit(client, "trainee1", "心血管疾病诊疗新进展", credit_class="I", credits="2", hours="4",
                day=dt.date(YEAR, 3, 2))
    _add_credit(client, "trainee1", "科室业务学习：心电图判读", credit_class="II", credits="1.5",
                hours="3", source="personal", day=dt.date(YEAR, 5, 18))
    _add_credit(client, "trainee1", "待审核的院内培训", status="pending_dept")
    _add_credit(client, "trainee1", "另一年度的学分", year=YEAR + 1)
    _add_credit(client, "trainee2", "李娜的学术讲座", credits="3")


def test_download_is_a_pdf_of_the_callers_effective_credits(client, ledger, tmp_path):
    response = _download(client, login(client, "trainee1"))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    assert response.content.startswith(b"%PDF-")
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    code = _code(response)
    assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{12}", code)

    text = _pdf_text(response.content, tmp_path)
    flat = re.sub(r"\s+", "", text)
    assert "张伟" in text
    assert "示例第一医院" in text and "内科" in text
    assert "心血管疾病诊疗新进展" in text and "科室业务学习：心电图判读" in text
    assert "院内培训签到" in text and "个人录入" in text
    assert "总学分：3.5 分" in text
    # The QR and the printed line point at the page of this code, on the request's own host.
    assert f"http://testserver.local/v/{code}" in flat
    for absent in ("待审核的院内培训", "另一年度的学分", "李娜"):
        assert absent not in text
    # The full ID number never appears, only the masked one.
    person = _db(client, lambda: Person.select(Person.id_number).where(Person.name == "张伟").first())
    assert person["id_number"] not in text
    assert f"{person['id_number'][:3]}*****{person['id_number'][-2:]}" in text


def test_verify_returns_the_snapshot(client, ledger):
    code = _code(_download(client, login(client, "trainee1")))
    client.cookies.clear()
    response = client.get(f"/api/verify/{code}")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["valid"] is True
    assert body["code"] == code
    assert body["name"] == "张伟"
    assert re.fullmatch(r"\d{3}\*{5}[\dX]{2}", body["id_number"])
    assert body["unit"] == "示例第一医院"
    assert body["department"] == "内科"
    assert body["year"] == YEAR
    assert body["credits_total"] == 3.5
    assert body["class_i_total"] == 2
    assert body["class_ii_total"] == 1.5
    assert dt.datetime.fromisoformat(body["issued_at"]).utcoffset() is not None
    assert [line["title"] for line in body["lines"]] == ["心血管疾病诊疗新进展", "科室业务学习：心电图判读"]
    first = body["lines"][0]
    assert first == {"date": f"{YEAR}-03-02", "title": "心血管疾病诊疗新进展", "credit_class": "I",
                     "credits": 2, "hours": 4, "source": "attendance", "source_label": "院内培训签到"}


def test_certificate_row_keeps_what_was_printed(client, ledger):
    code = _code(_download(client, login(client, "trainee1")))
    row = _db(client, lambda: Certificate.select().where(Certificate.code == code).first())
    assert row["year"] == YEAR
    assert Decimal(str(row["credits_total"])) == Decimal("3.5")
    snapshot = json.loads(row["snapshot"])
    for key in ("name", "id_number", "unit", "department", "year", "lines", "class_i_total",
                "class_ii_total", "credits_total", "issued_at"):
        assert key in snapshot
    assert snapshot["name"] == "张伟"
    assert "*****" in snapshot["id_number"]


def test_verify_code_is_case_and_space_insensitive(client, ledger):
    code = _code(_download(client, login(client, "trainee1")))
    spaced = f" {code[:4].lower()} {code[4:8]} {code[8:].lower()} "
    response = client.get(f"/api/verify/{spaced}")
    assert response.status_code == 200
    assert response.json()["code"] == code


@pytest.mark.parametrize("wrong", ["ABCD2345EFGH", "WRONG", "0000000000OO", "x" * 300])
def test_unknown_code_is_404(client, ledger, wrong):
    _download(client, login(client, "trainee1"))
    response = client.get(f"/api/verify/{wrong}")
    assert response.status_code == 404
    assert response.json() == {"code": "certificate_not_found", "detail": "证书不存在或验证码错误"}


def test_unchanged_credits_reuse_the_code(client, ledger):
    headers = login(client, "trainee1")
    first = _code(_download(client, headers))
    assert _code(_download(client, headers)) == first
    count = _db(client, lambda: Certificate.count().where(Certificate.year == YEAR))
    assert count == 1


def test_changed_credits_issue_a_new_code_and_the_old_one_still_verifies(client, ledger):
    headers = login(client, "trainee1")
    first = _code(_download(client, headers))
    credit_id = _add_credit(client, "trainee1", "新增的学分", credit_class="II", credits="1")
    second = _code(_download(client, headers))
    assert second != first
    assert client.get(f"/api/verify/{second}").json()["credits_total"] == 4.5
    # The first paper still says what it said.
    assert client.get(f"/api/verify/{first}").json()["credits_total"] == 3.5
    # Revoking the new credit is another change again.
    _set_status(client, credit_id, "revoked")
    third = _code(_download(client, headers))
    assert third not in (first, second)
    assert client.get(f"/api/verify/{third}").json()["credits_total"] == 3.5


def test_each_person_gets_their_own_certificate(client, ledger):
    mine = _code(_download(client, login(client, "trainee1")))
    theirs = _code(_download(client, login(client, "trainee2")))
    assert mine != theirs
    body = client.get(f"/api/verify/{theirs}").json()
    assert body["name"] == "李娜"
    assert [line["title"] for line in body["lines"]] == ["李娜的学术讲座"]
    assert body["credits_total"] == 3


def test_a_year_without_credits_is_still_a_certificate(client, tmp_path):
    response = _download(client, login(client, "trainee3"))
    assert response.status_code == 200
    assert "本年度暂无有效学分" in _pdf_text(response.content, tmp_path)
    body = client.get(f"/api/verify/{_code(response)}").json()
    assert body["lines"] == []
    assert body["credits_total"] == 0


def test_download_needs_login(client):
    response = client.get("/api/me/certificate.pdf", params={"year": YEAR})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize("year", ["1999", "2101", "abc", "0"])
def test_bad_year_is_422_naming_year(client, year):
    response = client.get("/api/me/certificate.pdf", params={"year": year}, headers=login(client, "trainee1"))
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    assert response.json()["field"] == "year"


def test_year_defaults_to_this_year(client):
    response = client.get("/api/me/certificate.pdf", headers=login(client, "trainee1"))
    code = _code(response)
    this_year = clock.today().year
    assert client.get(f"/api/verify/{code}").json()["year"] == this_year


def test_account_without_a_person_is_404_no_person(client):
    response = _download(client, login(client, "unit1"))
    assert response.status_code == 404
    assert response.json()["code"] == "no_person"


def test_configured_base_url_goes_into_the_pdf(fresh_settings, tmp_path):
    settings = dataclasses.replace(fresh_settings, base_url="https://cme.example.cn")
    with TestClient(app=create_app(settings)) as client:
        _add_credit(client, "trainee1", "心血管疾病诊疗新进展")
        response = _download(client, login(client, "trainee1"))
        code = _code(response)
        flat = re.sub(r"\s+", "", _pdf_text(response.content, tmp_path))
        assert f"https://cme.example.cn/v/{code}" in flat
        assert "testserver" not in flat


# -- the /v/{code} page -----------------------------------------------------------


def test_page_shows_a_valid_certificate(client, ledger):
    code = _code(_download(client, login(client, "trainee1")))
    client.cookies.clear()
    response = client.get(f"/v/{code.lower()}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert "证书有效" in page and "张伟" in page and "示例第一医院" in page
    assert "心血管疾病诊疗新进展" in page and "3.5" in page
    assert "<script" not in page  # server-rendered, not the PWA shell
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_page_for_a_wrong_code_is_404_invalid(client):
    response = client.get("/v/WRONG")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "证书无效" in response.text
    assert "<script" not in response.text


def test_page_escapes_what_the_ledger_holds(client):
    _add_credit(client, "trainee1", '<script>alert("x")</script>')
    code = _code(_download(client, login(client, "trainee1")))
    page = client.get(f"/v/{code}").text
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_other_pwa_routes_still_get_the_shell(client):
    # The page route wins over the PWA's catch-all only for /v/{code}.
    response = client.get("/credits")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "证书无效" not in response.text


def test_openapi_schema_still_builds(client):
    response = client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/me/certificate.pdf" in paths
    assert "/api/verify/{code}" in paths



def test_personal_entry_approved_today_counts_from_tomorrow(client):
    from tests.api.entry_helpers import attach, create

    headers = login(client, "trainee1")
    created = create(client, headers, title="赴外省国家级学术会议")
    attach(client, headers, created["id"])
    for admin in ("dept1", "unit1"):
        assert client.post(f"/api/credits/{created['id']}/approve", headers=login(client, admin)).status_code == 200
    code = _code(_download(client, headers, year=2026))
    titles = [line["title"] for line in client.get(f"/api/verify/{code}").json()["lines"]]
    assert "赴外省国家级学术会议" not in titles

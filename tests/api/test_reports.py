"""The printed reports through the API: text read back with pdftotext, the QR decoded with zbarimg,
the code verified at /api/verify and /v/, scoping and the five-year limit."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.api.statistics_helpers import YEAR, generate


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path is not None, f"{name} is needed (poppler-utils / zbar-tools: make system-deps)"
    return path


def _text(pdf: bytes, tmp_path: Path, name: str = "report.pdf") -> list[str]:
    """The text of each page."""
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run([_tool("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return out.split("\f")[:-1] if out.endswith("\f") else out.split("\f")


def _qr(pdf: bytes, tmp_path: Path, page: int = 1) -> str:
    path = tmp_path / f"qr-{page}.pdf"
    path.write_bytes(pdf)
    image = tmp_path / f"page-{page}"
    subprocess.run([_tool("pdftoppm"), "-r", "150", "-png", "-f", str(page), "-l", str(page), "-singlefile",
                    str(path), str(image)], check=True, capture_output=True)
    out = subprocess.run([_tool("zbarimg"), "--quiet", "--raw", f"{image}.png"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _department(client, headers) -> int:
    return client.get("/api/people", headers=headers).json()["items"][0]["department_id"]


@pytest.fixture
def records(client):
    return generate(client, seed=11, per_person=(4, 10))


def _register(client, headers, **params):
    return client.get("/api/reports/register.pdf", params={"year": YEAR, **params}, headers=headers)


def test_the_register_lists_the_department_with_records_and_results(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    response = _register(client, dept, department_id=_department(client, dept))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    pages = _text(response.content, tmp_path)
    text = "\n".join(pages)
    assert f"{YEAR}年度学分登记表" in _squeezed(text) and "张伟" in text and "李娜" in text
    assert "王强" not in text  # 外科
    assert re.search(r"达标结果(达标|未达标)", _squeezed(text))
    assert "统计测试活动" in text


def test_every_register_page_is_numbered_stamped_and_repeats_the_table_header(client, as_user, records, tmp_path):
    unit = as_user("unit1")
    department = _department(client, as_user("dept1"))
    response = _register(client, unit, department_id=department)
    pages = _text(response.content, tmp_path)
    code = response.headers["x-report-code"]
    grouped = " ".join(code[i:i + 4] for i in range(0, 12, 4))
    assert len(pages) >= 1
    for number, page in enumerate(pages, 1):
        # pdftotext drops the spaces between digits and Chinese; compare without any.
        assert f"第{number}页共{len(pages)}页" in _squeezed(page)
        assert grouped.replace(" ", "") in _squeezed(page)


def test_a_long_person_repeats_name_and_column_header_on_the_next_page(client, as_user, tmp_path):
    generate(client, seed=3, per_person=(60, 60))
    dept = as_user("dept1")
    pages = _text(_register(client, dept, department_id=_department(client, dept)).content, tmp_path)
    assert len(pages) > 2
    for page in pages[1:]:
        assert "序号" in page and "项目名称" in page and "人员编号" in page


def test_the_register_qr_opens_its_verification(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    response = _register(client, dept, department_id=_department(client, dept))
    code = response.headers["x-report-code"]
    url = _qr(response.content, tmp_path)
    assert url.endswith(f"/v/{code}")
    verified = client.get(f"/api/verify/{code}")
    assert verified.status_code == 200
    body = verified.json()
    assert body["valid"] is True and body["kind"] == "register"
    assert "张伟" in [p["name"] for p in body["people"]]
    page = client.get(f"/v/{code}")
    assert page.status_code == 200 and "文件有效" in page.text and "学分登记表" in page.text


def test_printing_the_same_register_again_keeps_its_code(client, as_user, records):
    dept = as_user("dept1")
    department = _department(client, dept)
    first = _register(client, dept, department_id=department).headers["x-report-code"]
    assert _register(client, dept, department_id=department).headers["x-report-code"] == first


def test_a_department_outside_the_scope_has_no_register(client, as_user):
    other = _department(client, as_user("dept2"))
    response = _register(client, as_user("dept1"), department_id=other)
    assert response.status_code == 404 and response.json()["code"] == "department_not_found"


def test_the_register_workbook_lists_each_record(client, as_user, records):
    import io

    from openpyxl import load_workbook

    dept = as_user("dept1")
    response = client.get("/api/reports/register.xlsx", params={"year": YEAR, "department_id": _department(
        client, dept)}, headers=dept)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("人员编号", "姓名", "科室", "职称", "性别", "出生日期", "人员状态", "达标结果")
    assert {r[1] for r in rows[1:]} >= {"张伟", "李娜"} and sheet.freeze_panes == "A2"


def test_the_workbook_neutralises_text_a_spreadsheet_would_run(client, as_user, records):
    import io

    from openpyxl import load_workbook

    async def rename():
        from server.tables import Person

        await Person.update({Person.title: "=HYPERLINK(\"http://x\",\"y\")"}).where(Person.name == "张伟")

    client.blocking_portal.call(rename)
    dept = as_user("dept1")
    response = client.get("/api/statistics/people.xlsx", params={"year": YEAR}, headers=dept)
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[4] for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "张伟"]
    assert titles == ["'=HYPERLINK(\"http://x\",\"y\")"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def _verification(client, headers, person_ids, years):
    return client.post("/api/reports/verification.pdf", json={"person_ids": person_ids, "years": years},
                       headers=headers)


def _people(client, headers) -> list[dict]:
    return client.get("/api/people", headers=headers).json()["items"]


def test_the_verification_has_a_section_per_person_with_each_year(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    chosen = _people(client, dept)[:2]
    years = [YEAR - 2, YEAR - 1, YEAR]
    response = _verification(client, dept, [p["id"] for p in chosen], years)
    assert response.status_code == 200, response.text
    text = "\n".join(_text(response.content, tmp_path))
    assert "多年度学分验证表" in text
    for person in chosen:
        assert person["name"] in text
    for year in years:
        assert str(year) in text
    assert "共3个年度" in _squeezed(text) and "达标" in text
    assert _qr(response.content, tmp_path).endswith("/v/" + response.headers["x-report-code"])


def test_more_than_five_years_is_refused(client, as_user):
    dept = as_user("dept1")
    person = _people(client, dept)[0]["id"]
    response = _verification(client, dept, [person], list(range(YEAR - 5, YEAR + 1)))
    assert response.status_code == 422 and response.json()["code"] == "too_many_years"


def test_a_person_outside_the_scope_cannot_be_verified(client, as_user):
    other = _people(client, as_user("dept2"))[0]["id"]
    response = _verification(client, as_user("dept1"), [other], [YEAR])
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_a_trainee_cannot_print_a_verification(client, as_user):
    person = _people(client, as_user("dept1"))[0]["id"]
    response = _verification(client, as_user("trainee1"), [person], [YEAR])
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def _records_of(client, headers, person_id: int) -> list[dict]:
    return client.get("/api/credits", params={"person_id": person_id, "year": YEAR, "status": "effective",
                                             "page_size": 200, "in_force": True}, headers=headers).json()["items"]


def test_a_class_i_proof_lists_only_class_i_records(client, as_user, records, tmp_path):
    trainee = as_user("trainee1")
    me = client.get("/api/me", headers=trainee).json()["person_id"]
    mine = _records_of(client, trainee, me)
    assert {r["credit_class"] for r in mine} == {"I", "II"}
    response = client.get("/api/me/credit-proof.pdf", params={"class": "I", "from": f"{YEAR}-01-01",
                                                             "to": f"{YEAR}-12-31"}, headers=trainee)
    assert response.status_code == 200, response.text
    text = "\n".join(_text(response.content, tmp_path))
    assert "I类学分证明" in _squeezed(text) and "张伟" in text
    listed = re.findall(r"^\s*(\d+)\s+(\d{4}-\d{2}-\d{2})", text, re.M)
    assert len(listed) == sum(1 for r in mine if r["credit_class"] == "I")
    total = round(sum(r["credits"] for r in mine if r["credit_class"] == "I"), 2)
    assert f"I类学分合计{total:g}分" in _squeezed(text)
    assert "II类学分合计" not in _squeezed(text)


def test_an_admin_prints_the_proof_of_someone_in_scope(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    person = next(p for p in _people(client, dept) if p["name"] == "李娜")
    response = client.get(f"/api/people/{person['id']}/credit-proof.pdf", params={"class": "all"}, headers=dept)
    assert response.status_code == 200
    text = "\n".join(_text(response.content, tmp_path))
    assert "综合学分证明" in text and "李娜" in text
    code = response.headers["x-report-code"]
    assert client.get(f"/api/verify/{code}").json()["kind"] == "proof"


def test_an_admin_cannot_print_the_proof_of_someone_outside_scope(client, as_user):
    other = _people(client, as_user("dept2"))[0]["id"]
    response = client.get(f"/api/people/{other}/credit-proof.pdf", headers=as_user("dept1"))
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_a_proof_period_that_ends_before_it_starts_is_refused(client, as_user):
    response = client.get("/api/me/credit-proof.pdf", params={"from": f"{YEAR}-06-01", "to": f"{YEAR}-01-01"},
                          headers=as_user("trainee1"))
    assert response.status_code == 422 and response.json()["code"] == "validation_error"


def test_the_register_filters_by_title_and_status(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    department = _department(client, dept)
    people = [p for p in _people(client, dept) if p["department_id"] == department]
    title = people[0]["title"]
    with_title = sorted(p["name"] for p in people if p["title"] == title)
    others = sorted(p["name"] for p in people if p["title"] != title)
    assert with_title and others
    text = _squeezed("\n".join(_text(_register(client, dept, department_id=department, title=title).content,
                                      tmp_path)))
    assert all(name in text for name in with_title) and not any(name in text for name in others)
    assert f"筛选：职称：{title}" in text and f"人数：{len(with_title)}" in text

    async def retire():
        from server.tables import Person

        await Person.update({Person.status: "退休"}).where(Person.id == people[0]["id"])

    client.blocking_portal.call(retire)
    retired = _squeezed("\n".join(_text(_register(client, dept, department_id=department, status="退休").content,
                                         tmp_path, "retired.pdf")))
    assert people[0]["name"] in retired and "人数：1" in retired
    assert not any(p["name"] in retired for p in people[1:])
    # The workbook takes the same filters.
    import io

    from openpyxl import load_workbook

    response = client.get("/api/reports/register.xlsx", params={"year": YEAR, "department_id": department,
                                                               "status": "退休"}, headers=dept)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[1] for r in rows[1:]} == {people[0]["name"]}


def test_a_register_status_that_does_not_exist_is_refused(client, as_user):
    dept = as_user("dept1")
    response = _register(client, dept, department_id=_department(client, dept), status="在岗")
    assert response.status_code == 422


def test_a_class_ii_proof_lists_only_class_ii_records_and_is_stamped(client, as_user, records, tmp_path):
    trainee = as_user("trainee1")
    me = client.get("/api/me", headers=trainee).json()["person_id"]
    mine = [r for r in _records_of(client, trainee, me) if r["credit_class"] == "II"]
    response = client.get("/api/me/credit-proof.pdf", params={"class": "II", "from": f"{YEAR}-01-01",
                                                             "to": f"{YEAR}-12-31"}, headers=trainee)
    assert response.status_code == 200, response.text
    pages = _text(response.content, tmp_path)
    text = _squeezed("\n".join(pages))
    assert "II类学分证明" in text and "I类学分合计" not in text.replace("II类学分合计", "")
    listed = re.findall(r"^\s*(\d+)\s+(\d{4}-\d{2}-\d{2})", "\n".join(pages), re.M)
    assert len(listed) == len(mine) > 0
    assert f"II类学分合计{round(sum(r['credits'] for r in mine), 2):g}分" in text
    code = response.headers["x-report-code"]
    for number, page in enumerate(pages, 1):
        assert f"第{number}页共{len(pages)}页" in _squeezed(page) and code in _squeezed(page)
    assert _qr(response.content, tmp_path).endswith(f"/v/{code}")
    verified = client.get(f"/api/verify/{code}").json()
    assert verified["valid"] is True and verified["kind"] == "proof"


def test_the_combined_proof_totals_both_classes(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    person = next(p for p in _people(client, dept) if p["name"] == "李娜")
    mine = _records_of(client, dept, person["id"])
    response = client.get(f"/api/people/{person['id']}/credit-proof.pdf", headers=dept,
                          params={"class": "all", "from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"})
    text = _squeezed("\n".join(_text(response.content, tmp_path)))
    one = round(sum(r["credits"] for r in mine if r["credit_class"] == "I"), 2)
    two = round(sum(r["credits"] for r in mine if r["credit_class"] == "II"), 2)
    assert f"I类学分合计{one:g}分；II类学分合计{two:g}分；总计{round(one + two, 2):g}分" in text


def test_a_long_verification_numbers_every_page_and_repeats_each_persons_header(client, as_user, records, tmp_path):
    dept = as_user("dept1")
    chosen = _people(client, dept)
    years = list(range(YEAR - 4, YEAR + 1))
    response = _verification(client, dept, [p["id"] for p in chosen], years)
    assert response.status_code == 200, response.text
    pages = _text(response.content, tmp_path)
    code = response.headers["x-report-code"]
    assert len(pages) > 1
    for number, page in enumerate(pages, 1):
        squeezed = _squeezed(page)
        assert f"第{number}页共{len(pages)}页" in squeezed and code in squeezed
        # Each page's table starts with a person's line and the column header.
        assert "人员编号" in squeezed and "达标标准" in squeezed
    assert _qr(response.content, tmp_path, page=len(pages)).endswith(f"/v/{code}")
    text = _squeezed("\n".join(pages))
    # One section per person, each closed by its count of years.
    assert text.count("共5个年度") == len(chosen)
    for person in chosen:
        assert text.count(person["name"] + "人员编号") >= 1
    summary = client.get(f"/api/verify/{code}").json()
    assert summary["kind"] == "verification" and len(summary["people"]) == len(chosen)

"""People workbooks: the template, the all-or-nothing import with row errors, and the export."""

import datetime as dt
import io

from openpyxl import load_workbook

from server.services.idcard import make_id_number
from server.tables import Account, Person
from tests.api.conftest import login
from tests.api.people_helpers import db, person_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client, headers):
    response = client.get("/api/people/template.xlsx", headers=headers)
    assert response.status_code == 200, response.text
    return load_workbook(io.BytesIO(response.content))


def person_row(i: int, **overrides) -> list:
    values = {"id": make_id_number("990103", dt.date(1980 + i % 20, 1 + i % 12, 1 + i % 28), 500 + i),
              "name": f"导入{i}号", "department": "内科", "title": "住院医师", "level": None,
              "assessed": "2020-12-01", "year": 2021, "staffing": "在编", "status": "正常",
              "phone": f"1370000{i:04d}", "specialty": "内科学", "position": "", "no": None, "joins": "是"}
    values.update(overrides)
    return list(values.values())


def workbook_bytes(client, headers, rows) -> bytes:
    book = template(client, headers)
    sheet = book["人员"]
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, headers, body: bytes, name="people.xlsx", kind=XLSX):
    return client.post("/api/people/import", headers=headers, files={"file": (name, body, kind)})


def count_people(client) -> int:
    return db(client, lambda: Person.count())


def test_template_has_chinese_headers_drop_downs_and_examples(client):
    book = template(client, login(client, "dept1"))
    sheet = book["人员"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["*身份证号", "*姓名", "*科室", "*当前职称"]
    assert sheet.max_row == 1  # nothing but the header: appended rows start at row 2
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert any("选项" in f for f in formulas) and len(formulas) >= 6
    options = book["选项"]
    assert options.sheet_state == "hidden"
    department_column = [c.value for c in next(options.iter_cols(min_col=1, max_col=1)) if c.value]
    assert department_column == ["科室", "内科"]  # a department admin's own department only
    guide = [row for row in book["填写说明"].iter_rows(values_only=True)]
    assert any(row[0] == "身份证号" and row[3] for row in guide)


def test_import_creates_people_with_department_made_accounts(client):
    dept1 = login(client, "dept1")
    rows = [person_row(i) for i in range(3)]
    response = upload(client, dept1, workbook_bytes(client, dept1, rows))
    assert response.status_code == 200, response.text
    assert response.json() == {"created": 3, "updated": 0}
    new_id = rows[0][0]
    first = client.post("/api/auth/login", json={"username": new_id, "password": new_id[-6:]})
    assert first.status_code == 200 and first.json()["user"]["must_change_password"] is True
    # The first password is derived from the ID stored beside it: hashed cheaply (N=2^6), owed a change.
    account = db(client, lambda: Account.select(Account.password_hash, Account.must_change_password).where(
        Account.username == new_id).first())
    assert account["password_hash"].startswith("scrypt$64$") and account["must_change_password"] is True
    person = db(client, lambda: Person.select(Person.sex, Person.birth_date, Person.title_level).where(
        Person.id_number == new_id).first())
    assert person["title_level"] == "初级" and person["birth_date"].year == 1980


def test_bad_check_digit_in_row_57_names_the_row_and_writes_nothing(client):
    dept1 = login(client, "dept1")
    rows = [person_row(i) for i in range(60)]
    good = rows[55][0]
    rows[55][0] = good[:17] + ("0" if good[17] != "0" else "1")  # the 56th person: sheet row 57
    before = count_people(client)
    response = upload(client, dept1, workbook_bytes(client, dept1, rows))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "import_invalid" and "57" in body["detail"]
    assert body["errors"] == [{"row": 57, "field": "id_number", "column": "身份证号",
                               "detail": body["errors"][0]["detail"]}]
    assert "第 57 行" in body["errors"][0]["detail"] and "校验码" in body["errors"][0]["detail"]
    assert count_people(client) == before


def test_every_bad_row_is_listed_with_its_column(client):
    dept1 = login(client, "dept1")
    rows = [person_row(0, title="大医师"), person_row(1, phone="123"), person_row(2, department="外科"),
            person_row(3, status="在岗")]
    body = upload(client, dept1, workbook_bytes(client, dept1, rows)).json()
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (2, "title"), (3, "phone"), (4, "department"), (5, "status")]


def test_duplicate_id_number_in_the_file_names_both_rows(client):
    dept1 = login(client, "dept1")
    rows = [person_row(0), person_row(1)]
    rows[1][0] = rows[0][0]
    body = upload(client, dept1, workbook_bytes(client, dept1, rows)).json()
    assert body["code"] == "import_invalid"
    assert body["errors"][0]["row"] == 3 and "第 2 行" in body["errors"][0]["detail"]


def test_id_number_of_someone_in_another_unit_is_a_row_error(client):
    dept1 = login(client, "dept1")
    theirs = person_of(client, "trainee4")
    their_id = db(client, lambda: Person.select(Person.id_number).where(Person.id == theirs).first())["id_number"]
    body = upload(client, dept1, workbook_bytes(client, dept1, [person_row(0, id=their_id)])).json()
    assert body["code"] == "import_invalid"
    assert body["errors"][0]["field"] == "id_number" and "其他科室或单位" in body["errors"][0]["detail"]
    assert db(client, lambda: Person.select(Person.name).where(Person.id == theirs).first())["name"] == "刘芳"


def test_existing_person_in_scope_is_updated_and_logged(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    mine = db(client, lambda: Person.select(Person.id_number, Person.phone).where(Person.id == pid).first())
    row = person_row(0, id=mine["id_number"], name="张伟", title="副主任医师", phone=mine["phone"])
    response = upload(client, dept1, workbook_bytes(client, dept1, [row, person_row(1)]))
    assert response.json() == {"created": 1, "updated": 1}
    log = client.get(f"/api/people/{pid}/changes", headers=dept1).json()["items"][0]
    assert log["action"] == "person_import" and log["after"]["title"] == "副主任医师"


def test_fixing_the_bad_row_and_importing_again_works(client):
    dept1 = login(client, "dept1")
    rows = [person_row(i) for i in range(3)]
    rows[1][9] = "12"
    assert upload(client, dept1, workbook_bytes(client, dept1, rows)).status_code == 422
    rows[1][9] = "13700009999"
    assert upload(client, dept1, workbook_bytes(client, dept1, rows)).json() == {"created": 3, "updated": 0}


def test_oversize_file_is_413(client):
    body = b"PK\x03\x04" + b"\0" * (10 * 1024 * 1024 + 10)
    response = upload(client, login(client, "dept1"), body)
    assert response.status_code == 413 and response.json()["code"] == "file_too_large"


def test_not_a_workbook_is_415(client):
    dept1 = login(client, "dept1")
    for body, name in ((b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "people.xlsx"), (b"id,name\n1,2\n", "people.csv"),
                       (b"PK\x03\x04garbage", "people.xlsx")):
        response = upload(client, dept1, body, name=name)
        assert response.status_code == 415 and response.json()["code"] == "unsupported_type"


def test_trainee_and_region_admin_cannot_import(client):
    body = workbook_bytes(client, login(client, "dept1"), [person_row(0)])
    for user in ("trainee1", "region1"):
        response = upload(client, login(client, user), body)
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not db(client, lambda: Account.exists().where(Account.username == person_row(0)[0]))


def test_export_is_the_filtered_list_masked_and_formula_safe(client):
    dept1 = login(client, "dept1")
    pid = person_of(client, "trainee1")
    client.patch(f"/api/people/{pid}", headers=dept1, json={"position": "=HYPERLINK(\"http://x\",\"y\")"})
    response = client.get("/api/people.xlsx", headers=dept1, params={"title_level": "中级"})
    assert response.status_code == 200 and response.headers["content-type"].startswith(XLSX)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("姓名", "人员编号", "身份证号")
    listed = client.get("/api/people", headers=dept1, params={"title_level": "中级", "page_size": 100}).json()
    assert len(rows) - 1 == listed["total"]
    zhang = next(r for r in rows if r[0] == "张伟")
    assert "*" in zhang[2] and "*" in zhang[13]
    assert zhang[15] == "'=HYPERLINK(\"http://x\",\"y\")"


def test_export_with_an_unknown_filter_value_is_422(client):
    response = client.get("/api/people.xlsx", headers=login(client, "dept1"), params={"title": "大医师"})
    assert response.status_code == 422 and response.json()["field"] == "title"

"""History from the old system (seed 002 §1.5): earlier years' records and certificates, all or nothing."""

import io

from openpyxl import load_workbook

from server.tables import Credit, CreditEvent, Person
from tests.api.conftest import login
from tests.api.people_helpers import db, person_of


def id_of(client, username: str) -> str:
    pid = person_of(client, username)
    return db(client, lambda: Person.select(Person.id_number).where(Person.id == pid).first())["id_number"]


def workbook(client, headers, credits=(), certificates=()) -> bytes:
    response = client.get("/api/history/template.xlsx", headers=headers)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    for row in credits:
        book["学分记录"].append(row)
    for row in certificates:
        book["证书"].append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def send(client, headers, body):
    return client.post("/api/history/import", headers=headers, files={"file": ("history.xlsx", body, "application/octet-stream")})


def test_imported_records_are_effective_history_the_trainee_sees(client):
    unit1 = login(client, "unit1")
    mine = id_of(client, "trainee1")
    body = workbook(client, unit1, credits=[
        [mine, "张伟", "2018-05-20", "心血管疾病诊疗进展学习班", "I类", "专业", 5, 12, "2018-01-02-003", "示例省医学会"],
        [mine, "张伟", "2019-03-02", "院内病例讨论", "II类", None, "0.5", None, None, None]],
        certificates=[[mine, "张伟", 2018, "GD2018-000123", "2019-01-15", 25, 90, "示例省卫生健康委员会"]])
    response = send(client, unit1, body)
    assert response.status_code == 200, response.text
    assert response.json() == {"credits": 2, "certificates": 1, "skipped": 0}
    trainee = login(client, "trainee1")
    history = client.get("/api/me/history", headers=trainee).json()
    assert [c["title"] for c in history["credits"]] == ["院内病例讨论", "心血管疾病诊疗进展学习班"]
    assert history["certificates"][0]["cert_no"] == "GD2018-000123"
    listed = client.get("/api/credits", headers=trainee, params={"year": 2018}).json()["items"]
    assert [(c["source"], c["status"]) for c in listed] == [("import", "effective")]
    events = db(client, lambda: CreditEvent.count().where(CreditEvent.credit.source == "import"))
    assert events == 2  # born through the ledger, with a first event each


def test_importing_the_same_workbook_again_adds_nothing(client):
    unit1 = login(client, "unit1")
    mine = id_of(client, "trainee1")
    body = workbook(client, unit1, credits=[[mine, "张伟", "2018-05-20", "学习班", "I类", "专业", 5, 12, None, None]])
    assert send(client, unit1, body).json()["credits"] == 1
    assert send(client, unit1, body).json() == {"credits": 0, "certificates": 0, "skipped": 1}


def test_imported_records_cannot_be_revoked(client):
    unit1 = login(client, "unit1")
    mine = id_of(client, "trainee1")
    send(client, unit1, workbook(client, unit1, credits=[[mine, "张伟", "2018-05-20", "学习班", "I类", "专业", 5, 12,
                                                          None, None]]))
    credit = db(client, lambda: Credit.select(Credit.id).where(Credit.source == "import").first())["id"]
    response = client.post(f"/api/credits/{credit}/revoke", headers=unit1, json={"reason": "错误"})
    assert response.status_code == 409 and response.json()["code"] == "history_readonly"


def test_a_bad_row_names_itself_and_nothing_is_written(client):
    unit1 = login(client, "unit1")
    mine = id_of(client, "trainee1")
    body = workbook(client, unit1, credits=[
        [mine, "张伟", "2018-05-20", "学习班", "I类", "专业", 5, 12, None, None],
        [mine, "张伟", "2018-06-20", "学习班二", "III类", "专业", 5, 12, None, None],
        [mine, "李四", "2018-07-20", "学习班三", "I类", "专业", 5, 12, None, None]])
    response = send(client, unit1, body)
    assert response.status_code == 422 and response.json()["code"] == "import_invalid"
    assert [(e["row"], e["field"]) for e in response.json()["errors"]] == [(3, "credit_class"), (4, "name")]
    assert db(client, lambda: Credit.count().where(Credit.source == "import")) == 0


def test_this_years_records_and_other_units_people_are_refused(client):
    unit1 = login(client, "unit1")
    theirs = id_of(client, "trainee4")
    mine = id_of(client, "trainee1")
    import datetime as dt
    this_year = dt.date.today().year
    body = workbook(client, unit1, credits=[
        [theirs, "刘芳", "2018-05-20", "学习班", "I类", "专业", 5, 12, None, None],
        [mine, "张伟", f"{this_year}-01-05", "学习班", "I类", "专业", 5, 12, None, None]])
    errors = send(client, unit1, body).json()["errors"]
    assert [(e["row"], e["field"]) for e in errors] == [(2, "id_number"), (3, "activity_date")]


def test_department_admins_and_trainees_cannot_import(client):
    for user in ("dept1", "trainee1"):
        response = client.get("/api/history/template.xlsx", headers=login(client, user))
        assert response.status_code == 403 and response.json()["code"] == "forbidden"

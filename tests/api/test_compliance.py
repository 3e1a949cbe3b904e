"""A person's compliance through the API: real check-ins, approvals and entries, against hand sums."""

import datetime as dt

from tests.api.attendance_helpers import current_code, open_session
from tests.api.compliance_helpers import STANDARD, create_standard
from tests.api.entry_helpers import attach
from tests.api.entry_helpers import create as create_entry
from tests.api.registration_helpers import register

CHINA = dt.timezone(dt.timedelta(hours=8))
YEAR = dt.datetime.now(CHINA).year
TODAY = dt.datetime.now(CHINA).date().isoformat()


def _check_in(client, as_user, trainee="trainee1", **training):
    dept = as_user("dept1")
    _, session = open_session(client, dept, as_user("unit1"), year=YEAR, **training)
    body = client.post("/api/checkins", headers=as_user(trainee), json={
        "session_id": session["id"], "code": current_code(client, dept, session["id"])}).json()
    return body["credit"]["id"]


def _approve(client, as_user, credit_id):
    assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user("dept1")).status_code == 200
    assert client.post(f"/api/credits/{credit_id}/approve", headers=as_user("unit1")).json()["status"] == "effective"


def _entry(client, as_user, **kwargs):
    """A personal entry of today with its proof; out_national: 3 hours = 1 class I credit."""
    trainee = as_user("trainee1")
    made = create_entry(client, trainee, day=TODAY, **kwargs)
    attach(client, trainee, made["id"])
    return made["id"]


def _in_force_now(client, credit_id):
    """What the next-day rule does at local midnight, done now."""
    from server.tables import Credit

    async def move():
        await Credit.update({Credit.effective_at: dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)}).where(
            Credit.id == credit_id)

    client.blocking_portal.call(move)


def _mine(client, headers, standard_id):
    response = client.get("/api/me/compliance", params={"year": YEAR, "standard_id": standard_id}, headers=headers)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return result


def _lines(result):
    return [(l["category"], l["required"], l["earned"], l["met"]) for l in result["lines"]]


def test_a_check_in_shows_as_pending_then_counts_once_approved(client, as_user):
    standard = create_standard(client, as_user("region1"), year=YEAR)
    trainee = as_user("trainee1")
    credit_id = _check_in(client, as_user, credits=1.5)
    waiting = _mine(client, trainee, standard["id"])
    assert _lines(waiting) == [("total", 2.0, 0.0, False), ("II", 1.0, 0.0, False)]
    assert [l["pending"] for l in waiting["lines"]] == [1.5, 1.5]
    assert waiting["excluded"] == [{"credit_id": credit_id, "reason": "pending", "counted_credits": 0.0,
                                    "counted_hours": 0.0}]
    _approve(client, as_user, credit_id)
    counted = _mine(client, trainee, standard["id"])
    assert _lines(counted) == [("total", 2.0, 1.5, False), ("II", 1.0, 1.5, True)]
    assert counted["excluded"] == [] and counted["passed"] is False
    assert counted["lines"][0]["missing"] == 0.5 and counted["lines"][0]["credit_ids"] == [credit_id]


def test_an_approved_entry_counts_from_the_next_day_and_then_passes(client, as_user):
    standard = create_standard(client, as_user("region1"), year=YEAR)
    trainee = as_user("trainee1")
    _approve(client, as_user, _check_in(client, as_user, credits=1.5))
    entry = _entry(client, as_user, quantity=3)  # 1 class I credit
    _approve(client, as_user, entry)
    tomorrow = _mine(client, trainee, standard["id"])
    assert _lines(tomorrow) == [("total", 2.0, 1.5, False), ("II", 1.0, 1.5, True)]
    assert [(e["credit_id"], e["reason"]) for e in tomorrow["excluded"]] == [(entry, "not_in_force")]
    assert tomorrow["lines"][0]["upcoming"] == 1.0
    _in_force_now(client, entry)
    passed = _mine(client, trainee, standard["id"])
    assert _lines(passed) == [("total", 2.0, 2.5, True), ("II", 1.0, 1.5, True)] and passed["passed"] is True


def test_a_cap_straddled_by_one_entry_counts_only_what_is_left(client, as_user):
    # The helper's standard caps personal class II credits at 1; self_training is class II, 3 hours = 1 credit.
    standard = create_standard(client, as_user("region1"), year=YEAR)
    trainee = as_user("trainee1")
    first = _entry(client, as_user, rule_code="self_training", quantity=1.5, title="科室业务学习一")   # 0.50
    second = _entry(client, as_user, rule_code="self_training", quantity=2.4, title="科室业务学习二")  # 0.80
    for credit_id in (first, second):
        _approve(client, as_user, credit_id)
        _in_force_now(client, credit_id)
    result = _mine(client, trainee, standard["id"])
    assert _lines(result) == [("total", 2.0, 1.0, False), ("II", 1.0, 1.0, True)]
    # Same activity date: the cap takes the older record first.
    assert result["excluded"] == [{"credit_id": second, "reason": "capped", "counted_credits": 0.5,
                                   "counted_hours": 2.4}]


def test_personal_entries_take_the_rules_category_for_hours_standards(client, as_user):
    standard = create_standard(client, as_user("region1"), year=YEAR, name="示例省 学时标准", scheme="hours",
                               requirements=[{"measure": "hours", "category": "professional", "min": 6}], caps=[])
    entry = _entry(client, as_user, quantity=6)
    _approve(client, as_user, entry)
    _in_force_now(client, entry)
    assert _lines(_mine(client, as_user("trainee1"), standard["id"])) == [("professional", 6.0, 6.0, True)]


def test_a_public_training_does_not_count_for_a_professional_line(client, as_user):
    standard = create_standard(client, as_user("region1"), year=YEAR, name="示例省 专业学时", scheme="hours",
                               requirements=[{"measure": "hours", "category": "professional", "min": 2}], caps=[])
    credit_id = _check_in(client, as_user, category="public", hours=2)
    _approve(client, as_user, credit_id)
    result = _mine(client, as_user("trainee1"), standard["id"])
    assert _lines(result) == [("professional", 2.0, 0.0, False)]
    assert [(e["credit_id"], e["reason"]) for e in result["excluded"]] == [(credit_id, "not_counted")]


def test_without_standard_id_the_newest_equally_specific_standard_applies(client, as_user):
    trainee = as_user("trainee1")
    me = client.get("/api/me", headers=trainee).json()
    person = client.get(f"/api/people/{me['person_id']}", headers=trainee).json()
    standard = create_standard(client, as_user("region1"), year=YEAR, title_levels=[person["title_level"]],
                               unit_levels=["市直属"])
    body = client.get("/api/me/compliance", params={"year": YEAR}, headers=trainee).json()
    assert (body["person_id"], body["year"], body["joins_cme"]) == (me["person_id"], YEAR, True)
    assert (body["title_level"], body["unit_level"]) == (person["title_level"], "市直属")
    assert [r["standard"]["id"] for r in body["results"]] == [standard["id"]]


def test_the_demo_table_applies_by_title_and_unit_level(client, as_user):
    trainee = as_user("trainee4")  # 示例第二医院: 区县
    me = client.get("/api/me", headers=trainee).json()
    level = client.get(f"/api/people/{me['person_id']}", headers=trainee).json()["title_level"]
    expected = {"正高": "示例省 区县 中级及以上", "副高": "示例省 区县 中级及以上", "中级": "示例省 区县 中级及以上",
                "初级": "示例省 初级", "无": "全国继续医学教育（2024年办法）"}[level]
    body = client.get("/api/me/compliance", params={"year": 2026}, headers=trainee).json()
    assert [r["standard"]["name"] for r in body["results"]] == [expected]


def test_the_title_of_that_year_decides(client, as_user):
    """A person who was 初级 in 2025 (history row) and is 中级 now: 2025 is judged by the 初级 table."""
    from server.tables import PersonYear, Unit

    trainee = as_user("trainee1")
    person_id = client.get("/api/me", headers=trainee).json()["person_id"]

    async def history():
        unit = await Unit.select(Unit.id).where(Unit.code == "9901001").first()
        await PersonYear.insert(PersonYear(person=person_id, year=2025, title="住院医师", title_level="初级",
                                           unit=unit["id"]))
        await PersonYear.update({PersonYear.title_level: "中级"}).where(
            (PersonYear.person == person_id) & (PersonYear.year == 2026))

    client.blocking_portal.call(history)
    then = client.get("/api/me/compliance", params={"year": 2025}, headers=trainee).json()
    now = client.get("/api/me/compliance", params={"year": 2026}, headers=trainee).json()
    assert (then["title_level"], [r["standard"]["name"] for r in then["results"]]) == ("初级", ["示例省 初级"])
    assert (now["title_level"], [r["standard"]["name"] for r in now["results"]]) == (
        "中级", ["示例省 省直/市直属 中级及以上"])


def test_someone_who_does_not_join_cme_is_shown_as_such_not_failed(client, as_user):
    from server.tables import Person

    trainee = as_user("trainee2")
    person_id = client.get("/api/me", headers=trainee).json()["person_id"]

    async def leave():
        await Person.update({Person.joins_cme: False}).where(Person.id == person_id)

    client.blocking_portal.call(leave)
    body = client.get("/api/me/compliance", params={"year": 2026}, headers=trainee).json()
    assert body["joins_cme"] is False and body["results"] == []


def test_records_list_the_titles_behind_the_lines(client, as_user):
    credit_id = _check_in(client, as_user, title="院内学术讲座：心衰管理")
    body = client.get("/api/me/compliance", params={"year": YEAR}, headers=as_user("trainee1")).json()
    record = next(r for r in body["records"] if r["id"] == credit_id)
    assert (record["title"], record["status"], record["activity_date"]) == ("院内学术讲座：心衰管理", "pending_dept",
                                                                          TODAY)


# -- who may read whose ---------------------------------------------------------------


def _person(client, as_user, username):
    return client.get("/api/me", headers=as_user(username)).json()["person_id"]


def test_admins_in_scope_read_a_persons_compliance(client, as_user):
    person_id = _person(client, as_user, "trainee1")
    for username in ("dept1", "unit1", "region1", "trainee1"):
        response = client.get(f"/api/people/{person_id}/compliance", params={"year": 2026},
                              headers=as_user(username))
        assert response.status_code == 200 and response.json()["person_id"] == person_id, username


def test_a_trainee_reading_anothers_compliance_is_404(client, as_user):
    response = client.get(f"/api/people/{_person(client, as_user, 'trainee2')}/compliance",
                          headers=as_user("trainee1"))
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_a_dept_admin_of_another_department_is_404(client, as_user):
    response = client.get(f"/api/people/{_person(client, as_user, 'trainee1')}/compliance",
                          headers=as_user("dept2"))
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_another_units_admins_are_404(client, as_user):
    person_id = _person(client, as_user, "trainee1")
    for username in ("unit2", "dept3"):
        response = client.get(f"/api/people/{person_id}/compliance", headers=as_user(username))
        assert response.status_code == 404 and response.json()["code"] == "person_not_found", username


def test_an_unknown_person_is_404(client, as_user):
    response = client.get("/api/people/987654/compliance", headers=as_user("region1"))
    assert response.status_code == 404 and response.json()["code"] == "person_not_found"


def test_an_account_without_a_person_has_no_compliance_of_its_own(client, as_user):
    response = client.get("/api/me/compliance", headers=as_user("region1"))
    assert response.status_code == 403 and response.json()["code"] == "no_person"


def test_an_unknown_standard_id_is_422(client, as_user):
    response = client.get("/api/me/compliance", params={"standard_id": 987654}, headers=as_user("trainee1"))
    assert response.status_code == 422 and response.json()["field"] == "standard_id"


def test_a_standard_of_another_year_than_asked_is_422(client, as_user):
    standard = create_standard(client, as_user("region1"), year=2027)
    response = client.get("/api/me/compliance", params={"standard_id": standard["id"], "year": 2026},
                          headers=as_user("trainee1"))
    assert response.status_code == 422 and response.json()["field"] == "year"


def test_a_year_out_of_range_is_refused(client, as_user):
    response = client.get("/api/me/compliance", params={"year": 1900}, headers=as_user("trainee1"))
    assert response.status_code == 422 and response.json()["field"] == "year"


def test_not_logged_in_is_401(client):
    assert client.get("/api/me/compliance").status_code == 401


# -- the personal standard (个人学分标准) ----------------------------------------------------


def test_a_chosen_standard_replaces_the_match_and_deleting_it_restores_it(client, as_user):
    trainee = as_user("trainee1")
    national = client.get("/api/standards", params={"year": 2026, "region_code": "", "scheme": "cme"},
                          headers=trainee).json()["items"][0]
    made = client.post("/api/me/standards", json={"year": 2026, "standard_id": national["id"]}, headers=trainee)
    assert made.status_code == 201
    choice = made.json()
    assert (choice["year"], choice["standard_id"], choice["scheme"]) == (2026, national["id"], "cme")
    listed = client.get("/api/me/standards", headers=trainee).json()
    assert listed["total"] == 1 and listed["items"][0]["standard_name"] == national["name"]
    chosen = client.get("/api/me/compliance", params={"year": 2026}, headers=trainee).json()
    assert [r["standard"]["id"] for r in chosen["results"]] == [national["id"]]
    assert client.delete(f"/api/me/standards/{choice['id']}", headers=trainee).status_code == 204
    back = client.get("/api/me/compliance", params={"year": 2026}, headers=trainee).json()
    assert national["id"] not in [r["standard"]["id"] for r in back["results"]]


def test_a_reference_standard_applies_once_chosen(client, as_user):
    trainee = as_user("trainee1")
    rs25 = client.get("/api/standards", params={"year": 2026, "region_code": "", "scheme": "hours"},
                      headers=trainee).json()["items"][0]
    assert rs25["auto_apply"] is False
    client.post("/api/me/standards", json={"year": 2026, "standard_id": rs25["id"]}, headers=trainee)
    body = client.get("/api/me/compliance", params={"year": 2026}, headers=trainee).json()
    assert [r["standard"]["scheme"] for r in body["results"]] == ["cme", "hours"]


def test_choosing_another_provinces_standard_is_422(client, as_user):
    trainee = as_user("trainee1")
    guangdong = client.get("/api/standards", params={"year": 2026, "region_code": "440000"},
                           headers=trainee).json()["items"][0]
    response = client.post("/api/me/standards", json={"year": 2026, "standard_id": guangdong["id"]}, headers=trainee)
    assert response.status_code == 422 and response.json()["field"] == "standard_id"


def test_choosing_an_unknown_or_retired_standard_is_422(client, as_user):
    trainee, region = as_user("trainee1"), as_user("region1")
    retired = create_standard(client, region)
    client.delete(f"/api/standards/{retired['id']}", headers=region)
    for standard_id in (987654, retired["id"]):
        response = client.post("/api/me/standards", json={"year": 2026, "standard_id": standard_id}, headers=trainee)
        assert response.status_code == 422 and response.json()["field"] == "standard_id", standard_id


def test_choosing_a_standard_for_another_year_is_422(client, as_user):
    standard = create_standard(client, as_user("region1"), year=2027)
    response = client.post("/api/me/standards", json={"year": 2026, "standard_id": standard["id"]},
                           headers=as_user("trainee1"))
    assert response.status_code == 422 and response.json()["field"] == "year"


def test_a_second_choice_of_the_same_scheme_and_year_is_409(client, as_user):
    trainee = as_user("trainee1")
    first = create_standard(client, as_user("region1"))
    second = create_standard(client, as_user("region1"), name="示例省 另一个标准")
    assert client.post("/api/me/standards", json={"year": 2026, "standard_id": first["id"]},
                       headers=trainee).status_code == 201
    response = client.post("/api/me/standards", json={"year": 2026, "standard_id": second["id"]}, headers=trainee)
    assert response.status_code == 409 and response.json()["code"] == "duplicate"


def test_deleting_someone_elses_choice_is_404(client, as_user):
    standard = create_standard(client, as_user("region1"))
    choice = client.post("/api/me/standards", json={"year": 2026, "standard_id": standard["id"]},
                         headers=as_user("trainee1")).json()
    response = client.delete(f"/api/me/standards/{choice['id']}", headers=as_user("trainee2"))
    assert response.status_code == 404 and response.json()["code"] == "choice_not_found"


def test_an_admin_without_a_person_has_no_personal_standard(client, as_user):
    response = client.post("/api/me/standards", json={"year": 2026, "standard_id": 1}, headers=as_user("dept1"))
    assert response.status_code == 403 and response.json()["code"] == "no_person"


def test_registration_refuses_a_standard_that_does_not_exist(client, fresh_settings):
    response = register(client, fresh_settings, standard_id=987654)
    assert response.status_code == 422 and response.json()["field"] == "standard_id"


def test_registration_refuses_another_provinces_standard(client, fresh_settings, as_user):
    guangdong = client.get("/api/standards", params={"year": 2026, "region_code": "440000"},
                           headers=as_user("trainee1")).json()["items"][0]
    response = register(client, fresh_settings, standard_id=guangdong["id"])
    assert response.status_code == 422 and response.json()["field"] == "standard_id"


def test_the_standard_chosen_at_registration_is_the_persons_once_approved(client, fresh_settings, as_user):
    from tests.api.registration_helpers import NEW_PASSWORD

    standard = create_standard(client, as_user("region1"), title_levels=[], unit_levels=[])
    registration = register(client, fresh_settings, standard_id=standard["id"]).json()
    assert client.post(f"/api/registrations/{registration['id']}/approve", headers=as_user("unit1")).status_code == 200
    newcomer = {"Authorization": "Bearer " + client.post("/api/auth/login", json={
        "username": "newdoc", "password": NEW_PASSWORD}).json()["token"]}
    assert [c["standard_id"] for c in client.get("/api/me/standards", headers=newcomer).json()["items"]] == [
        standard["id"]]


# -- certificates that follow the rules ------------------------------------------------------


def test_a_standard_that_requires_a_pass_holds_the_certificate_back(client, as_user):
    trainee = as_user("trainee1")
    me = client.get("/api/me", headers=trainee).json()
    level = client.get(f"/api/people/{me['person_id']}", headers=trainee).json()["title_level"]
    create_standard(client, as_user("region1"), year=YEAR, title_levels=[level], certificate_requires_pass=True,
                    requirements=[{"measure": "credits", "category": "total", "min": 1}], caps=[])
    held = client.get("/api/me/certificate.pdf", params={"year": YEAR}, headers=trainee)
    assert held.status_code == 409 and held.json()["code"] == "not_passed"
    assert held.json()["missing"] == [{"standard_id": held.json()["missing"][0]["standard_id"],
                                       "standard_name": STANDARD["name"], "measure": "credits",
                                       "category": "total", "required": 1.0, "earned": 0.0, "missing": 1.0}]
    _approve(client, as_user, _check_in(client, as_user, credits=1))
    printed = client.get("/api/me/certificate.pdf", params={"year": YEAR}, headers=trainee)
    assert printed.status_code == 200 and printed.headers["content-type"] == "application/pdf"


def test_without_such_a_standard_the_certificate_prints_as_before(client, as_user):
    response = client.get("/api/me/certificate.pdf", params={"year": YEAR}, headers=as_user("trainee1"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")

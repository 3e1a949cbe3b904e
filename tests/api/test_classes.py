"""Providers' training classes: lifecycle, who sees them, enrolment and its wrong paths, hours."""

import asyncio

from tests.api.attendance_helpers import current_code
from tests.api.guangdong_helpers import (YEAR, add_session, confirmed, create_class, enrol, open_class, person_id,
                                         second_provider)


def _seats(client, provider, class_id):
    return client.get(f"/api/classes/{class_id}", headers=provider).json()["seats_taken"]


# -- the provider's class -------------------------------------------------------------------


def test_provider_creates_a_draft_class(client, as_user):
    klass = create_class(client, as_user("provider1"), category="elective", hours=12.5, capacity=40)
    assert klass["status"] == "draft"
    assert (klass["category"], klass["hours"], klass["capacity"], klass["seats_left"]) == ("elective", 12.5, 40, 40)
    assert klass["provider_name"] == "示例继续教育培训中心"


def test_open_accepts_enrolment_and_close_stops_it(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    response = client.post(f"/api/classes/{klass['id']}/close", headers=provider)
    assert response.status_code == 200 and response.json() == {"id": klass["id"], "status": "closed"}


def test_closing_a_draft_is_409(client, as_user):
    provider = as_user("provider1")
    klass = create_class(client, provider)
    response = client.post(f"/api/classes/{klass['id']}/close", headers=provider)
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_only_a_provider_admin_creates_classes(client, as_user):
    response = client.post("/api/classes", headers=as_user("dept1"), json={
        "title": "x", "year": YEAR, "category": "professional", "hours": 1, "starts_on": f"{YEAR}-01-01",
        "ends_on": f"{YEAR}-01-01", "capacity": 1})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def test_a_class_whose_dates_miss_its_year_is_422(client, as_user):
    response = client.post("/api/classes", headers=as_user("provider1"), json={
        "title": "跨年班", "year": YEAR, "category": "professional", "hours": 8, "starts_on": f"{YEAR + 1}-01-05",
        "ends_on": f"{YEAR + 1}-01-06", "capacity": 10})
    assert response.status_code == 422 and response.json()["field"] == "year"


def test_an_unknown_category_is_422(client, as_user):
    response = client.post("/api/classes", headers=as_user("provider1"), json={
        "title": "x", "year": YEAR, "category": "leisure", "hours": 8, "starts_on": f"{YEAR}-01-05",
        "ends_on": f"{YEAR}-01-06", "capacity": 10})
    assert response.status_code == 422 and response.json()["field"] == "category"


def test_another_provider_cannot_open_the_class(client, as_user):
    klass = create_class(client, as_user("provider1"))
    other = second_provider(client, as_user("region1"))
    response = client.post(f"/api/classes/{klass['id']}/open", headers=other)
    assert response.status_code == 404 and response.json()["code"] == "class_not_found"


def test_capacity_cannot_drop_below_the_seats_taken(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider, capacity=5)
    enrol(client, as_user("trainee1"), klass["id"])
    enrol(client, as_user("trainee2"), klass["id"])
    response = client.patch(f"/api/classes/{klass['id']}", headers=provider, json={"capacity": 1})
    assert response.status_code == 409 and response.json()["code"] == "capacity_below_enrolled"
    assert client.patch(f"/api/classes/{klass['id']}", headers=provider, json={"capacity": 2}).json()["capacity"] == 2


# -- what trainees see ---------------------------------------------------------------------


def test_trainee_lists_the_accepting_classes_of_providers_in_their_region(client, as_user):
    provider = as_user("provider1")
    opened = open_class(client, provider, title="已开放的班")
    create_class(client, provider, title="未开放的班")
    titles = [c["title"] for c in client.get("/api/classes", params={"year": YEAR},
                                             headers=as_user("trainee1")).json()["items"]]
    assert opened["title"] in titles and "未开放的班" not in titles
    # The demo's accepting classes are there too; its closed one is not.
    assert "医患沟通与医学人文素养（线上）" in titles and "急危重症护理技能专项培训班" not in titles


def test_a_district_providers_class_is_for_that_districts_units_only(client, as_user):
    # 示例第二医院 is in 示例区 (990102); 示例第一医院 in 示例市 (990100), above it.
    district = second_provider(client, as_user("region1"), region_code="990102", username="districtone")
    klass = open_class(client, district, title="示例区社区卫生培训班")
    seen_by = {name: [c["id"] for c in client.get("/api/classes", headers=as_user(name)).json()["items"]]
               for name in ("trainee1", "trainee4")}
    assert klass["id"] in seen_by["trainee4"] and klass["id"] not in seen_by["trainee1"]
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=as_user("trainee1"))
    assert response.status_code == 404 and response.json()["code"] == "class_not_found"


# -- enrolment --------------------------------------------------------------------------------


def test_enrolment_is_201_pending_and_listed_for_the_trainee(client, as_user):
    klass = open_class(client, as_user("provider1"))
    trainee = as_user("trainee1")
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=trainee)
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    mine = client.get("/api/me/enrolments", headers=trainee).json()
    assert [(e["class_id"], e["status"]) for e in mine["items"]] == [(klass["id"], "pending")]


def test_enrolling_in_a_closed_class_is_409_not_accepting(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    client.post(f"/api/classes/{klass['id']}/close", headers=provider)
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=as_user("trainee1"))
    assert response.status_code == 409 and response.json()["code"] == "not_accepting"
    assert _seats(client, provider, klass["id"]) == 0


def test_enrolling_in_a_draft_class_is_409_not_accepting(client, as_user):
    klass = create_class(client, as_user("provider1"))
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=as_user("trainee1"))
    assert response.status_code == 409 and response.json()["code"] == "not_accepting"


def test_enrolling_twice_is_409_duplicate_and_takes_one_seat(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    klass = open_class(client, provider)
    enrol(client, trainee, klass["id"])
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=trainee)
    assert response.status_code == 409 and response.json()["code"] == "duplicate"
    assert _seats(client, provider, klass["id"]) == 1


def test_enrolling_in_a_full_class_is_409_full(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider, capacity=1)
    enrol(client, as_user("trainee1"), klass["id"])
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=as_user("trainee2"))
    assert response.status_code == 409 and response.json()["code"] == "full"
    assert client.get("/api/me/enrolments", headers=as_user("trainee2")).json()["total"] == 0


def test_a_dishonest_person_cannot_enrol(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    klass = open_class(client, provider)
    recorded = client.post("/api/dishonesty", headers=as_user("region1"), json={
        "person_id": person_id(client, trainee), "reason": "学时申报弄虚作假", "starts_on": f"{YEAR}-01-01",
        "ends_on": f"{YEAR + 2}-12-31"})
    assert recorded.status_code == 201
    response = client.post(f"/api/classes/{klass['id']}/enrolments", headers=trainee)
    assert response.status_code == 403 and response.json()["code"] == "dishonest"
    assert _seats(client, provider, klass["id"]) == 0


def test_a_withdrawn_enrolment_frees_its_seat_and_may_be_made_again(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    klass = open_class(client, provider, capacity=1)
    first = enrol(client, trainee, klass["id"])
    assert client.post(f"/api/enrolments/{first['id']}/cancel", headers=trainee).json()["status"] == "cancelled"
    assert _seats(client, provider, klass["id"]) == 0
    again = enrol(client, trainee, klass["id"])
    assert again["id"] == first["id"] and again["status"] == "pending"


def test_capacity_holds_under_concurrent_enrolments(client, as_user):
    from server.services import classes
    from server.services.errors import Conflict
    from server.services.principal import Grant, Principal
    from server.tables import Account, Person
    from server.tables.enums import Role

    provider = as_user("provider1")
    klass = open_class(client, provider, capacity=3)

    async def race():
        account = await Account.select(Account.id).where(Account.username == "trainee1").first()
        people = await Person.select(Person.id, Person.unit, Person.department).limit(12)
        principals = [Principal(account["id"], "t", "t", p["id"], False, (
            Grant(Role.trainee, p["department"], "", department_id=p["department"], unit_id=p["unit"]),))
            for p in people]
        return await asyncio.gather(*(classes.enrol(p, klass["id"]) for p in principals), return_exceptions=True)

    results = client.blocking_portal.call(race)
    assert sum(isinstance(r, classes.EnrolmentCreated) for r in results) == 3
    assert all(r.code == "full" for r in results if isinstance(r, Conflict)) and len(results) == 12
    listed = client.get(f"/api/classes/{klass['id']}/enrolments", headers=provider).json()
    assert listed["total"] == 3 and _seats(client, provider, klass["id"]) == 3


# -- the provider decides ---------------------------------------------------------------------


def test_provider_confirms_an_enrolment(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    klass = open_class(client, provider)
    enrolment = enrol(client, trainee, klass["id"])
    response = client.post(f"/api/enrolments/{enrolment['id']}/confirm", headers=provider)
    assert response.status_code == 200 and response.json() == {"id": enrolment["id"], "status": "enrolled"}
    assert client.get("/api/me/enrolments", headers=trainee).json()["items"][0]["status"] == "enrolled"


def test_another_provider_confirming_is_404(client, as_user):
    klass = open_class(client, as_user("provider1"))
    enrolment = enrol(client, as_user("trainee1"), klass["id"])
    other = second_provider(client, as_user("region1"))
    response = client.post(f"/api/enrolments/{enrolment['id']}/confirm", headers=other)
    assert response.status_code == 404 and response.json()["code"] == "enrolment_not_found"


def test_confirming_twice_is_409(client, as_user):
    provider = as_user("provider1")
    _, enrolment = confirmed(client, provider, as_user("trainee1"))
    response = client.post(f"/api/enrolments/{enrolment['id']}/confirm", headers=provider)
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_a_refusal_needs_a_reason_and_frees_the_seat(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    enrolment = enrol(client, as_user("trainee1"), klass["id"])
    missing = client.post(f"/api/enrolments/{enrolment['id']}/refuse", headers=provider, json={"reason": " "})
    assert missing.status_code == 422 and missing.json()["field"] == "reason"
    response = client.post(f"/api/enrolments/{enrolment['id']}/refuse", headers=provider, json={"reason": "名额已满"})
    assert response.json()["status"] == "refused" and _seats(client, provider, klass["id"]) == 0


def test_batch_confirm_reports_each_enrolment(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    first = enrol(client, as_user("trainee1"), klass["id"])
    second = enrol(client, as_user("trainee2"), klass["id"])
    client.post(f"/api/enrolments/{second['id']}/confirm", headers=provider)
    body = client.post("/api/enrolments/batch", headers=provider,
                       json={"ids": [first["id"], second["id"]], "action": "confirm"}).json()
    by_id = {r["id"]: r for r in body["results"]}
    assert by_id[first["id"]]["ok"] and by_id[first["id"]]["status"] == "enrolled"
    assert not by_id[second["id"]]["ok"] and by_id[second["id"]]["code"] == "invalid_state"


# -- hours ---------------------------------------------------------------------------------------


def test_completion_makes_one_effective_class_record_of_the_class_category(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    klass, enrolment = confirmed(client, provider, trainee, category="elective", hours=16)
    response = client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider, json={"hours": 12})
    assert response.status_code == 200
    assert response.json()["status"] == "completed" and response.json()["hours"] == 12
    records = client.get("/api/credits", params={"source": "class"}, headers=trainee).json()["items"]
    assert len(records) == 1
    record = records[0]
    assert (record["status"], record["hours"], record["year"], record["title"]) == ("effective", 12, YEAR,
                                                                                   klass["title"])
    assert record["id"] == response.json()["credit_id"]
    detail = client.get(f"/api/credits/{record['id']}", headers=trainee).json()
    assert detail["category"] == "elective"
    assert client.get("/api/me/enrolments", headers=trainee).json()["items"][0]["status"] == "completed"


def test_completing_twice_is_409_and_makes_nothing_more(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    _, enrolment = confirmed(client, provider, trainee)
    client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider, json={"hours": 16})
    again = client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider, json={"hours": 16})
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert client.get("/api/credits", params={"source": "class"}, headers=trainee).json()["total"] == 1


def test_completing_an_unconfirmed_enrolment_is_409(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    enrolment = enrol(client, as_user("trainee1"), klass["id"])
    response = client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider, json={"hours": 4})
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"


def test_more_hours_than_the_class_has_is_422(client, as_user):
    provider = as_user("provider1")
    _, enrolment = confirmed(client, provider, as_user("trainee1"), hours=16)
    response = client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider, json={"hours": 17})
    assert response.status_code == 422 and response.json()["field"] == "hours"


def test_another_provider_completing_is_404_and_records_nothing(client, as_user):
    trainee = as_user("trainee1")
    _, enrolment = confirmed(client, as_user("provider1"), trainee)
    other = second_provider(client, as_user("region1"))
    response = client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=other, json={"hours": 4})
    assert response.status_code == 404 and response.json()["code"] == "enrolment_not_found"
    assert client.get("/api/credits", params={"source": "class"}, headers=trainee).json()["total"] == 0


# -- attendance on the class's sessions ---------------------------------------------------------------


def test_a_confirmed_trainee_checks_in_on_the_class_session_without_a_credit(client, as_user):
    provider, trainee = as_user("provider1"), as_user("trainee1")
    klass, _ = confirmed(client, provider, trainee)
    session = add_session(client, provider, klass["id"])
    response = client.post("/api/checkins", headers=trainee,
                           json={"session_id": session["id"], "code": current_code(client, provider, session["id"])})
    assert response.status_code == 201
    assert response.json()["credit"] is None and response.json()["training"]["title"] == klass["title"]
    enrolments = client.get(f"/api/classes/{klass['id']}/enrolments", headers=provider).json()["items"]
    assert enrolments[0]["sessions_attended"] == 1


def test_an_unconfirmed_trainee_cannot_check_in(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    trainee = as_user("trainee2")
    enrol(client, trainee, klass["id"])
    session = add_session(client, provider, klass["id"])
    response = client.post("/api/checkins", headers=trainee,
                           json={"session_id": session["id"], "code": current_code(client, provider, session["id"])})
    assert response.status_code == 403 and response.json()["code"] == "not_eligible"


def test_hours_for_all_who_attended(client, as_user):
    provider, present, absent = as_user("provider1"), as_user("trainee1"), as_user("trainee2")
    klass = open_class(client, provider, hours=8)
    for trainee in (present, absent):
        enrolment = enrol(client, trainee, klass["id"])
        client.post(f"/api/enrolments/{enrolment['id']}/confirm", headers=provider)
    session = add_session(client, provider, klass["id"])
    client.post("/api/checkins", headers=present,
                json={"session_id": session["id"], "code": current_code(client, provider, session["id"])})
    body = client.post(f"/api/classes/{klass['id']}/complete", headers=provider, json={}).json()
    assert [r["status"] for r in body["results"]] == ["completed"]
    assert client.get("/api/credits", params={"source": "class"}, headers=present).json()["items"][0]["hours"] == 8
    assert client.get("/api/me/enrolments", headers=absent).json()["items"][0]["status"] == "enrolled"


def test_the_class_attendance_training_is_not_an_in_house_training(client, as_user):
    provider = as_user("provider1")
    klass = open_class(client, provider)
    session = add_session(client, provider, klass["id"])
    assert client.get(f"/api/trainings/{session['training_id']}", headers=provider).status_code == 404
    titles = [t["title"] for t in client.get("/api/trainings", headers=as_user("region1")).json()["items"]]
    assert klass["title"] not in titles

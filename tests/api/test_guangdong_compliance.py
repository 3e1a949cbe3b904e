"""Guangdong's hours reach compliance (issue 15 → issue 11): a provider's class and a public course's exam,
judged by the seeded Guangdong standard (公需 ≥ 30, 专业 ≥ 42, 选修 ≥ 18 学时, shared/RULES.md), line by
line against sums worked out by hand; and a dishonesty record's revocation taking hours out again.

trainee1 works in 示例省, where the Guangdong standard does not apply by itself, so each read names it
with ``standard_id`` (any standard may be named; the contract's "only the one named").
"""

from tests.api.guangdong_helpers import YEAR, confirmed, demo_course, person_id, sheet, stored_answers, study


def _guangdong(client, headers) -> dict:
    items = client.get("/api/standards", params={"year": YEAR, "page_size": 200}, headers=headers).json()["items"]
    (standard,) = [s for s in items if s["region_code"] == "440000"]
    return standard


def _judged(client, headers, standard_id, path="/api/me/compliance") -> dict:
    response = client.get(path, params={"year": YEAR, "standard_id": standard_id}, headers=headers)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return result


def _lines(result) -> list[tuple]:
    return [(l["measure"], l["category"], l["required"], l["earned"], l["met"]) for l in result["lines"]]


def _completed(client, provider, trainee, *, category, hours, granted) -> int:
    """A class of ``hours`` confirmed for the trainee with ``granted`` hours: the effective record's id."""
    _, enrolment = confirmed(client, provider, trainee, category=category, hours=hours)
    response = client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider, json={"hours": granted})
    assert response.status_code == 200, response.text
    return response.json()["credit_id"]


def test_the_seeded_guangdong_standard_has_the_published_figures(client, as_user):
    standard = _guangdong(client, as_user("trainee1"))
    assert (standard["scheme"], standard["certificate_requires_pass"]) == ("hours", True)
    assert [(r["measure"], r["category"], r["min"]) for r in standard["requirements"]] == [
        ("hours", "public", 30), ("hours", "professional", 42), ("hours", "elective", 18)]


def test_class_and_course_hours_fill_the_guangdong_lines_one_by_one(client, as_user):
    trainee, provider = as_user("trainee1"), as_user("provider1")
    standard_id = _guangdong(client, trainee)["id"]
    assert _lines(_judged(client, trainee, standard_id)) == [
        ("hours", "public", 30, 0, False), ("hours", "professional", 42, 0, False),
        ("hours", "elective", 18, 0, False)]

    # An elective class of 16 hours of which the provider confirms 12; a professional class of 42.
    _completed(client, provider, trainee, category="elective", hours=16, granted=12)
    _completed(client, provider, trainee, category="professional", hours=42, granted=42)
    # The demo public course (10 学时, seed 004 §4) passed: public hours, recorded by the exam.
    course = demo_course(client, trainee)
    study(client, trainee, course)
    paper = client.get(f"/api/courses/{course['id']}/exam", headers=trainee).json()
    passed = client.post(f"/api/courses/{course['id']}/exam", headers=trainee,
                         json={"year": YEAR, "answers": sheet(paper, stored_answers(client, course["id"]))}).json()
    assert passed["passed"] is True and passed["credit"]["hours"] == 10
    result = _judged(client, trainee, standard_id)
    # By hand: public 10 (course), professional 42 (class), elective 12 (12 of the class's 16).
    assert _lines(result) == [("hours", "public", 30, 10, False), ("hours", "professional", 42, 42, True),
                              ("hours", "elective", 18, 12, False)]
    assert (result["passed"], result["excluded"]) == (False, [])

    # A public class of 20 and an elective one of 6 close both gaps exactly: 10 + 20 = 30, 12 + 6 = 18.
    _completed(client, provider, trainee, category="public", hours=20, granted=20)
    _completed(client, provider, trainee, category="elective", hours=6, granted=6)
    result = _judged(client, trainee, standard_id)
    assert _lines(result) == [("hours", "public", 30, 30, True), ("hours", "professional", 42, 42, True),
                              ("hours", "elective", 18, 18, True)]
    assert result["passed"] is True

    # The trainee's department admin reads the same lines for the person (001 §6.2).
    admin_view = _judged(client, as_user("dept1"), standard_id, f"/api/people/{person_id(client, trainee)}/compliance")
    assert (_lines(admin_view), admin_view["passed"]) == (_lines(result), True)


def test_hours_of_a_class_in_another_year_do_not_count_this_year(client, as_user):
    trainee, provider = as_user("trainee1"), as_user("provider1")
    standard_id = _guangdong(client, trainee)["id"]
    _, enrolment = confirmed(client, provider, trainee, category="elective", hours=18, year=YEAR - 1,
                             starts_on=f"{YEAR - 1}-11-02", ends_on=f"{YEAR - 1}-11-04")
    assert client.post(f"/api/enrolments/{enrolment['id']}/complete", headers=provider,
                       json={"hours": 18}).status_code == 200
    # No carry-over (RULES.md): last year's 18 elective hours leave this year's elective line at 0.
    assert _lines(_judged(client, trainee, standard_id))[2] == ("hours", "elective", 18, 0, False)


def test_a_dishonesty_revoking_a_class_record_takes_its_hours_out(client, as_user):
    trainee, provider = as_user("trainee1"), as_user("provider1")
    standard_id = _guangdong(client, trainee)["id"]
    kept = _completed(client, provider, trainee, category="elective", hours=10, granted=10)
    forged = _completed(client, provider, trainee, category="elective", hours=8, granted=8)
    assert _lines(_judged(client, trainee, standard_id))[2] == ("hours", "elective", 18, 18, True)
    response = client.post("/api/dishonesty", headers=as_user("region1"), json={
        "person_id": person_id(client, trainee), "reason": "伪造继续教育学时证明", "starts_on": f"{YEAR}-01-01",
        "ends_on": f"{YEAR + 1}-12-31", "credit_ids": [forged]})
    assert response.status_code == 201, response.text
    result = _judged(client, trainee, standard_id)
    # 18 − 8 revoked = 10: short again; a revoked record is not a reason to list, it is simply gone.
    assert _lines(result)[2] == ("hours", "elective", 18, 10, False)
    assert result["passed"] is False
    assert forged not in [e["credit_id"] for e in result["excluded"]] and kept not in [
        e["credit_id"] for e in result["excluded"]]

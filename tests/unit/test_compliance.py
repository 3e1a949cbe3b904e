"""The one compliance computation (server/compliance.py), against sums worked out by hand.

Each case names the standard, the records (id, activity date, credits, hours,
class, category, source, rule, status, in force from), the year and the moment
of judgement, and the lines, the result and the exclusions a person checking
with pencil and paper gets.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal as D

import pytest

from server.compliance import Cap, Profile, Record, Requirement, Standard, applicable, evaluate
from server.migrations import jijiao_0103_standards as seed
from server.services.standards import _pure

CHINA = dt.timezone(dt.timedelta(hours=8))
# "Now" in most cases: 2026-06-30 15:00 China time.
AT = dt.datetime(2026, 6, 30, 15, 0, tzinfo=CHINA)


def req(measure, category, minimum):
    return Requirement(measure, category, D(str(minimum)))


def std(requirements, caps=(), *, id=1, year=2026, scheme="cme", name="标准", **kw):
    return Standard(id=id, year=year, name=name, scheme=scheme, requirements=tuple(requirements), caps=tuple(caps),
                    **kw)


def rec(id, day, credits, hours=0, cls="II", cat="professional", source="attendance", rule="", status="effective",
        eff=None):
    return Record(credit_id=id, activity_date=dt.date.fromisoformat(day), credit_class=cls, category=cat,
                  source=source, rule_code=rule, credits=D(str(credits)), hours=D(str(hours)), status=status,
                  effective_at=eff)


# National 2006 scheme for 中级 and above: ≥ 25, of which I ≥ 5 and II ≥ 15, not substituting.
NAT2006 = std([req("credits", "total", 25), req("credits", "I", 5), req("credits", "II", 15)])
# The demo province, provincial units, 中级 and above: I ≥ 10, II ≥ 15, in-house activities ≤ 10 a year.
DEMO = std([req("credits", "total", 25), req("credits", "I", 10), req("credits", "II", 15)],
           [Cap("credits", D(10), source="attendance")])
# National 2024 scheme: one kind of credit, ≥ 25, planned self-study at most 10.
NAT2024 = std([req("credits", "total", 25)], [Cap("credits", D(10), rule_code="self_study")])
# 人社部令第25号: ≥ 90 学时, professional ≥ two thirds (60).
RS25 = std([req("hours", "total", 90), req("hours", "professional", 60)], scheme="hours")
# Guangdong from 2021: 公需 ≥ 30, 专业 ≥ 42, 选修 ≥ 18 学时.
GD = std([req("hours", "public", 30), req("hours", "professional", 42), req("hours", "elective", 18)], scheme="hours")
ONE = std([req("credits", "total", 1)])

TOMORROW_MIDNIGHT = dt.datetime(2026, 7, 1, 0, 0, tzinfo=CHINA)

CASES = [
    # (name, standard, records, year, at, lines [(category, required, earned, met)], passed, excluded [(id, reason)])
    ("exactly at every minimum", NAT2006,
     [rec(1, "2026-03-01", 10, cls="I"), rec(2, "2026-04-01", 15)], 2026, AT,
     [("total", "25", "25", True), ("I", "5", "10", True), ("II", "15", "15", True)], True, []),
    ("one cent short of the total", NAT2006,
     [rec(1, "2026-03-01", 9.99, cls="I"), rec(2, "2026-04-01", 15)], 2026, AT,
     [("total", "25", "24.99", False), ("I", "5", "9.99", True), ("II", "15", "15", True)], False, []),
    ("0.33 + 0.33 + 0.34 is exactly one", ONE,
     [rec(1, "2026-01-05", 0.33), rec(2, "2026-01-06", 0.33), rec(3, "2026-01-07", 0.34)], 2026, AT,
     [("total", "1", "1.00", True)], True, []),
    ("0.7 + 0.1 + 0.1 + 0.1 is one, not 0.9999999999999999", ONE,
     [rec(1, "2026-01-05", 0.7), rec(2, "2026-01-06", 0.1), rec(3, "2026-01-07", 0.1), rec(4, "2026-01-08", 0.1)],
     2026, AT, [("total", "1", "1.0", True)], True, []),
    ("class I does not stand in for class II", NAT2006,
     [rec(1, "2026-03-01", 20, cls="I"), rec(2, "2026-04-01", 5)], 2026, AT,
     [("total", "25", "25", True), ("I", "5", "20", True), ("II", "15", "5", False)], False, []),
    ("class II does not stand in for class I", NAT2006,
     [rec(1, "2026-03-01", 30)], 2026, AT,
     [("total", "25", "30", True), ("I", "5", "0", False), ("II", "15", "30", True)], False, []),
    ("a record waiting for the department does not count", ONE,
     [rec(1, "2026-02-01", 0.5), rec(2, "2026-02-02", 0.5, status="pending_dept")], 2026, AT,
     [("total", "1", "0.5", False)], False, [(2, "pending")]),
    ("a record waiting for the unit does not count", ONE,
     [rec(1, "2026-02-01", 2, status="pending_unit")], 2026, AT,
     [("total", "1", "0", False)], False, [(1, "pending")]),
    ("approved today with the next-day rule: not in force until midnight", ONE,
     [rec(1, "2026-06-30", 3, source="personal", eff=TOMORROW_MIDNIGHT)], 2026, AT,
     [("total", "1", "0", False)], False, [(1, "not_in_force")]),
    ("the same record at local midnight counts", ONE,
     [rec(1, "2026-06-30", 3, source="personal", eff=TOMORROW_MIDNIGHT)], 2026, TOMORROW_MIDNIGHT,
     [("total", "1", "3", True)], True, []),
    ("a record without an effective time counts at once", ONE,
     [rec(1, "2026-06-30", 1, source="import", eff=None)], 2026, AT,
     [("total", "1", "1", True)], True, []),
    ("a draft, a returned, a rejected and a revoked record never count", ONE,
     [rec(1, "2026-01-01", 5, status="draft"), rec(2, "2026-01-02", 5, status="returned"),
      rec(3, "2026-01-03", 5, status="rejected"), rec(4, "2026-01-04", 5, status="revoked")], 2026, AT,
     [("total", "1", "0", False)], False,
     [(1, "not_effective"), (2, "not_effective"), (3, "not_effective"), (4, "not_effective")]),
    ("31 December belongs to its own year", ONE,
     [rec(1, "2025-12-31", 5), rec(2, "2026-01-01", 1)], 2026, AT,
     [("total", "1", "1", True)], True, [(1, "other_year")]),
    ("a record of the next year does not count either", ONE,
     [rec(1, "2027-01-01", 5)], 2026, AT, [("total", "1", "0", False)], False, [(1, "other_year")]),
    ("a cap straddled by one record counts that record in part", DEMO,
     [rec(1, "2026-01-10", 4), rec(2, "2026-02-10", 4), rec(3, "2026-03-10", 4),
      rec(4, "2026-04-10", 10, cls="I", source="project"), rec(5, "2026-05-10", 5, source="personal")], 2026, AT,
     [("total", "25", "25", True), ("I", "10", "10", True), ("II", "15", "15", True)], True, [(3, "capped")]),
    ("a cap applies in activity-date order, not in the order records were made", DEMO,
     [rec(9, "2026-01-10", 6), rec(3, "2026-03-10", 6)], 2026, AT,
     [("total", "25", "10", False), ("I", "10", "0", False), ("II", "15", "10", False)], False, [(3, "capped")]),
    ("records past a full cap count nothing", DEMO,
     [rec(1, "2026-01-10", 10), rec(2, "2026-02-10", 3), rec(3, "2026-03-10", 2)], 2026, AT,
     [("total", "25", "10", False), ("I", "10", "0", False), ("II", "15", "10", False)], False,
     [(2, "capped"), (3, "capped")]),
    ("a cap leaves records it does not match alone", DEMO,
     [rec(1, "2026-01-10", 12), rec(2, "2026-02-10", 8, source="personal"), rec(3, "2026-02-11", 10, cls="I",
                                                                                source="project")], 2026, AT,
     [("total", "25", "28", True), ("I", "10", "10", True), ("II", "15", "18", True)], True, [(1, "capped")]),
    ("pending records take no room under a cap", DEMO,
     [rec(1, "2026-01-01", 8, status="pending_dept"), rec(2, "2026-02-01", 6), rec(3, "2026-03-01", 6)], 2026, AT,
     [("total", "25", "10", False), ("I", "10", "0", False), ("II", "15", "10", False)], False,
     [(1, "pending"), (3, "capped")]),
    ("a record not yet in force takes no room under a cap", DEMO,
     [rec(1, "2026-06-30", 8, eff=TOMORROW_MIDNIGHT), rec(2, "2026-01-01", 9)], 2026, AT,
     [("total", "25", "9", False), ("I", "10", "0", False), ("II", "15", "9", False)], False,
     [(1, "not_in_force")]),
    ("two overlapping caps: each record takes the least either allows", std(
        [req("credits", "total", 20)],
        [Cap("credits", D(10), source="attendance"), Cap("credits", D(7), credit_class="II")]),
     [rec(1, "2026-01-01", 5), rec(2, "2026-02-01", 4, cls="I"), rec(3, "2026-03-01", 5, source="personal"),
      rec(4, "2026-04-01", 3, cls="I", source="project")], 2026, AT,
     [("total", "20", "14", False)], False, [(3, "capped")]),
    ("planned self-study counts at most 10 (2024 scheme)", NAT2024,
     [rec(1, "2026-01-01", 6, source="personal", rule="self_study"),
      rec(2, "2026-02-01", 6, source="personal", rule="self_study"), rec(3, "2026-03-01", 15, cls="I")], 2026, AT,
     [("total", "25", "25", True)], True, [(2, "capped")]),
    ("a category cap", std([req("hours", "total", 90)], [Cap("hours", D(30), category="elective")], scheme="hours"),
     [rec(1, "2026-01-01", 0, 40, cat="elective"), rec(2, "2026-02-01", 0, 60)], 2026, AT,
     [("total", "90", "90", True)], True, [(1, "capped")]),
    ("a cap in a measure no line counts cuts nothing that matters", std(
        [req("credits", "total", 5)], [Cap("hours", D(1), source="attendance")]),
     [rec(1, "2026-01-01", 5, 6)], 2026, AT, [("total", "5", "5", True)], True, []),
    ("Guangdong: every subject exactly at its minimum", GD,
     [rec(1, "2026-01-01", 0, 30, cat="public", source="course"), rec(2, "2026-02-01", 0, 42),
      rec(3, "2026-03-01", 0, 18, cat="elective", source="class")], 2026, AT,
     [("public", "30", "30", True), ("professional", "42", "42", True), ("elective", "18", "18", True)], True, []),
    ("Guangdong: extra professional hours do not make up for elective ones", GD,
     [rec(1, "2026-01-01", 0, 30, cat="public"), rec(2, "2026-02-01", 0, 60),
      rec(3, "2026-03-01", 0, 17.5, cat="elective")], 2026, AT,
     [("public", "30", "30", True), ("professional", "42", "60", True), ("elective", "18", "17.5", False)], False,
     []),
    ("an hours standard does not count a record with credits and no hours", GD,
     [rec(1, "2026-01-01", 25, 0, source="personal", rule="paper_sci")], 2026, AT,
     [("public", "30", "0", False), ("professional", "42", "0", False), ("elective", "18", "0", False)], False,
     [(1, "no_amount")]),
    ("人社部: 90 hours in total but professional short of two thirds", RS25,
     [rec(1, "2026-01-01", 0, 50), rec(2, "2026-02-01", 0, 40, cat="public")], 2026, AT,
     [("total", "90", "90", True), ("professional", "60", "50", False)], False, []),
    ("人社部: 60 professional and 30 public pass", RS25,
     [rec(1, "2026-01-01", 0, 60), rec(2, "2026-02-01", 0, 30, cat="public")], 2026, AT,
     [("total", "90", "90", True), ("professional", "60", "60", True)], True, []),
    ("a category no line counts", std([req("hours", "professional", 10)], scheme="hours"),
     [rec(1, "2026-01-01", 0, 8, cat="public"), rec(2, "2026-02-01", 0, 10)], 2026, AT,
     [("professional", "10", "10", True)], True, [(1, "not_counted")]),
    ("a class no line counts", std([req("credits", "I", 5)]),
     [rec(1, "2026-01-01", 8), rec(2, "2026-02-01", 5, cls="I")], 2026, AT,
     [("I", "5", "5", True)], True, [(1, "not_counted")]),
    ("nothing at all", NAT2006, [], 2026, AT,
     [("total", "25", "0", False), ("I", "5", "0", False), ("II", "15", "0", False)], False, []),
    ("a line of zero is met with nothing", std([req("credits", "total", 0)]), [], 2026, AT,
     [("total", "0", "0", True)], True, []),
    ("exclusions come in activity-date order, whatever their reason", DEMO,
     [rec(4, "2026-04-01", 10), rec(1, "2026-01-01", 1, status="pending_unit"), rec(3, "2026-03-01", 2),
      rec(2, "2025-12-31", 1), rec(5, "2026-05-01", 1, source="personal", eff=TOMORROW_MIDNIGHT)], 2026, AT,
     [("total", "25", "10", False), ("I", "10", "0", False), ("II", "15", "10", False)], False,
     [(2, "other_year"), (1, "pending"), (4, "capped"), (5, "not_in_force")]),
]


@pytest.mark.parametrize("name, standard, records, year, at, lines, passed, excluded", CASES,
                         ids=[c[0] for c in CASES])
def test_hand_calculated(name, standard, records, year, at, lines, passed, excluded):
    result = evaluate(standard, records, year, at)
    assert [(l.category, l.required, l.earned, l.met) for l in result.lines] == [
        (c, D(r), D(e), m) for c, r, e, m in lines]
    assert result.passed is passed
    assert [(e.credit_id, e.reason) for e in result.excluded] == excluded


def test_there_are_at_least_thirty_hand_calculated_cases():
    assert len(CASES) >= 30


def test_a_straddling_record_says_how_much_still_counts():
    result = evaluate(DEMO, [rec(1, "2026-01-10", 7), rec(2, "2026-02-10", 4.5)], 2026, AT)
    (capped,) = result.excluded
    assert (capped.credit_id, capped.counted_credits) == (2, D(3))
    assert result.counted == {1: (D(7), D(0)), 2: (D(3), D(0))}


def test_pending_and_upcoming_show_on_the_lines_they_would_count_for():
    result = evaluate(NAT2006, [
        rec(1, "2026-01-01", 3.5, status="pending_dept"), rec(2, "2026-01-02", 2, cls="I", status="pending_unit"),
        rec(3, "2026-06-30", 1, source="personal", eff=TOMORROW_MIDNIGHT)], 2026, AT)
    assert [(l.category, l.pending, l.upcoming) for l in result.lines] == [
        ("total", D("5.5"), D(1)), ("I", D(2), D(0)), ("II", D("3.5"), D(1))]


def test_a_line_lists_the_records_behind_it_and_what_is_missing():
    result = evaluate(NAT2006, [rec(1, "2026-01-01", 3, cls="I"), rec(2, "2026-01-02", 4)], 2026, AT)
    assert [(l.category, l.credit_ids, l.missing) for l in result.lines] == [
        ("total", (1, 2), D(18)), ("I", (1,), D(2)), ("II", (2,), D(11))]


# -- which standards apply ---------------------------------------------------------

PROVINCE = dict(region_code="990000", region_prefix="99")
S_NATIONAL_2006 = std(NAT2006.requirements, id=1, title_levels=("正高", "副高", "中级"))
S_NATIONAL_2024 = std(NAT2024.requirements, id=2)
S_RS25 = std(RS25.requirements, id=3, scheme="hours", auto_apply=False)
S_GD = std(GD.requirements, id=4, scheme="hours", region_code="440000", region_prefix="44")
S_DEMO_SENIOR = std(DEMO.requirements, DEMO.caps, id=5, title_levels=("正高", "副高", "中级"), unit_levels=("省直", "市直属"),
                    **PROVINCE)
S_DEMO_COUNTY = std([req("credits", "total", 20)], id=6, title_levels=("正高", "副高", "中级"), unit_levels=("区县",),
                    **PROVINCE)
S_DEMO_JUNIOR = std([req("credits", "total", 25)], id=7, title_levels=("初级",), **PROVINCE)
S_DEMO_ANY = std([req("credits", "total", 25)], id=8, **PROVINCE)
S_NATIONAL_2025 = std(NAT2024.requirements, id=9, year=2025)
ALL = [S_NATIONAL_2006, S_NATIONAL_2024, S_RS25, S_GD, S_DEMO_SENIOR, S_DEMO_COUNTY, S_DEMO_JUNIOR, S_DEMO_ANY,
       S_NATIONAL_2025]


def person(title="中级", unit="省直", region="990100", year=2026, joins=True):
    return Profile(year=year, region_code=region, title_level=title, unit_level=unit, joins_cme=joins)


def ids(standards):
    return [s.id for s in standards]


def test_a_provincial_standard_beats_a_national_one():
    assert ids(applicable([S_NATIONAL_2024, S_DEMO_ANY], person())) == [8]


def test_a_standard_naming_the_levels_beats_one_naming_none():
    assert ids(applicable(ALL, person())) == [5]


def test_unit_level_picks_the_county_table():
    assert ids(applicable(ALL, person(unit="区县"))) == [6]


def test_a_junior_title_gets_the_junior_table():
    assert ids(applicable(ALL, person(title="初级", unit="区县"))) == [7]


def test_another_province_falls_back_to_the_national_standard_for_its_title():
    assert ids(applicable(ALL, person(region="320100"))) == [1]
    assert ids(applicable(ALL, person(region="320100", title="初级"))) == [2]


def test_guangdong_adds_its_hours_standard_beside_cme():
    assert ids(applicable(ALL, person(region="440106"))) == [1, 4]


def test_a_reference_standard_applies_only_when_chosen():
    assert 3 not in ids(applicable(ALL, person(region="320100")))
    assert ids(applicable(ALL, person(region="320100"), chosen=[3])) == [1, 3]


def test_the_persons_choice_replaces_the_match_of_its_scheme():
    assert ids(applicable(ALL, person(), chosen=[2])) == [2]


def test_a_choice_of_another_year_does_not_apply():
    assert ids(applicable(ALL, person(), chosen=[9])) == [5]


def test_equally_specific_standards_the_newest_wins():
    newer = std([req("credits", "total", 30)], id=99, title_levels=("中级",), unit_levels=("省直",), **PROVINCE)
    assert ids(applicable(ALL + [newer], person())) == [99]


def test_someone_who_does_not_join_cme_has_no_standard():
    assert applicable(ALL, person(joins=False)) == []


def test_a_title_changed_mid_history_is_judged_by_each_years_title():
    """初级 in 2025 (25 in total, classes mixed), 中级 from 2026 (I ≥ 10 and II ≥ 15 at a provincial unit)."""
    junior_2025 = std([req("credits", "total", 25)], id=20, year=2025, title_levels=("初级",), **PROVINCE)
    records = [rec(1, "2025-05-01", 25), rec(2, "2026-05-01", 20), rec(3, "2026-06-01", 6, cls="I",
                                                                       source="personal")]
    history = {2025: person(title="初级", year=2025), 2026: person(title="中级", year=2026)}
    outcome = {}
    for year, profile in history.items():
        (standard,) = applicable(ALL + [junior_2025], profile)
        result = evaluate(standard, records, year, AT)
        outcome[year] = (standard.id, result.passed, [(l.category, l.earned) for l in result.lines])
    assert outcome == {
        2025: (20, True, [("total", D(25))]),
        # 2026: in-house credits capped at 10, I only 6: neither the total nor class I is reached.
        2026: (5, False, [("total", D(16)), ("I", D(6)), ("II", D(10))]),
    }


# -- the seeded standards themselves, against shared/RULES.md ----------------------------------------
#
# The cases above judge standards written out in this file; these judge the rows migration jijiao_0103 seeds
# (read through services/standards._pure, as the server reads them), so a figure changed in the seed
# fails here by a hand calculation, not only by a comparison with itself.

N2006 = "全国继续医学教育（2006年办法）中级及以上"
N2024 = "全国继续医学教育（2024年办法）"
N_RS25 = "专业技术人员继续教育（人社部令第25号）"
N_GD = "广东省专业技术人员继续教育"
N_DEMO_SENIOR = "示例省 省直/市直属 中级及以上"
N_DEMO_COUNTY = "示例省 区县 中级及以上"
N_DEMO_JUNIOR = "示例省 初级"


def seeded_all() -> list[Standard]:
    out = []
    for years, region, name, scheme, titles, units, requirements, caps, certificate, auto, _note in seed.STANDARDS:
        for year in years:
            out.append(_pure({
                "id": len(out) + 1, "year": year, "region_code": region, "name": name, "scheme": scheme,
                "title_levels": titles, "unit_levels": units, "requirements": json.dumps(requirements),
                "caps": json.dumps(caps), "certificate_requires_pass": certificate, "auto_apply": auto}))
    return out


SEEDED = seeded_all()


def seeded(name: str, year: int = 2026) -> Standard:
    (found,) = [s for s in SEEDED if s.name == name and s.year == year]
    return found


def test_the_seeded_figures_are_the_ones_in_rules_md():
    def shape(s):
        return ([(r.measure, r.category, r.min) for r in s.requirements],
                [(c.measure, c.max, c.credit_class, c.category, c.source, c.rule_code) for c in s.caps])
    # 2006: ≥ 25, I ≥ 5, II ≥ 15 (I 5–10, II 15–20, not substituting); a unit's own activities ≤ 10 a year.
    assert shape(seeded(N2006, 2024)) == ([("credits", "total", 25), ("credits", "I", 5), ("credits", "II", 15)],
                                          [("credits", 10, None, None, "attendance", None)])
    assert seeded(N2006, 2024).title_levels == ("正高", "副高", "中级")  # 中级 and above; 初级 left to provinces
    # 2024: ≥ 25 of one kind; planned self-study ≤ 10.
    assert shape(seeded(N2024)) == ([("credits", "total", 25)], [("credits", 10, None, None, None, "self_study")])
    # 人社部令第25号: ≥ 90 学时, professional ≥ two thirds of 90.
    assert shape(seeded(N_RS25)) == ([("hours", "total", 90), ("hours", "professional", D(90) * 2 / 3)], [])
    # Guangdong from 2021: 公需 ≥ 30, 专业 ≥ 42, 选修 ≥ 18; the annual certificate only when passed (002 §3.3.4).
    gd = seeded(N_GD)
    assert shape(gd) == ([("hours", "public", 30), ("hours", "professional", 42), ("hours", "elective", 18)], [])
    assert (gd.region_code, gd.certificate_requires_pass, gd.auto_apply) == ("440000", True, True)
    # Which years: the 2006 scheme for 2024 only, the 2024 scheme from 2025; the others 2024–2030.
    assert sorted(s.year for s in SEEDED if s.name == N2006) == [2024]
    assert sorted(s.year for s in SEEDED if s.name == N2024) == list(range(2025, 2031))
    assert sorted(s.year for s in SEEDED if s.name == N_GD) == list(range(2024, 2031))


SEEDED_CASES = [
    # (name, standard name, year, records, lines [(category, required, earned, met)], passed, excluded)
    ("2006: I exactly 5 with II 20 passes (the I minimum is 5)", N2006, 2024,
     [rec(1, "2024-03-01", 5, cls="I", source="project"), rec(2, "2024-04-01", 20, source="personal")],
     [("total", "25", "25", True), ("I", "5", "5", True), ("II", "15", "20", True)], True, []),
    ("2006: I 4.99 fails however much II there is", N2006, 2024,
     [rec(1, "2024-03-01", 4.99, cls="I", source="project"), rec(2, "2024-04-01", 30, source="personal")],
     [("total", "25", "34.99", True), ("I", "5", "4.99", False), ("II", "15", "30", True)], False, []),
    ("2006: in-house attendance counts at most 10 a year, the third record straddling", N2006, 2024,
     [rec(1, "2024-01-10", 4), rec(2, "2024-02-10", 4), rec(3, "2024-03-10", 4),
      rec(4, "2024-04-10", 5, source="personal"), rec(5, "2024-05-10", 10, cls="I", source="project")],
     [("total", "25", "25", True), ("I", "5", "10", True), ("II", "15", "15", True)], True, [(3, "capped")]),
    ("2006: a speaker's in-house credits are not capped with attendance", N2006, 2024,
     [rec(1, "2024-01-10", 10), rec(2, "2024-02-10", 6, source="speaker"),
      rec(3, "2024-03-10", 10, cls="I", source="project")],
     [("total", "25", "26", True), ("I", "5", "10", True), ("II", "15", "16", True)], True, []),
    ("2006: no carry-over, 2023's credits do not count in 2024", N2006, 2024,
     [rec(1, "2023-12-31", 30, cls="I"), rec(2, "2024-01-02", 15, source="personal")],
     [("total", "25", "15", False), ("I", "5", "0", False), ("II", "15", "15", True)], False, [(1, "other_year")]),
    ("2024: class I and class II count alike towards the one total", N2024, 2026,
     [rec(1, "2026-02-01", 12, cls="I", source="project"), rec(2, "2026-03-01", 13)],
     [("total", "25", "25", True)], True, []),
    ("2024: self-study counts at most 10, the second entry straddling (4 + 6 of 7)", N2024, 2026,
     [rec(1, "2026-01-05", 4, source="personal", rule="self_study"),
      rec(2, "2026-02-05", 7, source="personal", rule="self_study"), rec(3, "2026-03-05", 15, cls="I")],
     [("total", "25", "25", True)], True, [(2, "capped")]),
    ("2024: 25 credits pass with 30 hours (the 90-hour text is not a seeded line)", N2024, 2026,
     [rec(1, "2026-02-01", 25, 30, cls="I", source="project")], [("total", "25", "25", True)], True, []),
    ("2024: 24.99 fails", N2024, 2026,
     [rec(1, "2026-02-01", 20.99, cls="I"), rec(2, "2026-02-02", 4)], [("total", "25", "24.99", False)], False, []),
    ("人社部: elective hours count in the 90 but not towards professional", N_RS25, 2026,
     [rec(1, "2026-01-01", 0, 60), rec(2, "2026-02-01", 0, 30, cat="elective")],
     [("total", "90", "90", True), ("professional", "60", "60", True)], True, []),
    ("人社部: 99.5 hours with professional 59.5 fails (two thirds is 60)", N_RS25, 2026,
     [rec(1, "2026-01-01", 0, 59.5), rec(2, "2026-02-01", 0, 40, cat="public")],
     [("total", "90", "99.5", True), ("professional", "60", "59.5", False)], False, []),
    ("Guangdong: public 29.99 fails though the other subjects are over", N_GD, 2026,
     [rec(1, "2026-01-01", 0, 29.99, cat="public", source="course"), rec(2, "2026-02-01", 0, 50, source="class"),
      rec(3, "2026-03-01", 0, 30, cat="elective", source="class")],
     [("public", "30", "29.99", False), ("professional", "42", "50", True), ("elective", "18", "30", True)],
     False, []),
    ("Guangdong: course, class and in-house hours add up per subject", N_GD, 2026,
     [rec(1, "2026-01-01", 10, 10, cat="public", source="course"),
      rec(2, "2026-02-01", 20, 20, cat="public", source="class"), rec(3, "2026-03-01", 3, 42),
      rec(4, "2026-04-01", 18, 18, cat="elective", source="class"),
      rec(5, "2026-05-01", 5, 0, source="personal", rule="paper_sci")],
     [("public", "30", "30", True), ("professional", "42", "42", True), ("elective", "18", "18", True)], True,
     [(5, "no_amount")]),
    ("Guangdong: the pre-2021 72 hours (18 + 42 + 12) no longer pass", N_GD, 2026,
     [rec(1, "2026-01-01", 0, 18, cat="public"), rec(2, "2026-02-01", 0, 42),
      rec(3, "2026-03-01", 0, 12, cat="elective")],
     [("public", "30", "18", False), ("professional", "42", "42", True), ("elective", "18", "12", False)],
     False, []),
    ("示例省 省直 中级+: in-house ≤ 10, I ≥ 10 and II ≥ 15", N_DEMO_SENIOR, 2026,
     [rec(1, "2026-01-10", 8), rec(2, "2026-02-10", 8), rec(3, "2026-03-10", 9.5, cls="I", source="project"),
      rec(4, "2026-04-10", 5, source="personal")],
     [("total", "25", "24.5", False), ("I", "10", "9.5", False), ("II", "15", "15", True)], False,
     [(2, "capped")]),
    ("示例省 区县 中级+: 20 in total, classes mixed", N_DEMO_COUNTY, 2026,
     [rec(1, "2026-01-10", 12), rec(2, "2026-02-10", 8, source="personal")], [("total", "20", "20", True)], True,
     []),
    ("示例省 区县 中级+: 19.99 fails", N_DEMO_COUNTY, 2026,
     [rec(1, "2026-01-10", 19.99)], [("total", "20", "19.99", False)], False, []),
    ("示例省 初级: 25 with the classes mixed and no class minimum", N_DEMO_JUNIOR, 2026,
     [rec(1, "2026-01-10", 3, cls="I", source="project"), rec(2, "2026-02-10", 22)],
     [("total", "25", "25", True)], True, []),
]


@pytest.mark.parametrize("name, standard_name, year, records, lines, passed, excluded", SEEDED_CASES,
                         ids=[c[0] for c in SEEDED_CASES])
def test_seeded_standard_hand_calculated(name, standard_name, year, records, lines, passed, excluded):
    result = evaluate(seeded(standard_name, year), records, year, AT)
    assert [(l.category, l.required, l.earned, l.met) for l in result.lines] == [
        (c, D(r), D(e), m) for c, r, e, m in lines]
    assert result.passed is passed
    assert [(e.credit_id, e.reason) for e in result.excluded] == excluded


def test_self_study_straddling_the_2024_cap_says_6_of_7_still_count():
    result = evaluate(seeded(N2024), [rec(1, "2026-01-05", 4, source="personal", rule="self_study"),
                                      rec(2, "2026-02-05", 7, source="personal", rule="self_study")], 2026, AT)
    assert [(e.credit_id, e.reason, e.counted_credits) for e in result.excluded] == [(2, "capped", D(6))]


def _seeded_names(profile: Profile) -> list[str]:
    return [s.name for s in applicable(SEEDED, profile)]


def test_which_seeded_standard_judges_whom():
    # Outside 示例省 and Guangdong: 中级 in 2024 by the 2006 scheme, from 2025 by the 2024 scheme.
    assert _seeded_names(person(region="320100", unit="区县", year=2024)) == [N2006]
    assert _seeded_names(person(region="320100", unit="区县", year=2025)) == [N2024]
    # 初级 in 2024 has no national CME standard: the 2006 text leaves 初级 to the provinces.
    assert _seeded_names(person(region="320100", title="初级", year=2024)) == []
    # Guangdong: national CME and the province's hours; 人社部令第25号 only when chosen.
    assert _seeded_names(person(region="440106", year=2026)) == [N2024, N_GD]
    # 示例省 by unit level and title level.
    assert _seeded_names(person(unit="省直", year=2026)) == [N_DEMO_SENIOR]
    assert _seeded_names(person(unit="区县", year=2026)) == [N_DEMO_COUNTY]
    assert _seeded_names(person(title="初级", unit="省直", year=2026)) == [N_DEMO_JUNIOR]

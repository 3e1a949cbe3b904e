"""The credit computation of every rule type of the catalogue, and its caps."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.services.errors import Invalid
from server.services.rule_catalogue import PROVINCE_RULES
from server.services.rules import compute, rule_text, validate_declaration

RULES = {
    code: {"code": code, "unit": unit, "unit_size": Decimal(size), "credits_per_step": Decimal(per_step),
           "author_credits": authors, "cap": None if cap is None else Decimal(cap),
           "daily_limit": None if daily is None else Decimal(daily)}
    for code, _name, _sub, _klass, unit, size, per_step, authors, cap, daily, _guide in PROVINCE_RULES
}
NATIONAL_PROJECT = {"unit": "hour", "unit_size": Decimal(3), "credits_per_step": Decimal(1), "author_credits": "",
                    "cap": Decimal(10), "daily_limit": None}
PROVINCIAL_PROJECT = {**NATIONAL_PROJECT, "unit_size": Decimal(6)}


def credits(rule: dict, quantity=None, position=None) -> Decimal:
    q = validate_declaration(rule, None if quantity is None else Decimal(str(quantity)), position)
    return compute(rule, q, position).credits


@pytest.mark.parametrize(("code", "quantity", "expected"), [
    ("out_national", 3, "1.00"),
    ("out_national", 1, "0.33"),
    ("out_national", 2, "0.67"),
    ("out_national", 30, "10.00"),
    ("out_national", 31, "10.00"),
    ("out_national_speaker", 4, "8.00"),
    ("out_national_speaker", 6, "10.00"),
    ("out_provincial", 7.5, "7.50"),
    ("out_provincial_speaker", 2, "4.00"),
    ("study_short", 10, "10.00"),
    ("study_short", 40, "15.00"),
    ("abroad_short", 15, "15.00"),
    ("aid_short", 3, "3.00"),
    ("self_training", 6, "2.00"),
    ("self_training", 1.5, "0.50"),
])
def test_quantity_rules(code, quantity, expected):
    assert credits(RULES[code], quantity) == Decimal(expected)


@pytest.mark.parametrize("code", ["study_long", "abroad_long", "aid_long", "degree"])
def test_once_rules_award_their_fixed_credits(code):
    assert credits(RULES[code]) == Decimal(25)


def test_several_times_are_still_capped():
    assert credits(RULES["study_long"], 2) == Decimal(25)


@pytest.mark.parametrize(("code", "position", "expected"), [
    ("paper_sci", 1, 25), ("paper_sci", 2, 15), ("paper_sci", 3, 10), ("paper_core", 1, 15), ("paper_core", 2, 10),
])
def test_authorship_rules_pay_by_position(code, position, expected):
    assert credits(RULES[code], position=position) == Decimal(expected)


def test_authorship_beyond_paid_positions_is_invalid():
    with pytest.raises(Invalid) as error:
        credits(RULES["paper_core"], position=3)
    assert error.value.field == "author_position"


def test_authorship_needs_a_position():
    with pytest.raises(Invalid) as error:
        credits(RULES["paper_sci"])
    assert error.value.field == "author_position"


def test_national_project_three_hours_per_credit_capped_at_ten():
    assert credits(NATIONAL_PROJECT, 9) == Decimal(3)
    assert credits(NATIONAL_PROJECT, 60) == Decimal(10)


def test_provincial_project_six_hours_per_credit():
    assert credits(PROVINCIAL_PROJECT, 12) == Decimal(2)
    assert credits(PROVINCIAL_PROJECT, 3) == Decimal("0.50")


def test_self_declared_day_over_six_hours_is_invalid():
    with pytest.raises(Invalid) as error:
        credits(RULES["self_training"], 6.5)
    assert error.value.field == "quantity"


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_must_be_positive(quantity):
    with pytest.raises(Invalid):
        credits(RULES["out_national"], quantity)


def test_days_must_be_whole():
    with pytest.raises(Invalid):
        credits(RULES["study_short"], 1.5)


def test_hours_keep_one_decimal_at_most():
    with pytest.raises(Invalid):
        credits(RULES["out_national"], 1.25)


def test_hour_rules_record_hours_too():
    rule = RULES["out_national"]
    assert compute(rule, Decimal(6), None).hours == Decimal(6)
    assert compute(RULES["study_short"], Decimal(6), None).hours == Decimal(0)


def test_rule_text_speaks_like_the_seed():
    assert rule_text(RULES["out_national"]) == "每3小时 授予1分（最高限分10）"
    assert rule_text(RULES["study_long"]) == "每1次 授予25分（最高限分25）"
    assert rule_text(RULES["paper_core"]) == "第一作者（通讯作者）15分 第二作者10分（最高限分15）"

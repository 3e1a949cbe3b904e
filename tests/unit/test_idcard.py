import datetime as dt

import pytest

from server.services.idcard import check_digit, make_id_number, parse_id_number

# Published sample numbers with correct check digits (GB 11643 examples).
VALID = ["11010519491231002X", "440524188001010014", "110101199003074477"]


@pytest.mark.parametrize("number", VALID)
def test_valid_numbers_parse(number):
    assert parse_id_number(number) is not None


def test_lowercase_x_is_accepted_and_normalised():
    assert parse_id_number("11010519491231002x").value == "11010519491231002X"


def test_birth_date_and_sex_are_derived():
    parsed = parse_id_number("11010519491231002X")
    assert parsed.birth_date == dt.date(1949, 12, 31)
    assert parsed.sex == "女"


def test_odd_sequence_digit_is_male():
    assert parse_id_number("440524188001010014").sex == "男"


def test_wrong_check_digit_is_rejected():
    assert parse_id_number("110105194912310021") is None


@pytest.mark.parametrize("number", ["", "1101051949123100", "11010519491231002XX", "A10105194912310021",
                                    "01010519491231002X", "11010519491331002X"])
def test_malformed_numbers_are_rejected(number):
    assert parse_id_number(number) is None


def test_impossible_date_is_rejected_even_with_right_check_digit():
    first17 = "11010519990230001"  # 30 February
    assert parse_id_number(first17 + check_digit(first17)) is None


def test_future_birth_date_is_rejected():
    number = make_id_number("110105", dt.date(2030, 1, 1), 1)
    assert parse_id_number(number, today=dt.date(2026, 1, 1)) is None


def test_made_numbers_validate():
    number = make_id_number("990102", dt.date(1988, 5, 12), 11)
    assert parse_id_number(number).birth_date == dt.date(1988, 5, 12)

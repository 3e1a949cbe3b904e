"""neutralise_cell: what every exported cell passes through."""

import datetime as dt

import pytest

from server.services.exports import neutralise_cell


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                   "\t=1", "\r=1"])
def test_formula_leading_text_is_shown_as_text(value):
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["张伟", "", None, -2, 3.5, dt.date(2026, 1, 2), "a=b"])
def test_other_values_pass_unchanged(value):
    assert neutralise_cell(value) == value

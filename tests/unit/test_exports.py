"""The one spreadsheet-safety helper every export uses (services/exports.py)."""

import csv
import io

import pytest

from server.services.exports import csv_bytes, safe_cell, safe_row


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"点\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
                                  "=cmd|' /C calc'!A0"])
def test_formula_leading_text_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["张伟", "a=b", "", 3, -2.5, None, "1-2"])
def test_everything_else_passes_unchanged(value):
    assert safe_cell(value) == value


def test_a_row_and_a_csv_file():
    assert safe_row(["=1", "x", 2]) == ["'=1", "x", 2]
    data = csv_bytes(["姓名", "备注"], [["=HYPERLINK(\"http://x\")", "-1"]])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows == [["姓名", "备注"], ["'=HYPERLINK(\"http://x\")", "'-1"]]


def test_the_import_templates_department_list_keeps_a_formula_like_name_as_text():
    import io

    from openpyxl import load_workbook

    from server.services.people_excel import build_template

    book = load_workbook(io.BytesIO(build_template(['=HYPERLINK("http://x","y")', "内科"])))
    cells = [c for row in book["选项"].iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert [(c.value, c.data_type) for c in cells] == [('=HYPERLINK("http://x","y")', "s")]

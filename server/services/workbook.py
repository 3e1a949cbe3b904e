"""One-sheet .xlsx workbooks of a table: Chinese headers, sensible widths, the header row frozen.

Every cell goes through ``exports.safe_cell`` first, so no text a user
typed (a name, a training title) is ever run as a formula by Excel or WPS.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from server.services.exports import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    # Width in characters; a CJK character takes about two.
    width: float = 12


def _cell(value):  # type: ignore[no-untyped-def]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return safe_cell(value)


def build(title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """The workbook's bytes: a header row, then ``rows``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    # Sheet names: at most 31 characters, none of []:*?/\
    sheet.title = "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet1"
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="2F5D8A")
    for index, column in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=index, value=safe_cell(column.header))
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for r, row in enumerate(rows, 2):
        for index, (value, column) in enumerate(zip(row, columns), 1):
            sheet.cell(row=r, column=index, value=_cell(value))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

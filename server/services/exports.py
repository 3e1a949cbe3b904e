"""What every CSV and spreadsheet export passes each cell through."""

from __future__ import annotations

# A cell starting with one of these is read as a formula by Excel, WPS and
# LibreOffice (=HYPERLINK(...), +cmd|..., @SUM(...), -2+3), also after a tab
# or carriage return that the spreadsheet strips.
_FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """The value as it is safe to put in an exported cell.

    Text that a spreadsheet would run as a formula gets a leading apostrophe,
    which spreadsheets show as plain text (OWASP "CSV injection"). Numbers,
    dates and None pass unchanged: a negative number is a number, not a formula.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_LEAD):
        return "'" + value
    return value

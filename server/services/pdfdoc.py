"""The printed reports' page machinery: A4, the embedded CJK font, a stamp on every page.

Every report (credit proof, multi-year verification, annual register) is a
story of flowables built by :mod:`server.services.reports` and laid out here:

* the font is the one certificates embed (``certificates.register_font``);
* each page carries the report's heading, "第 x 页 共 y 页", its verification
  code and a QR of the verification URL (the total is known only at the end,
  so the canvas keeps every page until ``save`` and stamps them then);
* tables repeat their header rows on every page they run onto.

Big reports are mostly table cells: plain strings, wrapped here by measured
width, cost a fraction of a ``Paragraph`` each (a 1,000-person register has
some 15,000 rows), so only headings are paragraphs.

Pure: plain data in, PDF bytes out.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from server.services import certificates

MARGIN_X = 15 * mm
MARGIN_TOP = 16 * mm
# Room for the stamp: a 20 mm QR and two lines of text.
MARGIN_BOTTOM = 28 * mm
QR_SIZE = 20 * mm
WIDTH = A4[0] - 2 * MARGIN_X

HEAD_BG = colors.HexColor("#2f5d8a")
SUB_BG = colors.HexColor("#e4ebf3")
GRID = colors.HexColor("#9aa8b8")
MUTED = colors.HexColor("#555555")
RED = colors.HexColor("#b3261e")
GREEN = colors.HexColor("#1a7f37")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What every page of a report carries: its heading and how to verify it."""

    heading: str
    code: str
    url: str


def font() -> str:
    return certificates.register_font()


def style(name: str, size: float, **kw) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font(), fontSize=size, leading=size * 1.45, wordWrap="CJK", **kw)


@lru_cache(maxsize=4096)
def _char_width(char: str, size: float) -> float:
    return pdfmetrics.stringWidth(char, font(), size)


def wrap(text: str, width: float, size: float) -> str:
    """``text`` with line breaks so no line is wider than ``width`` points (CJK breaks anywhere)."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        line, used = [], 0.0
        for char in paragraph:
            w = _char_width(char, size)
            if line and used + w > width:
                lines.append("".join(line))
                line, used = [], 0.0
            line.append(char)
            used += w
        lines.append("".join(line))
    return "\n".join(lines)


def grid(rows: list[list], widths: list[float], *, header_rows: int = 1, size: float = 8.5,
         right: tuple[int, ...] = (), wrap_columns: tuple[int, ...] = (), extra: list | None = None) -> Table:
    """A table of strings whose first ``header_rows`` rows repeat on every page it runs onto.

    Cells of ``wrap_columns`` are wrapped to their column's width; ``right``
    columns are right-aligned (numbers); ``extra`` adds TableStyle commands.
    """
    pad = 6  # left + right padding in points
    for row in rows[header_rows:]:
        for column in wrap_columns:
            if isinstance(row[column], str):
                row[column] = wrap(row[column], widths[column] - pad, size)
    table = Table(rows, colWidths=widths, repeatRows=header_rows)
    commands = [
        ("FONT", (0, 0), (-1, -1), font(), size, size * 1.25),
        ("BACKGROUND", (0, header_rows - 1), (-1, header_rows - 1), HEAD_BG),
        ("TEXTCOLOR", (0, header_rows - 1), (-1, header_rows - 1), colors.white),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad / 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad / 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    for column in right:
        commands.append(("ALIGN", (column, header_rows), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(commands + (extra or [])))
    return table


def heading(text: str, size: float = 16) -> Paragraph:
    from reportlab.lib.enums import TA_CENTER

    return Paragraph(_esc(text), style(f"h{size}", size, alignment=TA_CENTER, spaceAfter=2 * mm))


def para(text: str, size: float = 9.5, color=None) -> Paragraph:
    extra = {"textColor": color} if color is not None else {}
    return Paragraph(_esc(text), style(f"p{size}", size, **extra))


def gap(height_mm: float) -> Spacer:
    return Spacer(1, height_mm * mm)


def _esc(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _stamped_canvas(stamp: Stamp, qr: ImageReader):
    face = font()

    class StampedCanvas(Canvas):
        """Keeps each finished page until ``save``, when the page count is known, then stamps them."""

        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept)
            for number, state in enumerate(self._kept, 1):
                self.__dict__.update(state)
                self._stamp(number, total)
                Canvas.showPage(self)
            self._kept = []
            Canvas.save(self)

        def _stamp(self, number: int, total: int) -> None:
            width = A4[0]
            self.saveState()
            self.setFont(face, 8)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_X, A4[1] - 9 * mm, stamp.heading)
            self.drawRightString(width - MARGIN_X, A4[1] - 9 * mm, f"第 {number} 页 共 {total} 页")
            self.setStrokeColor(GRID)
            self.setLineWidth(0.4)
            self.line(MARGIN_X, MARGIN_BOTTOM - 4 * mm, width - MARGIN_X, MARGIN_BOTTOM - 4 * mm)
            self.drawImage(qr, width - MARGIN_X - QR_SIZE, 3 * mm, QR_SIZE, QR_SIZE)
            self.setFillColor(colors.black)
            self.setFont(face, 9)
            self.drawString(MARGIN_X, 16 * mm, f"验证码：{certificates.grouped(stamp.code)}")
            self.setFont(face, 7.5)
            self.setFillColor(MUTED)
            self.drawString(MARGIN_X, 11 * mm, f"扫描右侧二维码或打开 {stamp.url} 核验本文件")
            self.drawString(MARGIN_X, 6.5 * mm, f"第 {number} 页 共 {total} 页")
            self.restoreState()

    return StampedCanvas


def build(story: list, stamp: Stamp, *, title: str) -> bytes:
    """Lay ``story`` out on A4 pages, each stamped with ``stamp``; returns the PDF bytes."""
    from qr import qr_png

    qr = ImageReader(io.BytesIO(qr_png(stamp.url, box_size=6, border=2)))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM, title=title, author="继教", subject=f"验证码 {stamp.code}",
        creator="jijiao", initialFontName=font(),
    )
    with certificates.BUILD_LOCK:
        doc.build(story, canvasmaker=_stamped_canvas(stamp, qr))
    return buffer.getvalue()

"""Credit certificates (学分证明): issue, print as PDF, verify.

A certificate lists a person's effective credits for one year. Each download
issues a Certificate row whose ``code`` the printed QR verifies, unless the
latest certificate for that person and year printed exactly the same thing,
in which case its code is reused. The row keeps a JSON snapshot of what was
printed, so verification shows what the paper says even after the ledger
changes.

``build_pdf`` is pure: plain data in, bytes out. The public ``/v/{code}``
page is HTML, drawn by ``server/controllers/verify_pages.py``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import html
import io
import json
import re
import secrets
import threading
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from server import clock
from server.clock import CHINA
from server.labels import CREDIT_CLASS, CREDIT_SOURCE, label
from server.services import compliance, standards
from server.services import credits as credits_service
from server.services import dishonesty as dishonesty_service
from server.services.errors import Conflict, Invalid, NotFound
from server.services.masking import mask_id_number
from server.services.principal import Principal
from server.tables import Person
from server.tables.credit import Certificate, Credit

# Unambiguous when read aloud or typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12
MIN_YEAR, MAX_YEAR = 2000, 2100

FONT_PATH = Path(__file__).resolve().parent.parent / "assets" / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "WenQuanYiMicroHei"

_SNAPSHOT_VERSION = 1
_NOT_FOUND = ("certificate_not_found", "证书不存在或验证码错误")


# -- plain data -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CertificateLine:
    date: str  # YYYY-MM-DD
    title: str
    credit_class: str  # "I" | "II"
    credits: float
    hours: float
    source: str
    source_label: str


@dataclass(frozen=True, slots=True)
class CertificateData:
    """Everything printed on a certificate (and kept as its snapshot)."""

    code: str
    name: str
    id_number: str  # masked
    unit: str
    department: str | None
    year: int
    lines: list[CertificateLine]
    class_i_total: float
    class_ii_total: float
    credits_total: float
    hours_total: float
    issued_at: str  # ISO 8601 with offset, China time
    # A dishonesty record in force when it was issued (seed 002 §3.4): printed on it.
    dishonesty: str | None = None

    @property
    def issued_on(self) -> dt.date:
        return dt.datetime.fromisoformat(self.issued_at).astimezone(CHINA).date()

    def snapshot(self, fingerprint: str) -> str:
        body = asdict(self)
        body.pop("code")
        body["version"] = _SNAPSHOT_VERSION
        body["fingerprint"] = fingerprint
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_snapshot(cls, code: str, snapshot: str) -> "CertificateData":
        body = json.loads(snapshot)
        return cls(
            code=code,
            name=body["name"],
            id_number=body["id_number"],
            unit=body["unit"],
            department=body.get("department"),
            year=int(body["year"]),
            lines=[CertificateLine(**line) for line in body["lines"]],
            class_i_total=body["class_i_total"],
            class_ii_total=body["class_ii_total"],
            credits_total=body["credits_total"],
            hours_total=body.get("hours_total", 0.0),
            issued_at=body["issued_at"],
            dishonesty=body.get("dishonesty"),
        )


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    data: CertificateData
    verify_url: str
    reused: bool
    pdf: bytes = field(repr=False, default=b"")


# -- codes ------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str | None:
    """The canonical code for what a person typed or scanned, or None if it can't be one."""
    code = re.sub(r"[\s\-]+", "", raw or "").upper()
    if len(code) != CODE_LENGTH or any(c not in CODE_ALPHABET for c in code):
        return None
    return code


def grouped(code: str) -> str:
    """ABCDEFGHJKMN → ABCD EFGH JKMN, for reading off paper."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


def verify_url(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/v/{code}"


def _number(value: Decimal | float | int | str | None) -> Decimal:
    return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"))


def fmt(value: float) -> str:
    """2.50 → 2.5, 3.00 → 3."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def check_year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid("year", f"字段 year：年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间")
    return year


# -- issuing ----------------------------------------------------------------


async def issue(principal: Principal, year: int, *, base_url: str,
                now: dt.datetime | None = None) -> IssuedCertificate:
    """The caller's certificate for ``year``: reused when unchanged, else newly issued."""
    check_year(year)
    if principal.person_id is None:
        raise NotFound("no_person", "当前账号未关联人员档案，无法出具学分证明")
    person = await Person.select(
        Person.name,
        Person.id_number,
        Person.unit.name.as_alias("unit_name"),
        Person.department.name.as_alias("department_name"),
    ).where(Person.id == principal.person_id).first()
    if person is None:
        raise NotFound("no_person", "当前账号未关联人员档案，无法出具学分证明")
    rows = await Credit.select(
        Credit.id, Credit.activity_date, Credit.title, Credit.credit_class, Credit.credits,
        Credit.hours, Credit.source,
    ).where(
        (Credit.person == principal.person_id)
        & (Credit.year == year)
        & credits_service.in_force()
    ).order_by(Credit.activity_date, Credit.id)

    lines: list[CertificateLine] = []
    totals = {"I": Decimal("0"), "II": Decimal("0")}
    hours = Decimal("0")
    for row in rows:
        credits, line_hours = _number(row["credits"]), _number(row["hours"])
        klass = str(row["credit_class"])
        totals[klass] = totals.get(klass, Decimal("0")) + credits
        hours += line_hours
        day = row["activity_date"]
        source = str(row["source"])
        lines.append(CertificateLine(
            date=day.isoformat() if isinstance(day, dt.date) else str(day)[:10],
            title=row["title"],
            credit_class=klass,
            credits=float(credits),
            hours=float(line_hours),
            source=source,
            source_label=label(CREDIT_SOURCE, source),
        ))
    content = {
        "name": person["name"],
        "id_number": mask_id_number(person["id_number"]),
        "unit": person["unit_name"] or "",
        "department": person["department_name"],
        "year": year,
        "dishonesty": dishonesty_note(await dishonesty_service.active(principal.person_id)),
    }
    # The credit ids make "the same set of credits" exact, not just the same text.
    fingerprint = hashlib.sha256(json.dumps(
        {**content, "lines": [[r["id"], asdict(line)] for r, line in zip(rows, lines)]},
        ensure_ascii=False, sort_keys=True, default=str,
    ).encode()).hexdigest()

    latest = await Certificate.select(Certificate.code, Certificate.snapshot).where(
        (Certificate.person == principal.person_id) & (Certificate.year == year)
    ).order_by(Certificate.id, ascending=False).first()
    if latest is not None:
        try:
            previous = json.loads(latest["snapshot"])
        except ValueError:
            previous = {}
        if previous.get("fingerprint") == fingerprint:
            data = CertificateData.from_snapshot(latest["code"], latest["snapshot"])
            return IssuedCertificate(data=data, verify_url=verify_url(base_url, data.code), reused=True)

    issued = (now or clock.now()).astimezone(CHINA).replace(microsecond=0)
    total = sum(totals.values(), Decimal("0"))
    data = CertificateData(
        code=new_code(),
        lines=lines,
        class_i_total=float(totals["I"]),
        class_ii_total=float(totals["II"]),
        credits_total=float(total),
        hours_total=float(hours),
        issued_at=issued.isoformat(),
        **content,
    )
    await Certificate.insert(Certificate(
        code=data.code,
        person=principal.person_id,
        year=year,
        issued_at=issued,
        credits_total=total,
        snapshot=data.snapshot(fingerprint),
    ))
    return IssuedCertificate(data=data, verify_url=verify_url(base_url, data.code), reused=False)


async def _require_pass(principal: Principal, year: int) -> None:
    """Where a standard that applies says so (Guangdong's 年度认证, seed 002 §3.3.4), no pass, no certificate."""
    if principal.person_id is None:
        return
    results = (await compliance.results_for([principal.person_id], year)).get(principal.person_id, [])
    missing = [(result, line) for result in results if result.standard.certificate_requires_pass
               and not result.passed for line in result.missing_lines]
    if missing:
        words = "；".join(f"{standards.line_words(line.measure, line.category, line.required)}，已计入 "
                         f"{standards.amount_words(line.earned)}" for _, line in missing)
        raise Conflict("not_passed", f"{year} 年度认证未通过，不能打印证书：{words}", extra={"missing": [
            {"standard_id": result.standard.id, "standard_name": result.standard.name, "measure": line.measure,
             "category": line.category, "required": float(line.required), "earned": float(line.earned),
             "missing": float(line.missing)} for result, line in missing]})


def dishonesty_note(record: dict | None) -> str | None:
    """What a certificate says of a dishonesty record in force on the day it is issued."""
    if record is None:
        return None
    by = f"，认定部门：{record['authority']}" if record["authority"] else ""
    return (f"失信惩戒期内（{record['starts_on'].isoformat()} 至 {record['ends_on'].isoformat()}）"
            f"：{record['reason']}{by}")


async def certificate_pdf(principal: Principal, year: int, *, base_url: str) -> IssuedCertificate:
    await _require_pass(principal, year)
    issued = await issue(principal, year, base_url=base_url)
    # 20-250 ms of CPU (the first call parses the font): keep it off the event loop.
    pdf = await asyncio.to_thread(build_pdf, issued.data, issued.verify_url)
    return IssuedCertificate(data=issued.data, verify_url=issued.verify_url, reused=issued.reused, pdf=pdf)


# -- verifying --------------------------------------------------------------


async def find(raw_code: str) -> CertificateData:
    """The certificate a code names, from its snapshot; ``certificate_not_found`` otherwise."""
    code = normalise_code(raw_code)
    if code is None:
        raise NotFound(*_NOT_FOUND)
    row = await Certificate.select(Certificate.code, Certificate.snapshot).where(
        Certificate.code == code
    ).first()
    if row is None or not row["snapshot"]:
        raise NotFound(*_NOT_FOUND)
    return CertificateData.from_snapshot(row["code"], row["snapshot"])


async def find_or_none(raw_code: str) -> CertificateData | None:
    try:
        return await find(raw_code)
    except NotFound:
        return None


# -- the PDF ----------------------------------------------------------------

_font_lock = threading.Lock()
_font_ready = False
# reportlab keeps per-font subsetting state in shared objects: one document at a time.
_build_lock = threading.Lock()


def _register_font() -> str:
    global _font_ready
    with _font_lock:
        if not _font_ready:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            # Face 0 of the collection is the proportional "Micro Hei". It has
            # no bold or italic: map them to the one face so markup can't fail.
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(FONT_PATH), subfontIndex=0))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT_NAME, bold, italic, FONT_NAME)
            _font_ready = True
    return FONT_NAME


# Other printed documents (the résumé) embed the same font, one build at a time.
register_font = _register_font
BUILD_LOCK = _build_lock


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def build_pdf(data: CertificateData, url: str) -> bytes:
    """An A4 certificate of ``data`` whose QR encodes ``url``; returns the PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Image,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from qr import qr_png

    font = _register_font()
    esc = html.escape

    def style(name: str, size: float, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.45,
                              wordWrap="CJK", **kw)

    title_style = style("title", 20, alignment=TA_CENTER, spaceAfter=2 * mm)
    subtitle_style = style("subtitle", 11, alignment=TA_CENTER, textColor=colors.HexColor("#555555"))
    body = style("body", 10.5)
    cell = style("cell", 9)
    cell_right = style("cell_right", 9, alignment=TA_RIGHT)
    head = style("head", 9, textColor=colors.white)
    small = style("small", 8.5, textColor=colors.HexColor("#444444"))
    total_style = style("total", 11)
    code_style = style("code", 12)

    story: list = [
        Paragraph("继续医学教育学分证明", title_style),
        Paragraph(f"{data.year} 年度", subtitle_style),
        Spacer(1, 6 * mm),
    ]

    info = [
        [Paragraph(f"姓名：{esc(data.name)}", body), Paragraph(f"身份证号：{esc(data.id_number)}", body)],
        [Paragraph(f"单位：{esc(data.unit)}", body), Paragraph(f"科室：{esc(data.department or '—')}", body)],
    ]
    info_table = Table(info, colWidths=[90 * mm, 80 * mm])
    info_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story += [info_table, Spacer(1, 4 * mm)]
    if data.dishonesty:
        warning = style("warning", 10.5, textColor=colors.HexColor("#b71c1c"), borderColor=colors.HexColor("#b71c1c"),
                        borderWidth=0.6, borderPadding=4)
        story += [Paragraph(esc(data.dishonesty), warning), Spacer(1, 5 * mm)]

    if data.lines:
        rows = [[Paragraph(h, head) for h in ("序号", "日期", "项目名称", "类别", "学分", "学时", "来源")]]
        for i, line in enumerate(data.lines, 1):
            rows.append([
                Paragraph(str(i), cell),
                Paragraph(esc(line.date), cell),
                Paragraph(esc(line.title), cell),
                Paragraph(esc(label(CREDIT_CLASS, line.credit_class)), cell),
                Paragraph(fmt(line.credits), cell_right),
                Paragraph(fmt(line.hours), cell_right),
                Paragraph(esc(line.source_label), cell),
            ])
        lines_table = Table(
            rows, repeatRows=1,
            colWidths=[11 * mm, 21 * mm, 71 * mm, 12 * mm, 14 * mm, 14 * mm, 27 * mm],
        )
        lines_table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f5d8a")),
            ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f9")]),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa8b8")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        story.append(lines_table)
    else:
        story.append(Paragraph("本年度暂无有效学分。", body))
    story.append(Spacer(1, 4 * mm))
    totals = Table(
        [[Paragraph(f"{label}：{value}", total_style) for label, value in (
            ("I类学分合计", f"{fmt(data.class_i_total)} 分"),
            ("II类学分合计", f"{fmt(data.class_ii_total)} 分"),
            ("总学分", f"{fmt(data.credits_total)} 分"),
            ("学时合计", f"{fmt(data.hours_total)} 学时"),
        )]],
        colWidths=[44 * mm, 44 * mm, 40 * mm, 42 * mm],
    )
    totals.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(totals)
    story.append(Spacer(1, 8 * mm))

    qr_image = Image(io.BytesIO(qr_png(url, box_size=8, border=2)), width=32 * mm, height=32 * mm)
    verify_text = [
        Paragraph(f"验证码：{esc(grouped(data.code))}", code_style),
        Paragraph(f"出具日期：{cn_date(data.issued_on)}", body),
        Spacer(1, 2 * mm),
        Paragraph(f"本证明列出 {data.year} 年度已生效的继续医学教育学分。", small),
        Paragraph(f"核验方式：用手机扫描左侧二维码，或在浏览器中打开 {esc(url)}", small),
    ]
    verify_table = Table([[qr_image, verify_text]], colWidths=[36 * mm, 134 * mm])
    verify_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("BOX", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa8b8")),
    ]))
    story.append(KeepTogether([verify_table]))

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(20 * mm, 10 * mm, f"{data.name} · {data.year} 年度学分证明 · 验证码 {grouped(data.code)}")
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"第 {doc.page} 页")
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{data.year}年度继续医学教育学分证明 - {data.name}",
        author="继教", subject=f"验证码 {data.code}", creator="jijiao",
        # Else the canvas starts in (unembedded) Helvetica, listed though unused.
        initialFontName=font,
    )
    with _build_lock:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()

"""The résumé (个人简历, seed 000 §7.1.2): the approved technical archive as a PDF.

Only what the unit approved is printed; a change still waiting is not. The
document embeds the same CJK font as the certificates. ``build_pdf`` is pure.
"""

from __future__ import annotations

import asyncio
import html
import io
from dataclasses import dataclass
from pathlib import Path

from server import clock
from server.services import archive, certificates, media
from server.services.errors import Forbidden, NotFound
from server.services.principal import Principal
from server.settings import Settings
from server.tables import Person
from server.tables.enums import Role

# Section columns as printed: (field, header, width in mm).
_COLUMNS = {
    "education": (("start_on", "开始时间", 24), ("end_on", "结束时间", 24), ("school", "学校", 52),
                  ("major", "专业", 40), ("degree", "学历/学位", 30)),
    "training": (("start_on", "开始时间", 24), ("end_on", "结束时间", 24), ("institution", "培训机构", 56),
                 ("content", "培训内容", 66)),
    "papers": (("published_on", "时间", 24), ("title", "题目", 62), ("kind", "类别", 16),
               ("publication", "刊物/出版社", 46), ("author_rank", "作者排序", 22)),
    "work": (("start_on", "开始时间", 24), ("end_on", "结束时间", 24), ("employer", "工作单位", 76),
             ("position", "职务/岗位", 46)),
    "awards": (("awarded_on", "获奖时间", 24), ("name", "奖项名称", 70), ("level", "级别", 22),
               ("issuer", "授予单位", 54)),
}


@dataclass(frozen=True, slots=True)
class ResumeData:
    basic: list[tuple[str, str]]
    sections: dict[str, list[dict]]
    photo: Path | None
    name: str
    printed_on: str


def build_pdf(data: ResumeData) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = certificates.register_font()
    esc = html.escape

    def style(name: str, size: float, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.45, wordWrap="CJK", **kw)

    title, heading, cell = style("t", 20, alignment=TA_CENTER), style("h", 13, spaceBefore=5 * mm), style("c", 9)
    head = style("hd", 9, textColor=colors.white)
    note = style("n", 8.5, textColor=colors.HexColor("#555555"))
    grid = [("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa8b8")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    story: list = [Paragraph("个人简历", title), Spacer(1, 6 * mm), Paragraph("基本信息", heading), Spacer(1, 2 * mm)]
    pairs = [[Paragraph(esc(k), cell), Paragraph(esc(v or "—"), cell)] for k, v in data.basic]
    rows = [pairs[i] + (pairs[i + 1] if i + 1 < len(pairs) else [Paragraph("", cell)] * 2)
            for i in range(0, len(pairs), 2)]
    basic = Table(rows, colWidths=[24 * mm, 46 * mm, 24 * mm, 46 * mm])
    basic.setStyle(TableStyle(grid + [("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f5f9")),
                                      ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f2f5f9"))]))
    if data.photo is not None:
        photo = Image(str(data.photo), width=27 * mm, height=36 * mm)
        basic = Table([[basic, photo]], colWidths=[142 * mm, 30 * mm])
        basic.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story.append(basic)
    for section, columns in _COLUMNS.items():
        story += [Paragraph(archive.SECTION_LABELS[section], heading), Spacer(1, 2 * mm)]
        items = data.sections.get(section) or []
        if not items:
            story.append(Paragraph("无", cell))
            continue
        table = Table([[Paragraph(h, head) for _, h, _ in columns]]
                      + [[Paragraph(esc(item.get(key) or ("至今" if key == "end_on" else "—")), cell)
                          for key, _, _ in columns] for item in items],
                      colWidths=[w * mm for _, _, w in columns], repeatRows=1)
        table.setStyle(TableStyle(grid + [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#2f5d8a"))]))
        story.append(table)
    story += [Spacer(1, 8 * mm),
              Paragraph(f"本简历根据单位审核通过的技术档案生成。生成日期：{esc(data.printed_on)}", note)]
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                                 bottomMargin=16 * mm, title=f"个人简历-{data.name}", author="继教")
    with certificates.BUILD_LOCK:
        document.build(story)
    return out.getvalue()


async def resume_pdf(principal: Principal, settings: Settings) -> tuple[bytes, str]:
    if principal.person_id is None or not principal.has_any(Role.trainee):
        raise Forbidden("forbidden", "只有学员可以生成个人简历")
    person = await Person.select(
        Person.name, Person.sex, Person.birth_date, Person.unit.name.as_alias("unit_name"),
        Person.department.name.as_alias("department_name"), Person.title, Person.title_level, Person.specialty,
        Person.position, Person.staffing, Person.appointment_year, Person.photo).where(
        Person.id == principal.person_id).first()
    if person is None:
        raise NotFound("person_not_found", "人员记录不存在")
    photo = None
    if person["photo"]:
        found = media.store(settings).path(person["photo"])
        photo = found if await asyncio.to_thread(found.is_file) else None
    basic = [("姓名", person["name"]), ("性别", person["sex"]),
             ("出生日期", person["birth_date"].isoformat() if person["birth_date"] else ""),
             ("单位", person["unit_name"]), ("科室", person["department_name"] or ""), ("当前职称", person["title"]),
             ("职称级别", person["title_level"]), ("专业", person["specialty"]), ("院内职务", person["position"]),
             ("在编状态", person["staffing"]),
             ("聘任年度", str(person["appointment_year"]) if person["appointment_year"] else "未聘任")]
    data = ResumeData(basic=basic, sections=await archive.approved_items(principal.person_id), photo=photo,
                      name=person["name"], printed_on=clock.today().isoformat())
    return await asyncio.to_thread(build_pdf, data), person["name"]

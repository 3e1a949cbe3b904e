"""The choice lists of a person's record (seed 001 §2.1/§2.2 当前职称、专业 drop-downs).

Titles are the health professions' 卫生专业技术职务 with the level each implies;
specialties the 专业 a department picks from. People registered with a title or
specialty outside these lists keep it; filters accept those values too (see
services/people.py), and edits and imports pick from the lists.
"""

from __future__ import annotations

from server.tables.enums import TitleLevel

_S, _A, _I, _J, _N = (TitleLevel.senior.value, TitleLevel.associate.value, TitleLevel.intermediate.value,
                      TitleLevel.junior.value, TitleLevel.none.value)

# Title → the level it implies, in the order the drop-down shows them.
TITLE_LEVELS: dict[str, str] = {
    "主任医师": _S, "副主任医师": _A, "主治医师": _I, "住院医师": _J, "医士": _J,
    "主任中医师": _S, "副主任中医师": _A, "主治中医师": _I, "中医师": _J, "中医士": _J,
    "主任护师": _S, "副主任护师": _A, "主管护师": _I, "护师": _J, "护士": _J,
    "主任药师": _S, "副主任药师": _A, "主管药师": _I, "药师": _J, "药士": _J,
    "主任中药师": _S, "副主任中药师": _A, "主管中药师": _I, "中药师": _J, "中药士": _J,
    "主任技师": _S, "副主任技师": _A, "主管技师": _I, "技师": _J, "技士": _J,
    "研究员": _S, "副研究员": _A, "助理研究员": _I, "研究实习员": _J,
    "无": _N,
}
TITLES: tuple[str, ...] = tuple(TITLE_LEVELS)

SPECIALTIES: tuple[str, ...] = (
    "内科学", "外科学", "儿科学", "妇产科学", "急诊医学", "重症医学", "全科医学", "神经病学", "精神病学",
    "皮肤病与性病学", "眼科学", "耳鼻咽喉科学", "口腔医学", "肿瘤学", "康复医学", "麻醉学", "感染病学",
    "中医学", "中西医结合", "护理学", "药学", "中药学", "临床医学检验", "病理学", "放射医学", "超声医学",
    "核医学", "医学影像学", "预防医学", "公共卫生", "营养学", "医院管理", "研究系列", "其他",
)


def implied_level(title: str) -> str | None:
    """The level a catalogued title implies, or None for a title outside the list."""
    return TITLE_LEVELS.get(title)

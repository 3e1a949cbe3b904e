"""The province catalogue of seed 001 §5.2 (thirteen rules) plus the self-declared training day of 004 §5.

National rules (国家级/省级继续医学教育项目 and their speakers) are not here:
they hold in every province and come with the database (migration jijiao_0102).
"""

from __future__ import annotations

from decimal import Decimal

from server.tables import CreditRule
from server.tables.enums import CreditClass, RuleUnit

I, II = CreditClass.class_i.value, CreditClass.class_ii.value
H, D, T, A = RuleUnit.hour.value, RuleUnit.day.value, RuleUnit.time.value, RuleUnit.authorship.value

_OUT = "赴外省面授获得学分"
_STUDY = "脱产到上级医疗卫生单位进修"
_ABROAD = "赴国（境）外进修或培训"
_AID = "执行援藏、援疆、援青、援外任务及重大应急救援等政府指令性任务"
_DEGREE = "参加脱产或半脱产学历（学位）教育"
_PAPER = "发表论文、综述（发表当年）（前三）"
_SELF = "单位组织的内部专业技术培训（自行申报）"

_PROOF_OUT = ("证明材料包括：学分证书，以及能证明本人参会的材料（如单位同意外出学习审批单、培训缴费发票、"
              "国家CME项目学分查询结果截图等，提交其中一项即可）。")
_PROOF_STUDY = "证明材料包括：进修单位出具的进修鉴定表或结业证书，以及单位派出审批单。"
_PROOF_AID = "证明材料包括：上级主管部门的派出文件或任务通知，以及任务完成证明。"
_PROOF_DEGREE = "证明材料包括：当年度学籍证明或学生证、学费缴费凭证。"
_PROOF_PAPER = "证明材料包括：期刊封面、目录页、论文首页；SCI 论文另附收录检索证明。"
_PROOF_SELF = "证明材料包括：培训通知或签到表照片。每个培训日最多申报 6 学时。"

# code, name (after the year), subtype, class, unit, unit_size, credits_per_step, author credits, cap,
# daily limit, guidance
PROVINCE_RULES: list[tuple] = [
    ("out_national", "赴外省获得学分（国家级）", _OUT + "（国家级）", I, H, 3, 1, "", 10, None, _PROOF_OUT),
    ("out_national_speaker", "主讲人赴外省获得学分（国家级）", _OUT + "（国家级）", I, H, 1, 2, "", 10, None,
     _PROOF_OUT),
    ("out_provincial", "赴外省获得学分（省级）", _OUT + "（省级）", I, H, 1, 1, "", 10, None, _PROOF_OUT),
    ("out_provincial_speaker", "主讲人赴外省获得学分（省级）", _OUT + "（省级）", I, H, 1, 2, "", 10, None,
     _PROOF_OUT),
    ("study_short", "脱产赴上级单位外出进修不满三个月", _STUDY, II, D, 1, 1, "", 15, None, _PROOF_STUDY),
    ("study_long", "脱产赴上级单位外出进修满三个月", _STUDY, II, T, 1, 25, "", 25, None, _PROOF_STUDY),
    ("abroad_short", "赴国（境）外进修或培训不满三个月", _ABROAD, II, D, 1, 1, "", 15, None, _PROOF_STUDY),
    ("abroad_long", "赴国（境）外进修或培训满三个月", _ABROAD, II, T, 1, 25, "", 25, None, _PROOF_STUDY),
    ("aid_short", "执行援藏、援疆、援青、援外任务及重大应急救援等政府指令性任务（不满三个月）", _AID, II, D, 1, 1, "",
     15, None, _PROOF_AID),
    ("aid_long", "执行援藏、援疆、援青、援外任务及重大应急救援等政府指令性任务（满三个月）", _AID, II, T, 1, 25, "",
     25, None, _PROOF_AID),
    ("degree", "在职学历教育", _DEGREE, II, T, 1, 25, "", 25, None, _PROOF_DEGREE),
    ("paper_sci", "发表学术论文（发表当年）-SCI收录期刊", _PAPER, II, A, 1, 0, "25,15,10", 25, None, _PROOF_PAPER),
    ("paper_core", "发表学术论文（发表当年）-中文核心期刊", _PAPER, II, A, 1, 0, "15,10", 15, None, _PROOF_PAPER),
    ("self_training", "单位组织的内部专业技术培训（自行申报）", _SELF, II, H, 3, 1, "", None, 6, _PROOF_SELF),
]


async def ensure_province(province_id: int, year: int) -> int:
    """Insert the province catalogue of ``year`` where missing; returns how many rules were added."""
    existing = {r["code"] for r in await CreditRule.select(CreditRule.code).where(
        (CreditRule.year == year) & (CreditRule.region == province_id))}
    added = 0
    for sort, (code, name, subtype, klass, unit, size, per_step, authors, cap, daily, guidance) in enumerate(
            PROVINCE_RULES, start=1):
        if code in existing:
            continue
        await CreditRule.insert(CreditRule(
            year=year, region=province_id, code=code, name=f"{year}{name}", subtype=subtype, credit_class=klass,
            unit=unit, unit_size=Decimal(size), credits_per_step=Decimal(per_step), author_credits=authors,
            cap=None if cap is None else Decimal(cap), daily_limit=None if daily is None else Decimal(daily),
            evidence_required=True, guidance=guidance, sort=sort))
        added += 1
    return added

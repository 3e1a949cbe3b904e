"""The demo data set of the contract: 示例省 → 示例市, two hospitals, their people.

Loading is idempotent: every row is looked up by its natural key (region code,
unit code, unit + department name, ID number, username) and inserted only when
missing, so running it twice changes nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass

from server.services import classes, courses, rule_catalogue
from server.services.idcard import make_id_number
from server.services.organisation import region_prefix
from server.services.passwords import hash_password
from server.tables import (Account, Course, Department, Lesson, Person, PersonYear, Provider, Question, Region,
                           RoleGrant, TrainingClass, Unit)
from server.tables.enums import (AccountStatus, ClassStatus, CourseStatus, CreditCategory, LessonKind, QuestionKind,
                                 RegionLevel, Role, Sex, Staffing, TitleLevel, UnitLevel)

DEMO_PASSWORD = "Demo@2026"
DEMO_RULE_YEARS = (2025, 2026, 2027)

REGIONS = [
    ("990000", "示例省", RegionLevel.province, None),
    ("990100", "示例市", RegionLevel.city, "990000"),
    ("990102", "示例区", RegionLevel.district, "990100"),
    ("990103", "示范区", RegionLevel.district, "990100"),
]

UNITS = [
    ("9901001", "示例第一医院", "990100", UnitLevel.city,
     ["内科", "外科", "儿科", "妇产科", "急诊科", "护理部", "检验科", "放射科"]),
    ("9901002", "示例第二医院", "990102", UnitLevel.county, ["内科", "外科", "护理部"]),
]

# (title, level) pairs in the proportions of a real ward.
_DOCTOR_TITLES = [
    ("主任医师", TitleLevel.senior), ("副主任医师", TitleLevel.associate),
    ("主治医师", TitleLevel.intermediate), ("主治医师", TitleLevel.intermediate),
    ("住院医师", TitleLevel.junior), ("住院医师", TitleLevel.junior),
]
_NURSE_TITLES = [
    ("主任护师", TitleLevel.senior), ("副主任护师", TitleLevel.associate),
    ("主管护师", TitleLevel.intermediate), ("护师", TitleLevel.junior), ("护士", TitleLevel.junior),
]
_TECH_TITLES = [
    ("主任技师", TitleLevel.senior), ("主管技师", TitleLevel.intermediate), ("技师", TitleLevel.junior),
]
_SPECIALTY = {
    "内科": "内科学", "外科": "外科学", "儿科": "儿科学", "妇产科": "妇产科学", "急诊科": "急诊医学",
    "护理部": "护理学", "检验科": "临床医学检验", "放射科": "放射医学",
}

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程魏苏吕丁任沈"
_GIVEN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
          "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "文静", "海燕", "志强", "玉兰", "春梅", "子涵",
          "浩然", "思远", "欣怡", "雨桐", "嘉怡", "俊杰", "婉清"]


@dataclass(frozen=True)
class DemoPerson:
    username: str | None
    name: str
    unit_code: str
    department: str
    sex: Sex
    title: str
    level: TitleLevel
    birth: dt.date
    seq: int
    phone: str


def _people() -> list[DemoPerson]:
    """Named trainees of the contract first, then a believable staff around them."""
    people = [
        DemoPerson("trainee1", "张伟", "9901001", "内科", Sex.male, "主治医师", TitleLevel.intermediate,
                   dt.date(1988, 5, 12), 11, "13800000001"),
        DemoPerson("trainee2", "李娜", "9901001", "内科", Sex.female, "住院医师", TitleLevel.junior,
                   dt.date(1994, 9, 3), 22, "13800000002"),
        DemoPerson("trainee3", "王强", "9901001", "外科", Sex.male, "副主任医师", TitleLevel.associate,
                   dt.date(1981, 2, 27), 31, "13800000003"),
        DemoPerson("trainee4", "刘芳", "9901002", "内科", Sex.female, "主管护师", TitleLevel.intermediate,
                   dt.date(1990, 11, 8), 42, "13800000004"),
    ]
    seq = 100
    for unit_code, _, _, _, departments in UNITS:
        per_department = 5 if unit_code == "9901001" else 3
        for d_index, department in enumerate(departments):
            titles = _NURSE_TITLES if department == "护理部" else (
                _TECH_TITLES if department in {"检验科", "放射科"} else _DOCTOR_TITLES)
            for i in range(per_department):
                seq += 1
                surname = _SURNAMES[(seq * 7) % len(_SURNAMES)]
                given = _GIVEN[(seq * 5 + d_index) % len(_GIVEN)]
                female = department == "护理部" or seq % 3 == 0
                title, level = titles[(i + d_index) % len(titles)]
                birth = dt.date(1965 + (seq * 3) % 32, 1 + seq % 12, 1 + (seq * 7) % 28)
                people.append(DemoPerson(None, surname + given, unit_code, department,
                                         Sex.female if female else Sex.male, title, level, birth, seq,
                                         f"139{seq:08d}"))
    return people


ADMINS = [
    # username, display name, role, (kind, key)
    ("region1", "示例省卫健委", Role.region_admin, ("region", "990000")),
    ("unit1", "示例第一医院科教科", Role.unit_admin, ("unit", "9901001")),
    ("dept1", "内科继教秘书", Role.dept_admin, ("department", ("9901001", "内科"))),
    ("dept2", "外科继教秘书", Role.dept_admin, ("department", ("9901001", "外科"))),
    ("unit2", "示例第二医院科教科", Role.unit_admin, ("unit", "9901002")),
    ("dept3", "二院内科继教秘书", Role.dept_admin, ("department", ("9901002", "内科"))),
]


async def _get_or_create(table, where, values: dict) -> int:
    row = await table.select(table.id).where(where).first()
    if row:
        return row["id"]
    obj = table(**values)
    await obj.save()
    return obj.id


async def load_demo() -> dict[str, int]:
    """Insert whatever part of the demo set is missing; return counts of what was added."""
    added = {"accounts": 0, "people": 0}
    password_hash: str | None = None

    async def demo_hash() -> str:
        # One scrypt run for all demo accounts: the same password may share a salt.
        nonlocal password_hash
        if password_hash is None:
            password_hash = await asyncio.to_thread(hash_password, DEMO_PASSWORD)
        return password_hash

    async with Region._meta.db.transaction():
        regions: dict[str, int] = {}
        for code, name, level, parent in REGIONS:
            regions[code] = await _get_or_create(
                Region, Region.code == code,
                dict(code=code, name=name, level=level, parent=regions.get(parent) if parent else None,
                     prefix=region_prefix(code)))
        units: dict[str, int] = {}
        departments: dict[tuple[str, str], int] = {}
        for code, name, region_code, level, department_names in UNITS:
            units[code] = await _get_or_create(
                Unit, Unit.code == code,
                dict(code=code, name=name, region=regions[region_code], region_code=region_code, level=level))
            for order, department in enumerate(department_names):
                departments[(code, department)] = await _get_or_create(
                    Department, (Department.unit == units[code]) & (Department.name == department),
                    dict(unit=units[code], name=department, sort_order=order))

        for p in _people():
            id_number = make_id_number("990102", p.birth, p.seq % 1000)
            existing = await Person.select(Person.id).where(Person.id_number == id_number).first()
            if existing:
                person_id = existing["id"]
            else:
                appointed = p.birth.year + 30
                person = Person(
                    unit=units[p.unit_code], department=departments[(p.unit_code, p.department)],
                    id_number=id_number, name=p.name, sex=p.sex, birth_date=p.birth, title=p.title,
                    title_level=p.level, title_assessed_on=dt.date(min(appointed, 2024), 12, 1),
                    appointment_year=min(appointed + 1, 2025), staffing=Staffing.on_staff if p.seq % 4 else
                    Staffing.off_staff, phone=p.phone, specialty=_SPECIALTY[p.department],
                    person_no=f"82{p.unit_code[-1]}{p.seq:07d}",
                )
                await person.save()
                person_id = person.id
                added["people"] += 1
                await PersonYear.insert(PersonYear(
                    person=person_id, year=2026, title=p.title, title_level=p.level,
                    title_assessed_on=person.title_assessed_on, unit=units[p.unit_code], remark="机构添加人员"))
            if p.username and not await Account.exists().where(Account.username == p.username):
                account = Account(username=p.username, password_hash=await demo_hash(), person=person_id,
                                  name=p.name, phone=p.phone, status=AccountStatus.active)
                await account.save()
                await RoleGrant.insert(RoleGrant(account=account.id, role=Role.trainee))
                added["accounts"] += 1

        for username, name, role, (kind, key) in ADMINS:
            if await Account.exists().where(Account.username == username):
                continue
            account = Account(username=username, password_hash=await demo_hash(), name=name,
                              status=AccountStatus.active)
            await account.save()
            grant = RoleGrant(account=account.id, role=role)
            if kind == "region":
                grant.region = regions[key]
            elif kind == "unit":
                grant.unit = units[key]
            else:
                grant.department = departments[key]
            await grant.save()
            added["accounts"] += 1

        # The province's credit catalogue (seed 001 §5.2) for last year, this year and next.
        added["rules"] = 0
        for year in DEMO_RULE_YEARS:
            added["rules"] += await rule_catalogue.ensure_province(regions["990000"], year)

        added["accounts"] += await _load_provider(regions, demo_hash)
    return added


# -- Guangdong's flows: a provider with classes and public courses (seed 002 §3.3, 004 §4) ----

PROVIDER = ("示例继续教育培训中心", "990000", "陈老师", "0990-6612345")
PROVIDER_ADMIN = ("provider1", "示例继续教育培训中心管理员")

_CLASSES = [
    # title, category, hours, starts, ends, online, place, capacity, status, description
    ("2026年全科医学诊疗能力提升培训班", CreditCategory.professional, 24, dt.date(2026, 3, 9), dt.date(2026, 3, 11),
     False, "示例市继续教育中心三楼报告厅", 60, ClassStatus.accepting,
     "面向基层医疗卫生机构执业医师，讲授常见病、多发病的规范诊疗与转诊，结业考核合格后确认学时。"),
    ("医患沟通与医学人文素养（线上）", CreditCategory.elective, 12, dt.date(2026, 4, 1), dt.date(2026, 12, 20),
     True, "", 500, ClassStatus.accepting, "线上直播与回放相结合，完成全部课程并提交学习心得后确认学时。"),
    ("急危重症护理技能专项培训班", CreditCategory.professional, 16, dt.date(2026, 5, 18), dt.date(2026, 5, 19),
     False, "示例市人民医院技能培训中心", 40, ClassStatus.closed, "心肺复苏、气道管理与危重症监护实操训练。"),
]

_ETHICS_LESSONS = [
    ("第一讲 专业技术人员的职业道德", "职业道德是专业技术人员在职业活动中应当遵循的行为规范。医务人员应当恪守"
     "“敬佑生命、救死扶伤、甘于奉献、大爱无疆”的职业精神，尊重患者的知情同意权和隐私权，廉洁行医。"),
    ("第二讲 诚信建设与学术规范", "诚信是专业技术人员立身之本。继续教育学时申报须如实填写，弄虚作假者将被记入"
     "失信记录，惩戒期内不得报名培训班，并在继续教育证书上注明。学术研究应当遵守引用规范，杜绝抄袭与数据造假。"),
    ("第三讲 依法执业与医疗纠纷防范", "依法执业要求医务人员在执业范围内开展诊疗活动，规范书写病历，"
     "落实首诊负责、三级查房、会诊等核心制度，做好医患沟通，从源头上减少医疗纠纷。"),
]
_ETHICS_QUESTIONS = [
    (QuestionKind.single, "医务人员的职业精神不包括以下哪一项？",
     ["敬佑生命", "救死扶伤", "追求利润最大化", "甘于奉献"], [2]),
    (QuestionKind.single, "继续教育学时申报弄虚作假的后果是？",
     ["没有任何影响", "记入失信记录", "自动获得双倍学时", "仅口头提醒"], [1]),
    (QuestionKind.single, "以下哪项属于医疗核心制度？", ["首诊负责制度", "弹性工作制度", "末位淘汰制度", "绩效工资制度"], [0]),
    (QuestionKind.multiple, "以下哪些属于患者的权利？", ["知情同意权", "隐私权", "指定医生开具任何药品", "获得医疗服务"],
     [0, 1, 3]),
    (QuestionKind.single, "学术研究中引用他人成果应当？", ["注明出处", "直接使用", "改写后视为原创", "无需说明"], [0]),
]
_HEALTH_LESSONS = [
    ("第一讲 健康中国战略概述", LessonKind.text, "《“健康中国2030”规划纲要》提出以人民健康为中心，坚持预防为主，"
     "推进健康中国建设。专业技术人员应当把以治病为中心转变为以人民健康为中心。", 0),
    ("第二讲 数字健康与互联网医疗（视频）", LessonKind.video, "", 4),
]
_HEALTH_QUESTIONS = [
    (QuestionKind.single, "健康中国建设坚持以什么为中心？", ["以医院为中心", "以人民健康为中心", "以药品为中心", "以设备为中心"], [1]),
    (QuestionKind.single, "健康中国建设的方针强调？", ["预防为主", "治疗为主", "只重急救", "只重科研"], [0]),
    (QuestionKind.multiple, "互联网医疗可以提供以下哪些服务？", ["在线复诊", "健康咨询", "远程会诊", "线上实施外科手术"],
     [0, 1, 2]),
    (QuestionKind.single, "电子健康档案中的个人信息应当？", ["随意公开", "依法保护", "出售给第三方", "无需管理"], [1]),
]
_COURSES = [
    ("专业技术人员职业道德与诚信建设", 10, "2026年度公需科目。完成全部课时学习后参加课程考试，"
     "考试合格系统自动登记公需课学时。", [(t, LessonKind.text, b, 0) for t, b in _ETHICS_LESSONS], _ETHICS_QUESTIONS),
    ("健康中国战略与数字健康", 8, "2026年度公需科目，含视频课时。视频须完整播放后方可完成该课时。",
     _HEALTH_LESSONS, _HEALTH_QUESTIONS),
]
DEMO_VIDEO_KEY = "bundled/demo-lesson.webm"


async def _load_provider(regions: dict[str, int], demo_hash) -> int:  # type: ignore[no-untyped-def]
    """The demo provider, its admin account, classes and public courses; what is missing only."""
    name, region_code, contact, phone = PROVIDER
    provider_id = await _get_or_create(Provider, Provider.name == name, dict(
        name=name, region=regions[region_code], region_code=region_code, contact=contact, phone=phone))
    added = 0
    username, display = PROVIDER_ADMIN
    if not await Account.exists().where(Account.username == username):
        account = Account(username=username, password_hash=await demo_hash(), name=display,
                          status=AccountStatus.active)
        await account.save()
        await RoleGrant.insert(RoleGrant(account=account.id, role=Role.provider_admin, provider=provider_id))
        added += 1
    for title, category, hours, starts, ends, online, place, capacity, status, description in _CLASSES:
        if not await TrainingClass.exists().where((TrainingClass.provider == provider_id)
                                                 & (TrainingClass.title == title)):
            await classes.insert_class(provider_id, dict(
                title=title, year=starts.year, category=category, hours=hours, starts_on=starts, ends_on=ends,
                online=online, place=place, capacity=capacity, description=description), account_id=None,
                status=status)
    for title, hours, description, lessons, questions in _COURSES:
        course_id = await _get_or_create(Course, (Course.provider == provider_id) & (Course.title == title), dict(
            provider=provider_id, title=title, hours=hours, description=description, pass_mark=60, max_attempts=3,
            time_limit_minutes=30, status=CourseStatus.published))
        for order, (lesson_title, kind, body, seconds) in enumerate(lessons, start=1):
            video = kind == LessonKind.video
            await _get_or_create(Lesson, (Lesson.course == course_id) & (Lesson.title == lesson_title), dict(
                course=course_id, title=lesson_title, kind=kind, body=body, sort_order=order,
                duration_seconds=seconds, media_key=DEMO_VIDEO_KEY if video else "",
                media_type="video/webm" if video else "", media_size=0))
        for order, (kind, text, options, answers) in enumerate(questions, start=1):
            if not await Question.exists().where((Question.course == course_id) & (Question.text == text)):
                await courses.question_row(course_id, kind, text, options, answers, order).save()
    return added

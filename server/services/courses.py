"""Public courses (公需课, seed 004 §4): lessons, progress, the exam and its automatic hours.

A provider writes a course (lessons, questions, a pass mark, an attempts limit
and a time limit) and publishes it. A trainee studies every lesson, then takes
the exam: ``GET …/exam`` serves the questions without their answers, questions
and options shuffled, and opens a timed attempt; ``POST …/exam`` is scored on the
server against the stored answers. A pass makes one effective ``course`` record
of ``public`` hours for the declaration year the trainee chose (修改申报年度);
its ledger key ``course:<course>:<person>`` makes any later pass create nothing.

What the server can and cannot verify about studying:

* a text lesson is complete when the trainee says so (as the seed's 点击学习);
* a video lesson is complete only after it was opened (``GET …/lessons/{id}``,
  what the player does to load it) at least 90% of the video's length ago.
  The PWA's player sends the completion when the video fires ``ended`` and
  does not let the viewer seek past what was played; the server cannot see
  whether anyone watched the screen, or that a client other than ours played it.
* an attempt's time limit runs from the GET that served the paper; a submission
  later than the limit (plus 30 s for the network) is refused and the attempt
  is spent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import msgspec

from server import db
from server.clock import china_time, now, today
from server.services import audit, hours, media, providers, scope
from server.services.errors import Conflict, Forbidden, Invalid, NotFound, PayloadTooLarge, UnsupportedMediaType
from server.services.principal import Principal
from server.services.results import Page, StatusRead
from server.services.trainings import amount
from server.settings import Settings
from server.sqlprog import Program
from server.tables import Course, ExamAttempt, Lesson, LessonProgress, Person, Question
from server.tables.enums import CourseStatus, CreditCategory, CreditSource, LessonKind, QuestionKind, Role

S = CourseStatus
# Seen this share of a video's length after opening it, it may be marked watched.
WATCHED_SHARE = Decimal("0.9")
SUBMIT_GRACE = dt.timedelta(seconds=30)
MAX_VIDEO_BYTES = 500 * 1024 * 1024
_VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}

_COURSE_COLUMNS = (*Course.all_columns(), Course.provider.name.as_alias("provider_name"),
                   Course.provider.region_code.as_alias("region_code"))


def _engine():  # type: ignore[no-untyped-def]
    return Course._meta.db


# -- what a client sees -----------------------------------------------------------------------


class CourseRead(msgspec.Struct, frozen=True):
    id: int
    provider_id: int
    provider_name: str
    title: str
    description: str
    hours: float
    pass_mark: int
    max_attempts: int
    time_limit_minutes: int
    status: str
    created_at: dt.datetime
    lesson_count: int | None = None


class LessonRead(msgspec.Struct, frozen=True):
    id: int
    course_id: int
    title: str
    kind: str
    duration_seconds: int
    sort_order: int
    video_url: str
    has_file: bool
    opened_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None


class LessonContentRead(LessonRead, frozen=True, kw_only=True):
    body: str


class ProgressRead(msgspec.Struct, frozen=True):
    lessons_completed: int
    lessons_total: int
    attempts_used: int
    attempts_left: int
    best_score: int | None
    passed: bool
    credit_id: int | None
    year: int | None


class CourseDetailRead(CourseRead, frozen=True, kw_only=True):
    lessons: list[LessonRead]
    question_count: int
    progress: ProgressRead | None


class LessonCompleted(msgspec.Struct, frozen=True):
    lesson_id: int
    completed: bool
    completed_at: dt.datetime


class OptionRead(msgspec.Struct, frozen=True):
    id: str
    text: str


class QuestionRead(msgspec.Struct, frozen=True, omit_defaults=True):
    id: int
    kind: str
    text: str
    options: list[OptionRead]
    answers: list[str] | None = None


class ExamRead(msgspec.Struct, frozen=True):
    attempt_id: int
    started_at: dt.datetime
    deadline: dt.datetime
    time_limit_minutes: int
    pass_mark: int
    attempts_left: int
    questions: list[QuestionRead]


class ExamCreditRead(msgspec.Struct, frozen=True):
    id: int
    status: str
    hours: float
    category: str
    year: int


class ExamResultRead(msgspec.Struct, frozen=True):
    score: int
    passed: bool
    pass_mark: int
    # The record this pass made; null for a fail, and for a pass of a course already recorded.
    credit: ExamCreditRead | None
    already_recorded: bool
    attempts_left: int


class AttemptRead(msgspec.Struct, frozen=True):
    id: int
    person_id: int
    person_name: str
    unit_name: str | None
    started_at: dt.datetime
    submitted_at: dt.datetime
    score: int | None
    passed: bool
    expired: bool
    year: int | None
    credit_id: int | None


def _course_fields(row: dict) -> dict:
    """CourseRead's fields of a row selected with _COURSE_COLUMNS."""
    return dict(id=row["id"], provider_id=row["provider"], provider_name=row["provider_name"], title=row["title"],
                description=row["description"], hours=float(row["hours"]), pass_mark=row["pass_mark"],
                max_attempts=row["max_attempts"], time_limit_minutes=row["time_limit_minutes"],
                status=row["status"], created_at=row["created_at"])


def scope_where(principal: Principal):
    """WHERE on Course for admins: a provider's own courses, a region's providers' courses."""
    return scope.grants_where(principal, department=None, unit=None, region_code=Course.provider.region_code,
                              provider=Course.provider)


def _trainee(principal: Principal):  # type: ignore[no-untyped-def]
    grant = next((g for g in principal.grants if g.role == Role.trainee), None)
    if grant is None or principal.person_id is None or grant.unit_id is None:
        raise Forbidden("forbidden", "只有专业技术人员可以学习公需课")
    return grant


async def _open_to_trainee(principal: Principal):  # type: ignore[no-untyped-def]
    """Published courses of providers in the trainee's unit's region or a region above it."""
    codes = await providers.visible_region_codes(_trainee(principal).unit_id)
    return (Course.status == S.published.value) & Course.provider.region_code.is_in(codes or [""]) & (
        Course.provider.active == True)  # noqa: E712


def _is_admin(principal: Principal) -> bool:
    return bool(principal.provider_ids() or principal.region_prefixes())


async def _visible(principal: Principal, course_id: int) -> dict:
    """A course the caller may see: its admins always, a trainee while it is published for them."""
    where = scope_where(principal) if _is_admin(principal) else await _open_to_trainee(principal)
    row = None
    if where is not None:
        row = await Course.select(*_COURSE_COLUMNS).where(where).where(Course.id == course_id).first()
    if row is None:
        raise NotFound("course_not_found", "课程不存在或无权查看")
    return row


async def _own(principal: Principal, course_id: int, *, draft: bool = False) -> dict:
    row = await _visible(principal, course_id)
    if row["provider"] not in principal.provider_ids():
        raise NotFound("course_not_found", "课程不存在或无权查看")
    if draft and row["status"] != S.draft.value:
        raise Conflict("invalid_state", "课程已发布，不能再修改课时和试题")
    return row


# -- the provider's course editor ----------------------------------------------------------


def _settings(values: dict) -> dict:
    if "hours" in values:
        values["hours"] = amount(values["hours"], "hours", maximum=100)
    if "pass_mark" in values and not 1 <= values["pass_mark"] <= 100:
        raise Invalid("pass_mark", "字段 pass_mark：及格分须在 1 至 100 之间")
    if "max_attempts" in values and not 1 <= values["max_attempts"] <= 20:
        raise Invalid("max_attempts", "字段 max_attempts：考试次数须在 1 至 20 之间")
    if "time_limit_minutes" in values and not 1 <= values["time_limit_minutes"] <= 600:
        raise Invalid("time_limit_minutes", "字段 time_limit_minutes：考试时长须在 1 至 600 分钟之间")
    if "title" in values:
        values["title"] = values["title"].strip()
        if not values["title"]:
            raise Invalid("title", "请填写课程名称")
    return values


async def create(principal: Principal, fields: dict) -> CourseRead:
    provider_id = await providers.provider_of(principal, fields.pop("provider_id", None))
    values = _settings(dict(fields))
    async with Course._meta.db.transaction():
        course = Course(provider=provider_id, status=S.draft, **values)
        await course.save()
        await audit.record("course_create", principal=principal, target_type="course", target_id=course.id,
                           detail=f"新增公需课《{course.title}》")
    return CourseRead(**_course_fields(await _own(principal, course.id)))


async def update(principal: Principal, course_id: int, fields: dict) -> CourseRead:
    await _own(principal, course_id, draft=True)
    values = _settings({k: v for k, v in fields.items() if v is not None})
    if values:
        values["updated_at"] = now()
        changed = await Course.update({getattr(Course, k): v for k, v in values.items()}).where(
            (Course.id == course_id) & (Course.status == S.draft.value)).returning(Course.id)
        if not changed:
            raise Conflict("invalid_state", "课程已发布，不能再修改")
    return CourseRead(**_course_fields(await _own(principal, course_id)))


async def publish(principal: Principal, course_id: int) -> StatusRead:
    row = await _own(principal, course_id)
    if not await Lesson.exists().where(Lesson.course == course_id):
        raise Conflict("no_lessons", "请先添加至少一个课时")
    if not await Question.exists().where(Question.course == course_id):
        raise Conflict("no_questions", "请先添加考试试题")
    if await Lesson.exists().where((Lesson.course == course_id) & (Lesson.kind == LessonKind.video.value)
                                   & (Lesson.video_url == "") & (Lesson.media_key == "")):
        raise Conflict("video_missing", "有视频课时尚未上传视频或填写视频地址")
    return await _move(principal, row, {S.draft.value}, S.published, "发布")


async def withdraw(principal: Principal, course_id: int) -> StatusRead:
    """下架: trainees no longer see it; records already made stay."""
    return await _move(principal, await _own(principal, course_id), {S.published.value}, S.closed, "下架")


async def _move(principal: Principal, row: dict, from_states: set[str], to: CourseStatus, word: str) -> StatusRead:
    async with Course._meta.db.transaction():
        changed = await Course.update({Course.status: to, Course.updated_at: now()}).where(
            (Course.id == row["id"]) & Course.status.is_in(sorted(from_states))).returning(Course.id)
        if not changed:
            raise Conflict("invalid_state", f"课程当前状态不能{word}")
        await audit.record(f"course_{to.value}", principal=principal, target_type="course", target_id=row["id"],
                           detail=f"{word}公需课《{row['title']}》")
    return StatusRead(id=row["id"], status=to.value)


def _lesson_values(kind: LessonKind, body: str, video_url: str, duration_seconds: int) -> dict:
    if kind == LessonKind.text and not body.strip():
        raise Invalid("body", "请填写课时内容")
    if kind == LessonKind.video:
        if not 1 <= duration_seconds <= 24 * 3600:
            raise Invalid("duration_seconds", "字段 duration_seconds：请填写视频时长（秒）")
        if video_url and not video_url.startswith(("https://", "http://")):
            raise Invalid("video_url", "视频地址须以 http:// 或 https:// 开头")
    return {"kind": kind, "body": body, "video_url": video_url.strip() if kind == LessonKind.video else "",
            "duration_seconds": duration_seconds if kind == LessonKind.video else 0}


async def add_lesson(principal: Principal, course_id: int, *, title: str, kind: str, body: str, video_url: str,
                     duration_seconds: int) -> LessonRead:
    await _own(principal, course_id, draft=True)
    if not title.strip():
        raise Invalid("title", "请填写课时名称")
    values = _lesson_values(LessonKind(kind), body, video_url, duration_seconds)
    last = await Lesson.select(Lesson.sort_order).where(Lesson.course == course_id).order_by(
        Lesson.sort_order, ascending=False).first()
    lesson = Lesson(course=course_id, title=title.strip(), sort_order=(last["sort_order"] + 1) if last else 1,
                    **values)
    await lesson.save()
    return LessonRead(**_lesson_fields(await Lesson.select().where(Lesson.id == lesson.id).first()))


async def delete_lesson(principal: Principal, course_id: int, lesson_id: int, settings: Settings) -> None:
    await _own(principal, course_id, draft=True)
    row = await _lesson(course_id, lesson_id)
    await Lesson.delete().where(Lesson.id == lesson_id)
    await media.store(settings).remove([row["media_key"]])


def sniff_video(head: bytes) -> str | None:
    """``mp4`` or ``webm`` from a file's first bytes, else None (names and claimed types are not trusted)."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    return None


async def _sniffed(chunks: AsyncIterator[bytes]) -> tuple[str, AsyncIterator[bytes]]:
    """The video kind from the first bytes of a body, and the whole body again."""
    stream = chunks.__aiter__()
    head = b""
    async for chunk in stream:
        head += chunk
        if len(head) >= 16:
            break
    kind = sniff_video(head)
    if kind is None:
        raise UnsupportedMediaType("unsupported_type", "只能上传 MP4 或 WebM 视频")

    async def whole() -> AsyncIterator[bytes]:
        yield head
        async for chunk in stream:
            yield chunk

    return kind, whole()


async def upload_video(principal: Principal, course_id: int, lesson_id: int, body: AsyncIterator[bytes],
                       settings: Settings) -> LessonRead:
    """Store a video lesson's file (replacing an earlier one), streamed from the request body."""
    await _own(principal, course_id, draft=True)
    row = await _lesson(course_id, lesson_id)
    if row["kind"] != LessonKind.video.value:
        raise Conflict("not_video", "只有视频课时可以上传视频")
    kind, chunks = await _sniffed(body)
    moment = china_time(now())
    key = f"lessons/{moment:%Y}/{moment:%m}/{secrets.token_hex(16)}.{kind}"
    store = media.store(settings)
    try:
        size = await store.write_stream(key, chunks, max_bytes=MAX_VIDEO_BYTES)
    except media.TooLarge:
        raise PayloadTooLarge("file_too_large", f"视频文件不能超过 {MAX_VIDEO_BYTES // 1024 // 1024} MB") from None
    changed = await Lesson.update({Lesson.media_key: key, Lesson.media_type: _VIDEO_TYPES[kind],
                                   Lesson.media_size: size, Lesson.video_url: ""}).where(
        Lesson.id == lesson_id).returning(Lesson.id)
    if not changed:
        await store.remove([key])
        raise NotFound("lesson_not_found", "课时不存在")
    await store.remove([row["media_key"]])
    return LessonRead(**_lesson_fields(await Lesson.select().where(Lesson.id == lesson_id).first()))


def _lesson_fields(row: dict) -> dict:
    """LessonRead's fields of a Lesson row, without the caller's progress (an uploaded video is played from us)."""
    has_file = bool(row["media_key"])
    return dict(id=row["id"], course_id=row["course"], title=row["title"], kind=row["kind"],
                duration_seconds=row["duration_seconds"], sort_order=row["sort_order"],
                video_url=(f"/api/courses/{row['course']}/lessons/{row['id']}/video" if has_file
                           else row["video_url"]),
                has_file=has_file)


async def _lesson(course_id: int, lesson_id: int) -> dict:
    row = await Lesson.select().where((Lesson.id == lesson_id) & (Lesson.course == course_id)).first()
    if row is None:
        raise NotFound("lesson_not_found", "课时不存在")
    return row


def question_row(course_id: int, kind: QuestionKind, text: str, options: list[str], answers: list[int],
                 sort_order: int) -> Question:
    """A question with its options stored as ``[{"id", "text"}]`` and its answer as their ids.
    The ids are opaque: an option's id says nothing of where it stood on the editor's page."""
    ids: list[str] = []
    while len(ids) < len(options):
        if (candidate := secrets.token_hex(3)) not in ids:
            ids.append(candidate)
    made = [{"id": i, "text": t.strip()} for i, t in zip(ids, options)]
    return Question(course=course_id, kind=kind, text=text.strip(), options=json.dumps(made, ensure_ascii=False),
                    answer=json.dumps(sorted(made[a]["id"] for a in answers)), sort_order=sort_order)


async def add_question(principal: Principal, course_id: int, *, text: str, kind: str, options: list[str],
                       answers: list[int]) -> QuestionRead:
    await _own(principal, course_id, draft=True)
    kind_ = QuestionKind(kind)
    if not text.strip():
        raise Invalid("text", "请填写题干")
    if not 2 <= len(options) <= 8 or any(not o.strip() for o in options):
        raise Invalid("options", "每题须有 2 至 8 个非空选项")
    if len(set(answers)) != len(answers) or any(not 0 <= a < len(options) for a in answers):
        raise Invalid("answers", "正确答案须为选项的序号（从 0 开始）")
    if (kind_ == QuestionKind.single and len(answers) != 1) or (kind_ == QuestionKind.multiple and len(answers) < 2):
        raise Invalid("answers", "单选题须有 1 个正确答案，多选题至少 2 个")
    last = await Question.select(Question.sort_order).where(Question.course == course_id).order_by(
        Question.sort_order, ascending=False).first()
    question = question_row(course_id, kind_, text, options, answers, (last["sort_order"] + 1) if last else 1)
    await question.save()
    return _present_question(await Question.select().where(Question.id == question.id).first(), with_answer=True)


async def delete_question(principal: Principal, course_id: int, question_id: int) -> None:
    await _own(principal, course_id, draft=True)
    deleted = await Question.delete().where((Question.id == question_id) & (Question.course == course_id)).returning(
        Question.id)
    if not deleted:
        raise NotFound("question_not_found", "试题不存在")


def _options(stored: list[dict]) -> list[OptionRead]:
    return [OptionRead(id=o["id"], text=o["text"]) for o in stored]


def _present_question(row: dict, *, with_answer: bool) -> QuestionRead:
    return QuestionRead(id=row["id"], kind=row["kind"], text=row["text"], options=_options(json.loads(row["options"])),
                        answers=json.loads(row["answer"]) if with_answer else None)


async def questions_for_editor(principal: Principal, course_id: int) -> list[QuestionRead]:
    await _own(principal, course_id)
    rows = await Question.select().where(Question.course == course_id).order_by(Question.sort_order, Question.id)
    return [_present_question(r, with_answer=True) for r in rows]


async def results(principal: Principal, course_id: int, *, page: int, page_size: int) -> Page[AttemptRead]:
    """The exam results of a course (考试结果), newest first, for its provider and region admins."""
    await _visible(principal, course_id)
    if not _is_admin(principal):
        raise NotFound("course_not_found", "课程不存在或无权查看")
    where = (ExamAttempt.course == course_id) & ExamAttempt.submitted_at.is_not_null()
    rows = await ExamAttempt.select(
        ExamAttempt.id, ExamAttempt.person.as_alias("person_id"), ExamAttempt.person.name.as_alias("person_name"),
        ExamAttempt.person.unit.name.as_alias("unit_name"), ExamAttempt.started_at, ExamAttempt.submitted_at,
        ExamAttempt.score, ExamAttempt.passed, ExamAttempt.expired, ExamAttempt.year,
        ExamAttempt.credit.as_alias("credit_id"),
    ).where(where).order_by(ExamAttempt.submitted_at, ascending=False).limit(page_size).offset((page - 1) * page_size)
    items = [AttemptRead(id=r["id"], person_id=r["person_id"], person_name=r["person_name"], unit_name=r["unit_name"],
                         started_at=r["started_at"], submitted_at=r["submitted_at"], score=r["score"],
                         passed=bool(r["passed"]), expired=bool(r["expired"]), year=r["year"],
                         credit_id=r["credit_id"]) for r in rows]
    return Page(items=items, total=await ExamAttempt.count().where(where))


# -- listing and studying ---------------------------------------------------------------------


async def list_courses(principal: Principal, *, q: str, page: int, page_size: int) -> Page[CourseRead]:
    where = scope_where(principal) if _is_admin(principal) else await _open_to_trainee(principal)
    if where is None:
        return Page(items=[], total=0)
    query, count = Course.select(*_COURSE_COLUMNS).where(where), Course.count().where(where)
    q = scope.search_text(q)
    if q:
        query, count = query.where(Course.title.like(f"%{q}%")), count.where(Course.title.like(f"%{q}%"))
    rows = await query.order_by(Course.id).limit(page_size).offset((page - 1) * page_size)
    lessons = await _lesson_counts([r["id"] for r in rows])
    return Page(items=[CourseRead(**_course_fields(r), lesson_count=lessons.get(r["id"], 0)) for r in rows],
                total=await count)


async def _lesson_counts(course_ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for row in await Lesson.select(Lesson.course).where(Lesson.course.is_in(course_ids or [0])):
        counts[row["course"]] = counts.get(row["course"], 0) + 1
    return counts


async def detail(principal: Principal, course_id: int) -> CourseDetailRead:
    """The course, its lessons, and for a trainee their progress and exam state."""
    row = await _visible(principal, course_id)
    stored = await Lesson.select().where(Lesson.course == course_id).order_by(Lesson.sort_order, Lesson.id)
    progress = None
    if principal.person_id is not None and not _is_admin(principal):
        done = {r["lesson"]: r for r in await LessonProgress.select(
            LessonProgress.lesson, LessonProgress.opened_at, LessonProgress.completed_at).where(
            (LessonProgress.person == principal.person_id) & (LessonProgress.course == course_id))}
        lessons = [LessonRead(**_lesson_fields(r), opened_at=done[r["id"]]["opened_at"] if r["id"] in done else None,
                              completed_at=done[r["id"]]["completed_at"] if r["id"] in done else None)
                   for r in stored]
        progress = await _exam_state(principal.person_id, row, lessons)
    else:
        lessons = [LessonRead(**_lesson_fields(r)) for r in stored]
    return CourseDetailRead(**_course_fields(row), lessons=lessons,
                            question_count=await Question.count().where(Question.course == course_id),
                            progress=progress)


async def _exam_state(person_id: int, course: dict, lessons: list[LessonRead]) -> ProgressRead:
    attempts = await ExamAttempt.select(ExamAttempt.id, ExamAttempt.score, ExamAttempt.passed,
                                        ExamAttempt.submitted_at, ExamAttempt.credit, ExamAttempt.year).where(
        (ExamAttempt.person == person_id) & (ExamAttempt.course == course["id"])).order_by(ExamAttempt.id)
    passed = [a for a in attempts if a["passed"]]
    scores = [a["score"] for a in attempts if a["score"] is not None]
    return ProgressRead(
        lessons_completed=sum(1 for lesson in lessons if lesson.completed_at),
        lessons_total=len(lessons),
        attempts_used=len(attempts),
        attempts_left=max(course["max_attempts"] - len(attempts), 0),
        best_score=max(scores) if scores else None,
        passed=bool(passed),
        credit_id=next((a["credit"] for a in passed if a["credit"]), None),
        year=passed[0]["year"] if passed else None,
    )


def _open_program(person_id: int, lesson: dict, moment: dt.datetime) -> Program[dict]:
    yield ("INSERT INTO lesson_progress (person, lesson, course, opened_at, completed_at) VALUES ({}, {}, {}, {}, "
           "NULL) ON CONFLICT (person, lesson) DO NOTHING", (person_id, lesson["id"], lesson["course"], moment))
    rows = yield ("SELECT opened_at, completed_at FROM lesson_progress WHERE person = {} AND lesson = {}",
                  (person_id, lesson["id"]))
    return rows[0]


async def open_lesson(principal: Principal, course_id: int, lesson_id: int) -> LessonContentRead:
    """A lesson's content; for a trainee this is the moment the lesson was opened (first time counts)."""
    await _visible(principal, course_id)
    lesson = await _lesson(course_id, lesson_id)
    opened_at = completed_at = None
    if principal.person_id is not None and not _is_admin(principal):
        progress = await db.run_write(_engine(), _open_program(principal.person_id, lesson, now()))
        opened_at, completed_at = _as_time(progress["opened_at"]), _as_time(progress["completed_at"])
    return LessonContentRead(**_lesson_fields(lesson), body=lesson["body"], opened_at=opened_at,
                             completed_at=completed_at)


def _as_time(value):  # type: ignore[no-untyped-def]
    # Rows from a write program come back raw: SQLite hands timestamps over as ISO text.
    return dt.datetime.fromisoformat(value) if isinstance(value, str) else value


def _complete_program(person_id: int, lesson: dict, moment: dt.datetime) -> Program[dt.datetime]:
    if lesson["kind"] == LessonKind.text.value:
        yield ("INSERT INTO lesson_progress (person, lesson, course, opened_at, completed_at) VALUES ({}, {}, {}, {}, "
               "{}) ON CONFLICT (person, lesson) DO NOTHING", (person_id, lesson["id"], lesson["course"], moment,
                                                             moment))
    rows = yield ("SELECT opened_at, completed_at FROM lesson_progress WHERE person = {} AND lesson = {}",
                  (person_id, lesson["id"]))
    if not rows:
        raise Conflict("lesson_not_watched", "请先播放视频课时")
    if rows[0]["completed_at"] is not None:
        return _as_time(rows[0]["completed_at"])
    needed = dt.timedelta(seconds=float(Decimal(lesson["duration_seconds"]) * WATCHED_SHARE))
    watched = moment - _as_time(rows[0]["opened_at"])
    if lesson["kind"] == LessonKind.video.value and watched < needed:
        left = int((needed - watched).total_seconds()) + 1
        raise Conflict("lesson_not_watched", f"视频尚未播放完毕（还需约 {left} 秒）")
    yield ("UPDATE lesson_progress SET completed_at = {} WHERE person = {} AND lesson = {} AND completed_at IS NULL",
           (moment, person_id, lesson["id"]))
    return moment


async def complete_lesson(principal: Principal, course_id: int, lesson_id: int) -> LessonCompleted:
    _trainee(principal)
    await _visible(principal, course_id)
    lesson = await _lesson(course_id, lesson_id)
    completed_at = await db.run_write(_engine(), _complete_program(principal.person_id, lesson, now()))
    return LessonCompleted(lesson_id=lesson_id, completed=True, completed_at=completed_at)


@dataclass(frozen=True, slots=True)
class VideoFile:
    path: Path
    content_type: str
    size: int


async def video_file(principal: Principal, course_id: int, lesson_id: int, settings: Settings) -> VideoFile:
    """The uploaded video of a lesson, for whoever may see the course."""
    await _visible(principal, course_id)
    lesson = await _lesson(course_id, lesson_id)
    if not lesson["media_key"]:
        raise NotFound("video_not_found", "该课时没有上传的视频")
    path = media.store(settings).path(lesson["media_key"])
    return VideoFile(path=path, content_type=lesson["media_type"], size=path.stat().st_size)


# -- the exam ---------------------------------------------------------------------------------


async def _lessons_done(person_id: int, course_id: int) -> bool:
    total = await Lesson.count().where(Lesson.course == course_id)
    done = await LessonProgress.count().where(
        (LessonProgress.person == person_id) & (LessonProgress.course == course_id)
        & LessonProgress.completed_at.is_not_null() & LessonProgress.lesson.is_in(
            Lesson.select(Lesson.id).where(Lesson.course == course_id)))
    return total > 0 and done >= total


def _paper(questions: list[dict]) -> list[list]:
    """Questions and each question's options in a fresh random order (an answer sheet can't be shared
    by position)."""
    rng = random.SystemRandom()
    order = list(questions)
    rng.shuffle(order)
    paper = []
    for q in order:
        ids = [o["id"] for o in json.loads(q["options"])]
        rng.shuffle(ids)
        paper.append([q["id"], ids])
    return paper


def _start_program(person_id: int, course: dict, paper: list[list], moment: dt.datetime, *,
                   submitting: bool) -> Program[dict | None]:
    """The open attempt, or a new one while attempts are left; expired ones are closed (and spent).

    ``submitting``: None when an attempt had just run out, so a late answer sheet
    never gets a fresh attempt of its own.
    """
    expired = yield ("UPDATE exam_attempt SET submitted_at = deadline, expired = {}, score = 0 WHERE person = {} "
                     "AND course = {} AND submitted_at IS NULL AND deadline < {} RETURNING id",
                     (True, person_id, course["id"], moment - SUBMIT_GRACE))
    if expired and submitting:
        return None
    open_ = yield ("SELECT id, started_at, deadline, paper FROM exam_attempt WHERE person = {} AND course = {} "
                   "AND submitted_at IS NULL", (person_id, course["id"]))
    if open_:
        return open_[0]
    used = yield ("SELECT COUNT(*) AS n FROM exam_attempt WHERE person = {} AND course = {}",
                  (person_id, course["id"]))
    if used[0]["n"] >= course["max_attempts"]:
        raise Conflict("no_attempts_left", f"考试次数已用完（共 {course['max_attempts']} 次）")
    deadline = moment + dt.timedelta(minutes=course["time_limit_minutes"])
    made = yield ("INSERT INTO exam_attempt (person, course, started_at, deadline, paper, submitted_at, expired, year, "
                  "score, passed, answers, credit, hours) VALUES ({}, {}, {}, {}, {}, NULL, {}, NULL, NULL, {}, '', "
                  "NULL, NULL) ON CONFLICT (person, course) WHERE submitted_at IS NULL DO NOTHING "
                  "RETURNING id, started_at, deadline, paper",
                  (person_id, course["id"], moment, deadline, json.dumps(paper), False, False))
    if made:
        return made[0]
    # Another request of the same person opened one a moment ago: theirs is ours.
    again = yield ("SELECT id, started_at, deadline, paper FROM exam_attempt WHERE person = {} AND course = {} "
                   "AND submitted_at IS NULL", (person_id, course["id"]))
    return again[0]


async def _questions(course_id: int) -> dict[int, dict]:
    return {q["id"]: q for q in await Question.select().where(Question.course == course_id)}


async def _start(principal: Principal, course_id: int, *, submitting: bool = False
                 ) -> tuple[dict, dict, dict[int, dict]]:
    _trainee(principal)
    course = await _visible(principal, course_id)
    if course["status"] != S.published.value:
        raise Conflict("invalid_state", "课程未发布")
    if not await _lessons_done(principal.person_id, course_id):
        raise Conflict("lessons_incomplete", "请先完成全部课时的学习，再参加考试")
    questions = await _questions(course_id)
    attempt = await db.run_write(_engine(), _start_program(
        principal.person_id, course, _paper(list(questions.values())), now(), submitting=submitting))
    if attempt is None:
        raise Conflict("exam_time_over", "考试时间已到，本次考试作废")
    return course, attempt, questions


async def start_exam(principal: Principal, course_id: int) -> ExamRead:
    """The paper: questions without answers, in this attempt's order, with the time left."""
    course, attempt, questions = await _start(principal, course_id)
    items = []
    for question_id, option_ids in json.loads(attempt["paper"]):
        q = questions.get(question_id)
        if q is None:
            continue
        texts = {o["id"]: o["text"] for o in json.loads(q["options"])}
        items.append(QuestionRead(id=q["id"], kind=q["kind"], text=q["text"],
                                  options=[OptionRead(id=i, text=texts[i]) for i in option_ids if i in texts]))
    used = await ExamAttempt.count().where((ExamAttempt.person == principal.person_id)
                                           & (ExamAttempt.course == course_id))
    return ExamRead(attempt_id=attempt["id"], started_at=_as_time(attempt["started_at"]),
                    deadline=_as_time(attempt["deadline"]), time_limit_minutes=course["time_limit_minutes"],
                    pass_mark=course["pass_mark"], attempts_left=max(course["max_attempts"] - used, 0),
                    questions=items)


def _chosen(value) -> frozenset[str]:  # type: ignore[no-untyped-def]
    values = value if isinstance(value, list) else [value]
    return frozenset(str(v) for v in values)


def score(questions: dict[int, dict], answers: dict[str, object]) -> int:
    """Out of 100: a question scores when the chosen options are exactly its answer."""
    if not questions:
        return 0
    right = sum(1 for qid, q in questions.items()
                if _chosen(answers.get(str(qid), [])) == frozenset(json.loads(q["answer"])))
    return int(Decimal(100 * right) / Decimal(len(questions)))


def _check_year(year: int) -> int:
    this = today().year
    # 修改申报年度: the year of a title application, this year or the next; last year to make it up.
    if not this - 1 <= year <= this + 1:
        raise Invalid("year", f"字段 year：申报年度须在 {this - 1} 至 {this + 1} 之间")
    return year


async def submit_exam(principal: Principal, course_id: int, year: int,
                      answers: dict[str, object]) -> ExamResultRead:
    _check_year(year)
    # Without an open attempt (no GET first) the answers are scored on a new one, if any is left.
    course, attempt, questions = await _start(principal, course_id, submitting=True)
    served = {str(qid) for qid, _ in json.loads(attempt["paper"])}
    unknown = sorted(set(answers) - served)
    if unknown:
        raise Invalid("answers", f"答卷中有不属于本次考试的题目：{', '.join(unknown[:5])}", code="unknown_question")
    moment = now()
    if moment > _as_time(attempt["deadline"]) + SUBMIT_GRACE:
        await ExamAttempt.update({ExamAttempt.submitted_at: moment, ExamAttempt.expired: True,
                                  ExamAttempt.score: 0}).where(
            (ExamAttempt.id == attempt["id"]) & ExamAttempt.submitted_at.is_null())
        raise Conflict("exam_time_over", "考试时间已到，本次考试作废")
    paper_questions = {int(qid): questions[int(qid)] for qid in served if int(qid) in questions}
    result = score(paper_questions, answers)
    passed = result >= course["pass_mark"]
    person = await Person.select(Person.unit, Person.department).where(Person.id == principal.person_id).first()
    this = today()
    day = this if this.year == year else (dt.date(year, 12, 31) if year < this.year else dt.date(year, 1, 1))
    created = None
    async with ExamAttempt._meta.db.transaction():
        closed = await ExamAttempt.update({
            ExamAttempt.submitted_at: moment, ExamAttempt.year: year, ExamAttempt.score: result,
            ExamAttempt.passed: passed, ExamAttempt.answers: json.dumps(answers, ensure_ascii=False)[:20000],
        }).where((ExamAttempt.id == attempt["id"]) & ExamAttempt.submitted_at.is_null()).returning(ExamAttempt.id)
        if not closed:
            raise Conflict("invalid_state", "本次考试已交卷")
        if passed:
            born = await hours.record(hours.HoursRecord(
                person_id=principal.person_id, unit_id=person["unit"], department_id=person["department"],
                year=year, day=day, title=f"公需课：{course['title']}", hours=Decimal(course["hours"]),
                category=CreditCategory.public, source=CreditSource.course,
                dedupe_key=f"course:{course_id}:{principal.person_id}", account_id=principal.account_id,
                ip=principal.ip, event_reason=f"公需课考试通过（{result} 分）"), moment)
            if born is not None:
                created = ExamCreditRead(id=born.id, status=born.status, hours=float(course["hours"]),
                                         category=CreditCategory.public.value, year=year)
                await ExamAttempt.update({ExamAttempt.credit: born.id, ExamAttempt.hours: course["hours"]}).where(
                    ExamAttempt.id == attempt["id"])
        await audit.record("exam_submit", principal=principal, target_type="course", target_id=course_id,
                           detail=f"公需课《{course['title']}》考试 {result} 分" + ("，通过" if passed else ""))
    used = await ExamAttempt.count().where((ExamAttempt.person == principal.person_id)
                                           & (ExamAttempt.course == course_id))
    return ExamResultRead(score=result, passed=passed, pass_mark=course["pass_mark"], credit=created,
                          already_recorded=passed and created is None,
                          attempts_left=max(course["max_attempts"] - used, 0))

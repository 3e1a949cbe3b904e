"""Public courses (公需课, seed 004 §4): lessons, progress, questions and exam attempts."""

from piccolo.columns import BigInt, Boolean, ForeignKey, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from server.tables.credit import Credit
from server.tables.enums import CourseStatus, LessonKind, QuestionKind
from server.tables.person import Person
from server.tables.provider import Provider


class Course(Table):
    """A public course a provider publishes; passing its exam records ``hours`` of 公需 once."""

    provider = ForeignKey(Provider, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200)
    description = Text(default="")
    hours = Numeric(digits=(6, 2))
    pass_mark = Integer(default=60)  # out of 100
    max_attempts = Integer(default=3)
    time_limit_minutes = Integer(default=30)
    status = Varchar(length=10, choices=CourseStatus, default=CourseStatus.draft, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Lesson(Table):
    """A text lesson, or a video by URL or by an uploaded file (served with range requests)."""

    course = ForeignKey(Course, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200)
    kind = Varchar(length=10, choices=LessonKind, default=LessonKind.text)
    body = Text(default="")
    video_url = Varchar(length=500, default="")
    media_key = Varchar(length=120, default="")
    media_type = Varchar(length=40, default="")
    media_size = BigInt(default=0)
    # The video's length: a lesson counts as watched no sooner than this after it was opened.
    duration_seconds = Integer(default=0)
    sort_order = Integer(default=0)


class LessonProgress(Table, tablename="lesson_progress"):
    """When a person first opened a lesson and when they finished it; one per (person, lesson)."""

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    lesson = ForeignKey(Lesson, on_delete=OnDelete.cascade)
    course = ForeignKey(Course, on_delete=OnDelete.cascade)
    opened_at = Timestamptz(default=TimestamptzNow())
    completed_at = Timestamptz(null=True, default=None)


class Question(Table):
    """A single- or multiple-choice question. ``options`` is JSON ``[{"id", "text"}]``;
    ``answer`` the JSON list of correct option ids, never sent to trainees."""

    course = ForeignKey(Course, index=True, on_delete=OnDelete.cascade)
    kind = Varchar(length=10, choices=QuestionKind, default=QuestionKind.single)
    text = Text()
    options = Text()
    answer = Text(secret=True)
    sort_order = Integer(default=0)


class ExamAttempt(Table, tablename="exam_attempt"):
    """One sitting of a course's exam: served (shuffled) at ``started_at``, due by ``deadline``.

    At most one open (unsubmitted) attempt per person and course: a partial
    unique index of migration jijiao_0101.
    """

    person = ForeignKey(Person, on_delete=OnDelete.cascade)
    course = ForeignKey(Course, on_delete=OnDelete.cascade)
    started_at = Timestamptz(default=TimestamptzNow())
    deadline = Timestamptz()
    # The paper as served: JSON [[question_id, [option ids in served order]], ...].
    paper = Text(default="")
    submitted_at = Timestamptz(null=True, default=None)
    # Closed unanswered because time ran out.
    expired = Boolean(default=False)
    year = Integer(null=True, default=None)
    score = Integer(null=True, default=None)
    passed = Boolean(default=False)
    answers = Text(default="")
    credit = ForeignKey(Credit, null=True, default=None, on_delete=OnDelete.set_null)
    hours = Numeric(digits=(6, 2), null=True, default=None)

"""Public courses (公需课): the provider's editor, the trainee's lessons and exam."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.controllers.schemas import Id, Page, PathId, StatusRead
from server.security import Caller
from server.services import courses, media
from server.services.errors import DomainError

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
PageNo = Annotated[int, QueryParameter(ge=1, le=100000)]
PageSize = Annotated[int, QueryParameter(ge=1, le=200)]


class CourseCreate(msgspec.Struct):
    title: Title
    hours: Annotated[float, msgspec.Meta(gt=0, le=100)]
    description: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    pass_mark: int = 60
    max_attempts: int = 3
    time_limit_minutes: int = 30
    provider_id: Id | None = None


class CourseUpdate(msgspec.Struct):
    title: Title | None = None
    hours: Annotated[float, msgspec.Meta(gt=0, le=100)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=4000)] | None = None
    pass_mark: int | None = None
    max_attempts: int | None = None
    time_limit_minutes: int | None = None


class LessonCreate(msgspec.Struct):
    title: Title
    kind: Literal["text", "video"] = "text"
    body: Annotated[str, msgspec.Meta(max_length=100_000)] = ""
    video_url: Annotated[str, msgspec.Meta(max_length=500)] = ""
    duration_seconds: Annotated[int, msgspec.Meta(ge=0, le=24 * 3600)] = 0


class QuestionCreate(msgspec.Struct):
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    options: Annotated[list[Annotated[str, msgspec.Meta(max_length=500)]], msgspec.Meta(max_length=8)]
    answers: Annotated[list[Annotated[int, msgspec.Meta(ge=0, le=7)]], msgspec.Meta(max_length=8)]
    kind: Literal["single", "multiple"] = "single"


Choice = str | int | list[str | int]


class ExamSubmit(msgspec.Struct):
    """The answer sheet: ``{question_id: option id}`` (a list of ids for multiple choice).
    Anything else sent (a score, a verdict) is ignored: the server marks the paper."""

    year: int
    answers: Annotated[dict[str, Choice], msgspec.Meta(max_length=500)]


def _chunks(path: Path, start: int, length: int) -> Iterator[bytes]:
    with open(path, "rb") as source:
        source.seek(start)
        while length > 0:
            chunk = source.read(min(length, 256 * 1024))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _ranged(video: courses.VideoFile, range_header: str | None) -> Stream:
    """The file, or the byte range asked for (206): players seek and phones fetch in pieces."""
    try:
        span = media.byte_range(range_header, video.size)
    except media.RangeNotSatisfiable:
        raise DomainError("range_not_satisfiable", "请求的范围超出文件大小", status_code=416,
                          headers={"Content-Range": f"bytes */{video.size}"}) from None
    start, end = span if span is not None else (0, video.size - 1)
    headers = {"Accept-Ranges": "bytes", "Content-Length": str(end - start + 1),
               "Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
    if span is not None:
        headers["Content-Range"] = f"bytes {start}-{end}/{video.size}"
    return Stream(_chunks(video.path, start, end - start + 1), media_type=video.content_type, headers=headers,
                  status_code=206 if span is not None else 200)


class CourseController(Controller):
    path = "/api/courses"
    tags = ["courses"]

    @get("")
    async def list_courses(self, principal: Caller, q: Annotated[str, QueryParameter(max_length=50)] = "",
                           page: PageNo = 1, page_size: PageSize = 20) -> Page[courses.CourseRead]:
        return await courses.list_courses(principal, q=q, page=page, page_size=page_size)

    @post("")
    async def create(self, principal: Caller, data: JSONBody[CourseCreate]) -> courses.CourseRead:
        return await courses.create(principal, msgspec.structs.asdict(data))

    @get("/{course_id:int}")
    async def detail(self, principal: Caller, course_id: PathId) -> courses.CourseDetailRead:
        return await courses.detail(principal, course_id)

    @patch("/{course_id:int}")
    async def update(self, principal: Caller, course_id: PathId, data: JSONBody[CourseUpdate]) -> courses.CourseRead:
        return await courses.update(principal, course_id, msgspec.structs.asdict(data))

    @post("/{course_id:int}/publish", status_code=200)
    async def publish(self, principal: Caller, course_id: PathId) -> StatusRead:
        return await courses.publish(principal, course_id)

    @post("/{course_id:int}/withdraw", status_code=200)
    async def withdraw(self, principal: Caller, course_id: PathId) -> StatusRead:
        return await courses.withdraw(principal, course_id)

    @post("/{course_id:int}/lessons", status_code=HTTP_201_CREATED)
    async def add_lesson(self, principal: Caller, course_id: PathId,
                         data: JSONBody[LessonCreate]) -> courses.LessonRead:
        return await courses.add_lesson(principal, course_id, **msgspec.structs.asdict(data))

    @get("/{course_id:int}/lessons/{lesson_id:int}")
    async def open_lesson(self, principal: Caller, course_id: PathId,
                          lesson_id: PathId) -> courses.LessonContentRead:
        return await courses.open_lesson(principal, course_id, lesson_id)

    @delete("/{course_id:int}/lessons/{lesson_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def delete_lesson(self, principal: Caller, course_id: PathId, lesson_id: PathId, state: State) -> None:
        await courses.delete_lesson(principal, course_id, lesson_id, state.settings)

    # The file itself is the body, streamed to disk (a multipart form is read into memory
    # whole); the app-wide 12 MB limit is raised for this route only.
    @put("/{course_id:int}/lessons/{lesson_id:int}/video", status_code=200,
         request_max_body_size=courses.MAX_VIDEO_BYTES + 1)
    async def upload_video(self, principal: Caller, course_id: PathId, lesson_id: PathId, state: State,
                           request: Request) -> courses.LessonRead:
        return await courses.upload_video(principal, course_id, lesson_id, request.stream(), state.settings)

    @get("/{course_id:int}/lessons/{lesson_id:int}/video", skip_compression=True)
    async def video(self, principal: Caller, course_id: PathId, lesson_id: PathId, state: State,
                    request: Request) -> Stream:
        return _ranged(await courses.video_file(principal, course_id, lesson_id, state.settings),
                       request.headers.get("range"))

    @post("/{course_id:int}/lessons/{lesson_id:int}/complete", status_code=200)
    async def complete_lesson(self, principal: Caller, course_id: PathId,
                              lesson_id: PathId) -> courses.LessonCompleted:
        return await courses.complete_lesson(principal, course_id, lesson_id)

    @get("/{course_id:int}/questions")
    async def questions(self, principal: Caller, course_id: PathId) -> list[courses.QuestionRead]:
        return await courses.questions_for_editor(principal, course_id)

    @post("/{course_id:int}/questions", status_code=HTTP_201_CREATED)
    async def add_question(self, principal: Caller, course_id: PathId,
                           data: JSONBody[QuestionCreate]) -> courses.QuestionRead:
        return await courses.add_question(principal, course_id, **msgspec.structs.asdict(data))

    @delete("/{course_id:int}/questions/{question_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def delete_question(self, principal: Caller, course_id: PathId, question_id: PathId) -> None:
        await courses.delete_question(principal, course_id, question_id)

    @get("/{course_id:int}/exam")
    async def exam(self, principal: Caller, course_id: PathId) -> courses.ExamRead:
        return await courses.start_exam(principal, course_id)

    @post("/{course_id:int}/exam", status_code=200)
    async def submit_exam(self, principal: Caller, course_id: PathId,
                          data: JSONBody[ExamSubmit]) -> courses.ExamResultRead:
        return await courses.submit_exam(principal, course_id, data.year, data.answers)

    @get("/{course_id:int}/results")
    async def results(self, principal: Caller, course_id: PathId, page: PageNo = 1,
                      page_size: PageSize = 50) -> Page[courses.AttemptRead]:
        return await courses.results(principal, course_id, page=page, page_size=page_size)

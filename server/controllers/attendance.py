"""Session QR codes, claims, check-ins and attendance lists."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.response import ServerSentEvent
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

import qr
from server.controllers.schemas import Id, Page, PathId, ReasonUpdate
from server.controllers.trainings import TrainingRead
from server.security import Caller, client_ip
from server.services import attendance, trainings
from server.services.errors import Invalid

Code = Annotated[str, msgspec.Meta(min_length=1, max_length=16)]


def base_url(request: Request, state: State) -> str:
    return state.settings.base_url or str(request.base_url).rstrip("/")


class QrRead(msgspec.Struct):
    url: str
    code: str
    interval: int
    expires_in: int


class ClaimCreate(msgspec.Struct):
    session_id: Id
    code: Code


class TrainingBrief(msgspec.Struct):
    id: int
    title: str
    credit_class: str
    credits: float
    hours: float


class SessionBrief(msgspec.Struct):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str


class ClaimRead(msgspec.Struct):
    claim: str
    expires_at: dt.datetime
    training: TrainingBrief
    session: SessionBrief


class CheckinCreate(msgspec.Struct):
    session_id: Id | None = None
    code: Code | None = None
    claim: Annotated[str, msgspec.Meta(min_length=8, max_length=100)] | None = None


class CreditBrief(msgspec.Struct):
    id: int
    status: str
    credits: float


class CheckinRead(msgspec.Struct):
    id: int
    session_id: int
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    requires_checkout: bool
    credit: CreditBrief | None
    training: TrainingBrief
    session: SessionBrief


class ManualCheckinCreate(msgspec.Struct):
    person_id: Id
    reason: Annotated[str, msgspec.Meta(max_length=200)]


class AttendanceRead(msgspec.Struct):
    id: int
    person_id: int
    name: str
    person_no: str
    department_name: str | None
    checked_in_at: dt.datetime
    checked_out_at: dt.datetime | None
    method: str
    reason: str
    credit_status: str | None


class CheckoutCreate(msgspec.Struct):
    session_id: Id
    code: Code


class ScanItem(msgspec.Struct):
    payload: Annotated[str, msgspec.Meta(max_length=100)]
    scanned_at: dt.datetime
    client_id: Annotated[str, msgspec.Meta(max_length=64)] = ""


class ScanBatchCreate(msgspec.Struct):
    items: Annotated[list[ScanItem], msgspec.Meta(min_length=1, max_length=1000)]


class ScanResult(msgspec.Struct, omit_defaults=True):
    client_id: str
    ok: bool
    created: bool | None = None
    checkin_id: int | None = None
    person_id: int | None = None
    name: str | None = None
    code: str | None = None
    detail: str | None = None


class ScanBatchRead(msgspec.Struct):
    results: list[ScanResult]


class PersonalCodeRead(msgspec.Struct):
    payload: str
    person_id: int
    secret: str
    step: int
    expires_in: int


Phase = Annotated[Literal["checkin", "checkout"], QueryParameter()]


class SessionDetailRead(msgspec.Struct):
    id: int
    training_id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    interval: int
    training: TrainingRead


def _qr_image_headers() -> dict[str, str]:
    # The code rotates: no cache may ever hand out an old one.
    return {"Cache-Control": "no-store"}


class AgendaRead(msgspec.Struct):
    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    location: str
    training_id: int
    title: str
    status: str
    reminded_at: dt.datetime | None


Since = Annotated[dt.date, QueryParameter(name="from")]
Until = Annotated[dt.date, QueryParameter()]


class SessionController(Controller):
    path = "/api/sessions"
    tags = ["attendance"]

    @get("")
    async def agenda(self, principal: Caller, day_from: Since, to: Until) -> Page[AgendaRead]:
        items = [msgspec.convert(a, AgendaRead, from_attributes=True)
                 for a in await trainings.agenda(principal, day_from, to)]
        return Page(items=items, total=len(items))

    @get("/{session_id:int}")
    async def detail(self, principal: Caller, session_id: PathId) -> SessionDetailRead:
        row = await trainings.session_detail(principal, session_id)
        return SessionDetailRead(id=row["id"], training_id=row["training_id"], starts_at=row["starts_at"],
                                 ends_at=row["ends_at"], location=row["location"], interval=row["step"],
                                 training=TrainingRead.of(row["training"]))

    @get("/{session_id:int}/qr")
    async def qr_state(self, principal: Caller, session_id: PathId, request: Request,
                       state: State, phase: Phase = "checkin") -> Response[QrRead]:
        current = await attendance.current_qr(principal, session_id, base_url(request, state), phase=phase)
        return Response(QrRead(current.url, current.code, current.interval, current.expires_in),
                        headers=_qr_image_headers())

    @get("/{session_id:int}/qr.svg", media_type="image/svg+xml")
    async def qr_svg(self, principal: Caller, session_id: PathId, request: Request,
                     state: State, phase: Phase = "checkin") -> Response[str]:
        current = await attendance.current_qr(principal, session_id, base_url(request, state), phase=phase)
        return Response(qr.qr_svg(current.url), media_type="image/svg+xml", headers=_qr_image_headers())

    @get("/{session_id:int}/qr.png", media_type="image/png")
    async def qr_png(self, principal: Caller, session_id: PathId, request: Request,
                     state: State, phase: Phase = "checkin") -> Response[bytes]:
        current = await attendance.current_qr(principal, session_id, base_url(request, state), phase=phase)
        return Response(qr.qr_png(current.url), media_type="image/png", headers=_qr_image_headers())

    @get("/{session_id:int}/attendance")
    async def attendance_list(self, principal: Caller, session_id: PathId) -> Page[AttendanceRead]:
        rows = await attendance.attendance(principal, session_id)
        return Page(items=[msgspec.convert(r, AttendanceRead) for r in rows], total=len(rows))

    @get("/{session_id:int}/live", media_type="text/event-stream")
    async def live_events(self, principal: Caller, session_id: PathId) -> ServerSentEvent:
        """Server-sent events: ``changed`` whenever the attendance list changes, from any worker."""
        return ServerSentEvent(await attendance.live_changes(principal, session_id),
                               headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})

    @get("/{session_id:int}/attendance.csv", media_type="text/csv")
    async def attendance_csv(self, principal: Caller, session_id: PathId) -> Response[bytes]:
        content, filename = await attendance.attendance_csv(principal, session_id)
        return Response(content, media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f"attachment; filename=\"attendance-{session_id}.csv\"; filename*=UTF-8''{filename}"})

    @post("/{session_id:int}/scans", status_code=200)
    async def sync_scans(self, principal: Caller, session_id: PathId,
                         data: JSONBody[ScanBatchCreate]) -> ScanBatchRead:
        results = await attendance.sync_scans(principal, session_id, [msgspec.structs.asdict(i) for i in data.items])
        return ScanBatchRead(results=[msgspec.convert(r, ScanResult) for r in results])

    @post("/{session_id:int}/checkins", status_code=HTTP_201_CREATED)
    async def manual_checkin(self, principal: Caller, session_id: PathId,
                             data: JSONBody[ManualCheckinCreate]) -> Response[CheckinRead]:
        result = await attendance.manual_add(principal, session_id, data.person_id, data.reason)
        return Response(msgspec.convert(result.body, CheckinRead),
                        status_code=HTTP_201_CREATED if result.created else HTTP_200_OK)


class CheckinController(Controller):
    path = "/api"
    tags = ["attendance"]

    @post("/claims", exclude_from_auth=True, status_code=HTTP_201_CREATED, throttled=True)
    async def create_claim(self, data: JSONBody[ClaimCreate], request: Request) -> ClaimRead:
        claim = await attendance.create_claim(data.session_id, data.code, ip=client_ip(request),
                                              settings=request.app.state.settings)
        return msgspec.convert(claim, ClaimRead)

    @post("/checkins", status_code=HTTP_201_CREATED, skip_compression=True, throttled=True)
    async def check_in(self, principal: Caller, data: JSONBody[CheckinCreate], request: Request) -> Response[CheckinRead]:
        # The hot path reads the settings off the app: injecting ``state`` copies it per request.
        settings = request.app.state.settings
        if data.claim:
            result = await attendance.check_in_with_claim(principal, data.claim, settings)
        elif data.session_id is not None and data.code:
            result = await attendance.check_in_with_code(principal, data.session_id, data.code, settings)
        else:
            raise Invalid("code", "请提供 session_id 和 code，或 claim")
        # The body already has CheckinRead's shape (a test holds it to that);
        # encoding the dict directly spares the hot path a conversion.
        return Response(result.body, status_code=HTTP_201_CREATED if result.created else HTTP_200_OK)

    @post("/checkouts", status_code=HTTP_200_OK, throttled=True)
    async def check_out(self, principal: Caller, data: JSONBody[CheckoutCreate], state: State) -> CheckinRead:
        result = await attendance.check_out(principal, data.session_id, data.code, state.settings)
        return msgspec.convert(result.body, CheckinRead)

    @get("/me/personal-code")
    async def personal_code(self, principal: Caller) -> Response[PersonalCodeRead]:
        body = msgspec.convert(await attendance.personal_code(principal), PersonalCodeRead)
        return Response(body, headers={"Cache-Control": "no-store"})

    @post("/checkins/{checkin_id:int}/undo", status_code=HTTP_204_NO_CONTENT)
    async def undo(self, principal: Caller, checkin_id: PathId, data: JSONBody[ReasonUpdate]) -> None:
        await attendance.undo(principal, checkin_id, data.reason)

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
from server.security import Caller, client_ip
from server.services import attendance, trainings
from server.services.attendance import CheckinRead  # check_in's annotation (the lead's hot path, left as it was)
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


class CheckinCreate(msgspec.Struct):
    session_id: Id | None = None
    code: Code | None = None
    claim: Annotated[str, msgspec.Meta(min_length=8, max_length=100)] | None = None


class ManualCheckinCreate(msgspec.Struct):
    person_id: Id
    reason: Annotated[str, msgspec.Meta(max_length=200)]


class CheckoutCreate(msgspec.Struct):
    session_id: Id
    code: Code


class ScanItem(msgspec.Struct):
    payload: Annotated[str, msgspec.Meta(max_length=100)]
    scanned_at: dt.datetime
    client_id: Annotated[str, msgspec.Meta(max_length=64)] = ""


class ScanBatchCreate(msgspec.Struct):
    items: Annotated[list[ScanItem], msgspec.Meta(min_length=1, max_length=1000)]


Phase = Annotated[Literal["checkin", "checkout"], QueryParameter()]


def _qr_image_headers() -> dict[str, str]:
    # The code rotates: no cache may ever hand out an old one.
    return {"Cache-Control": "no-store"}


Since = Annotated[dt.date, QueryParameter(name="from")]
Until = Annotated[dt.date, QueryParameter()]


class SessionController(Controller):
    path = "/api/sessions"
    tags = ["attendance"]

    @get("")
    async def agenda(self, principal: Caller, day_from: Since, to: Until) -> Page[trainings.AgendaRead]:
        return await trainings.agenda(principal, day_from, to)

    @get("/{session_id:int}")
    async def detail(self, principal: Caller, session_id: PathId) -> trainings.SessionDetailRead:
        return await trainings.session_detail(principal, session_id)

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
    async def attendance_list(self, principal: Caller, session_id: PathId) -> Page[attendance.AttendanceRead]:
        return await attendance.attendance(principal, session_id)

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
                         data: JSONBody[ScanBatchCreate]) -> attendance.ScanBatchRead:
        return await attendance.sync_scans(principal, session_id, [msgspec.structs.asdict(i) for i in data.items])

    @post("/{session_id:int}/checkins", status_code=HTTP_201_CREATED)
    async def manual_checkin(self, principal: Caller, session_id: PathId,
                             data: JSONBody[ManualCheckinCreate]) -> Response[attendance.CheckinRead]:
        result = await attendance.manual_add(principal, session_id, data.person_id, data.reason)
        return Response(result.checkin, status_code=HTTP_201_CREATED if result.created else HTTP_200_OK)


class CheckinController(Controller):
    path = "/api"
    tags = ["attendance"]

    @post("/claims", exclude_from_auth=True, status_code=HTTP_201_CREATED, throttled=True)
    async def create_claim(self, data: JSONBody[ClaimCreate], request: Request) -> attendance.ClaimRead:
        return await attendance.create_claim(data.session_id, data.code, ip=client_ip(request),
                                             settings=request.app.state.settings)

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
    async def check_out(self, principal: Caller, data: JSONBody[CheckoutCreate],
                        state: State) -> attendance.CheckinRead:
        return await attendance.check_out(principal, data.session_id, data.code, state.settings)

    @get("/me/personal-code")
    async def personal_code(self, principal: Caller) -> Response[attendance.PersonalCodeRead]:
        return Response(await attendance.personal_code(principal), headers={"Cache-Control": "no-store"})

    @post("/checkins/{checkin_id:int}/undo", status_code=HTTP_204_NO_CONTENT)
    async def undo(self, principal: Caller, checkin_id: PathId, data: JSONBody[ReasonUpdate]) -> None:
        await attendance.undo(principal, checkin_id, data.reason)

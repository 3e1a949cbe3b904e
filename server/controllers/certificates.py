"""Credit certificates: the caller's PDF, and public verification (JSON and a page)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

import msgspec
from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath, QueryParameter

from server import clock
from server.controllers import verify_pages
from server.security import Caller
from server.services import certificates, documents
from server.services.errors import NotFound


class CertificateLineRead(msgspec.Struct):
    date: str
    title: str
    credit_class: str
    credits: float
    hours: float
    source: str
    source_label: str


class CertificateVerification(msgspec.Struct):
    valid: bool
    code: str
    name: str
    id_number: str
    unit: str
    department: str | None
    year: int
    credits_total: float
    class_i_total: float
    class_ii_total: float
    hours_total: float
    issued_at: str
    lines: list[CertificateLineRead]
    # 失信惩戒期: a dishonesty record in force when the certificate was issued.
    dishonesty: str | None = None

    @classmethod
    def of(cls, data: certificates.CertificateData) -> "CertificateVerification":
        return cls(
            valid=True, code=data.code, name=data.name, id_number=data.id_number, unit=data.unit,
            department=data.department, year=data.year, credits_total=data.credits_total,
            class_i_total=data.class_i_total, class_ii_total=data.class_ii_total,
            hours_total=data.hours_total, issued_at=data.issued_at, dishonesty=data.dishonesty,
            lines=[msgspec.convert(line, CertificateLineRead, from_attributes=True) for line in data.lines],
        )


class ReportPersonRead(msgspec.Struct):
    name: str
    person_no: str = ""
    line: str = ""


class ReportVerification(msgspec.Struct):
    """A printed report's verification (credit proof, multi-year verification, register)."""

    valid: bool
    code: str
    kind: str
    title: str
    issued_at: str
    facts: list[tuple[str, str]]
    people: list[ReportPersonRead]

    @classmethod
    def of(cls, report: dict) -> "ReportVerification":
        return msgspec.convert({**report, "valid": True}, cls)


def _base_url(request: Request, state: State) -> str:
    return state.settings.base_url or str(request.base_url).rstrip("/")


def _this_year() -> int:
    return clock.today().year


class CertificateController(Controller):
    path = ""
    tags = ["certificates"]

    @get("/api/me/certificate.pdf", media_type="application/pdf")
    async def my_certificate(
        self,
        principal: Caller,
        request: Request,
        state: State,
        year: Annotated[int | None, QueryParameter(ge=certificates.MIN_YEAR, le=certificates.MAX_YEAR)] = None,
    ) -> Response[bytes]:
        """The caller's effective credits for ``year`` (default: this year) as a PDF."""
        issued = await certificates.certificate_pdf(
            principal, year or _this_year(), base_url=_base_url(request, state)
        )
        data = issued.data
        filename = f"{data.year}年度学分证明-{data.name}.pdf"
        return Response(
            issued.pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="certificate-{data.year}.pdf"; '
                    f"filename*=UTF-8''{quote(filename)}"
                ),
                "Cache-Control": "no-store",
                "X-Certificate-Code": data.code,
            },
        )

    @get("/api/verify/{code:str}", exclude_from_auth=True)
    async def verify(self, code: FromPath[str]) -> CertificateVerification | ReportVerification:
        """Public: what the certificate or printed report with this code says; 404 ``certificate_not_found``."""
        found = await documents.lookup(code)
        return ReportVerification.of(found) if isinstance(found, dict) else CertificateVerification.of(found)

    @get("/v/{code:str}", exclude_from_auth=True, include_in_schema=False)
    async def verify_page(self, code: FromPath[str]) -> Response[str]:
        """Public page a certificate's or report's QR opens: 有效 with details, or 证书无效 (404)."""
        try:
            found = await documents.lookup(code)
        except NotFound:
            page, status = verify_pages.certificate_page(None, code), 404
        else:
            page, status = (verify_pages.report_page(found) if isinstance(found, dict)
                            else verify_pages.certificate_page(found, code)), 200
        return Response(page, media_type=MediaType.HTML, status_code=status, headers=dict(verify_pages.HEADERS))

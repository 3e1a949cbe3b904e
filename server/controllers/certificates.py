"""Credit certificates: the caller's PDF, and public verification (JSON and a page)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from litestar import Controller, MediaType, Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath, QueryParameter

from server import clock
from server.controllers import verify_pages
from server.security import Caller
from server.services import certificates, documents
from server.services.errors import NotFound


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
    async def verify(self, code: FromPath[str]) -> documents.CertificateVerification | documents.ReportVerification:
        """Public: what the certificate or printed report with this code says; 404 ``certificate_not_found``."""
        return await documents.verify(code)

    @get("/v/{code:str}", exclude_from_auth=True, include_in_schema=False)
    async def verify_page(self, code: FromPath[str]) -> Response[str]:
        """Public page a certificate's or report's QR opens: 有效 with details, or 证书无效 (404)."""
        try:
            found = await documents.lookup(code)
        except NotFound:
            page, status = verify_pages.certificate_page(None, code), 404
        else:
            page, status = (verify_pages.report_page(found) if isinstance(found, documents.ReportVerification)
                            else verify_pages.certificate_page(found, code)), 200
        return Response(page, media_type=MediaType.HTML, status_code=status, headers=dict(verify_pages.HEADERS))

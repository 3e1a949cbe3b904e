"""Evidence files of credit records: upload, download, thumbnail, delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar
from urllib.parse import quote

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter
from litestar.response import File
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from server.controllers.schemas import PathId
from server.security import Caller
from server.services import evidence

# Never stored by any cache: a department's shared PC must not show one
# person's proof to the next user, even after logout (issue 9).
CACHE_CONTROL = "no-store"


@dataclass
class EvidenceUpload:
    file: UploadFile


class PagesRead(msgspec.Struct):
    count: int  # pages of a PDF proof that /pages/{n} renders (at most evidence.MAX_PAGES)


PageNumber = Annotated[int, PathParameter(ge=1, le=evidence.MAX_PAGES)]


def file_response(download: evidence.Download, *, inline: bool) -> File:
    kind = "inline" if inline else "attachment"
    # An ASCII name for old clients, the real one (RFC 6266) for the rest.
    disposition = f"{kind}; filename=\"{download.ascii_name}\"; filename*=UTF-8''{quote(download.filename)}"
    return File(path=download.path, media_type=download.content_type, filename=download.ascii_name,
                content_disposition_type=kind,
                headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff",
                         "Cache-Control": CACHE_CONTROL})


class EvidenceController(Controller):
    tags: ClassVar[list[str]] = ["credits"]

    @post("/api/credits/{credit_id:int}/evidence", status_code=HTTP_201_CREATED)
    async def upload(self, principal: Caller, credit_id: PathId, state: State,
                     data: Annotated[EvidenceUpload, Body(media_type=RequestEncodingType.MULTI_PART)],
                     ) -> evidence.EvidenceRead:
        # Read one byte past the limit: enough to know it is too large.
        try:
            content = await data.file.read(evidence.MAX_BYTES + 1)
        finally:
            await data.file.close()
        return await evidence.upload(principal, credit_id, content, data.file.filename, state.settings)

    # Photos and PDFs are compressed already.
    @get("/api/evidence/{evidence_id:int}", skip_compression=True)
    async def download(self, principal: Caller, evidence_id: PathId, state: State) -> File:
        found = await evidence.open_file(principal, evidence_id, state.settings)
        return file_response(found, inline=found.content_type.startswith("image/"))

    @get("/api/evidence/{evidence_id:int}/thumb", skip_compression=True)
    async def thumb(self, principal: Caller, evidence_id: PathId, state: State) -> File:
        return file_response(await evidence.open_file(principal, evidence_id, state.settings, thumb=True), inline=True)

    @get("/api/evidence/{evidence_id:int}/pages")
    async def pages(self, principal: Caller, evidence_id: PathId, state: State) -> PagesRead:
        return PagesRead(count=await evidence.pdf_page_count(principal, evidence_id, state.settings))

    @get("/api/evidence/{evidence_id:int}/pages/{page:int}", skip_compression=True, media_type="image/jpeg")
    async def page(self, principal: Caller, evidence_id: PathId, page: PageNumber, state: State) -> Response[bytes]:
        image = await evidence.pdf_page(principal, evidence_id, page, state.settings)
        return Response(image, media_type="image/jpeg", headers={"Cache-Control": CACHE_CONTROL})

    @delete("/api/evidence/{evidence_id:int}", status_code=HTTP_204_NO_CONTENT)
    async def remove(self, principal: Caller, evidence_id: PathId, state: State) -> None:
        await evidence.delete(principal, evidence_id, state.settings)

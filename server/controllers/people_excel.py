"""People as Excel workbooks: the import template, the import, and the export of the filtered list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from server.controllers.people import Choice, LevelQ, Q, StaffingQ, StatusQ, filters
from server.boundary import declared_query_only
from server.controllers.schemas import QueryId
from server.security import Caller
from server.services import people_excel

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class WorkbookUpload:
    file: UploadFile


def workbook(body: bytes, filename: str, ascii_name: str) -> Response[bytes]:
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content=body, media_type=XLSX, headers={"Content-Disposition": disposition,
                                                            "X-Content-Type-Options": "nosniff"})


class PeopleExcelController(Controller):
    path = "/api"
    tags = ["people"]

    @get("/people/template.xlsx", media_type=XLSX)
    async def template(self, principal: Caller) -> Response[bytes]:
        return workbook(await people_excel.template(principal), "人员导入模板.xlsx", "people-template.xlsx")

    @post("/people/import", status_code=200)
    async def import_people(self, principal: Caller, data: Annotated[
            WorkbookUpload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> people_excel.ImportRead:
        try:
            # One byte past the limit is enough to know it is too large.
            content = await data.file.read(people_excel.MAX_BYTES + 1)
        finally:
            await data.file.close()
        return await people_excel.import_people(principal, content)

    @get("/people.xlsx", media_type=XLSX, guards=[declared_query_only])
    async def export(self, principal: Caller, q: Q = "", department_id: QueryId = None, status: StatusQ = None,
                     title_level: LevelQ = None, title: Choice = None, specialty: Choice = None,
                     staffing: StaffingQ = None) -> Response[bytes]:
        body = await people_excel.export(principal, filters(q, department_id, status, title_level, title, specialty,
                                                            staffing))
        return workbook(body, "人员名单.xlsx", "people.xlsx")

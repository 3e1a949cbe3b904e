"""History from the old system: the template and import (unit and region admins), the trainee's 历史记录."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body

from server.controllers.people_excel import XLSX, WorkbookUpload, workbook
from server.security import Caller
from server.services import history, people_excel


class HistoryController(Controller):
    path = "/api"
    tags = ["history"]

    @get("/history/template.xlsx", media_type=XLSX)
    async def template(self, principal: Caller) -> Response[bytes]:
        return workbook(await history.template(principal), "历史数据导入模板.xlsx", "history-template.xlsx")

    @post("/history/import", status_code=200)
    async def import_history(self, principal: Caller, data: Annotated[
            WorkbookUpload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> history.HistoryImportRead:
        try:
            content = await data.file.read(people_excel.MAX_BYTES + 1)
        finally:
            await data.file.close()
        return await history.import_history(principal, content)

    @get("/me/history")
    async def my_history(self, principal: Caller) -> history.HistoryRead:
        return await history.my_history(principal)

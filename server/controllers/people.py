"""People in the caller's scope: list, record, add, edit; per-year title and status; the change log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, PathParameter, QueryParameter
from litestar.response import File
from litestar.status_codes import HTTP_204_NO_CONTENT

from server.boundary import declared_query_only
from server.controllers.schemas import Id, Page, PathId, QueryId
from server.security import Caller
from server.services import people, people_changes, people_photo, people_years, titles
from server.tables.enums import PersonStatus, Staffing, TitleLevel

Year = Annotated[int, msgspec.Meta(ge=1900, le=2100)]
PathYear = Annotated[int, PathParameter(ge=1, le=9999)]
Text50 = Annotated[str, msgspec.Meta(max_length=50)]
PageNo = Annotated[int, QueryParameter(ge=1, le=100000)]
PageSize = Annotated[int, QueryParameter(ge=1, le=100)]


@dataclass
class PhotoUpload:
    file: UploadFile


class PersonCreate(msgspec.Struct):
    id_number: Annotated[str, msgspec.Meta(min_length=1, max_length=18)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    department_id: Id | None = None
    title: Text50 = ""
    title_level: TitleLevel = TitleLevel.none
    title_assessed_on: dt.date | None = None
    appointment_year: int | None = None
    staffing: Staffing = Staffing.on_staff
    status: PersonStatus = PersonStatus.active
    phone: Annotated[str, msgspec.Meta(max_length=20)] = ""
    specialty: Text50 = ""
    person_no: Annotated[str, msgspec.Meta(max_length=20)] | None = None
    position: Text50 = ""
    joins_cme: bool = True


class PersonUpdate(msgspec.Struct, forbid_unknown_fields=True):
    """Any of the record's fields (seed 001 §2.1 编辑); sex and birth date follow the ID number."""

    id_number: Annotated[str, msgspec.Meta(min_length=1, max_length=18)] | msgspec.UnsetType = msgspec.UNSET
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    department_id: Id | msgspec.UnsetType = msgspec.UNSET
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    title_level: TitleLevel | msgspec.UnsetType = msgspec.UNSET
    title_assessed_on: dt.date | None | msgspec.UnsetType = msgspec.UNSET
    # null is 未聘任 (not appointed).
    appointment_year: int | None | msgspec.UnsetType = msgspec.UNSET
    staffing: Staffing | msgspec.UnsetType = msgspec.UNSET
    status: PersonStatus | msgspec.UnsetType = msgspec.UNSET
    phone: Annotated[str, msgspec.Meta(max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    specialty: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | msgspec.UnsetType = msgspec.UNSET
    person_no: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | msgspec.UnsetType = msgspec.UNSET
    position: Text50 | msgspec.UnsetType = msgspec.UNSET
    joins_cme: bool | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict:
        values = {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}
        return {k: (v.value if isinstance(v, (TitleLevel, Staffing, PersonStatus)) else v) for k, v in values.items()}


class YearWrite(msgspec.Struct, forbid_unknown_fields=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    status: PersonStatus
    title_level: TitleLevel | None = None
    title_assessed_on: dt.date | None = None
    remark: Annotated[str, msgspec.Meta(max_length=200)] = ""

    def form(self) -> people_years.YearForm:
        return people_years.YearForm(title=self.title, status=self.status.value, remark=self.remark,
                                     title_level=self.title_level.value if self.title_level else None,
                                     title_assessed_on=self.title_assessed_on)


class YearCreate(msgspec.Struct, forbid_unknown_fields=True):
    year: Year
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=50)]
    status: PersonStatus
    title_level: TitleLevel | None = None
    title_assessed_on: dt.date | None = None
    remark: Annotated[str, msgspec.Meta(max_length=200)] = ""

    form = YearWrite.form


class BatchWrite(msgspec.Struct, forbid_unknown_fields=True):
    ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=people_years.MAX_BATCH)]
    year: Year
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=50)] | None = None
    title_level: TitleLevel | None = None
    status: PersonStatus | None = None

    def change(self) -> people_years.BatchChange:
        return people_years.BatchChange(ids=list(self.ids), year=self.year, title=self.title,
                                        title_level=self.title_level.value if self.title_level else None,
                                        status=self.status.value if self.status else None)


# Not BatchRead: that name is the per-record answer of approve/reject batches (services/results.py).
class BatchUpdated(msgspec.Struct):
    updated: int


class TitleChoice(msgspec.Struct):
    title: str
    level: str


class ChoicesRead(msgspec.Struct):
    """The drop-down lists of a person's record and the list's filters (seed 001 §2.1)."""

    titles: list[TitleChoice]
    specialties: list[str]
    title_levels: list[str]
    staffings: list[str]
    statuses: list[str]
    change_actions: dict[str, str]
    field_labels: dict[str, str]


def filters(q: str, department_id: int | None, status: PersonStatus | None, title_level: TitleLevel | None,
            title: str | None, specialty: str | None, staffing: Staffing | None) -> people.PeopleFilter:
    return people.PeopleFilter(q=q, department_id=department_id, status=status.value if status else None,
                               title_level=title_level.value if title_level else None, title=title,
                               specialty=specialty, staffing=staffing.value if staffing else None)


Q = Annotated[str, QueryParameter(max_length=50)]
Choice = Annotated[str | None, QueryParameter(min_length=1, max_length=50)]
StatusQ = Annotated[PersonStatus | None, QueryParameter()]
LevelQ = Annotated[TitleLevel | None, QueryParameter()]
StaffingQ = Annotated[Staffing | None, QueryParameter()]
DateQ = Annotated[dt.date | None, QueryParameter()]


class PeopleController(Controller):
    path = "/api/people"
    tags = ["people"]

    @get("", guards=[declared_query_only])
    async def list_people(self, principal: Caller, q: Q = "", department_id: QueryId = None,
                          status: StatusQ = None, title_level: LevelQ = None,
                          title: Choice = None, specialty: Choice = None, staffing: StaffingQ = None,
                          page: PageNo = 1, page_size: PageSize = 20) -> Page[people.PersonRead]:
        return await people.list_people(principal, filters(q, department_id, status, title_level, title, specialty,
                                                           staffing), page=page, page_size=page_size)

    @post("", status_code=201)
    async def create_person(self, principal: Caller, data: JSONBody[PersonCreate]) -> people.PersonRead:
        new = people.NewPerson(**{f: getattr(data, f) for f in data.__struct_fields__})
        for key in ("title_level", "staffing", "status"):
            setattr(new, key, getattr(new, key).value)
        return await people.create_person(principal, new)

    @get("/choices")
    async def choices(self, principal: Caller) -> ChoicesRead:
        return ChoicesRead(titles=[TitleChoice(t, level) for t, level in titles.TITLE_LEVELS.items()],
                           specialties=list(titles.SPECIALTIES), title_levels=[v.value for v in TitleLevel],
                           staffings=[v.value for v in Staffing], statuses=[v.value for v in PersonStatus],
                           change_actions=dict(people_changes.ACTIONS), field_labels=dict(people.FIELD_LABELS))

    @get("/{person_id:int}")
    async def get_person(self, principal: Caller, person_id: PathId) -> people.PersonRead:
        return await people.get_person(principal, person_id)

    @patch("/{person_id:int}")
    async def update_person(self, principal: Caller, person_id: PathId,
                            data: JSONBody[PersonUpdate]) -> people.PersonRead:
        return await people.update_person(principal, person_id, data.changes())

    @get("/{person_id:int}/changes")
    async def person_changes(self, principal: Caller, person_id: PathId, page: PageNo = 1,
                             page_size: PageSize = 20) -> Page[people_changes.ChangeRead]:
        return await people_changes.list_changes(principal, people_changes.ChangeFilter(person_id=person_id),
                                                 page=page, page_size=page_size)

    @get("/changes")
    async def changes(self, principal: Caller, q: Q = "", account: Q = "", action: Choice = None,
                      department_id: QueryId = None, date_from: DateQ = None, date_to: DateQ = None,
                      page: PageNo = 1, page_size: PageSize = 20) -> Page[people_changes.ChangeRead]:
        f = people_changes.ChangeFilter(q=q, account=account, action=action, department_id=department_id,
                                        date_from=date_from, date_to=date_to)
        return await people_changes.list_changes(principal, f, page=page, page_size=page_size)

    @get("/{person_id:int}/years")
    async def years(self, principal: Caller, person_id: PathId) -> Page[people_years.YearRead]:
        items = await people_years.list_years(principal, person_id)
        return Page(items=items, total=len(items))

    @post("/{person_id:int}/years", status_code=201)
    async def add_year(self, principal: Caller, person_id: PathId,
                       data: JSONBody[YearCreate]) -> people_years.YearRead:
        return await people_years.add_year(principal, person_id, data.year, data.form())

    @put("/{person_id:int}/years/{year:int}")
    async def update_year(self, principal: Caller, person_id: PathId, year: PathYear,
                          data: JSONBody[YearWrite]) -> people_years.YearRead:
        return await people_years.update_year(principal, person_id, year, data.form())

    @delete("/{person_id:int}/years/{year:int}", status_code=HTTP_204_NO_CONTENT)
    async def delete_year(self, principal: Caller, person_id: PathId, year: PathYear) -> None:
        await people_years.delete_year(principal, person_id, year)

    @post("/batch", status_code=200)
    async def batch(self, principal: Caller, data: JSONBody[BatchWrite]) -> BatchUpdated:
        return BatchUpdated(updated=await people_years.batch(principal, data.change()))

    @post("/batch/preview", status_code=200)
    async def batch_preview(self, principal: Caller, data: JSONBody[BatchWrite]) -> people_years.BatchPreview:
        return await people_years.preview(principal, data.change())

    @post("/{person_id:int}/photo", status_code=200)
    async def upload_photo(self, principal: Caller, person_id: PathId, state: State, data: Annotated[
            PhotoUpload, Body(media_type=RequestEncodingType.MULTI_PART)]) -> people.PersonRead:
        try:
            content = await data.file.read(people_photo.MAX_BYTES + 1)
        finally:
            await data.file.close()
        return await people_photo.upload(principal, person_id, content, state.settings)

    # A face photo is personal data: never kept by the browser or a shared cache.
    @get("/{person_id:int}/photo", skip_compression=True)
    async def photo(self, principal: Caller, person_id: PathId, state: State) -> File:
        return File(path=await people_photo.path(principal, person_id, state.settings), media_type="image/jpeg",
                    content_disposition_type="inline", filename="photo.jpg",
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

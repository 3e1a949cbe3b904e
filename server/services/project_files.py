"""A CME project's files: the application's attachments and the 举办通知 of a delegated project.

The same recognition and cleaning as credit evidence (``services/evidence.py``:
images re-encoded without EXIF, PDFs checked whole, 10 MB at most) and the same
media store; the keys live under ``project/``. A file is written before its row
and removed again if the row can't be inserted; a row is deleted before its files.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import PurePosixPath

from server import db
from server.services import audit, evidence, media
from server.services.errors import Conflict, Forbidden, NotFound, PayloadTooLarge
from server.services.principal import Principal
from server.services.projects import ProjectFileRead, load
from server.settings import Settings
from server.tables import Project, ProjectFile
from server.tables.enums import PrepStatus, ProjectFileKind, ProjectStatus

MAX_FILES_PER_PROJECT = 20
_NOT_FOUND = ("file_not_found", "文件不存在或无权查看")
_KIND_WORDS = {ProjectFileKind.attachment.value: "申报附件", ProjectFileKind.notice.value: "举办通知"}


def present(row: dict) -> ProjectFileRead:
    return ProjectFileRead(id=row["id"], kind=row["kind"], content_type=row["content_type"], size=row["size"],
                           filename=row["filename"], created_at=row["created_at"],
                           url=f"/api/project-files/{row['id']}")


async def files_of(project_id: int) -> list[ProjectFileRead]:
    rows = await ProjectFile.select(ProjectFile.id, ProjectFile.kind, ProjectFile.content_type, ProjectFile.size,
                                    ProjectFile.filename, ProjectFile.created_at).where(
        ProjectFile.project == project_id).order_by(ProjectFile.id)
    return [present(r) for r in rows]


def _may_change(row: dict, acc, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Attachments belong to the application while it is editable; the notice to the
    delegated department until the unit has checked the pre-event information."""
    if kind == ProjectFileKind.attachment.value:
        if not acc.department:
            raise Forbidden("forbidden", "只有申报科室可以上传申报附件")
        if row["status"] not in (ProjectStatus.draft.value, ProjectStatus.returned.value):
            raise Conflict("invalid_state", "项目已提交或已审核，不能修改附件")
        return
    if not acc.delegated:
        if row["status"] == ProjectStatus.published.value and row["training"] is None:
            raise Conflict("not_delegated", "单位尚未指定代办科室")
        raise Forbidden("forbidden", "只有代办科室可以上传举办通知")
    if row["prep_status"] not in (PrepStatus.open.value, PrepStatus.returned.value):
        raise Conflict("invalid_state", "举办前信息已提交单位审核，不能修改举办通知")


async def upload(principal: Principal, project_id: int, kind: str, data: bytes, filename: str | None,
                 settings: Settings) -> ProjectFileRead:
    row, acc = await load(principal, project_id)
    _may_change(row, acc, kind)
    if len(data) > evidence.MAX_BYTES:
        raise PayloadTooLarge("file_too_large", "上传的文件过大，单个文件不能超过 10 MB")
    # Photos are decoded on the evidence pool: a bounded number at once.
    stored = await asyncio.get_running_loop().run_in_executor(evidence.IMAGE_POOL, evidence.clean, data)
    key, thumb_key = await asyncio.to_thread(evidence.store_file, media.store(settings), stored, "project")
    name = evidence.display_name(filename)
    try:
        async with ProjectFile._meta.db.transaction():
            # Counted under the project's row lock: on PostgreSQL a plain transaction let ten
            # parallel uploads all count 16 and make 26 files (SQLite's writer is exclusive already).
            await db.lock_row(Project, project_id)
            # Read again under the lock: a submission that committed meanwhile froze the files.
            _may_change(*await load(principal, project_id), kind)
            if await ProjectFile.count().where(ProjectFile.project == project_id) >= MAX_FILES_PER_PROJECT:
                raise Conflict("too_many_files", f"每个项目最多上传 {MAX_FILES_PER_PROJECT} 个文件")
            file = ProjectFile(project=project_id, kind=kind, content_type=stored.content_type,
                               size=len(stored.body), storage_key=key, thumb_key=thumb_key, filename=name,
                               sha256=hashlib.sha256(stored.body).hexdigest(), uploaded_by=principal.account_id)
            await file.save()
            await audit.record("project_file_upload", principal=principal, target_type="project",
                               target_id=project_id, detail=f"项目《{row['title']}》上传{_KIND_WORDS[kind]} {name}")
    except BaseException:
        await media.store(settings).remove([key, thumb_key])
        raise
    return present({**file.to_dict(), "id": file.id})


async def _visible(principal: Principal, file_id: int) -> tuple[dict, dict, object]:
    file = await ProjectFile.select(*ProjectFile.all_columns()).where(ProjectFile.id == file_id).first()
    if file is None:
        raise NotFound(*_NOT_FOUND)
    try:
        row, acc = await load(principal, file["project"])
    except NotFound:
        raise NotFound(*_NOT_FOUND) from None
    return file, row, acc


async def open_file(principal: Principal, file_id: int, settings: Settings) -> evidence.Download:
    file, _, _ = await _visible(principal, file_id)
    path = media.store(settings).path(file["storage_key"])
    if not await asyncio.to_thread(path.is_file):
        raise NotFound(*_NOT_FOUND)
    ext = PurePosixPath(file["storage_key"]).suffix
    stem = PurePosixPath(file["filename"]).stem or f"project-file-{file_id}"
    return evidence.Download(path=path, content_type=file["content_type"], filename=f"{stem}{ext}",
                             ascii_name=f"project-file-{file_id}{ext}")


async def delete(principal: Principal, file_id: int, settings: Settings) -> None:
    file, row, acc = await _visible(principal, file_id)
    _may_change(row, acc, file["kind"])
    async with ProjectFile._meta.db.transaction():
        gone = await ProjectFile.delete().where(ProjectFile.id == file_id).returning(ProjectFile.id)
        if not gone:
            raise NotFound(*_NOT_FOUND)
        await audit.record("project_file_delete", principal=principal, target_type="project", target_id=row["id"],
                           detail=f"项目《{row['title']}》删除{_KIND_WORDS[file['kind']]} {file['filename']}")
    await media.store(settings).remove([file["storage_key"], file["thumb_key"]])


"""Evidence files attached to credit records: recognised, cleaned and stored.

A file is recognised by its first bytes, never by its name or the type the
client claims: JPEG, PNG, HEIC/HEIF photos and PDF documents are accepted,
anything else is 415. Photos are decoded and encoded again, which drops EXIF
(GPS position included), XMP and comments from what we keep; the moment the
photo was taken is kept as a field instead. HEIC becomes JPEG because
browsers other than Safari can't show HEIC. PDFs are stored byte for byte.

The bytes live under ``$JIJIAO_DATA_DIR/evidence/<yyyy>/<mm>/`` with random
names; the database row names them. A file is written before its row and
removed again if the row can't be inserted; a row is deleted before its files,
so no row ever points at a missing file.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import logging
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from piccolo.query.functions.aggregate import Count
from PIL import Image, ImageOps, UnidentifiedImageError

from server import db
from server.clock import CHINA, china_time, now
from server.services import audit, entries, media
from server.services.credits import EvidenceRead, drafts_hidden, reviewers_where
from server.services.errors import (
    Conflict,
    NotFound,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from server.services.principal import Principal
from server.settings import Settings
from server.tables import Credit
from server.tables.enums import CreditStatus
from server.tables.evidence import Evidence

log = logging.getLogger("jijiao")

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_CREDIT = 20
# A phone photo is 12-50 Mpx; more than this is a decompression bomb, refused
# from the header before any pixel is decoded.
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560
THUMB_SIDE = 320
JPEG_QUALITY = 85
THUMB_QUALITY = 80
# EXIF times are the camera's local time; our users' cameras are in China.

IMAGE_WORKERS = 2
IMAGE_POOL = ThreadPoolExecutor(max_workers=IMAGE_WORKERS, thread_name_prefix="evidence-image")

JPEG, PNG, HEIC, PDF = "jpeg", "png", "heic", "pdf"
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1", b"msf1"}
# A generic brand (mif1/msf1) is also listed by AVIF files: as a compatible
# brand only the HEVC ones say "HEIC".
_HEVC_BRANDS = _HEIF_BRANDS - {b"mif1", b"msf1"}
_PIL_FORMATS = {JPEG: "JPEG", PNG: "PNG", HEIC: "HEIF"}

_TOO_LARGE = ("file_too_large", "上传的文件过大，单个文件不能超过 10 MB")
_UNSUPPORTED = ("unsupported_type", "只能上传 JPEG、PNG、HEIC 图片或 PDF 文件")
_NOT_FOUND = ("evidence_not_found", "证明材料不存在或无权查看")

_heif_registered = False


def _register_heif() -> None:
    """Teach Pillow to open HEIC (once; pillow-heif keeps a registry)."""
    global _heif_registered
    if not _heif_registered:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_registered = True


# -- recognising -------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes start, or None for anything we don't take."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"%PDF-"):
        return PDF
    if len(head) >= 12 and head[4:8] == b"ftyp":
        box_size = int.from_bytes(head[0:4], "big")
        if head[8:12] in _HEIF_BRANDS:
            return HEIC
        compatible = head[16:min(box_size, len(head))]
        brands = {compatible[i:i + 4] for i in range(0, len(compatible) - 3, 4)}
        if brands & _HEVC_BRANDS:
            return HEIC
    return None


# -- cleaning ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stored:
    """What we keep of an upload: the cleaned file, its thumbnail and facts about it."""

    content_type: str
    ext: str
    body: bytes
    thumb: bytes | None
    width: int | None
    height: int | None
    captured_at: dt.datetime | None


def _unsupported(detail: str | None = None) -> UnsupportedMediaType:
    return UnsupportedMediaType(_UNSUPPORTED[0], detail or _UNSUPPORTED[1])


def _captured_at(exif: Image.Exif) -> dt.datetime | None:
    """DateTimeOriginal (or the file's DateTime), as an aware time; None when absent or nonsense."""
    sub = exif.get_ifd(0x8769)
    raw, offset = sub.get(36867), sub.get(36881)  # DateTimeOriginal, OffsetTimeOriginal
    if not raw:
        raw, offset = exif.get(306), sub.get(36880)  # DateTime, OffsetTime
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    try:
        moment = dt.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    zone = CHINA
    if isinstance(offset, str) and (m := re.fullmatch(r"([+-])(\d\d):(\d\d)", offset.strip("\x00 "))):
        minutes = int(m.group(2)) * 60 + int(m.group(3))
        zone = dt.timezone(dt.timedelta(minutes=minutes if m.group(1) == "+" else -minutes))
    if not 1990 <= moment.year <= 2100:
        return None
    # Kept in UTC like every other time we store and show.
    return moment.replace(tzinfo=zone).astimezone(dt.UTC)


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency on white, CMYK/greyscale/palette converted."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, "white")
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    # Nothing of the source's metadata (EXIF, XMP, comments, text chunks) is
    # carried over; the colour profile is colour, not personal data, and
    # without it a wide-gamut phone photo comes out dull.
    icc = image.info.get("icc_profile")
    image.info = {}
    if icc:
        options["icc_profile"] = icc
    image.save(out, format=fmt, **options)
    return out.getvalue()


def _too_many_pixels() -> PayloadTooLarge:
    return PayloadTooLarge("image_too_large", f"图片尺寸过大（像素超过 {MAX_PIXELS // 1_000_000} 百万），请缩小后再上传")


def _clean_image(data: bytes, kind: str) -> Stored:
    """Decode, straighten, shrink and re-encode a photo (CPU and memory: run it on IMAGE_POOL).

    The size is read from the header and refused above MAX_PIXELS before any
    pixel is decoded: a 190 KB one-colour 7740×7740 PNG decoded for 6 s into
    ~600 MB. A JPEG is decoded at the smallest 1/2, 1/4 or 1/8 scale still
    larger than MAX_SIDE (``draft``), and every step after decoding works in place.
    """
    if kind == HEIC:
        _register_heif()
    try:
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]]) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            probe.verify()
        with Image.open(io.BytesIO(data), formats=[_PIL_FORMATS[kind]]) as source:
            source.seek(0)  # the first frame of an animated PNG or a HEIC sequence
            if kind == JPEG:
                source.draft("RGB", (MAX_SIDE, MAX_SIDE))
            source.load()
            captured_at = _captured_at(source.getexif())
            icc = source.info.get("icc_profile")
            image = ImageOps.exif_transpose(source, in_place=True) or source
    except Image.DecompressionBombError:
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        log.info("evidence image refused: %s", error)
        raise _unsupported("图片文件已损坏或不完整，无法识别") from None
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    if kind == PNG:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            image = image.convert("RGBA")
        if icc:
            image.info["icc_profile"] = icc
        body, content_type, ext = _encode(image, "PNG", optimize=True), "image/png", "png"
        photo = _flatten(image)
    else:
        photo = _flatten(image)
        if icc:
            photo.info["icc_profile"] = icc
        body = _encode(photo, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        content_type, ext = "image/jpeg", "jpg"
    thumb = photo.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Stored(content_type=content_type, ext=ext, body=body,
                  thumb=_encode(thumb, "JPEG", quality=THUMB_QUALITY, optimize=True),
                  width=image.width, height=image.height, captured_at=captured_at)


def _check_pdf(data: bytes) -> Stored:
    # A whole PDF ends with %%EOF (perhaps followed by a newline or padding);
    # a cut-off download doesn't.
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-1024:]:
        raise _unsupported("PDF 文件不完整或已损坏")
    return Stored(content_type="application/pdf", ext="pdf", body=data, thumb=None,
                  width=None, height=None, captured_at=None)


def clean(data: bytes) -> Stored:
    """Recognise and clean one upload (CPU work: run it in a thread)."""
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(*_TOO_LARGE)
    kind = sniff(data[:64])
    if kind is None:
        raise _unsupported()
    return _check_pdf(data) if kind == PDF else _clean_image(data, kind)


def display_name(filename: str | None) -> str:
    """The client's file name for display: no directories, no control characters, 200 characters."""
    name = re.split(r"[\\/]", filename or "")[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-200:] if len(name) > 200 else name


def store_file(store: media.MediaStore, stored: Stored, folder: str = "evidence") -> tuple[str, str]:
    """Write a cleaned upload (and its thumbnail) under ``folder``; returns their keys."""
    today = china_time(now())
    stem = f"{folder}/{today:%Y}/{today:%m}/{secrets.token_hex(16)}"
    key, thumb_key = f"{stem}.{stored.ext}", (f"{stem}.thumb.jpg" if stored.thumb is not None else "")
    store.write(key, stored.body)
    if thumb_key:
        try:
            store.write(thumb_key, stored.thumb)
        except BaseException:
            store.remove_now([key])
            raise
    return key, thumb_key


# -- reading -----------------------------------------------------------------------

_READ_COLUMNS = (Evidence.id, Evidence.credit.as_alias("credit_id"), Evidence.content_type, Evidence.size,
                 Evidence.filename, Evidence.width, Evidence.height, Evidence.captured_at, Evidence.created_at,
                 Evidence.thumb_key)


def present(row: dict) -> EvidenceRead:
    """What a client sees of one file (never the storage keys)."""
    return EvidenceRead(
        id=row["id"], content_type=row["content_type"], size=row["size"], filename=row["filename"],
        width=row["width"], height=row["height"], captured_at=row["captured_at"], created_at=row["created_at"],
        url=f"/api/evidence/{row['id']}",
        thumb_url=f"/api/evidence/{row['id']}/thumb" if row["thumb_key"] else None,
    )


async def list_for_credit(credit_id: int) -> list[EvidenceRead]:
    """The files of one record, oldest first (the caller has checked it may see the record)."""
    rows = await Evidence.select(*_READ_COLUMNS).where(Evidence.credit == credit_id).order_by(Evidence.id)
    return [present(r) for r in rows]


async def counts(credit_ids: list[int]) -> dict[int, int]:
    """How many files each record has; records without any are left out."""
    if not credit_ids:
        return {}
    rows = await Evidence.select(Evidence.credit.as_alias("credit_id"), Count(alias="n")).where(
        Evidence.credit.is_in(list(credit_ids))).group_by(Evidence.credit)
    return {int(r["credit_id"]): int(r["n"]) for r in rows}


async def _visible(principal: Principal, evidence_id: int) -> dict:
    """The file's row if the caller may see its record (owner, or an admin over it); else 404."""
    row = await Evidence.select(*_READ_COLUMNS, Evidence.storage_key).where(Evidence.id == evidence_id).first()
    where = reviewers_where(principal)
    if where is not None:
        where = where & drafts_hidden(principal)  # a draft's files are its author's alone
    if row is None or where is None or not await Credit.exists().where(where).where(Credit.id == row["credit_id"]):
        raise NotFound(*_NOT_FOUND)
    return row


@dataclass(frozen=True, slots=True)
class Download:
    path: Path
    content_type: str
    filename: str
    ascii_name: str


async def open_file(principal: Principal, evidence_id: int, settings: Settings, *, thumb: bool = False) -> Download:
    row = await _visible(principal, evidence_id)
    key = row["thumb_key"] if thumb else row["storage_key"]
    if not key:
        raise NotFound("thumbnail_not_found", "该文件没有缩略图")
    path = media.store(settings).path(key)
    if not await asyncio.to_thread(path.is_file):
        log.error("evidence %s: stored file %s is missing", evidence_id, key)
        raise NotFound(*_NOT_FOUND)
    ext = PurePosixPath(key).suffix
    stem = PurePosixPath(row["filename"]).stem or f"evidence-{evidence_id}"
    filename = f"{stem}{ext}" if not thumb else f"{stem}-thumb.jpg"
    return Download(path=path, content_type="image/jpeg" if thumb else row["content_type"], filename=filename,
                    ascii_name=f"evidence-{evidence_id}{'-thumb.jpg' if thumb else ext}")


# -- PDF pages for the reviewer's viewer ---------------------------------------------

# Every page of a PDF proof as a picture (issue 13): phones have no PDF viewer in the page, and a
# reviewer must see page 3 as well as page 1. 1400 px wide reads a scanned certificate's small
# print zoomed; a proof of more than 30 pages is shown up to there (the file itself still downloads).
PAGE_WIDTH = 1400
MAX_PAGES = 30


def _pdf_page_count(path: Path) -> int:
    import pypdfium2  # rendering only: a reviewer opening a PDF proof

    document = pypdfium2.PdfDocument(str(path))
    try:
        return min(len(document), MAX_PAGES)
    finally:
        document.close()


def _pdf_page_jpeg(path: Path, index: int) -> bytes | None:
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        if index >= min(len(document), MAX_PAGES):
            return None
        page = document[index]
        scale = PAGE_WIDTH / max(1.0, page.get_width())
        image = page.render(scale=min(scale, 4.0)).to_pil()
        return _encode(_flatten(image), "JPEG", quality=85)
    finally:
        document.close()


async def _pdf_path(principal: Principal, evidence_id: int, settings: Settings) -> Path:
    found = await open_file(principal, evidence_id, settings)
    if found.content_type != "application/pdf":
        raise NotFound("not_a_pdf", "该文件不是 PDF，没有分页")
    return found.path


async def pdf_page_count(principal: Principal, evidence_id: int, settings: Settings) -> int:
    return await asyncio.to_thread(_pdf_page_count, await _pdf_path(principal, evidence_id, settings))


async def pdf_page(principal: Principal, evidence_id: int, page: int, settings: Settings) -> bytes:
    """Page ``page`` (1-based) of a PDF proof as a JPEG; 404 past its last page."""
    image = await asyncio.to_thread(_pdf_page_jpeg, await _pdf_path(principal, evidence_id, settings), page - 1)
    if image is None:
        raise NotFound("page_not_found", "该页不存在")
    return image


# -- changing ----------------------------------------------------------------------


async def upload(principal: Principal, credit_id: int, data: bytes, filename: str | None,
                 settings: Settings) -> EvidenceRead:
    credit = await entries.load_for_change(principal, credit_id)
    if len(data) > MAX_BYTES:
        raise PayloadTooLarge(*_TOO_LARGE)
    if await Evidence.count().where(Evidence.credit == credit_id) >= MAX_FILES_PER_CREDIT:
        raise Conflict("too_many_files", f"每条学分记录最多上传 {MAX_FILES_PER_CREDIT} 个证明材料")
    # At most IMAGE_WORKERS photos are decoded at once (each may take a few hundred MB
    # for a moment); the rest wait their turn without holding a thread.
    stored = await asyncio.get_running_loop().run_in_executor(IMAGE_POOL, clean, data)
    key, thumb_key = await asyncio.to_thread(store_file, media.store(settings), stored)
    name = display_name(filename)
    try:
        async with Evidence._meta.db.transaction():
            # Counted again under the record's row lock: on PostgreSQL a plain transaction
            # let ten parallel uploads past 16 files all count 16 and make 26.
            await db.lock_row(Credit, credit_id)
            if await Evidence.count().where(Evidence.credit == credit_id) >= MAX_FILES_PER_CREDIT:
                raise Conflict("too_many_files", f"每条学分记录最多上传 {MAX_FILES_PER_CREDIT} 个证明材料")
            row = Evidence(credit=credit_id, content_type=stored.content_type, size=len(stored.body),
                           storage_key=key, thumb_key=thumb_key, filename=name,
                           sha256=hashlib.sha256(stored.body).hexdigest(), width=stored.width,
                           height=stored.height, captured_at=stored.captured_at, uploaded_by=principal.account_id)
            await row.save()
            await audit.record("evidence_upload", principal=principal, target_type="credit",
                               target_id=credit_id,
                               detail=f"为学分记录《{credit.get('title', credit_id)}》上传证明材料 {name}".strip())
    except BaseException:
        await media.store(settings).remove([key, thumb_key])
        raise
    return present({**row.to_dict(), "id": row.id, "thumb_key": thumb_key})


async def delete(principal: Principal, evidence_id: int, settings: Settings) -> None:
    row = await _visible(principal, evidence_id)
    try:
        credit = await entries.load_for_change(principal, row["credit_id"])
    except NotFound:
        raise NotFound(*_NOT_FOUND) from None
    async with Evidence._meta.db.transaction():
        # The record's row lock: approval and submission check for a file under it.
        await db.lock_row(Credit, row["credit_id"])
        await _keep_the_last_file(row["credit_id"])
        gone = await Evidence.delete().where(Evidence.id == evidence_id).returning(Evidence.id)
        if not gone:
            raise NotFound(*_NOT_FOUND)
        await audit.record("evidence_delete", principal=principal, target_type="credit",
                           target_id=row["credit_id"],
                           detail=f"删除学分记录《{credit.get('title', row['credit_id'])}》的证明材料 {row['filename']}")
    await media.store(settings).remove([row["storage_key"], row["thumb_key"]])


async def _keep_the_last_file(credit_id: int) -> None:
    """409 when this is the only file of a submitted record whose rule requires proof (call under its lock)."""
    record = await Credit.select(Credit.status, Credit.rule.evidence_required.as_alias("required")).where(
        Credit.id == credit_id).first()
    if record is None or not record["required"] or record["status"] == CreditStatus.draft.value:
        return
    if await Evidence.count().where(Evidence.credit == credit_id) <= 1:
        raise Conflict("evidence_required", "该记录已上报，须至少保留一份证明材料；如需更换，请先上传新文件再删除旧文件")



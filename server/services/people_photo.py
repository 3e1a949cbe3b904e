"""A person's face photo (个人免冠照片, seed 001 §2.1): cropped to 3:4, re-encoded without EXIF.

The upload is recognised and cleaned like evidence (services/evidence.py: by
content, decompression bombs refused, EXIF and GPS dropped by re-encoding), then
cut to the 3:4 of an ID photo around the centre and scaled to 360×480.
"""

from __future__ import annotations

import asyncio
import io
import logging
import secrets
from pathlib import Path

from PIL import Image

from server import clock
from server.services import audit, evidence, media, people, scope
from server.services.errors import Conflict, NotFound, UnsupportedMediaType
from server.services.principal import Principal
from server.settings import Settings
from server.tables import Person

log = logging.getLogger("jijiao")

WIDTH, HEIGHT = 360, 480
MAX_BYTES = evidence.MAX_BYTES


def crop_portrait(data: bytes) -> bytes:
    """The cleaned photo cut to 3:4 around its centre, as a 360×480 JPEG (CPU work: run in a thread)."""
    stored = evidence.clean(data)
    if not stored.content_type.startswith("image/"):
        raise UnsupportedMediaType("unsupported_type", "照片只能是 JPEG、PNG 或 HEIC 图片")
    with Image.open(io.BytesIO(stored.body)) as image:
        image = image.convert("RGB")
        width, height = image.size
        if width * 4 > height * 3:  # wider than 3:4: trim the sides
            side = height * 3 // 4
            box = ((width - side) // 2, 0, (width - side) // 2 + side, height)
        else:  # taller: trim top and bottom, keeping a little more above the face
            side = width * 4 // 3
            top = (height - side) // 3
            box = (0, top, width, top + side)
        portrait = image.crop(box).resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        portrait.save(out, format="JPEG", quality=88, optimize=True)
    return out.getvalue()


async def upload(principal: Principal, person_id: int, data: bytes, settings: Settings) -> people.PersonRead:
    current = await people.writable_person(principal, person_id, Person.photo)
    body = await asyncio.to_thread(crop_portrait, data)
    store = media.store(settings)
    moment = clock.china_time(clock.now())
    key = f"photos/{moment:%Y}/{moment:%m}/{secrets.token_hex(16)}.jpg"
    await asyncio.to_thread(store.write, key, body)
    try:
        async with Person._meta.db.transaction():
            done = await Person.update({Person.photo: key, Person.updated_at: clock.now()}).where(
                (Person.id == person_id) & (Person.photo == current["photo"])).returning(Person.id)
            if not done:
                raise Conflict("conflict", "照片刚刚已被他人更换，请刷新后重试")
            await audit.record("person_photo", principal=principal, person_id=person_id,
                               detail="更换个人免冠照片" if current["photo"] else "上传个人免冠照片",
                               before={"photo": "有" if current["photo"] else "无"}, after={"photo": "有"})
    except BaseException:
        store.remove_now([key])
        raise
    if current["photo"]:
        await store.remove([current["photo"]])
    return await people.get_person(principal, person_id)


async def path(principal: Principal, person_id: int, settings: Settings) -> Path:
    """The photo's file, for the person themself and admins whose scope holds them."""
    where = scope.people_where(principal, person=Person)
    row = await Person.select(Person.photo).where(where).where(Person.id == person_id).first() if where else None
    if row is None or not row["photo"]:
        raise NotFound("photo_not_found", "该人员没有照片")
    found = media.store(settings).path(row["photo"])
    if not await asyncio.to_thread(found.is_file):
        log.error("person %s: photo %s is missing", person_id, row["photo"])
        raise NotFound("photo_not_found", "该人员没有照片")
    return found

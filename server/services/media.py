"""Where uploaded files live: the media directory under $JIJIAO_DATA_DIR, behind a small interface.

Keys are relative paths the services make themselves (``evidence/yyyy/mm/<hex>.<ext>``,
``lessons/yyyy/mm/<hex>.<ext>`` for course videos, ``project/…`` for CME project files);
rows in the database hold keys, never absolute paths, so the directory can move
and another store (object storage) can take this one's place.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from collections.abc import AsyncIterator
from pathlib import Path, PurePosixPath

from server.settings import Settings

log = logging.getLogger(__name__)

# Files that ship with the code (the demo course's video), read-only and found
# under server/assets/media wherever the data directory is: ``bundled/<name>``.
BUNDLED_DIR = Path(__file__).resolve().parent.parent / "assets" / "media"
_BUNDLED = re.compile(r"bundled/([a-z0-9-]+\.(mp4|webm))")

# What our keys look like; anything else is refused rather than followed out of
# the data directory (a damaged row, a hand-edited key).
_KEY = re.compile(r"((evidence|project)/\d{4}/\d{2}/[0-9a-f]{32}(\.thumb)?\.(jpg|png|pdf)"
                  r"|photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg"
                  r"|lessons/\d{4}/\d{2}/[0-9a-f]{32}\.(mp4|webm))")


class MediaStore:
    """Files on the local disk, written atomically (temporary name, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        if bundled := _BUNDLED.fullmatch(key):
            return BUNDLED_DIR / bundled.group(1)
        if not _KEY.fullmatch(key):
            raise ValueError(f"not a media key: {key!r}")
        return self.root / PurePosixPath(key)

    def write(self, key: str, body: bytes) -> None:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            with open(temporary, "wb") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    async def write_stream(self, key: str, chunks: AsyncIterator[bytes], *, max_bytes: int) -> int:
        """Write a request body as it arrives (a video of hundreds of MB never sits in memory),
        atomically like ``write``; returns its size. TooLarge past ``max_bytes``, nothing kept."""
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        size = 0
        try:
            with open(temporary, "wb") as out:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(key)
                    out.write(chunk)  # into the page cache: microseconds a chunk
                out.flush()
                await asyncio.to_thread(os.fsync, out.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return size

    def remove_now(self, keys: list[str]) -> None:
        for key in keys:
            if not key or _BUNDLED.fullmatch(key):
                continue
            try:
                self.path(key).unlink(missing_ok=True)
            except (OSError, ValueError):
                # Its row is already gone; a leftover file is harmless and logged.
                log.warning("could not remove media file %s", key, exc_info=True)

    async def remove(self, keys: list[str]) -> None:
        """Remove files by key, off the event loop (call after their rows are gone)."""
        if any(keys):
            await asyncio.to_thread(self.remove_now, keys)


def store(settings: Settings) -> MediaStore:
    return MediaStore(settings.data_dir)


class TooLarge(ValueError):
    pass


class RangeNotSatisfiable(ValueError):
    pass


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The inclusive (first, last) byte a ``Range`` header asks of a ``size``-byte file, or None
    for the whole file (no header, or one we do not serve: several ranges, other units).

    Raises RangeNotSatisfiable when the range lies outside the file (answered 416).
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(header)
        return max(size - length, 0), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise RangeNotSatisfiable(header)
    return start, min(end, size - 1)

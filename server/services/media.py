"""Where uploaded files live: the media directory under $JIJIAO_DATA_DIR, behind a small interface.

Keys are relative paths the services make themselves (``evidence/yyyy/mm/<hex>.<ext>``, and
``project/…`` for CME project files);
rows in the database hold keys, never absolute paths, so the directory can move
and another store (object storage) can take this one's place.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
from pathlib import Path, PurePosixPath

from server.settings import Settings

log = logging.getLogger(__name__)

# What our keys look like; anything else is refused rather than followed out of
# the data directory (a damaged row, a hand-edited key).
_KEY = re.compile(r"((evidence|project)/\d{4}/\d{2}/[0-9a-f]{32}(\.thumb)?\.(jpg|png|pdf)"
                  r"|photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg)")


class MediaStore:
    """Files on the local disk, written atomically (temporary name, fsync, rename)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
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

    def remove_now(self, keys: list[str]) -> None:
        for key in keys:
            if not key:
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

"""Serves the PWA: files from pwa/ at the site root, and index.html for app routes."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from litestar import get
from litestar.params import FromPath
from litestar.response import File

from server.services.errors import NotFound

PWA_DIR = (Path(__file__).resolve().parent.parent.parent / "pwa").resolve()

_TYPES = {
    ".webmanifest": "application/manifest+json",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".html": "text/html",
    ".wasm": "application/wasm",
    ".svg": "image/svg+xml",
    ".json": "application/json",
}

# Scripts only from our origin; camera frames arrive as blob:/mediastream:.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; "
    "worker-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _headers(path: Path) -> dict[str, str]:
    headers = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    if path.suffix == ".html":
        headers["Content-Security-Policy"] = CSP
    # The shell and the service worker must always be revalidated so a deploy
    # reaches phones; the rest is versioned by the service worker's cache.
    if path.name in {"index.html", "sw.js", "manifest.webmanifest"}:
        headers["Cache-Control"] = "no-cache"
    else:
        headers["Cache-Control"] = "public, max-age=3600"
    return headers


def _file(path: Path) -> File:
    media_type = _TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return File(path=path, media_type=media_type, headers=_headers(path), content_disposition_type="inline")


def resolve(request_path: str) -> Path | None:
    """The file under pwa/ for a URL path, never escaping the directory."""
    candidate = (PWA_DIR / request_path.lstrip("/")).resolve()
    # Build scripts (pwa/icons/make_icons.py) live beside the assets; not for the web.
    if candidate.suffix == ".py":
        return None
    if candidate.is_file() and PWA_DIR in candidate.parents:
        return candidate
    return None


@get("/", exclude_from_auth=True, include_in_schema=False, sync_to_thread=False)
def pwa_root() -> File:
    return _file(PWA_DIR / "index.html")


@get("/{path:path}", exclude_from_auth=True, include_in_schema=False, sync_to_thread=False)
def pwa(path: FromPath[str]) -> File:
    if path.startswith("/api/") or path == "/api":
        raise NotFound("not_found", "请求的接口不存在")
    found = resolve(path)
    if found is not None:
        return _file(found)
    if Path(path).suffix and not path.startswith(("/c/", "/v/")):
        # A missing asset (say /js/old.js) is a 404, not the shell.
        raise NotFound("not_found", "文件不存在")
    return _file(PWA_DIR / "index.html")


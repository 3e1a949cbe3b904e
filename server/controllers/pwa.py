"""Serves the PWA: files from pwa/ at the site root, and index.html for app routes."""

from __future__ import annotations

import mimetypes
from functools import lru_cache
from pathlib import Path

from litestar import Response, get
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


# The page modules a route's first screen imports, preloaded with the shell so that the whole
# module graph is fetched in one round trip after the HTML (issue 13: a check-in link's first
# visit sends the check-in after 3 round trips at most). index.html itself preloads what
# app.js imports; tests/api/test_pwa_serving.py checks these lists against the imports.
ROUTE_PRELOADS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("/c/", ("/js/pages/checkin.js", "/js/pages/trainee-common.js")),
    ("/d/", ("/js/pages/display.js",)),
    ("/login", ("/js/pages/login.js", "/js/pages/account-common.js", "/js/idcard.js", "/js/captcha.js")),
    ("/my-code", ("/js/pages/mycode.js", "/js/personal-code.js", "/js/qrcode.js",
                  "/vendor/qrcode-generator/qrcode.mjs")),
)
_SHELL_SCRIPT = '  <script type="module" src="/js/app.js"></script>'


def preloads_for(request_path: str) -> tuple[str, ...]:
    """The route's page modules ("/c/" matches a prefix, "/login" the path itself)."""
    for prefix, modules in ROUTE_PRELOADS:
        if request_path.startswith(prefix) if prefix.endswith("/") else request_path == prefix:
            return modules
    return ()


@lru_cache(maxsize=16)
def _shell_html(modules: tuple[str, ...], mtime: float) -> bytes:
    html = (PWA_DIR / "index.html").read_text(encoding="utf-8")
    links = "".join(f'  <link rel="modulepreload" href="{m}">\n' for m in modules)
    return html.replace(_SHELL_SCRIPT, links + _SHELL_SCRIPT, 1).encode("utf-8")


def _shell(request_path: str) -> Response[bytes]:
    index = PWA_DIR / "index.html"
    body = _shell_html(preloads_for(request_path), index.stat().st_mtime)
    return Response(body, media_type="text/html; charset=utf-8", headers=_headers(index))


@get("/", exclude_from_auth=True, include_in_schema=False, sync_to_thread=False)
def pwa_root() -> Response[bytes]:
    return _shell("/")


@get("/{path:path}", exclude_from_auth=True, include_in_schema=False, sync_to_thread=False)
def pwa(path: FromPath[str]) -> File | Response[bytes]:
    if path.startswith("/api/") or path == "/api":
        raise NotFound("not_found", "请求的接口不存在")
    found = resolve(path)
    if found is not None and found.name != "index.html":
        return _file(found)
    if Path(path).suffix and not path.startswith(("/c/", "/v/", "/d/")):
        # A missing asset (say /js/old.js) is a 404, not the shell.
        raise NotFound("not_found", "文件不存在")
    return _shell(path)


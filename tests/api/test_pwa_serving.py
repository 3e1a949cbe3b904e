"""The PWA files at the site root, and the shell for app routes."""


def test_root_serves_the_shell_uncached(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "Content-Security-Policy" in response.headers


def test_app_route_serves_the_shell(client):
    assert '<html lang="zh-CN"' in client.get("/people/12").text


def test_checkin_link_serves_the_shell(client):
    assert client.get("/c/5", params={"t": "12345678"}).headers["content-type"].startswith("text/html")


def test_manifest_has_its_media_type(client):
    response = client.get("/manifest.webmanifest")
    assert response.headers["content-type"].startswith("application/manifest+json")
    assert response.json()["short_name"] == "继教"


def test_service_worker_is_javascript_and_uncached(client):
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache"


def test_missing_asset_is_404_not_the_shell(client):
    assert client.get("/js/nope.js").status_code == 404


def test_build_scripts_are_not_served(client):
    assert client.get("/icons/make_icons.py").status_code == 404


def test_path_traversal_is_refused(client):
    assert client.get("/..%2f..%2fpyproject.toml").status_code == 404


# -- route preloads (issue 13: a check-in link's whole module graph in one round trip) -----------

import posixpath  # noqa: E402
import re  # noqa: E402

from server.controllers.pwa import PWA_DIR, ROUTE_PRELOADS  # noqa: E402

_IMPORT = re.compile(r"^import\s[^'\"]*['\"](\.{1,2}/[^'\"]+)['\"]", re.MULTILINE)


def _static_imports(module: str) -> set[str]:
    """Every module `module` imports statically, transitively, as site paths."""
    seen: set[str] = set()
    todo = [module]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        source = (PWA_DIR / path.lstrip("/")).read_text(encoding="utf-8")
        for target in _IMPORT.findall(source):
            todo.append(posixpath.normpath(posixpath.join(posixpath.dirname(path), target)))
    return seen


def _preloaded(html: str) -> set[str]:
    return set(re.findall(r'<link rel="modulepreload" href="([^"]+)">', html))


def test_the_checkin_link_preloads_its_page_modules(client):
    html = client.get("/c/5", params={"t": "12345678"}).text
    assert {"/js/pages/checkin.js", "/js/pages/trainee-common.js"} <= _preloaded(html)


def test_a_plain_route_preloads_only_the_shell(client):
    assert "/js/pages/checkin.js" not in _preloaded(client.get("/people").text)


def test_route_preloads_cover_each_pages_whole_import_graph(client):
    for prefix, modules in ROUTE_PRELOADS:
        html = client.get(prefix + ("1" if prefix.endswith("/") else "")).text
        needed = _static_imports(modules[0]) | _static_imports("/js/app.js")
        assert needed <= _preloaded(html) | {"/js/app.js"}, (prefix, needed - _preloaded(html))


def test_every_preload_exists(client):
    for _, modules in ROUTE_PRELOADS:
        for module in modules:
            assert client.get(module).status_code == 200, module

"""The PWA in Chromium: installable, its shell precached and usable offline, the API never cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed").expect

PWA_DIR = Path(__file__).resolve().parents[2] / "pwa"

CACHED_PATHS = """async () => {
    const paths = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) paths.push(name + ' ' + new URL(request.url).pathname);
    }
    return paths;
}"""


def _shell_files() -> set[str]:
    """Every file the app is made of, as the URL it is served at."""
    paths = {"/"}
    for path in PWA_DIR.rglob("*"):
        if path.is_file() and path.suffix != ".py" and path.name not in {"index.html", "sw.js"}:
            paths.add("/" + path.relative_to(PWA_DIR).as_posix())
    return paths


def test_installable_in_chromium(installed_app):
    cdp = installed_app.context.new_cdp_session(installed_app)
    assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}


def test_manifest_parses_without_errors(installed_app, live_server):
    cdp = installed_app.context.new_cdp_session(installed_app)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == live_server + "/manifest.webmanifest"
    assert manifest["errors"] == []
    assert manifest["manifest"]["display"] == "kStandalone"
    assert manifest["manifest"]["startUrl"] == live_server + "/"


def test_service_worker_precaches_exactly_the_shell(installed_app):
    cached = installed_app.evaluate(CACHED_PATHS)
    caches = {entry.split(" ", 1)[0] for entry in cached}
    assert len(caches) == 1, caches  # older versions are deleted on activate
    assert {entry.split(" ", 1)[1] for entry in cached} == _shell_files()


def test_login_page_loads_offline(installed_app, live_server):
    installed_app.context.set_offline(True)
    assert installed_app.evaluate("fetch('/api/health').then(() => 'online', () => 'offline')") == "offline"
    response = installed_app.goto(live_server + "/login")
    assert response is not None and response.from_service_worker
    expect(installed_app.get_by_test_id("login-form")).to_be_visible()
    expect(installed_app.get_by_test_id("login-username")).to_be_editable()


def test_app_route_offline_shows_the_apps_own_error(installed_app, live_server):
    installed_app.context.set_offline(True)
    installed_app.goto(live_server + "/people/1")
    # The shell itself renders and explains; not Chromium's "no internet" page.
    expect(installed_app.get_by_test_id("load-error")).to_contain_text("网络连接失败")


def test_service_worker_never_caches_the_api(installed_app, live_server):
    log_in(installed_app, live_server, "unit1")
    with installed_app.expect_response(lambda r: r.url.startswith(live_server + "/api/people?")) as people:
        installed_app.get_by_test_id("nav-people").click()
    assert not people.value.from_service_worker
    expect(installed_app.get_by_test_id("people-row").first).to_be_visible()

    cached = installed_app.evaluate(CACHED_PATHS)
    assert cached and not [entry for entry in cached if " /api/" in entry]

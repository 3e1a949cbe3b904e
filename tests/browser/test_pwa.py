"""The PWA in Chromium: installable, its shell precached and usable offline, the API never cached.

Accounts: unit1 (the people list, to see the API uncached); dept1 runs reverse mode offline with
the fake camera, scanning trainee2's personal code (on a training of its own).
"""

from __future__ import annotations

import gzip
import posixpath
import re
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

import qr as qrlib
from tests.browser.conftest import log_in, wait_for_service_worker
from tests.browser.fake_camera import write_y4m
from tests.browser.trainee_api import api_client, bearer, open_training, unique_title

pytestmark = pytest.mark.browser
from playwright.sync_api import expect

PWA_DIR = Path(__file__).resolve().parents[2] / "pwa"

CACHED_PATHS = """async () => {
    const paths = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) paths.push(name + ' ' + new URL(request.url).pathname);
    }
    return paths;
}"""


# Left out of the precache on purpose, cached by the service worker on first use: the QR decoder
# polyfill (~460 KB gzipped), only loaded where the browser has no BarcodeDetector of its own.
LAZY = [
    "/vendor/barcode-detector/ponyfill.js",
    "/vendor/barcode-detector/zxing-exported.js",
    "/vendor/barcode-detector/zxing_reader.wasm",
]

SW_SOURCE = (PWA_DIR / "sw.js").read_text()
SW_VERSION = re.search(r"^const VERSION = '([^']+)';$", SW_SOURCE, re.MULTILINE).group(1)
LAZY_VERSION = re.search(r"^const LAZY_VERSION = '([^']+)';$", SW_SOURCE, re.MULTILINE).group(1)

# Register `script` as the service worker and wait until it is active and controls the page.
REGISTER = """async (script) => {
    const registration = await navigator.serviceWorker.register(script, { scope: '/' });
    const url = new URL(script, location.href).href;
    for (let i = 0; i < 100; i += 1) {
        const active = registration.active;
        if (active && active.scriptURL === url && active.state === 'activated'
            && navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL === url) return;
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(script + ' not active within 5 s');
}"""


def _eventually(check, seconds: float = 5.0) -> bool:
    """Whether check() comes true within `seconds` (polled every 0.1 s)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _app_files() -> set[str]:
    """Every file the app is made of, as the URL it is served at."""
    paths = {"/"}
    for path in PWA_DIR.rglob("*"):
        if path.is_file() and path.suffix != ".py" and path.name not in {"index.html", "sw.js"}:
            paths.add("/" + path.relative_to(PWA_DIR).as_posix())
    return paths


# What a trainee opens (issue 13: the service worker precaches only these and what they import):
# the shell, home, the check-in page, 我的签到码, 学分, 证书 and the login page.
TRAINEE_PAGES = ["/js/app.js", "/js/pages/home.js", "/js/pages/checkin.js", "/js/pages/mycode.js",
                 "/js/pages/credits.js", "/js/pages/certificates.js", "/js/pages/login.js"]
TRAINEE_ASSETS = {"/", "/manifest.webmanifest", "/css/app.css", "/css/trainee.css", "/icons/icon-32.png"}
_IMPORT = re.compile(r"^import\s[^'\"]*['\"](\.{1,2}/[^'\"]+)['\"]", re.MULTILINE)
PRECACHE_BUDGET = 150 * 1024


def _static_imports(modules: list[str]) -> set[str]:
    """`modules` and everything they import statically, transitively (dynamic imports load on demand)."""
    seen: set[str] = set()
    todo = list(modules)
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            source = (PWA_DIR / path.lstrip("/")).read_text(encoding="utf-8")
            todo.extend(posixpath.normpath(posixpath.join(posixpath.dirname(path), t)) for t in _IMPORT.findall(source))
    return seen


def _shell_files() -> set[str]:
    """What the service worker precaches: the trainee's pages, what they import, and their assets."""
    files = _static_imports(TRAINEE_PAGES) | TRAINEE_ASSETS
    assert files <= _app_files(), files - _app_files()  # real files
    assert not files & set(LAZY)
    return files


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
    sw_lazy = re.search(r"^const LAZY = \[(.*)\];$", SW_SOURCE, re.MULTILINE).group(1)
    assert re.findall(r"'([^']+)'", sw_lazy) == LAZY  # the worker knows the same list
    cached = installed_app.evaluate(CACHED_PATHS)
    shell = [entry for entry in cached if entry.startswith("jijiao-shell-")]
    assert {entry.split(" ", 1)[0] for entry in shell} == {f"jijiao-shell-{SW_VERSION}"}  # old ones deleted
    assert {entry.split(" ", 1)[1] for entry in shell} == _shell_files()


def _precached(page) -> set[str]:
    return {entry.split(" ", 1)[1] for entry in page.evaluate(CACHED_PATHS) if entry.startswith("jijiao-shell-")}


def test_no_admin_page_is_cached_for_a_trainee(installed_app, live_server):
    log_in(installed_app, live_server, "trainee1")
    installed_app.get_by_test_id("nav-credits").click()
    installed_app.get_by_test_id("credits-title").wait_for()
    cached = {entry.split(" ", 1)[1] for entry in installed_app.evaluate(CACHED_PATHS)}
    assert not [path for path in cached if "admin" in path]


def test_the_precache_stays_within_its_budget(installed_app):
    """≤ 150 KB transferred (gzip, as the server sends it); the uncompressed size is reported beside it."""
    cached = _precached(installed_app)
    raw = {path: (PWA_DIR / ("index.html" if path == "/" else path.lstrip("/"))).read_bytes() for path in cached}
    transferred = sum(len(gzip.compress(body, 6)) if len(body) >= 1024 else len(body) for body in raw.values())
    print(f"precache: {len(cached)} files, {sum(map(len, raw.values())) / 1024:.0f} KB raw, "
          f"{transferred / 1024:.0f} KB gzipped")
    assert transferred <= PRECACHE_BUDGET


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


def test_reverse_mode_scans_offline_once_the_decoder_was_used_online(new_camera_context, camera_file, live_server):
    """The decoder is not precached: its first use online caches it, and then reverse mode works offline."""
    title = unique_title("离线反扫")
    with api_client(live_server) as client:
        _training, session, _dept = open_training(client, title)
        trainee = bearer(client, "trainee2")
        me = client.get("/api/me/personal-code", headers=trainee).json()
    sid = session["id"]

    write_y4m(camera_file, None)  # nobody in front of the camera yet
    page = new_camera_context("tablet")
    log_in(page, live_server, "dept1")
    wait_for_service_worker(page)
    # Installed: the decoder is not in the cache yet.
    assert not [entry for entry in page.evaluate(CACHED_PATHS) if entry.split(" ", 1)[1] in LAZY]

    # Online, in a page the service worker controls: the camera opens and the decoder loads.
    page.goto(f"{live_server}/sessions/{sid}/reverse")
    expect(page.get_by_test_id("reverse-title")).to_have_text(title)
    expect(page.get_by_test_id("reverse-camera")).to_have_text("将学员的个人签到码对准框内")
    expect(page.get_by_test_id("reverse-roster")).to_contain_text("已缓存人员名单")
    # The worker stores its copy, in a cache of its own, just after answering.
    lazy = {f"jijiao-lazy-{LAZY_VERSION} {path}" for path in LAZY}
    assert _eventually(lambda: lazy <= set(page.evaluate(CACHED_PATHS))), page.evaluate(CACHED_PATHS)

    # A deploy: a new worker activating deletes the caches of every other version (here an older
    # shell's and an older decoder's, planted) but keeps this decoder's. The new worker is made by
    # a new script URL; then the app's own is registered again (else every load would update it).
    page.evaluate("Promise.all(['jijiao-shell-v0', 'jijiao-lazy-old'].map((name) => caches.open(name)))")
    for script in ("/sw.js?deploy", "/sw.js"):
        page.evaluate(REGISTER, script)
    assert sorted(page.evaluate("caches.keys()")) == sorted([f"jijiao-shell-{SW_VERSION}", f"jijiao-lazy-{LAZY_VERSION}",
                                                             f"jijiao-runtime-{SW_VERSION}"])
    assert lazy <= set(page.evaluate(CACHED_PATHS))

    # Offline, the page reloaded from the service worker, a trainee holds up their personal code
    # (the camera file is read when the reloaded page opens the camera): the scan is queued, the
    # decoder coming from the worker's cache. Not from Chromium's HTTP cache (where the files are
    # fresh for an hour): that is emptied first.
    write_y4m(camera_file, qrlib.qr_png(me["payload"]))
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.clearBrowserCache")
    cdp.detach()  # left attached, Chromium no longer tells the page when it is back online
    decoder: list[tuple[str, bool]] = []
    page.on("response", lambda r: decoder.append((urlparse(r.url).path, r.from_service_worker)) if "/barcode-detector/" in r.url else None)
    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_test_id("reverse-net")).to_contain_text("离线")
    expect(page.get_by_test_id("reverse-title")).to_have_text(title)  # the session as last seen online
    expect(page.get_by_test_id("reverse-pending")).to_have_text("1")
    expect(page.get_by_test_id("reverse-last")).to_have_text("李娜")  # from the cached roster
    assert sorted(decoder) == sorted((path, True) for path in LAZY)

    # Back online, it goes up.
    page.context.set_offline(False)
    expect(page.get_by_test_id("reverse-synced")).to_have_text("1")
    with api_client(live_server) as client:
        attendance = client.get(f"/api/sessions/{sid}/attendance", headers=bearer(client, "dept1")).json()
    assert [(r["person_id"], r["method"]) for r in attendance["items"]] == [(me["person_id"], "reverse")]

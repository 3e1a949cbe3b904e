"""Real-Chromium fixtures: the real server in a subprocess, and a headless phone.

One server per session, on its own copy of the demo database (SQLite only: in
PostgreSQL runs the browser suite is skipped). Tests stay independent anyway:
every test gets a fresh browser context (no shared cookies, storage, service
worker or caches), and every test that changes server state works on a training
of its own (a unique title), so the demo accounts can be shared; what a test
asserts about an account it reads from the server first, never from memory.
Each module's docstring says which accounts it uses.

The fake camera (a browser launch flag) gets a browser of its own per module
that asks for it: `camera_browser`, whose picture is `camera_file` (see fake_camera.py).

Screenshots go to $JIJIAO_SCREENSHOT_DIR, else to a pytest temp directory.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.browser.fake_camera import fake_camera_args, write_y4m
from tests.conftest import USING_POSTGRES

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
DEMO_PASSWORD = "Demo@2026"
SERVER_START_TIMEOUT_S = 20.0
# Playwright waits (auto-waiting actions and expect()) give up after this long.
TIMEOUT_MS = 10_000

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
ANDROID_CHROME_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
DESKTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
# The organiser's tablet at the front of the hall, landscape.
TABLET = {
    "viewport": {"width": 1180, "height": 820},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
    "timezone_id": "Asia/Shanghai",
}
TABLET_UA = (
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
# WeChat's in-app browser (XWEB) on Android: what a trainee gets after scanning a QR in WeChat.
WECHAT_UA = (
    "Mozilla/5.0 (Linux; Android 13; V2218A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
    "MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 "
    "Weixin NetType/WIFI Language/zh_CN ABI/arm64"
)


@pytest.fixture(scope="session", autouse=True)
def _browser_prerequisites() -> None:
    """Browser tests run on SQLite only; a missing browser is a failure, not a quiet skip."""
    if USING_POSTGRES:
        pytest.skip("browser tests run on SQLite only (JIJIAO_TEST_DATABASE_URL is set)")
    if CHROMIUM is None:
        pytest.fail("chromium is not installed (`make test` installs it: apt-get install chromium)")


# ---------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + "/api/health", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _start_server(db_url: str, data_dir: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    env = {
        **os.environ,
        "JIJIAO_DATABASE_URL": db_url,
        "JIJIAO_DATA_DIR": str(data_dir),
        "PYTHONUNBUFFERED": "1",
        # Every browser test reaches the one live server from 127.0.0.1, like a
        # hospital behind one NAT address: the SMS captcha comes later than for
        # a single address (tests of it set the address's count themselves).
        "JIJIAO_SMS_CAPTCHA_AFTER_PER_IP": "100",
        "JIJIAO_SMS_PER_IP_PER_HOUR": "1000",
    }
    # Another process may take the free port between our probe and the server's bind:
    # then the server exits at once, and we try another port.
    for _ in range(3):
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if _healthy(base_url):
                return process, base_url
            time.sleep(0.1)
        output = log_path.read_text(errors="replace")
        if process.poll() is None:
            _stop(process)
            pytest.fail(f"server not healthy after {SERVER_START_TIMEOUT_S:.0f}s; its output:\n{output}")
        if "address already in use" not in output.lower():
            pytest.fail(f"server exited with code {process.returncode}; its output:\n{output}")
    pytest.fail(f"could not find a free port for the server; its last output:\n{output}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture(scope="session")
def live_server(template_settings, tmp_path_factory) -> Iterator[str]:
    """The real server (`python -m server.cli serve`) on a fresh copy of the demo database."""
    root = tmp_path_factory.mktemp("live-server")
    db = (root / "jijiao.db").resolve()
    shutil.copyfile(template_settings.sqlite_path, db)
    data_dir = root / "data"
    data_dir.mkdir()
    process, base_url = _start_server(f"sqlite:///{db}", data_dir, root / "server.log")
    yield base_url
    _stop(process)


# ---------------------------------------------------------------------------- the browser


# Module-scoped, and after the server: Playwright's sync API keeps an asyncio loop marked
# running in the main thread while it is started, so any asyncio.run() meanwhile fails (the
# test template database build, the next test directories' fixtures). It is stopped after
# each module, and it starts only once the session-scoped server (and template) are up.
@pytest.fixture(scope="module")
def playwright_instance(live_server):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class PageErrors:
    """Uncaught exceptions and console errors of the pages it watches (failed loads excluded)."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        page.on("console", self._console)

    def _console(self, message) -> None:
        # A 401 from /api/me when logged out, or a refused request offline, is logged by
        # Chromium itself as "Failed to load resource"; that is the app working, not a bug.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


@pytest.fixture
def new_phone(browser, page_errors) -> Iterator[Callable[..., object]]:
    """new_phone(user_agent=...) -> a page in a fresh phone-sized context (its own cookies)."""
    contexts = []

    def make(user_agent: str = ANDROID_CHROME_UA):
        context = browser.new_context(user_agent=user_agent, **PHONE)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page_errors.watch(page)
        return page

    yield make
    for context in contexts:
        context.close()
    assert page_errors.errors == [], "the page reported errors"


@pytest.fixture
def phone(new_phone):
    """A page in a fresh phone-sized context with an Android Chrome user agent."""
    return new_phone()


def context_options(kind: str) -> dict:
    """Browser context options for a 'desktop', a (landscape) 'tablet' or an Android Chrome 'phone'."""
    if kind == "desktop":
        return DESKTOP
    if kind == "tablet":
        return {**TABLET, "user_agent": TABLET_UA}
    if kind == "phone":
        return {**PHONE, "user_agent": ANDROID_CHROME_UA}
    raise ValueError(kind)


@contextmanager
def _context_maker(browser, page_errors) -> Iterator[Callable[..., object]]:
    contexts = []

    def make(kind: str, test_mode: bool = False):
        context = browser.new_context(**context_options(kind))
        context.set_default_timeout(TIMEOUT_MS)
        if test_mode:  # reverse mode's window.__jijiaoTestScan
            context.add_init_script("try { localStorage.setItem('jijiao.test', '1'); } catch (e) {}")
        contexts.append(context)
        page = context.new_page()
        page_errors.watch(page)
        return page

    try:
        yield make
    finally:
        for context in contexts:
            context.close()
    assert page_errors.errors == [], "the page reported errors"


@pytest.fixture
def new_context(browser, page_errors) -> Iterator[Callable[..., object]]:
    """new_context('desktop' | 'tablet' | 'phone', test_mode=False) -> a page in a fresh context."""
    with _context_maker(browser, page_errors) as make:
        yield make


# ---------------------------------------------------------------------------- the fake camera


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory) -> Path:
    """The fake camera's video: a blank picture until a test puts a QR code in front of it."""
    path = tmp_path_factory.mktemp("fake-camera") / "camera.y4m"
    write_y4m(path, None)
    return path


@pytest.fixture(scope="module")
def camera_browser(playwright_instance, camera_file):
    """A Chromium whose camera shows `camera_file` (read each time a page opens the camera)."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + fake_camera_args(camera_file)
    )
    yield browser
    browser.close()


@pytest.fixture
def new_camera_context(camera_browser, page_errors) -> Iterator[Callable[..., object]]:
    """new_camera_context('phone' | 'tablet', test_mode=False) -> a page whose camera shows `camera_file`."""
    with _context_maker(camera_browser, page_errors) as make:
        yield make


@pytest.fixture
def camera_phone(new_camera_context):
    """A phone (Android Chrome) whose camera shows `camera_file`."""
    return new_camera_context("phone")


@pytest.fixture
def installed_app(playwright_instance, live_server, tmp_path, page_errors):
    """A page on a persistent profile, on the base URL, once the service worker controls it.

    Persistent because Chromium reports an incognito-like context as not installable.
    """
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        user_agent=ANDROID_CHROME_UA,
        **PHONE,
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        page_errors.watch(page)
        page.goto(live_server + "/")
        page.wait_for_url("**/login**")
        wait_for_service_worker(page)
        yield page
    finally:
        context.close()
    assert page_errors.errors == [], "the page reported errors"


# ---------------------------------------------------------------------------- helpers


# Installing precaches the whole shell (~60 files) from a server that is busy
# with the test itself: allow more than a page wait.
SERVICE_WORKER_TIMEOUT_MS = 30_000


def wait_for_service_worker(page) -> None:
    """Until the service worker is activated and controls the page (it calls clients.claim())."""
    # `ready` resolves as soon as there is an active worker, possibly still "activating" (its
    # old caches not yet deleted, clients not yet claimed): wait for both explicitly. The page
    # evaluate has no timeout of its own, so a worker that never installs fails here, in time.
    state = page.evaluate(_SERVICE_WORKER_STATE, SERVICE_WORKER_TIMEOUT_MS)
    if state == "activated, not controlling":
        # clients.claim() can miss a document that was being replaced while the worker
        # activated (the first visit redirects / → /login): seen about 1 run in 20 on a busy
        # machine. Any navigation after activation is controlled, as the user's next one is.
        page.reload()
        state = page.evaluate(_SERVICE_WORKER_STATE, SERVICE_WORKER_TIMEOUT_MS)
    assert state == "activated", f"service worker: {state}"


_SERVICE_WORKER_STATE = """async (timeoutMs) => {
    const activated = (async () => {
        const registration = await navigator.serviceWorker.ready;
        const worker = registration.active;
        if (worker.state !== 'activated') {
            await new Promise((resolve) => worker.addEventListener('statechange', () => {
                if (worker.state === 'activated') resolve();
            }));
        }
        if (!navigator.serviceWorker.controller) {
            // claim() runs right after activation: 5 s is ample when it reaches this page.
            const claimed = await Promise.race([
                new Promise((resolve) => navigator.serviceWorker.addEventListener(
                    'controllerchange', () => resolve(true), { once: true })),
                new Promise((resolve) => setTimeout(() => resolve(false), 5000)),
            ]);
            if (!claimed) return 'activated, not controlling';
        }
        return worker.state;
    })();
    const late = new Promise((resolve) => setTimeout(async () => {
        const registration = await navigator.serviceWorker.getRegistration();
        const states = registration
            ? ['installing', 'waiting', 'active'].map((k) => k + '=' + (registration[k] ? registration[k].state : '-')).join(' ')
            : 'no registration';
        resolve('not active and controlling within ' + timeoutMs + ' ms (' + states + ', controller='
                + Boolean(navigator.serviceWorker.controller) + ')');
    }, timeoutMs));
    return Promise.race([activated, late]);
}"""


def log_in(page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the form at /login and wait for the home page."""
    page.goto(base_url + "/login")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("home-title").wait_for()


def page_width_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when nothing sticks out)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    configured = os.environ.get("JIJIAO_SCREENSHOT_DIR")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")

"""Playwright fixtures for browser tests, run against Debian's Chromium.

    from tests.browser.conftest import assert_accessible, screenshot

    def test_it_works(open_page, facilitator):
        page = open_page("/networks/", user=facilitator, viewport="phone")  # or "desktop"
        assert_accessible(page)
        screenshot(page, "networks-phone")  # screenshots/networks-phone.png

Every test under tests/browser is marked `browser`. `open_page` fails the test at
teardown if the page logged a Content-Security-Policy violation or an uncaught
JavaScript error. Map tiles (settings.TILES_URL) are answered locally. Chromium is
shared by the session's browser tests and closed after the last of them.
"""

import os
import struct
import zlib
from pathlib import Path

import pytest
from django.test import Client

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
_running: dict = {}

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TILES_URL = "http://tiles.invalid/{z}/{x}/{y}.png"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}

# Records CSP violations in the page, read back at teardown.
_CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
});
"""


def pytest_collection_modifyitems(items):
    # Every test under tests/browser is a browser test, whichever module it is in.
    for item in items:
        if _is_browser_test(item):
            item.add_marker(pytest.mark.browser)


def _tile_png() -> bytes:
    """A 256x256 pale grey PNG, made with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\xe8\xe8\xe8" * 256
    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * 256, 9))
        + chunk(b"IEND", b"")
    )


TILE = _tile_png()


def _stop_browser() -> None:
    """Close Chromium and Playwright, whose event loop stays "running" in this thread
    until then, and give Django back its async-safety check."""
    if _running:
        _running.pop("browser").close()
        _running.pop("playwright").stop()
        os.environ.pop(ASYNC_UNSAFE, None)


@pytest.fixture
def browser():
    """Chromium, started by the first browser test of a run of them and shared until
    the last (see pytest_runtest_teardown), however pytest orders the tests."""
    if "browser" not in _running:
        from playwright.sync_api import sync_playwright

        # Playwright's sync API keeps an event loop running in the test thread;
        # Django's database calls from that thread are still synchronous and safe.
        os.environ[ASYNC_UNSAFE] = "true"
        _running["playwright"] = sync_playwright().start()
        _running["browser"] = _running["playwright"].chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    return _running["browser"]


def pytest_sessionfinish(session, exitstatus):
    _stop_browser()


def _is_browser_test(item) -> bool:
    return item is not None and "tests/browser/" in str(item.path).replace("\\", "/")


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item, nextitem):
    # The rest of the suite (and the subprocesses some tests start) must run without
    # Playwright's loop or the async-unsafe flag, so stop after the last browser test.
    if not _is_browser_test(nextitem):
        _stop_browser()


@pytest.fixture
def live_site(live_server, committed_db, settings):
    """The live server on a committed database, with tiles from a local stand-in."""
    settings.TILES_URL = TILES_URL
    # Plain http: cookies must not be Secure-only, whatever DEBUG made them.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    policy = {**settings.CONTENT_SECURITY_POLICY}
    policy["DIRECTIVES"] = {
        **policy["DIRECTIVES"],
        "img-src": ["'self'", "data:", "http://tiles.invalid"],
    }
    settings.CONTENT_SECURITY_POLICY = policy
    return live_server


@pytest.fixture
def open_page(browser, live_site):
    """Open `path` on the live site as `user` (anonymous if None) in a phone or desktop
    viewport; at teardown, fail on any CSP violation or page error."""
    contexts, problems, pages = [], [], []

    def _open(path: str, *, user=None, viewport: str = "phone"):
        context = browser.new_context(viewport=VIEWPORTS[viewport])
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies["sessionid"]
            context.add_cookies(
                [{"name": "sessionid", "value": cookie.value, "url": live_site.url}]
            )
        context.route(
            "http://tiles.invalid/**",
            lambda route: route.fulfill(status=200, content_type="image/png", body=TILE),
        )
        context.add_init_script(_CSP_LISTENER)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda message: "Content Security Policy" in message.text
            and problems.append(f"console: {message.text}"),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.goto(live_site.url + path)
        pages.append(page)
        return page

    yield _open
    for page in pages:
        if not page.is_closed():
            problems.extend(f"CSP: {v}" for v in page.evaluate("window.__cspViolations || []"))
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)


def assert_accessible(page) -> None:
    """Run axe-core's WCAG 2.0-2.2 A and AA rules on the page; fail listing violations."""
    # Evaluated through the DevTools protocol, so the page's CSP does not block it.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        """() => axe.run(document, {runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
        "wcag22aa"]})"""
    )
    violations = results["violations"]
    lines = [
        f"{v['id']}: {v['help']} -> {', '.join(str(n['target']) for n in v['nodes'][:5])}"
        for v in violations
    ]
    assert not violations, "axe found:\n" + "\n".join(lines)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot to screenshots/<name>.png (a git-ignored folder)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

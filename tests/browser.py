"""Debian's Chromium driven by Playwright, for the browser tests.

Playwright must never download a browser of its own: it drives /usr/bin/chromium, which
`./test` installs (apt) when it runs as root.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import (
        Browser,
        BrowserContext,
        ConsoleMessage,
        Request,
        Response,
        Route,
    )

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "install them with `apt-get install -y chromium` and `.venv/bin/pip install playwright` "
    "(./test does both); never run `playwright install`"
)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
EXPECT_TIMEOUT_MS = 30_000


def require_browser() -> None:
    """Skip the calling test module, saying what to install, when the browser is missing."""
    if importlib.util.find_spec("playwright") is None:  # pragma: no cover - machine
        pytest.skip(f"the playwright package is missing; {INSTALL_HINT}", allow_module_level=True)
    if not CHROMIUM.is_file():  # pragma: no cover - depends on the machine
        pytest.skip(f"{CHROMIUM} is missing; {INSTALL_HINT}", allow_module_level=True)


@contextlib.contextmanager
def launched_chromium() -> Iterator[Browser]:
    """A headless Chromium, closed on exit."""
    from playwright.sync_api import expect, sync_playwright

    # A safety bound for every expect(): on a loaded 2-core machine a page's answer can
    # take longer than Playwright's 5 s default; nothing here asserts on speed.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


TEST_CSP = "default-src 'self'"
"""The policy every page a test opens is held to (set on the document by the test itself,
so a page that would break under it fails whatever the server sends)."""


class WatchedTab:
    """One browser tab on the real server, recording everything that went wrong in it:
    a request that failed, left the server or got a 4xx/5xx, a console error, a page error.
    Subclasses widen :meth:`is_own` or :meth:`is_expected_failure` where a page needs it."""

    def __init__(self, context: BrowserContext, base: str, timeout_ms: int) -> None:
        self.base = base
        self.timeout_ms = timeout_ms
        self._seen: list[str] = []
        self._navigations = 0
        self._navigation_at_request: dict[Request, int] = {}
        self._failed_requests: list[Request] = []
        self.page = context.new_page()
        self.page.set_default_timeout(timeout_ms)
        self.page.route("**/*", self._with_csp)
        self.page.on("request", self._on_request)
        self.page.on("requestfailed", self._on_request_failed)
        self.page.on("response", self._on_response)
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self._seen.append(f"page error: {error}"))

    def is_own(self, url: str) -> bool:
        return url.startswith(f"{self.base}/")

    def is_expected_failure(self, request: Request) -> bool:
        return False

    @property
    def problems(self) -> list[str]:
        # Failed requests are judged now, not as they fail: the abort of the old document's
        # requests may be reported before the navigation that caused it.
        failed = [
            f"request failed: {request.method} {request.url}: {request.failure}"
            for request in self._failed_requests
            if not self._left_behind_by_navigation(request)
        ]
        return self._seen + failed

    def assert_nothing_went_wrong(self) -> None:
        problems = self.problems
        assert problems == [], "\n".join(problems)

    def _with_csp(self, route: Route) -> None:
        if route.request.resource_type != "document":
            route.continue_()
            return
        response = route.fetch(timeout=self.timeout_ms)
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": TEST_CSP}
        )

    def _on_request(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._navigations += 1
        self._navigation_at_request[request] = self._navigations
        if not self.is_own(request.url):
            self._seen.append(f"request outside the server: {request.method} {request.url}")

    def _left_behind_by_navigation(self, request: Request) -> bool:
        """The browser cancels what the old document still had in flight (its favicon, a
        fetch) when the tab navigates or reloads: that is the tab's doing, not the server's."""
        issued_under = self._navigation_at_request.get(request, self._navigations)
        return request.failure == "net::ERR_ABORTED" and issued_under < self._navigations

    def _on_request_failed(self, request: Request) -> None:
        if not self.is_expected_failure(request):
            self._failed_requests.append(request)

    def _on_response(self, response: Response) -> None:
        if response.status >= 400:
            request = response.request
            self._seen.append(f"HTTP {response.status}: {request.method} {response.url}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self._seen.append(f"console error: {message.text}")

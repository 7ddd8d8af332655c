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
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
INSTALL_HINT = (
    "install them with `apt-get install -y chromium` and `.venv/bin/pip install playwright` "
    "(./test does both); never run `playwright install`"
)
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def require_browser() -> None:
    """Skip the calling test module, saying what to install, when the browser is missing."""
    if importlib.util.find_spec("playwright") is None:  # pragma: no cover - machine
        pytest.skip(f"the playwright package is missing; {INSTALL_HINT}", allow_module_level=True)
    if not CHROMIUM.is_file():  # pragma: no cover - depends on the machine
        pytest.skip(f"{CHROMIUM} is missing; {INSTALL_HINT}", allow_module_level=True)


@contextlib.contextmanager
def launched_chromium() -> Iterator[Browser]:
    """A headless Chromium, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()

"""The HTML audit report opened in headless Chromium: one file, no console errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from accountgraph.cli import cli

CHROMIUM = Path("/usr/bin/chromium")
playwright = pytest.importorskip(
    "playwright.sync_api", reason="install the test extra: pip install -e '.[test]'"
)
if not CHROMIUM.is_file():  # pragma: no cover - depends on the machine
    pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium", allow_module_level=True)


def test_the_html_report_opens_without_errors_or_requests(tmp_path: Path) -> None:
    report = tmp_path / "audit.html"
    result = CliRunner().invoke(cli, ["audit", "--format", "html", "--out", str(report)])
    assert result.exit_code == 0, result.output
    problems: list[str] = []
    requested: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(15_000)
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("request", lambda r: requested.append(r.url))
            page.goto(report.as_uri())
            rows = page.locator("tbody tr")
            assert rows.count() > 10
            assert page.locator("td.warning").first.inner_text() == "warning"
            assert page.locator("h1").inner_text() == "Audit of wipo-a46-11"
        finally:
            browser.close()
    assert problems == []
    assert requested == [report.as_uri()]

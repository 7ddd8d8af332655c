"""The HTML audit report opened in headless Chromium: one file, no console errors."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from accountgraph.cli import cli
from tests.browser import launched_chromium, require_browser

require_browser()


def test_the_html_report_opens_without_errors_or_requests(tmp_path: Path) -> None:
    report = tmp_path / "audit.html"
    result = CliRunner().invoke(cli, ["audit", "--format", "html", "--out", str(report)])
    assert result.exit_code == 0, result.output
    problems: list[str] = []
    requested: list[str] = []
    with launched_chromium() as browser:
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requested.append(r.url))
        page.goto(report.as_uri())
        assert page.locator("tbody tr").count() > 10
        assert page.locator("td.warning").first.inner_text() == "warning"
        assert page.locator("h1").inner_text() == "Audit of wipo-a46-11"
    assert problems == []
    assert requested == [report.as_uri()]

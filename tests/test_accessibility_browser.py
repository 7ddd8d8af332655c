"""The page at ``/``, the GraphQL console at ``/graphql`` and the HTML audit report, read
as a screen reader, a phone and a slow network would: in Debian's Chromium driven by
Playwright, against the real ``accountgraph serve``.

- axe-core (pinned in tools/browser-audit/package-lock.json, installed by ``./test``) is
  injected into each page and must find no violation of any impact;
- the page's cumulative layout shift, measured in the page with a ``layout-shift``
  PerformanceObserver from the first paint until it is ready, stays under 0.1 at desktop
  (1440×900) and phone (390×844) sizes;
- on a phone (390×844, touch) the page is no wider than the screen, the controls fold into
  a menu, the legend starts closed, the side panel is a bottom sheet, every tap target is at
  least 24×24 CSS px, and a two-finger pinch zooms the chart.

Needs ``/usr/bin/chromium``, the ``playwright`` package and ``npm ci`` in
tools/browser-audit; never ``playwright install``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from accountgraph.cli import cli
from tests.browser import WatchedTab, require_browser
from tests.page_audit import (
    AXE,
    LAYOUT_SHIFT_RECORDER,
    MAX_LAYOUT_SHIFT,
    MIN_TARGET_PX,
    NEXT_FRAME,
    PHONE,
    SMALL_TARGETS,
    TABLETS,
    assert_axe_finds_nothing,
    layout_shift,
    new_context,
    require_axe,
)

require_browser()
require_axe()

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect  # noqa: E402

TIMEOUT_MS = 30_000


def open_page(context: BrowserContext, base: str, path: str = "/") -> WatchedTab:
    tab = WatchedTab(context, base, TIMEOUT_MS)
    tab.page.add_init_script(LAYOUT_SHIFT_RECORDER)
    tab.page.goto(f"{base}{path}")
    expect(tab.page.locator("body")).to_have_attribute("data-ready", "true", timeout=TIMEOUT_MS)
    return tab


# --- axe-core -------------------------------------------------------------------------


def test_axe_finds_nothing_on_the_page(desktop: BrowserContext, base_url: str) -> None:
    tab = open_page(desktop, base_url)
    assert_axe_finds_nothing(tab.page)
    tab.page.locator('#graph .node[data-id="wipo-director-general"]').click()
    expect(tab.page.locator("#details-duties")).to_have_attribute("data-state", "ready")
    assert_axe_finds_nothing(tab.page)
    tab.page.get_by_role("button", name="Table", exact=True).click()
    expect(tab.page.locator("#table-body tr").first).to_be_visible()
    assert_axe_finds_nothing(tab.page)
    tab.assert_nothing_went_wrong()


def test_axe_finds_nothing_on_the_page_on_a_phone(phone: BrowserContext, base_url: str) -> None:
    tab = open_page(phone, base_url)
    assert_axe_finds_nothing(tab.page)
    tab.page.get_by_role("button", name="Menu").click()
    expect(tab.page.locator("#controls")).to_be_visible()
    assert_axe_finds_nothing(tab.page)
    tab.assert_nothing_went_wrong()


def test_axe_finds_nothing_on_the_console(desktop: BrowserContext, base_url: str) -> None:
    tab = open_page(desktop, base_url, "/graphql")
    expect(tab.page.locator("#explorer")).to_have_attribute("data-state", "ready")
    assert_axe_finds_nothing(tab.page)
    tab.page.locator("#run-button").click()
    expect(tab.page.locator("#status")).not_to_be_empty()
    assert_axe_finds_nothing(tab.page)
    tab.assert_nothing_went_wrong()


def test_axe_finds_nothing_on_the_html_audit_report(
    desktop: BrowserContext, tmp_path: Path
) -> None:
    report = tmp_path / "audit.html"
    result = CliRunner().invoke(cli, ["audit", "--format", "html", "--out", str(report)])
    assert result.exit_code == 0, result.output
    page = desktop.new_page()
    page.goto(report.as_uri())
    assert_axe_finds_nothing(page)


# --- layout shift ---------------------------------------------------------------------


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_page_does_not_move_while_it_loads(
    size: str, request: pytest.FixtureRequest, base_url: str
) -> None:
    context: BrowserContext = request.getfixturevalue(size)
    tab = open_page(context, base_url)
    # The WIPO graph is dated: its "As of" box was shown by the script, after load.
    expect(tab.page.locator("#as-of-box")).to_have_attribute("data-shown", "true")
    tab.page.evaluate(NEXT_FRAME)
    total, shifts = layout_shift(tab.page)
    print(f"cumulative layout shift at {size} size: {total:.4f}", *shifts, sep="\n")
    assert total < MAX_LAYOUT_SHIFT, "\n".join(shifts)
    tab.assert_nothing_went_wrong()


# --- phones ---------------------------------------------------------------------------


def transform_of(page: Page) -> str:
    return str(page.locator("#viewport").get_attribute("transform"))


def scale_of(page: Page) -> float:
    return float(transform_of(page).split("scale(")[1].rstrip(")"))


def test_on_a_phone_the_page_fits_the_screen_and_folds_its_controls(
    phone: BrowserContext, base_url: str
) -> None:
    tab = open_page(phone, base_url)
    page = tab.page
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    controls = page.locator("#controls")
    expect(controls).to_be_hidden()
    expect(page.locator("#header-nav")).to_be_hidden()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    # The legend starts closed: the chart is what a phone shows first.
    legend_toggle = page.get_by_role("button", name="Legend", exact=True)
    expect(legend_toggle).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#legend-relations")).to_be_hidden()
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(controls).to_be_visible()
    expect(page.get_by_role("button", name="中文")).to_be_in_viewport()
    expect(page.locator("#export-cypher")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    page.keyboard.press("Escape")
    expect(controls).to_be_hidden()
    expect(menu).to_be_focused()

    legend_toggle.click()
    expect(legend_toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#legend-relations input").first).to_be_visible()
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    tab.assert_nothing_went_wrong()


def test_on_a_phone_details_open_as_a_bottom_sheet(phone: BrowserContext, base_url: str) -> None:
    tab = open_page(phone, base_url, "/?node=wipo-director-general")
    page = tab.page
    sheet = page.locator("#side")
    expect(sheet).to_be_visible()
    expect(page.locator("#details-name")).to_have_text("Director General of WIPO")
    box = sheet.bounding_box()
    assert box is not None
    assert box["x"] == 0
    assert box["width"] == PHONE["width"]
    assert box["y"] + box["height"] == pytest.approx(PHONE["height"], abs=1)
    assert box["height"] < PHONE["height"] * 0.6
    # The party is centred in what the sheet leaves of the chart.
    party = page.locator('#graph .node[data-id="wipo-director-general"]').bounding_box()
    assert party is not None
    assert party["y"] + party["height"] < box["y"]
    assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
    page.get_by_role("button", name="Close the details").click()
    expect(sheet).to_be_hidden()
    tab.assert_nothing_went_wrong()


# The chart's bar: its height, the height of its tallest button, and each control as
# "id left,top widthxheight" with whether it shows.
CHART_BAR = """() => {
  const bar = document.querySelector('.chart-bar').getBoundingClientRect();
  const buttons = [...document.querySelectorAll('.chart-bar button')].map((button) => {
    const box = button.getBoundingClientRect();
    return { id: button.id, top: box.top, width: box.width, height: box.height,
             right: box.right, shown: button.checkVisibility() };
  });
  return { height: bar.height, buttons };
}"""
# The names the bar's buttons keep on a phone, in each language: the full words.
CHART_BAR_NAMES = {
    "en": [
        "Legend",
        "Accountability lines",
        "All relations",
        "Zoom in",
        "Zoom out",
        "Fit",
        "Whole graph",
    ],
    "zh": ["图例", "问责线", "全部关系", "放大", "缩小", "适配", "全图"],
}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_on_a_phone_the_chart_bar_is_one_row_of_named_controls(
    lang: str, phone: BrowserContext, base_url: str
) -> None:
    tab = open_page(phone, base_url, f"/?lang={lang}")
    page = tab.page
    bar = page.evaluate(CHART_BAR)
    buttons = bar["buttons"]
    assert [button["id"] for button in buttons if not button["shown"]] == []
    tallest = max(button["height"] for button in buttons)
    # One row: the bar is a button high plus its padding, not two buttons high.
    assert bar["height"] < 1.5 * tallest, bar
    assert max(b["top"] for b in buttons) - min(b["top"] for b in buttons) < 4, buttons
    assert max(button["right"] for button in buttons) <= PHONE["width"]
    assert min(min(button["width"], button["height"]) for button in buttons) >= MIN_TARGET_PX
    for name in CHART_BAR_NAMES[lang]:
        expect(page.get_by_role("button", name=name, exact=True)).to_be_visible()
    # The short labels shown are part of those names (axe leaves this rule out by default).
    page.add_script_tag(path=str(AXE))
    mismatched = page.evaluate(
        "() => axe.run('.chart-bar', { runOnly: ['label-content-name-mismatch'] })"
        ".then((results) => results.violations.flatMap((v) => v.nodes.map((n) => n.target)))"
    )
    assert mismatched == []
    assert_axe_finds_nothing(page)
    tab.assert_nothing_went_wrong()


class Fingers:
    """Touches on the page as a touch screen sends them (Chromium's DevTools protocol):
    the page sees pointer events of type "touch"."""

    def __init__(self, page: Page) -> None:
        self.session = page.context.new_cdp_session(page)

    def send(self, kind: str, points: list[tuple[float, float]]) -> None:
        touches = [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]
        self.session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": touches})

    def move(self, start: list[tuple[float, float]], by: list[tuple[float, float]]) -> None:
        """Put fingers down at ``start``, move each by its ``by`` in five steps, lift them."""
        self.send("touchStart", start)
        for step in range(1, 6):
            moves = zip(start, by, strict=True)
            at = [(x + dx * step / 5, y + dy * step / 5) for (x, y), (dx, dy) in moves]
            self.send("touchMove", at)
        self.send("touchEnd", [])


def test_on_a_phone_one_finger_pans_and_two_fingers_pinch_the_chart(
    phone: BrowserContext, base_url: str
) -> None:
    tab = open_page(phone, base_url)
    page = tab.page
    chart = page.locator("#graph").bounding_box()
    assert chart is not None
    cx = chart["x"] + chart["width"] / 2
    cy = chart["y"] + chart["height"] / 2

    before = transform_of(page)
    scale = scale_of(page)
    fingers = Fingers(page)
    fingers.move([(cx, cy)], [(60, 40)])
    expect(page.locator("#viewport")).not_to_have_attribute("transform", before)
    assert scale_of(page) == pytest.approx(scale)

    fingers.move([(cx - 30, cy), (cx + 30, cy)], [(-75, 0), (75, 0)])
    # The fingers ended 210 px apart from 60: the chart is 3.5 times as large.
    assert scale_of(page) == pytest.approx(scale * 3.5, rel=0.02)
    tab.assert_nothing_went_wrong()


@pytest.mark.parametrize("size", TABLETS, ids=lambda size: f"{size['width']}x{size['height']}")
def test_on_a_tablet_the_page_fits_shows_its_controls_and_does_not_move(
    size: ViewportSize, browser: Browser, base_url: str
) -> None:
    context = new_context(browser, size, phone=True)
    try:
        tab = open_page(context, base_url)
        page = tab.page
        tab.page.evaluate(NEXT_FRAME)
        total, shifts = layout_shift(page)
        assert total < MAX_LAYOUT_SHIFT, "\n".join(shifts)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= size["width"]
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.locator("#controls")).to_be_visible()
        expect(page.locator("#export-cypher")).to_be_in_viewport()
        assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
        # The legend starts open beside the chart above 900 px, closed below; one tap opens it.
        legend_toggle = page.get_by_role("button", name="Legend", exact=True)
        if size["width"] <= 900:
            expect(page.locator("#legend-relations")).to_be_hidden()
            legend_toggle.click()
        expect(legend_toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#legend-relations")).to_be_visible()
        assert page.evaluate(SMALL_TARGETS, MIN_TARGET_PX) == []
        tab.assert_nothing_went_wrong()
    finally:
        context.close()

"""The chart's view in a real browser (Debian's Chromium driven by Playwright, against the
real ``accountgraph serve`` of the WIPO graph): what the first view, "Fit" and "Whole
graph" show, which relations are drawn by default and how a link keeps the choice, and
that the legend sits beside the chart, never over a party.

Needs ``/usr/bin/chromium`` and the ``playwright`` package; never ``playwright install``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import pytest

from tests.browser import WatchedTab, require_browser

require_browser()

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect  # noqa: E402

TIMEOUT_MS = 30_000
MIN_LABEL_PX = 11.0
"""The smallest size names are drawn at by the first view and "Fit" (graph.js MIN_LABEL_PX)."""
FIT_MARGIN_PX = 16
"""The gap graph.js leaves between a fitted graph and the chart's top."""
MIN_TARGET_PX = 24
LAPTOPS = [ViewportSize(width=1440, height=900), ViewportSize(width=1280, height=800)]

# The size, in CSS px, of every name drawn: its font size times the chart's scale.
LABEL_SIZES = """() => [...document.querySelectorAll('#graph .node text')].map(
  (text) => parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a)"""
# The same through the boxes: the tallest line box of a name, in CSS px.
TSPAN_HEIGHT = """() => Math.max(...[...document.querySelectorAll('#graph .node tspan')].map(
  (span) => span.getBoundingClientRect().height))"""
# How far below the chart's top edge the highest party drawn starts, in CSS px.
GRAPH_TOP_GAP = """() => {
  const chart = document.getElementById('graph').getBoundingClientRect();
  const nodes = [...document.querySelectorAll('#graph .node')];
  const tops = nodes.map((n) => n.getBoundingClientRect().top);
  return Math.min(...tops) - chart.top;
}"""
# The relations of the edges drawn.
DRAWN_RELATIONS = """() => [...new Set([...document.querySelectorAll('#edge-layer [data-relation]')]
  .map((e) => e.dataset.relation))]"""
# Parties whose centre is in the chart's box but whose centre point is not the chart's:
# something (the legend, the side panel) lies over them.
COVERED_PARTIES = """() => {
  const chart = document.getElementById('graph');
  const box = chart.getBoundingClientRect();
  const covered = [];
  for (const node of document.querySelectorAll('#graph .node')) {
    const r = node.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    if (x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
    const hit = document.elementFromPoint(x, y);
    if (hit && chart.contains(hit)) continue;
    covered.push(`${node.dataset.id} under ${hit?.id || hit?.className}`);
  }
  return covered;
}"""


@pytest.fixture(scope="module")
def relations(base_url: str) -> dict[str, Any]:
    """The WIPO graph's relation styles, as the page gets them."""
    graph: dict[str, Any] = httpx.get(f"{base_url}/api/graph", timeout=10.0).json()
    return graph


def open_page(context: BrowserContext, base: str, query: str = "") -> WatchedTab:
    tab = WatchedTab(context, base, TIMEOUT_MS)
    tab.page.goto(f"{base}/{query}")
    wait_until_ready(tab.page)
    return tab


def wait_until_ready(page: Page) -> None:
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=TIMEOUT_MS)
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")


def params(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


def ranking(graph: dict[str, Any]) -> set[str]:
    return {name for name, style in graph["relations"].items() if style["ranks"]}


def assert_readable_from_the_top(page: Page) -> None:
    sizes: list[float] = page.evaluate(LABEL_SIZES)
    assert sizes, "no name drawn"
    assert min(sizes) >= MIN_LABEL_PX - 0.01
    assert page.evaluate(TSPAN_HEIGHT) >= MIN_LABEL_PX
    gap = page.evaluate(GRAPH_TOP_GAP)
    assert 0 <= gap <= FIT_MARGIN_PX + 4, f"{gap} px between the chart's top and the graph"


def button(page: Page, name: str) -> Any:
    return page.get_by_role("button", name=name, exact=True)


# --- what the view shows ----------------------------------------------------------------


@pytest.mark.parametrize("size", LAPTOPS, ids=lambda size: f"{size['width']}x{size['height']}")
def test_the_first_view_and_fit_draw_names_readable_from_the_graphs_top(
    size: ViewportSize, browser: Browser, base_url: str, relations: dict[str, Any]
) -> None:
    context = browser.new_context(viewport=size)
    try:
        tab = open_page(context, base_url)
        page = tab.page
        assert_readable_from_the_top(page)
        # The WIPO graph is wider than a laptop at that size: not every party is drawn.
        drawn = int(page.locator("#graph").get_attribute("data-drawn-nodes") or 0)
        assert 0 < drawn < len(relations["nodes"])
        for party in ("wipo-director-general", "wipo-member-states", "wipo-head-sscs"):
            expect(page.locator(f'#graph .node[data-id="{party}"]')).to_be_in_viewport()

        # Zoomed out and panned away, "Fit" and the 0 key bring the same view back.
        chart = page.locator("#graph")
        box = chart.bounding_box()
        assert box is not None
        first = page.locator("#viewport").get_attribute("transform") or ""
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(0, 900)
        expect(page.locator("#viewport")).not_to_have_attribute("transform", first)
        button(page, "Fit").click()
        expect(page.locator("#viewport")).to_have_attribute("transform", first)
        assert_readable_from_the_top(page)
        page.mouse.wheel(0, 900)
        chart.focus()
        page.keyboard.press("0")
        expect(page.locator("#viewport")).to_have_attribute("transform", first)

        # "Whole graph": every party, inside the chart, its top at the chart's top.
        button(page, "Whole graph").click()
        expect(chart).to_have_attribute("data-drawn-nodes", str(len(relations["nodes"])))
        gap = page.evaluate(GRAPH_TOP_GAP)
        assert 0 <= gap <= FIT_MARGIN_PX + 4
        outside = page.evaluate(
            """() => {
              const box = document.getElementById('graph').getBoundingClientRect();
              return [...document.querySelectorAll('#graph .node')].filter((n) => {
                const r = n.getBoundingClientRect();
                return r.left < box.left - 1 || r.right > box.right + 1
                  || r.top < box.top - 1 || r.bottom > box.bottom + 1;
              }).map((n) => n.dataset.id);
            }"""
        )
        assert outside == []
        tab.assert_nothing_went_wrong()
    finally:
        context.close()


def test_in_chinese_the_first_view_starts_at_the_graphs_top_too(
    browser: Browser, base_url: str
) -> None:
    # Chinese words make the control bar one row at 1280 px, not two: the chart grows as the
    # page loads, and the first view still starts at its top.
    context = browser.new_context(viewport=LAPTOPS[1])
    try:
        tab = open_page(context, base_url, "?lang=zh")
        assert_readable_from_the_top(tab.page)
        tab.assert_nothing_went_wrong()
    finally:
        context.close()


# --- the relations shown ------------------------------------------------------------------


def test_by_default_the_ranking_relations_are_drawn_and_all_are_one_click_away(
    context: BrowserContext, base_url: str, relations: dict[str, Any]
) -> None:
    ranks = ranking(relations)
    assert ranks == {"ACCOUNTABLE_TO", "REPORTS_TO"}
    tab = open_page(context, base_url)
    page = tab.page
    assert set(page.evaluate(DRAWN_RELATIONS)) == ranks
    assert int(page.locator("#graph").get_attribute("data-drawn-edges") or 0) > 0
    expect(button(page, "Accountability lines")).to_have_attribute("aria-pressed", "true")
    expect(button(page, "All relations")).to_have_attribute("aria-pressed", "false")
    assert "hide" not in params(page)
    assert "relations" not in params(page)
    expect(page.locator("#legend-relations input:checked")).to_have_count(len(ranks))

    button(page, "All relations").click()
    expect(page.locator("#edge-layer [data-relation=MEMBER_OF]")).not_to_have_count(0)
    assert params(page)["relations"] == ["all"]
    expect(button(page, "All relations")).to_have_attribute("aria-pressed", "true")
    expect(button(page, "Accountability lines")).to_have_attribute("aria-pressed", "false")

    # A reload (or the link shared) keeps every relation.
    page.reload()
    wait_until_ready(page)
    assert params(page)["relations"] == ["all"]
    expect(button(page, "All relations")).to_have_attribute("aria-pressed", "true")
    assert set(page.evaluate(DRAWN_RELATIONS)) > ranks
    expect(page.locator("#legend-relations input:not(:checked)")).to_have_count(0)

    # Back to the accountability lines: the default, so the link says nothing of it.
    button(page, "Accountability lines").click()
    expect(page.locator("#edge-layer [data-relation=MEMBER_OF]")).to_have_count(0)
    assert "relations" not in params(page)
    assert "hide" not in params(page)
    page.reload()
    wait_until_ready(page)
    assert set(page.evaluate(DRAWN_RELATIONS)) == ranks
    tab.assert_nothing_went_wrong()


def test_links_that_hide_relations_still_work(context: BrowserContext, base_url: str) -> None:
    tab = open_page(context, base_url, "?hide=ADVISES,MEMBER_OF")
    page = tab.page
    drawn = set(page.evaluate(DRAWN_RELATIONS))
    assert "ADVISES" not in drawn
    assert "MEMBER_OF" not in drawn
    assert {"ACCOUNTABLE_TO", "MANAGES"} <= drawn
    expect(page.locator("#legend-relations input[value=ADVISES]")).not_to_be_checked()
    expect(page.locator("#legend-relations input[value=MANAGES]")).to_be_checked()
    # Neither choice of the switch: the reader's own.
    expect(page.locator("#relation-switch [aria-pressed=true]")).to_have_count(0)
    assert params(page)["hide"] == ["ADVISES,MEMBER_OF"]
    tab.assert_nothing_went_wrong()


def test_the_table_and_a_trace_follow_the_relations_shown(
    context: BrowserContext, base_url: str, relations: dict[str, Any]
) -> None:
    ranks = ranking(relations)
    shown = sum(1 for edge in relations["edges"] if edge["relation"] in ranks)
    every = len(relations["edges"])
    tab = open_page(context, base_url, "?view=table")
    page = tab.page
    caption = page.locator("#table-caption")
    expect(caption).to_contain_text(f"{shown} of {every} edges (the relations the chart shows)")
    # Each edge is listed twice: in its source's row and in its target's.
    expect(page.locator("#table-body li")).to_have_count(2 * shown)

    page.goto(f"{base_url}/?view=table&relations=all")
    wait_until_ready(page)
    expect(caption).to_contain_text(f"{every} edges")
    expect(caption).not_to_contain_text("the relations the chart shows")
    expect(page.locator("#table-body li")).to_have_count(2 * every)

    page.goto(f"{base_url}/?from=wipo-personnel&to=wipo-member-states")
    wait_until_ready(page)
    expect(page.locator("#trace-result")).to_contain_text("over the relations shown")
    page.goto(f"{base_url}/?from=wipo-personnel&to=wipo-member-states&relations=all")
    wait_until_ready(page)
    expect(page.locator("#trace-result")).to_contain_text("over every relation")
    tab.assert_nothing_went_wrong()


# --- the legend -----------------------------------------------------------------------


@pytest.mark.parametrize("size", LAPTOPS, ids=lambda size: f"{size['width']}x{size['height']}")
def test_the_legend_and_the_side_panel_sit_beside_the_chart(
    size: ViewportSize, browser: Browser, base_url: str
) -> None:
    context = browser.new_context(viewport=size)
    try:
        tab = open_page(context, base_url, "?node=wipo-head-sscs&relations=all")
        page = tab.page
        legend = page.locator("#legend")
        expect(legend).to_be_visible()
        expect(page.locator("#side")).to_be_visible()
        expect(button(page, "Legend")).to_have_attribute("aria-expanded", "true")
        boxes = page.evaluate(
            """() => Object.fromEntries(['legend', 'graph', 'side'].map((id) => {
              const r = document.getElementById(id).getBoundingClientRect();
              return [id, { left: r.left, right: r.right, top: r.top, bottom: r.bottom }];
            }))"""
        )
        chart, beside, side = boxes["graph"], boxes["legend"], boxes["side"]
        assert beside["right"] <= chart["left"] + 0.5
        assert chart["right"] <= side["left"] + 0.5
        assert chart["right"] - chart["left"] >= 500, "too little of the chart is left"
        assert chart["bottom"] - chart["top"] >= 500
        assert page.evaluate(COVERED_PARTIES) == []
        expect(page.locator('#graph .node[data-id="wipo-head-sscs"]')).to_be_in_viewport()

        # Every tick box is a 24 px target, with a mouse as with a finger.
        sizes = page.locator("#legend-relations input").evaluate_all(
            "(boxes) => boxes.map((b) => b.getBoundingClientRect()).map((r) => [r.width, r.height])"
        )
        assert sizes
        assert all(w >= MIN_TARGET_PX and h >= MIN_TARGET_PX for w, h in sizes)

        # Closed, the chart takes its place; opened again, it is back beside it.
        width = chart["right"] - chart["left"]
        button(page, "Legend").click()
        expect(legend).to_be_hidden()
        expect(button(page, "Legend")).to_have_attribute("aria-expanded", "false")
        wider = page.evaluate("() => document.getElementById('graph').clientWidth")
        assert wider >= width + 200
        button(page, "Legend").click()
        expect(legend).to_be_visible()
        assert page.evaluate(COVERED_PARTIES) == []
        tab.assert_nothing_went_wrong()
    finally:
        context.close()

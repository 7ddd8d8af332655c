"""The chart's edges in a real browser: the edges between two parties drawn as one bundle
(a cable of side-by-side lines, the same curves as chart.edge_curves), which closes up when
a relation is hidden; and the tooltips of parties and bundles, on hover and on keyboard
focus, with the clauses' words fetched from the API once.

Debian's Chromium driven by Playwright against the real ``accountgraph serve`` on the
shipped dataset, every page held to ``Content-Security-Policy: default-src 'self'`` (but
where axe-core is injected, as in test_accessibility_browser).
Needs ``/usr/bin/chromium`` and the ``playwright`` package; never ``playwright install``.
"""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from accountgraph.chart import CABLE_GAP, edge_curves
from accountgraph.dataset import load_dataset
from accountgraph.layout import Place
from tests.arrowheads import arrowhead, curve_arrowhead, overlap
from tests.browser import WatchedTab, require_browser
from tests.page_audit import assert_axe_finds_nothing, require_axe

require_browser()

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    FloatRect,
    Locator,
    Page,
    Route,
    expect,
)

TIMEOUT_MS = 30_000
DG = "wipo-director-general"
HEAD = "wipo-head-sscs"
PAIR = f"{DG}|{HEAD}"
PAIR_RELATIONS = {"DELEGATES_TO", "ACCOUNTABLE_TO", "ADVISES", "REPORTS_TO"}
ALL_RELATIONS = "?hide="
"""The page with every relation shown (an empty list of hidden relations)."""

# A point of the bundle's own line where the bundle is what the pointer would hit (another
# party's box or bundle may lie over parts of it), in the window's coordinates.
POINT_ON_BUNDLE = """(pair) => {
  const bundle = document.querySelector(`#graph .bundle[data-pair="${pair}"]`);
  const line = bundle.querySelector('.bundle-hit');
  const length = line.getTotalLength();
  const ctm = line.getScreenCTM();
  for (let i = 1; i < 40; i += 1) {
    const p = line.getPointAtLength((length * i) / 40);
    const x = ctm.a * p.x + ctm.c * p.y + ctm.e;
    const y = ctm.b * p.x + ctm.d * p.y + ctm.f;
    if (document.elementFromPoint(x, y)?.closest('.bundle') === bundle) return [x, y];
  }
  return null;
}"""


class Tab(WatchedTab):
    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{query}")
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")

    def bundle(self, pair: str) -> Locator:
        return self.page.locator(f'#graph .bundle[data-pair="{pair}"]')

    @property
    def tooltip(self) -> Locator:
        return self.page.locator("#chart-tooltip")

    def lines(self, pair: str) -> list[dict[str, Any]]:
        """The lines of a bundle: relation and curve (numbers of its path)."""
        lines: list[dict[str, Any]] = self.page.evaluate(
            """(pair) => [...document.querySelectorAll(
                 `#graph .bundle[data-pair="${pair}"] .edge`)].map((line) => ({
               relation: line.dataset.relation,
               curve: line.getAttribute('d').match(/-?[\\d.]+/g).map(Number),
             }))""",
            pair,
        )
        return lines

    def centre(self, pair: str) -> list[float]:
        d = self.bundle(pair).locator(".bundle-hit").get_attribute("d") or ""
        return [float(v) for v in re.findall(r"-?[\d.]+", d)]

    def hover_bundle(self, pair: str) -> tuple[float, float]:
        point = self.page.evaluate(POINT_ON_BUNDLE, pair)
        assert point is not None, f"no point of {pair} can be pointed at"
        x, y = point
        self.page.mouse.move(x, y)
        return x, y

    def focused(self) -> dict[str, str | None]:
        focused: dict[str, str | None] = self.page.evaluate(
            """() => {
              const e = document.activeElement;
              return { id: e?.dataset?.id ?? null, pair: e?.dataset?.pair ?? null,
                       inChart: Boolean(e?.closest?.('#graph')) && e.id !== 'graph' };
            }"""
        )
        return focused


@pytest.fixture
def tab(context: BrowserContext, base_url: str) -> Tab:
    return Tab(context, base_url, TIMEOUT_MS)


def graph(base: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{base}/api/graph", timeout=10.0).json()
    return answer


def across(curve: list[float], centre: list[float]) -> float:
    """How far a line's control point lies from the bundle's centre line, across it."""
    sx, sy, _, _, ex, ey = centre
    dx, dy = ex - sx, ey - sy
    length = math.hypot(dx, dy)
    return (curve[2] - centre[2]) * -dy / length + (curve[3] - centre[3]) * dx / length


def assert_inside_window_and_clear_of(page: Page, box: FloatRect, x: float, y: float) -> None:
    viewport = page.viewport_size
    assert viewport is not None
    assert box["x"] >= 0
    assert box["y"] >= 0
    assert box["x"] + box["width"] <= viewport["width"]
    assert box["y"] + box["height"] <= viewport["height"]
    over_pointer = (
        box["x"] <= x <= box["x"] + box["width"] and box["y"] <= y <= box["y"] + box["height"]
    )
    assert not over_pointer, (box, x, y)


def apart(a: FloatRect | None, b: FloatRect | None) -> bool:
    """Whether two boxes on the screen do not overlap."""
    assert a is not None
    assert b is not None
    return (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


# --- bundles --------------------------------------------------------------------------


def test_the_edges_between_two_parties_are_one_cable_that_closes_up(tab: Tab) -> None:
    tab.open(ALL_RELATIONS)
    expect(tab.bundle(PAIR)).to_have_count(1)
    lines = tab.lines(PAIR)
    assert {line["relation"] for line in lines} == PAIR_RELATIONS
    offsets = sorted(across(line["curve"], tab.centre(PAIR)) for line in lines)
    assert offsets == pytest.approx(
        [-1.5 * CABLE_GAP, -0.5 * CABLE_GAP, 0.5 * CABLE_GAP, 1.5 * CABLE_GAP], abs=0.2
    )
    pairs = tab.page.eval_on_selector_all("#graph .bundle", "all => all.map((b) => b.dataset.pair)")
    assert len(pairs) == len(set(pairs))

    tab.page.locator('#legend-relations input[value="ADVISES"]').uncheck()
    expect(tab.bundle(PAIR).locator(".edge")).to_have_count(3)
    lines = tab.lines(PAIR)
    assert {line["relation"] for line in lines} == PAIR_RELATIONS - {"ADVISES"}
    offsets = sorted(across(line["curve"], tab.centre(PAIR)) for line in lines)
    assert offsets == pytest.approx([-CABLE_GAP, 0, CABLE_GAP], abs=0.2)
    tab.assert_nothing_went_wrong()


def test_by_default_each_pair_of_parties_shown_is_one_bundle(tab: Tab) -> None:
    tab.open()
    shown = set(
        tab.page.eval_on_selector_all(
            "#legend-relations input:checked", "all => all.map((box) => box.value)"
        )
    )
    doc = graph(tab.base)
    edges = [e for e in doc["edges"] if e["relation"] in shown]
    pairs = {"|".join(sorted((e["from"], e["to"]))) for e in edges}
    # The WIPO graph is small enough for every bundle to be drawn at the first view.
    drawn = tab.page.eval_on_selector_all(
        "#graph .bundle",
        "all => all.map((b) => [b.dataset.pair, b.querySelectorAll('.edge').length])",
    )
    assert sorted(pair for pair, _ in drawn) == sorted(pairs)
    for pair, count in drawn:
        assert count == sum("|".join(sorted((e["from"], e["to"]))) == pair for e in edges)
    tab.assert_nothing_went_wrong()


def test_the_page_bends_edges_as_the_server_exports_do(tab: Tab) -> None:
    """geometry.js's edgeCurves and chart.edge_curves, on the same places, draw the same."""
    tab.open()
    doc = graph(tab.base)
    on_page: list[list[float] | None] = tab.page.evaluate(
        """async (doc) => {
          const { edgeCurves } = await import('/static/page/geometry.js');
          const byId = new Map(doc.nodes.map((n) => [n.id, n]));
          return edgeCurves(doc.edges, byId, doc.node_size, doc.gaps.node);
        }""",
        doc,
    )
    dataset = load_dataset()
    assert [(e.source, e.relation.value, e.target) for e in dataset.edges] == [
        (e["from"], e["relation"], e["to"]) for e in doc["edges"]
    ]
    places = {n["id"]: Place(x=n["x"], y=n["y"], layer=n["layer"], order=0) for n in doc["nodes"]}
    exported = edge_curves(dataset.edges, places)
    assert len(on_page) == len(exported)
    for page_curve, file_curve in zip(on_page, exported, strict=True):
        assert page_curve is not None
        assert file_curve is not None
        assert page_curve == pytest.approx(list(file_curve), abs=0.11)  # both round to 0.1


# Each drawn line's end and a point just before it (its last direction), by bundle.
DRAWN_LINE_ENDS = """(pairs) => Object.fromEntries(pairs.map((pair) => [pair,
  [...document.querySelectorAll(`#graph .bundle[data-pair="${pair}"] .edge`)].map((line) => {
    const length = line.getTotalLength();
    const end = line.getPointAtLength(length);
    const before = line.getPointAtLength(length - 0.5);
    return [[end.x, end.y], [before.x, before.y]];
  })]))"""


def test_no_two_arrowheads_of_a_cable_overlap_on_the_page(tab: Tab) -> None:
    """Every cable geometry.js bends (all relations shown), and the lines the page draws for
    the two cables of four and three lines at the Head of SSCS: no two heads overlap."""
    tab.open(ALL_RELATIONS)
    doc = graph(tab.base)
    on_page: list[list[float]] = tab.page.evaluate(
        """async (doc) => {
          const { edgeCurves } = await import('/static/page/geometry.js');
          const byId = new Map(doc.nodes.map((n) => [n.id, n]));
          return edgeCurves(doc.edges, byId, doc.node_size, doc.gaps.node);
        }""",
        doc,
    )
    size = float(tab.page.locator("#graph marker").first.get_attribute("markerWidth") or 0)
    assert size == 9
    cables: dict[str, list[list[float]]] = {}
    for line, curve in zip(doc["edges"], on_page, strict=True):
        cables.setdefault("|".join(sorted((line["from"], line["to"]))), []).append(curve)
    assert max(len(curves) for curves in cables.values()) == 5
    for pair, curves in cables.items():
        heads = [curve_arrowhead(curve, size) for curve in curves]
        for a, b in itertools.combinations(heads, 2):
            assert not overlap(a, b), (pair, curves)

    sscs = "|".join(sorted((HEAD, "wipo-sscs")))
    drawn = tab.page.evaluate(DRAWN_LINE_ENDS, [PAIR, sscs])
    assert [len(drawn[PAIR]), len(drawn[sscs])] == [4, 3]
    for pair, ends in drawn.items():
        heads = [arrowhead(end, (2 * end[0] - x, 2 * end[1] - y), size) for end, (x, y) in ends]
        for a, b in itertools.combinations(heads, 2):
            assert not overlap(a, b), (pair, ends)
    tab.assert_nothing_went_wrong()


def test_the_pages_svg_draws_the_cables_as_the_page_shows_them(tab: Tab) -> None:
    tab.open(ALL_RELATIONS)
    tab.page.locator('#legend-relations input[value="ADVISES"]').uncheck()
    expect(tab.bundle(PAIR).locator(".edge")).to_have_count(3)
    drawn = {line["relation"]: line["curve"] for line in tab.lines(PAIR)}
    with tab.page.expect_download() as download:
        tab.page.get_by_role("button", name="SVG", exact=True).click()
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    exported = re.findall(r'<path d="([^"]+)"[^>]*><title>([^<]+)</title>', svg)
    lines = {
        title: [float(v) for v in re.findall(r"-?[\d.]+", d)]
        for d, title in exported
        if "Head, Safety and Security" in title and "Director General of WIPO" in title
    }
    assert len(lines) == 3
    assert not any(title.startswith("advises") for title in lines)
    head, dg = "Head, Safety and Security Coordination Service", "Director General of WIPO"
    assert f"accountable to: {head} → {dg} (III.A.1)" in lines
    assert f"delegates to [security]: {dg} → {head} (III.A.1, III.C)" in lines
    # The same curves as on the page, moved by the picture's margin.
    page_curves = sorted(drawn.values())
    file_curves = sorted(lines.values())
    shift = (file_curves[0][0] - page_curves[0][0], file_curves[0][1] - page_curves[0][1])
    for on_page, in_file in zip(page_curves, file_curves, strict=True):
        moved = [v + shift[i % 2] for i, v in enumerate(on_page)]
        assert in_file == pytest.approx(moved, abs=0.2)
    tab.assert_nothing_went_wrong()


# --- tooltips -------------------------------------------------------------------------


def test_hovering_a_bundle_shows_its_relations_clauses_and_their_words(tab: Tab) -> None:
    asked: list[str] = []
    tab.page.on(
        "request",
        lambda r: (
            asked.append(r.post_data or "")
            if r.url.endswith("/graphql") and "sources" in (r.post_data or "")
            else None
        ),
    )
    tab.open(ALL_RELATIONS)
    expect(tab.bundle(PAIR)).to_have_attribute("aria-describedby", "chart-tooltip")
    x, y = tab.hover_bundle(PAIR)
    tip = tab.tooltip
    expect(tip).to_be_visible()
    expect(tip).to_have_attribute("role", "tooltip")
    expect(tip).to_have_attribute("data-for", PAIR)
    for words in ("delegates to", "accountable to", "advises", "reports to"):
        expect(tip).to_contain_text(words)
    for section in ("III.A.1", "III.C", "III.C(a)"):
        expect(tip).to_contain_text(section)
    expect(tip).to_contain_text("Head, Safety and Security Coordination Service → Director General")
    expect(tip).to_contain_text("scope: security")
    # Then the clauses' own words, asked of the API.
    expect(tip).to_have_attribute("data-state", "ready")
    expect(tip).to_contain_text("may delegate authority to others")
    expect(tip).to_contain_text("reports directly to the Director General")
    box = tip.bounding_box()
    assert box is not None
    assert_inside_window_and_clear_of(tab.page, box, x, y)

    # The pointer can move onto it (to read or select its text) and it stays.
    tab.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=8)
    expect(tip).to_be_visible()
    tab.page.keyboard.press("Escape")
    expect(tip).to_be_hidden()

    # Away and back: shown again, the words kept from the first time.
    tab.page.mouse.move(5, 400)
    tab.hover_bundle(PAIR)
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("may delegate authority to others")
    assert len(asked) == 1

    # With a relation hidden, the bundle and its tooltip say one relation fewer.
    tab.page.mouse.move(5, 400)
    tab.page.locator('#legend-relations input[value="ADVISES"]').uncheck()
    expect(tab.bundle(PAIR).locator(".edge")).to_have_count(3)
    tab.hover_bundle(PAIR)
    expect(tip).to_contain_text("reports to")
    expect(tip).not_to_contain_text("advises")
    tab.assert_nothing_went_wrong()


def test_the_tooltip_shows_at_once_and_the_clauses_words_when_they_come(tab: Tab) -> None:
    held: list[Route] = []

    def hold_clause_questions(route: Route) -> None:
        if "sources" in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    tab.open(ALL_RELATIONS)
    tab.page.route("**/graphql", hold_clause_questions)
    tab.hover_bundle(PAIR)
    tip = tab.tooltip
    expect(tip).to_have_attribute("data-state", "loading")
    expect(tip).to_contain_text("accountable to")
    expect(tip).to_contain_text("III.C(a)")
    expect(tip).to_contain_text("Loading the clause…")
    expect(tip).not_to_contain_text("may delegate authority to others")
    assert len(held) == 1
    held[0].continue_()
    expect(tip).to_have_attribute("data-state", "ready")
    expect(tip).to_contain_text("may delegate authority to others")
    expect(tip).not_to_contain_text("Loading the clause…")
    tab.assert_nothing_went_wrong()


def test_hovering_a_party_names_it_in_both_languages(tab: Tab) -> None:
    tab.open(ALL_RELATIONS)
    party = tab.page.locator(f'#graph .node[data-id="{DG}"]')
    party.hover()
    tip = tab.tooltip
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("Director General of WIPO")
    expect(tip).to_contain_text("WIPO 总干事")
    expect(tip).to_contain_text("office")
    expect(tip).to_contain_text(DG)
    edges = sum(DG in (e["from"], e["to"]) for e in graph(tab.base)["edges"])
    expect(tip.locator(".tip-edge-count")).to_have_text(str(edges))
    assert apart(party.bounding_box(), tip.bounding_box()), "the tooltip covers the party"
    tab.page.mouse.move(5, 400)
    expect(tip).to_be_hidden()
    tab.assert_nothing_went_wrong()


def test_the_keyboard_reaches_parties_in_reading_order_and_their_bundles(tab: Tab) -> None:
    tab.open(ALL_RELATIONS)
    doc = graph(tab.base)
    where = {n["id"]: (n["y"], n["x"]) for n in doc["nodes"]}
    tab.page.locator("#graph").focus()
    visited: list[str] = []
    for _ in range(len(doc["nodes"]) + 1):
        tab.page.keyboard.press("Tab")
        focused = tab.focused()
        if not focused["inChart"]:
            break
        assert focused["id"] is not None
        visited.append(focused["id"])
        if focused["id"] == DG:
            tip = tab.tooltip
            expect(tip).to_be_visible()
            expect(tip).to_contain_text("Director General of WIPO")
    assert visited == sorted(visited, key=where.__getitem__), (
        "Tab goes top row first, left to right"
    )
    assert DG in visited
    assert HEAD in visited

    party = tab.page.locator(f'#graph .node[data-id="{DG}"]')
    party.focus()
    bundles = {
        "|".join(sorted((e["from"], e["to"]))) for e in doc["edges"] if DG in (e["from"], e["to"])
    }
    seen: list[str] = []
    for _ in bundles:
        tab.page.keyboard.press("ArrowRight")
        focused = tab.focused()
        assert focused["pair"] in bundles
        seen.append(str(focused["pair"]))
        if focused["pair"] == PAIR:
            break
    assert seen[-1] == PAIR
    assert len(seen) == len(set(seen))
    tip = tab.tooltip
    expect(tip).to_have_attribute("data-for", PAIR)
    expect(tip).to_have_attribute("data-state", "ready")
    expect(tip).to_contain_text("may delegate authority to others")
    expect(tab.bundle(PAIR)).to_have_attribute("aria-describedby", "chart-tooltip")

    tab.page.keyboard.press("Escape")
    expect(tip).to_be_hidden()
    assert tab.focused()["pair"] == PAIR  # Escape hides the tooltip, focus stays
    tab.page.keyboard.press("Escape")
    assert tab.focused()["id"] == DG  # a second Escape goes back to the party
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator("#details-name")).to_have_text("Director General of WIPO")
    tab.assert_nothing_went_wrong()


def test_a_tap_chooses_a_party_and_shows_no_tooltip(browser: Browser, base_url: str) -> None:
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        tab = Tab(phone, base_url, TIMEOUT_MS)
        tab.open()
        tab.page.locator(f'#graph .node[data-id="{DG}"]').tap()
        expect(tab.page.locator("#details-name")).to_have_text("Director General of WIPO")
        expect(tab.tooltip).to_be_hidden()
        tab.assert_nothing_went_wrong()
    finally:
        phone.close()


def test_in_chinese_the_tooltip_quotes_the_documents_own_words(tab: Tab) -> None:
    tab.open(f"{ALL_RELATIONS}&lang=zh")
    labels = graph(tab.base)["relations"]
    tab.hover_bundle(PAIR)
    tip = tab.tooltip
    expect(tip).to_have_attribute("data-state", "ready")
    for relation in PAIR_RELATIONS:
        expect(tip).to_contain_text(labels[relation]["label"]["zh"])
    expect(tip).to_contain_text("总干事可以把权力下放给其他人")
    expect(tip).to_contain_text("范围：security")
    tab.assert_nothing_went_wrong()


def test_axe_finds_nothing_while_a_tooltip_shows(desktop: BrowserContext, base_url: str) -> None:
    require_axe()
    tab = Tab(desktop, base_url, TIMEOUT_MS)
    tab.open(ALL_RELATIONS)
    tab.hover_bundle(PAIR)
    expect(tab.tooltip).to_have_attribute("data-state", "ready")
    assert_axe_finds_nothing(tab.page)
    tab.page.mouse.move(5, 400)
    tab.page.locator("#graph").focus()
    tab.page.keyboard.press("Tab")
    expect(tab.tooltip).to_be_visible()
    assert_axe_finds_nothing(tab.page)
    tab.assert_nothing_went_wrong()


def test_a_focused_partys_tooltip_moves_with_it_and_a_hovered_one_goes(tab: Tab) -> None:
    tab.open(ALL_RELATIONS)
    party = tab.page.locator(f'#graph .node[data-id="{DG}"]')
    tab.page.locator("#graph").focus()
    tab.page.keyboard.press("Tab")
    party.focus()
    tip = tab.tooltip
    expect(tip).to_contain_text("Director General of WIPO")
    top = tip.evaluate("(tip) => tip.style.top")
    tab.page.keyboard.press("+")  # zooms about the chart's centre: the party moves
    expect(tip).not_to_have_css("top", top)
    expect(tip).to_be_visible()
    assert apart(party.bounding_box(), tip.bounding_box()), "the tooltip covers the party"

    party.blur()
    expect(tip).to_be_hidden()
    tab.hover_bundle(PAIR)
    expect(tip).to_be_visible()
    tab.page.mouse.wheel(0, -300)
    expect(tip).to_be_hidden()
    tab.assert_nothing_went_wrong()

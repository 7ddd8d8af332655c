"""The organisation graph page at / in a real browser: Debian's Chromium, driven by
Playwright, against the real ``accountgraph serve``.

As in the console's tests, every page runs under ``Content-Security-Policy: default-src
'self'`` (added here to the page's response, whatever the server sends), and every test
fails if a request failed, a response was 400 or more, a request left the server's origin
(a download of the page's own ``blob:`` URL excepted), or the page logged an error.

A second server holds a synthetic organisation of 5,000 parties, written to a dataset YAML
file: the page must draw it and stay usable. How long its first draw takes is printed, not
asserted.

Needs ``/usr/bin/chromium`` and the ``playwright`` package; never ``playwright install``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2 as httpx
import networkx as nx
import pytest

from accountgraph.dataset import load_dataset
from accountgraph.export import read_json
from accountgraph.model import Dataset, Validity
from tests.browser import WatchedTab, require_browser
from tests.dataset_files import dataset_yaml, synthetic_organisation
from tests.server import running_server

require_browser()

from playwright.sync_api import (  # noqa: E402
    BrowserContext,
    Locator,
    Request,
    expect,
)

TOP = Path(__file__).resolve().parent.parent
ARTIFACTS = TOP / "test-artifacts"
TIMEOUT_MS = 20_000
BIG_TIMEOUT_MS = 120_000
HTTP_TIMEOUT = 10.0
BIG_PARTIES = 5_000


class Tab(WatchedTab):
    """One browser tab on the page, recording everything that went wrong in it."""

    def __init__(self, context: BrowserContext, base: str, timeout_ms: int = TIMEOUT_MS) -> None:
        super().__init__(context, base, timeout_ms)

    def is_own(self, url: str) -> bool:
        return super().is_own(url) or url.startswith(f"blob:{self.base}/")

    def is_expected_failure(self, request: Request) -> bool:
        # A download of the page's own blob: URL ends as "aborted".
        return request.url.startswith("blob:") and request.failure == "net::ERR_ABORTED"

    # -- the page's parts

    def node(self, party_id: str) -> Locator:
        return self.page.locator(f'#graph .node[data-id="{party_id}"]')

    def edge(self, key: str) -> Locator:
        return self.page.locator(f'#graph .edge[data-key="{key}"]')

    @property
    def details_name(self) -> Locator:
        return self.page.locator("#details-name")

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def params(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.page.url).query)

    # -- actions

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{query}")
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        expect(self.page.locator("body")).to_have_attribute(
            "data-ready", "true", timeout=self.timeout_ms
        )

    def find(self, text: str, party_id: str) -> None:
        """Type ``text`` into the search box and pick ``party_id`` from what it lists."""
        box = self.page.get_by_role("combobox")
        box.fill(text)
        option = self.page.locator(f'#search-results [role=option][data-id="{party_id}"]')
        expect(option).to_be_visible()
        option.click()
        expect(self.page.locator("#details")).to_be_visible()


def health(base: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{base}/health", timeout=HTTP_TIMEOUT).json()
    return answer


@pytest.fixture
def tab(context: BrowserContext, base_url: str) -> Tab:
    return Tab(context, base_url)


# --- the WIPO graph -------------------------------------------------------------------


def test_the_page_draws_every_party_with_no_error(tab: Tab) -> None:
    tab.open()
    parties = health(tab.base)["parties"]
    assert parties > 0
    # The first view shows names at a readable size, not every party; the whole graph does.
    tab.button("Whole graph").click()
    expect(tab.page.locator("#graph .node")).to_have_count(parties)
    expect(tab.page.locator("#graph")).to_have_attribute("data-drawn-nodes", str(parties))
    expect(tab.page.locator("#dataset-title")).to_contain_text("WIPO")
    expect(tab.page.locator("#legend-kinds li")).to_have_count(6)
    expect(tab.node("wipo-director-general")).to_contain_text("Director General of WIPO")
    accountable = tab.edge("wipo-head-sscs|ACCOUNTABLE_TO|wipo-director-general|")
    expect(accountable).to_have_count(1)
    # Accountability flows upward: the Member States are drawn above the Director General.
    top = tab.node("wipo-member-states").bounding_box()
    below = tab.node("wipo-director-general").bounding_box()
    assert top is not None
    assert below is not None
    assert top["y"] < below["y"]
    tab.assert_nothing_went_wrong()


def test_show_chain_highlights_a_path_up_to_the_member_states(tab: Tab) -> None:
    tab.open()
    tab.node("wipo-head-sscs").click()
    expect(tab.details_name).to_have_text("Head, Safety and Security Coordination Service")
    expect(tab.node("wipo-head-sscs")).to_have_class(re.compile(r"\bselected\b"))
    expect(tab.page.locator("#details-duties")).to_have_attribute("data-state", "ready")
    expect(tab.page.locator("#details-duties li").first).to_contain_text("III.C")
    expect(tab.page.locator("#details-edges")).to_contain_text("accountable to")

    tab.button("Show chain").click()
    chains = tab.page.locator("#chain-result")
    expect(chains).to_have_attribute("data-state", "ready")
    last = chains.locator("li").first.locator(".party-link").last
    expect(last).to_have_attribute("data-id", "wipo-member-states")
    for party_id in ("wipo-head-sscs", "wipo-director-general", "wipo-member-states"):
        expect(tab.node(party_id)).to_have_class(re.compile(r"\bhl\b"))
    expect(tab.edge("wipo-director-general|ACCOUNTABLE_TO|wipo-member-states|")).to_have_class(
        re.compile(r"\bhl\b")
    )
    expect(tab.node("wipo-personnel")).not_to_have_class(re.compile(r"\bhl\b"))
    assert tab.params()["node"] == ["wipo-head-sscs"]
    assert tab.params()["chain"] == ["1"]

    ARTIFACTS.mkdir(exist_ok=True)
    tab.page.screenshot(path=ARTIFACTS / "page.png")
    tab.assert_nothing_went_wrong()


def trace_personnel_to_member_states(tab: Tab) -> None:
    tab.find("WIPO personnel", "wipo-personnel")
    tab.button("Trace from here").click()
    tab.find("成员国", "wipo-member-states")
    tab.button("Trace to here").click()
    expect(tab.page.locator("#trace-result")).to_have_attribute("data-state", "ready")


def test_a_trace_highlights_the_paths_between_two_parties(tab: Tab) -> None:
    tab.open()
    trace_personnel_to_member_states(tab)
    result = tab.page.locator("#trace-result")
    expect(result.locator("li")).to_have_count(1)
    expect(result.locator("li .party-link")).to_have_count(3)
    for party_id in ("wipo-personnel", "wipo-director-general", "wipo-member-states"):
        expect(tab.node(party_id)).to_have_class(re.compile(r"\bhl\b"))
    for key in (
        "wipo-personnel|ACCOUNTABLE_TO|wipo-director-general|",
        "wipo-director-general|ACCOUNTABLE_TO|wipo-member-states|",
    ):
        expect(tab.edge(key)).to_have_class(re.compile(r"\bhl\b"))
    expect(tab.page.locator("#trace-from")).to_contain_text("Personnel employed by WIPO")
    expect(tab.page.locator("#trace-to")).to_contain_text("Member States of WIPO")
    assert tab.params()["from"] == ["wipo-personnel"]
    assert tab.params()["to"] == ["wipo-member-states"]
    # The chart shows the accountability lines first: the trace follows them.
    expect(result).to_contain_text("over the relations shown")

    # Over every relation, the same path; over the accountability lines again, swapped, none.
    tab.button("All relations").click()
    expect(result).to_contain_text("over every relation")
    expect(result.locator("li")).to_have_count(1)
    tab.button("Accountability lines").click()
    expect(result).to_contain_text("over the relations shown")
    expect(result.locator("li")).to_have_count(1)
    tab.button("Swap").click()
    expect(result).to_contain_text("No path within 8 steps")
    tab.button("Clear trace").click()
    expect(tab.page.locator("#trace")).to_be_hidden()
    expect(tab.page.locator("#graph .node.hl")).to_have_count(0)
    tab.assert_nothing_went_wrong()


def test_a_shared_link_restores_the_view(tab: Tab, context: BrowserContext) -> None:
    tab.open()
    trace_personnel_to_member_states(tab)
    tab.find("sscs", "wipo-head-sscs")
    tab.button("Show chain").click()
    expect(tab.page.locator("#chain-result")).to_have_attribute("data-state", "ready")
    tab.button("All relations").click()
    tab.page.locator("#legend-relations input[value=ADVISES]").uncheck()
    tab.page.locator("[data-lang=zh]").click()
    expect(tab.page.locator("html")).to_have_attribute("lang", "zh")
    link = tab.page.url
    params = tab.params()
    assert params["node"] == ["wipo-head-sscs"]
    assert params["hide"] == ["ADVISES"]
    assert params["lang"] == ["zh"]

    shared = Tab(context, tab.base)
    shared.page.goto(link)
    shared.wait_until_ready()
    expect(shared.details_name).to_have_text("安全与保安处长")
    expect(shared.node("wipo-head-sscs")).to_have_class(re.compile(r"\bselected\b"))
    expect(shared.page.locator("#chain-result")).to_have_attribute("data-state", "ready")
    expect(shared.node("wipo-member-states")).to_have_class(re.compile(r"\bhl\b"))
    expect(shared.page.locator("#trace-result")).to_have_attribute("data-state", "ready")
    expect(shared.node("wipo-personnel")).to_have_class(re.compile(r"\bhl\b"))
    expect(shared.page.locator("#graph .edge[data-relation=ADVISES]")).to_have_count(0)
    expect(shared.page.locator("#legend-relations input[value=ADVISES]")).not_to_be_checked()
    expect(shared.page.locator("[data-lang=zh]")).to_have_attribute("aria-pressed", "true")
    assert shared.page.url == link
    shared.assert_nothing_went_wrong()
    tab.assert_nothing_went_wrong()


def test_the_table_view_lists_every_party_and_works_by_keyboard(tab: Tab) -> None:
    tab.open()
    parties = health(tab.base)["parties"]
    tab.button("Table").focus()
    tab.page.keyboard.press("Enter")
    table = tab.page.get_by_role("table")
    expect(table).to_be_visible()
    expect(tab.page.locator("#chart-view")).to_be_hidden()
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(parties)
    ids = set(rows.evaluate_all("rows => rows.map(r => r.dataset.id)"))
    assert ids == {p.id for p in load_dataset().parties}
    assert tab.params()["view"] == ["table"]
    head = table.locator('tbody tr[data-id="wipo-head-sscs"]')
    expect(head).to_contain_text("accountable to")
    expect(head).to_contain_text("III.A.1")

    # Keyboard only: Tab reaches the first party's button; Enter opens its details.
    first_id = rows.first.get_attribute("data-id")
    tab.page.locator("#table-heading").click()
    for _ in range(5):
        tab.page.keyboard.press("Tab")
        focused = tab.page.evaluate("document.activeElement.dataset.id || ''")
        if focused == first_id:
            break
    assert focused == first_id
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator("#details")).to_be_visible()
    assert tab.params()["node"] == [first_id]
    tab.assert_nothing_went_wrong()


def test_the_language_switch_shows_chinese_names(tab: Tab) -> None:
    tab.open()
    tab.page.get_by_role("button", name="中文").click()
    expect(tab.page.locator("html")).to_have_attribute("lang", "zh")
    expect(tab.node("wipo-director-general")).to_contain_text("WIPO 总干事")
    expect(tab.node("wipo-member-states")).to_contain_text("成员国")
    expect(tab.page.locator("#legend-relations")).to_contain_text("接受…的问责")
    tab.node("wipo-director-general").click()
    expect(tab.details_name).to_have_text("WIPO 总干事")
    expect(tab.page.locator("#details-other-name")).to_have_text("Director General of WIPO")
    # The controls' own words and hover titles change too.
    expect(tab.page.locator("#zoom-in")).to_have_attribute("aria-label", "放大")
    expect(tab.page.locator("#zoom-fit")).to_have_attribute(
        "title", "名称清晰可读，从图的顶部开始（0）"
    )
    expect(tab.page.locator("#details-close")).to_have_attribute("aria-label", "关闭详情")
    tab.page.get_by_role("button", name="English").click()
    expect(tab.node("wipo-director-general")).to_contain_text("Director General of WIPO")
    expect(tab.page.locator("#zoom-fit")).to_have_attribute(
        "title", "Names at a readable size, the top of the graph first (0)"
    )
    tab.assert_nothing_went_wrong()


def test_the_side_panel_marks_names_that_are_not_the_documents(tab: Tab) -> None:
    tab.open()
    tab.node("wipo-guard-contractor").click()
    facts = tab.page.locator("#details-facts")
    expect(facts).to_contain_text("Not the document’s words: coined for this graph")
    expect(facts).to_contain_text("The document names only the contract, 外包警卫合同")
    tab.node("switzerland-host-government").click()
    expect(facts).to_contain_text("this graph's inference")
    expect(facts).not_to_contain_text("Not the document’s words")
    tab.page.get_by_role("button", name="中文").click()
    expect(facts).to_contain_text("认定其为瑞士是本图的推断")
    tab.assert_nothing_went_wrong()


def test_relation_toggles_pan_and_zoom(tab: Tab) -> None:
    tab.open()
    tab.button("All relations").click()
    expect(tab.page.locator("#graph .edge[data-relation=MEMBER_OF]")).not_to_have_count(0)
    tab.page.locator("#legend-relations input[value=MEMBER_OF]").uncheck()
    expect(tab.page.locator("#graph .edge[data-relation=MEMBER_OF]")).to_have_count(0)
    assert tab.params()["hide"] == ["MEMBER_OF"]
    tab.button("All relations").click()
    expect(tab.page.locator("#graph .edge[data-relation=MEMBER_OF]")).not_to_have_count(0)

    viewport = tab.page.locator("#viewport")
    before = viewport.get_attribute("transform")
    box = tab.page.locator("#graph").bounding_box()
    assert box is not None
    tab.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tab.page.mouse.wheel(0, -600)
    expect(viewport).not_to_have_attribute("transform", before or "")
    zoomed = viewport.get_attribute("transform")
    tab.page.mouse.move(box["x"] + 700, box["y"] + 60)
    tab.page.mouse.down()
    tab.page.mouse.move(box["x"] + 500, box["y"] + 160, steps=5)
    tab.page.mouse.up()
    expect(viewport).not_to_have_attribute("transform", zoomed or "")
    tab.button("Whole graph").click()
    expect(tab.page.locator("#graph .node")).to_have_count(health(tab.base)["parties"])
    tab.assert_nothing_went_wrong()


def test_exports_from_the_page(tab: Tab, tmp_path: Path) -> None:
    tab.open()
    tab.node("wipo-head-sscs").click()
    with tab.page.expect_download() as svg_download:
        tab.button("SVG").click()
    svg = Path(svg_download.value.path()).read_text(encoding="utf-8")
    assert svg_download.value.suggested_filename == "wipo-a46-11.svg"
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert svg.count("<tspan") >= health(tab.base)["parties"]
    assert "Head, Safety and Security" in svg

    with tab.page.expect_download() as png_download:
        tab.button("PNG").click()
    png = Path(png_download.value.path()).read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 1000
    assert height > 400

    with tab.page.expect_download() as graphml_download:
        tab.page.get_by_role("link", name="GraphML").click()
    graphml = tmp_path / graphml_download.value.suggested_filename
    graphml_download.value.save_as(graphml)
    graph = nx.read_graphml(graphml)
    assert graph.number_of_nodes() == health(tab.base)["parties"]
    assert graph.nodes["wipo-director-general"]["name_en"] == "Director General of WIPO"

    with tab.page.expect_download() as json_download:
        tab.page.get_by_role("link", name="JSON", exact=True).click()
    exported = read_json(Path(json_download.value.path()).read_text(encoding="utf-8"))
    assert {p.id for p in exported.parties} == {p.id for p in load_dataset().parties}
    tab.assert_nothing_went_wrong()


# --- a synthetic organisation of 5,000 parties ----------------------------------------


NEW_FROM = dt.date(2015, 1, 1)
NEW_PARTIES = 200


def big_organisation(size: int = BIG_PARTIES) -> Dataset:
    """The benchmark's synthetic organisation; its last parties, and their edges, join on
    NEW_FROM."""
    base = synthetic_organisation(size)
    late = {p.id for p in base.parties[-NEW_PARTIES:]}
    parties = tuple(
        dataclasses.replace(p, validity=Validity(NEW_FROM)) if p.id in late else p
        for p in base.parties
    )
    edges = tuple(
        dataclasses.replace(e, validity=Validity(NEW_FROM)) if {e.source, e.target} & late else e
        for e in base.edges
    )
    return Dataset(base.name, base.title, base.document, parties, edges, base.responsibilities)


def test_the_yaml_writer_round_trips(tmp_path: Path) -> None:
    dataset = big_organisation(500)
    path = tmp_path / "big.yaml"
    path.write_text(dataset_yaml(dataset), encoding="utf-8")
    loaded = load_dataset(path)
    assert [p.id for p in loaded.parties] == [p.id for p in dataset.parties]
    assert [e.key for e in loaded.edges] == [e.key for e in dataset.edges]
    assert [p.validity for p in loaded.parties] == [p.validity for p in dataset.parties]


@pytest.fixture(scope="module")
def big_base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("big") / "organisation.yaml"
    path.write_text(dataset_yaml(big_organisation()), encoding="utf-8")
    with running_server("--data", str(path), timeout=180) as base:
        yield base


def test_a_graph_of_5000_parties_draws_and_stays_usable(
    context: BrowserContext, big_base_url: str
) -> None:
    assert health(big_base_url)["parties"] == BIG_PARTIES
    tab = Tab(context, big_base_url, timeout_ms=BIG_TIMEOUT_MS)
    tab.open()
    graph = tab.page.locator("#graph")
    expect(graph).to_have_attribute("data-nodes", str(BIG_PARTIES))
    drawn = int(graph.get_attribute("data-drawn-nodes") or 0)
    assert 0 < drawn < BIG_PARTIES  # only what is in view is drawn
    timing = tab.page.evaluate(
        """() => ({
            firstDraw: performance.getEntriesByName('first-draw')[0].duration,
            graphLoaded: performance.getEntriesByName('graph-loaded')[0].startTime,
            nodes: document.querySelectorAll('#graph .node').length,
            edges: document.querySelectorAll('#graph .edge').length,
        })"""
    )
    print(
        f"\n{BIG_PARTIES} parties: graph JSON fetched and parsed at {timing['graphLoaded']:.0f} ms,"
        f" first draw done at {timing['firstDraw']:.0f} ms after navigation;"
        f" {timing['nodes']} nodes and {timing['edges']} edges in view"
    )

    # Still usable: search, select, and the chain of a deep party.
    tab.find("Office 4321", "p4321")
    expect(tab.details_name).to_have_text("Office 4321")
    expect(tab.node("p4321")).to_have_class(re.compile(r"\bselected\b"))
    tab.button("Show chain").click()
    chains = tab.page.locator("#chain-result")
    expect(chains).to_have_attribute("data-state", "ready")
    expect(chains.locator("li").first.locator(".party-link").last).to_have_attribute(
        "data-id", "p0"
    )
    expect(tab.node("p4321")).to_have_class(re.compile(r"\bhl\b"))

    # Zoomed out to the whole graph, every party is drawn (without its name).
    tab.button("Whole graph").click()
    expect(graph).to_have_attribute("data-drawn-nodes", str(BIG_PARTIES))
    expect(graph).to_have_class(re.compile(r"\bfar\b"))

    # The parties that joined later are gone on an earlier day.
    tab.page.locator("#as-of").fill((NEW_FROM - dt.timedelta(days=1)).isoformat())
    tab.page.locator("#as-of").dispatch_event("change")
    tab.wait_until_ready()
    expect(graph).to_have_attribute("data-nodes", str(BIG_PARTIES - NEW_PARTIES))
    assert tab.params()["as_of"] == [(NEW_FROM - dt.timedelta(days=1)).isoformat()]
    tab.assert_nothing_went_wrong()

"""The GraphQL console in a real browser: Debian's Chromium, driven by Playwright, against
the real ``accountgraph serve``.

Every page runs under ``Content-Security-Policy: default-src 'self'`` (added here to the
page's response, whatever the server sends), and every test fails if a request failed, a
response was 400 or more, a request left the server's origin, or the page logged an error.

Needs ``/usr/bin/chromium`` (``apt-get install -y chromium``) and the ``playwright`` package
(``pip install playwright``). Playwright must never download a browser: this module only
ever launches Debian's Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import WatchedTab, require_browser

require_browser()

from playwright.sync_api import (  # noqa: E402
    BrowserContext,
    Locator,
    Request,
    Route,
    expect,
)

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
TIMEOUT_MS = 15_000

CHAIN_OF_COMMAND = '{ party(id: "csa-switzerland") { name reportsTo { id name } } }'


class Console(WatchedTab):
    """One browser tab on the console, recording everything that went wrong in it."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        super().__init__(context, base, TIMEOUT_MS)
        self.graphql_posts = 0

    def _on_request(self, request: Request) -> None:
        super()._on_request(request)
        if request.method == "POST" and urlsplit(request.url).path == "/graphql":
            self.graphql_posts += 1

    # -- the page's parts

    @property
    def editor(self) -> Locator:
        return self.page.get_by_role("textbox", name="Query", exact=True)

    @property
    def variables(self) -> Locator:
        return self.page.get_by_role("textbox", name="Variables (JSON)")

    @property
    def result(self) -> Locator:
        return self.page.locator("#result")

    @property
    def errors(self) -> Locator:
        return self.page.locator("#result-errors")

    @property
    def explorer(self) -> Locator:
        return self.page.locator("#explorer")

    @property
    def explorer_title(self) -> Locator:
        return self.page.locator("#explorer-title")

    def schema_field(self, name: str) -> Locator:
        """The schema explorer's entry for the field ``name`` of the type it shows."""
        label = self.page.locator(".field-name", has_text=re.compile(f"^{re.escape(name)}$"))
        return self.page.locator("#explorer-body .field").filter(has=label)

    # -- actions

    def open(self, query_string: str = "") -> None:
        self.page.goto(f"{self.base}/graphql{query_string}")
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")
        expect(self.explorer).to_have_attribute("data-state", "ready")

    def type_into(self, box: Locator, text: str) -> None:
        """Empty ``box`` and type ``text`` into it key by key, as a person would."""
        box.click()
        self.page.keyboard.press("Control+A")
        self.page.keyboard.press("Delete")
        expect(box).to_have_value("")
        self.page.keyboard.type(text)
        expect(box).to_have_value(text)

    def run_with_keyboard(self) -> None:
        self.editor.focus()
        self.page.keyboard.press("Control+Enter")


@pytest.fixture
def console(context: BrowserContext, base_url: str) -> Console:
    return Console(context, base_url)


def test_a_typed_query_runs_and_shows_its_answer(console: Console) -> None:
    console.open()
    console.type_into(console.editor, CHAIN_OF_COMMAND)
    console.run_with_keyboard()

    expect(console.result).to_contain_text("Designated Official for Switzerland")
    expect(console.result).to_contain_text("designated-official-switzerland")
    expect(console.errors).to_be_hidden()
    expect(console.page.locator("#result-meta")).to_contain_text("HTTP 200")

    console.page.keyboard.press("Control+Home")  # show the query from its start
    console.page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    console.page.screenshot(path=ARTIFACTS / "console.png")
    console.assert_nothing_went_wrong()


def test_the_run_button_runs_the_query(console: Console) -> None:
    console.open()
    console.type_into(console.editor, '{ party(id: "csa-switzerland") { name(lang: ZH) } }')
    console.page.get_by_role("button", name="Run", exact=True).click()

    expect(console.result).to_contain_text("负责瑞士的首席安保顾问")
    console.assert_nothing_went_wrong()


def test_the_schema_explorer_lists_the_query_fields_and_opens_types(console: Console) -> None:
    console.open()
    body = console.page.locator("#explorer-body")
    chains = console.schema_field("accountabilityChains")
    expect(chains).to_have_count(1)
    expect(console.schema_field("party")).to_have_count(1)
    expect(chains).to_contain_text("Arguments")
    expect(chains.locator(".argument-name", has_text="id")).to_be_visible()

    # Its type: a path, with nodes that are parties.
    chains.locator(".field-signature .type-link").click()
    expect(console.explorer_title).not_to_have_text("Schema")
    path_type = console.explorer_title.text_content() or ""
    expect(console.schema_field("length")).to_be_visible()
    console.schema_field("nodes").locator(".field-signature .type-link").click()
    expect(console.explorer_title).not_to_have_text(path_type)
    expect(console.schema_field("reportsTo")).to_be_visible()
    expect(body).to_contain_text("Implemented by")

    # Back, and back again, to where we started.
    console.page.get_by_role("button", name=f"Back to {path_type}").click()
    expect(console.explorer_title).to_have_text(path_type)
    console.page.get_by_role("button", name="Back to the schema").click()
    expect(console.explorer_title).to_have_text("Schema")
    expect(console.page.locator("#explorer-back")).to_be_disabled()

    # The filter keeps what matches.
    console.page.get_by_label("Filter the schema").fill("chains")
    expect(chains).to_have_count(1)
    expect(console.schema_field("party")).to_have_count(0)

    # An enum shows its values: the kind argument of parties takes BODY.
    console.page.get_by_label("Filter the schema").fill("")
    kind = console.schema_field("parties").locator(".argument").filter(has_text="kind:")
    kind.locator(".type-link").click()
    expect(body.locator(".value-name", has_text=re.compile(r"^BODY$"))).to_be_visible()
    console.assert_nothing_went_wrong()


def test_an_invalid_query_shows_the_graphql_error(console: Console) -> None:
    console.open()
    console.type_into(console.editor, "{ nosuchfield }")
    console.run_with_keyboard()

    expect(console.errors).to_be_visible()
    expect(console.errors).to_contain_text("1 error")
    expect(console.errors).to_contain_text("Cannot query field 'nosuchfield' on type 'Query'")
    expect(console.errors.get_by_role("button", name="line 1, column 3")).to_be_visible()
    expect(console.page.locator("#query-highlight .tok-error")).to_have_text("nosuchfield")
    expect(console.page.locator("#status")).to_contain_text("1 error")
    console.assert_nothing_went_wrong()


def test_an_unknown_party_shows_the_error_beside_the_data(console: Console) -> None:
    console.open()
    console.type_into(console.editor, '{ party(id: "no-such-party") { name } }')
    console.run_with_keyboard()

    expect(console.errors).to_be_visible()
    expect(console.errors).to_contain_text("no-such-party")
    expect(console.errors.locator(".error-details")).to_contain_text("party")
    expect(console.result.locator(".json-key-errors")).to_be_visible()
    console.assert_nothing_went_wrong()


def test_invalid_variables_are_reported_and_nothing_is_sent(console: Console) -> None:
    console.open()
    console.type_into(console.editor, "query Chief($id: ID!) { party(id: $id) { name } }")
    console.type_into(console.variables, '{ "id": csa }')
    posts_before = console.graphql_posts
    console.run_with_keyboard()

    message = console.page.locator("#variables-message")
    expect(message).to_contain_text("Variables are not valid JSON")
    expect(console.variables).to_have_attribute("aria-invalid", "true")
    expect(console.errors).to_contain_text("Not run")
    assert console.graphql_posts == posts_before

    console.type_into(console.variables, '{ "id": "csa-switzerland" }')
    console.run_with_keyboard()
    expect(console.result).to_contain_text("Chief Security Adviser for Switzerland")
    expect(message).to_be_empty()
    console.assert_nothing_went_wrong()


def test_the_url_keeps_the_query_and_a_reload_restores_it(
    console: Console, context: BrowserContext
) -> None:
    query = "query Chief($id: ID!) { party(id: $id) { name reportsTo { name } } }"
    variables = '{ "id": "csa-switzerland" }'
    console.open()
    console.type_into(console.editor, query)
    console.type_into(console.variables, variables)
    expect(console.page).to_have_url(re.compile(r"[?&]variables="))

    params = parse_qs(urlsplit(console.page.url).query)
    assert params["query"] == [query]
    assert params["variables"] == [variables]

    # The link reproduces the query, its variables, and (a read-only query) its answer.
    link = console.page.url
    # Leaving the page aborts what it still fetches, which would count as a failed request.
    console.page.wait_for_load_state("networkidle")
    console.page.reload()
    console.wait_until_ready()
    expect(console.editor).to_have_value(query)
    expect(console.variables).to_have_value(variables)
    expect(console.result).to_contain_text("Designated Official for Switzerland")

    # Copy link puts that same link on the clipboard.
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.base)
    console.page.get_by_role("button", name="Copy link").click()
    expect(console.page.get_by_role("button", name="Link copied")).to_be_visible()
    assert console.page.evaluate("navigator.clipboard.readText()") == link

    # Without a query in the URL, the last query comes back from localStorage.
    console.page.wait_for_load_state("networkidle")
    console.page.goto(f"{console.base}/graphql")
    console.wait_until_ready()
    expect(console.editor).to_have_value(query)
    expect(console.variables).to_have_value(variables)
    console.assert_nothing_went_wrong()


def test_editor_keys_and_examples(console: Console) -> None:
    console.open()
    console.type_into(console.editor, "{")
    console.page.keyboard.press("Enter")
    console.page.keyboard.type("dataset")
    console.page.keyboard.press("Tab")
    expect(console.editor).to_have_value("{\n  dataset  ")

    # Esc then Tab leaves the editor instead of indenting.
    console.page.keyboard.press("Escape")
    console.page.keyboard.press("Tab")
    expect(console.editor).not_to_be_focused()
    expect(console.editor).to_have_value("{\n  dataset  ")

    # An example replaces the query, laid out one field a line, and runs.
    console.page.get_by_label("Examples").select_option(
        label="Accountability chains of the Head of SSCS"
    )
    laid_out = r'^\{\n  accountabilityChains\(id: "wipo-head-sscs"\) \{\n    length\n    nodes \{\n'
    expect(console.editor).to_have_value(re.compile(laid_out))
    console.run_with_keyboard()
    expect(console.result).to_contain_text('"length"')
    expect(console.errors).to_be_hidden()

    # Prettify lays out what was typed on one line.
    console.type_into(console.editor, CHAIN_OF_COMMAND)
    console.page.get_by_role("button", name="Prettify").click()
    expect(console.editor).to_have_value(
        '{\n  party(id: "csa-switzerland") {\n    name\n    reportsTo {\n      id\n      name\n'
        "    }\n  }\n}"
    )
    console.assert_nothing_went_wrong()


def test_http_errors_and_network_failures_read_as_sentences(console: Console) -> None:
    console.open()
    console.type_into(console.editor, CHAIN_OF_COMMAND)
    page = console.page

    def answer_with(status: int, content_type: str, body: str) -> None:
        def handler(route: Route) -> None:
            if route.request.method != "POST":
                route.fallback()
            else:
                route.fulfill(status=status, content_type=content_type, body=body)

        page.unroute("**/graphql")
        page.route("**/graphql", handler)

    answer_with(500, "text/plain", "Internal Server Error")
    console.run_with_keyboard()
    expect(console.errors).to_contain_text("The server answered HTTP 500")
    expect(console.errors).to_contain_text("its log has the details")
    expect(console.errors).to_contain_text("Internal Server Error")

    answer_with(400, "application/json", '{"errors": [{"message": "the query is too long"}]}')
    console.run_with_keyboard()
    expect(console.errors).to_contain_text("1 error · HTTP 400")
    expect(console.errors).to_contain_text("the query is too long")

    page.unroute("**/graphql")
    page.route(
        "**/graphql",
        lambda route: (
            route.abort("connectionrefused") if route.request.method == "POST" else route.fallback()
        ),
    )
    console.run_with_keyboard()
    expect(console.errors).to_contain_text("Could not reach the server")
    expect(console.errors).to_contain_text("accountgraph serve is still running")

    page.unroute("**/graphql")
    console.run_with_keyboard()
    expect(console.result).to_contain_text("Designated Official for Switzerland")
    expect(console.errors).to_be_hidden()

    # Only the three requests broken on purpose went wrong.
    expected = ("HTTP 500", "HTTP 400", "ERR_CONNECTION_REFUSED", "Failed to load resource")
    assert [p for p in console.problems if not any(e in p for e in expected)] == []
    assert any("ERR_CONNECTION_REFUSED" in p for p in console.problems)


def test_the_header_links_home_and_to_health(console: Console) -> None:
    console.open()
    header = console.page.get_by_role("banner")
    expect(header).to_contain_text("accountgraph")
    expect(header.get_by_role("link", name="accountgraph")).to_have_attribute("href", "/")
    expect(header.get_by_role("link", name="Health")).to_have_attribute("href", "/health")
    console.assert_nothing_went_wrong()

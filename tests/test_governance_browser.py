"""Governance in the organisation graph page, in a real browser: Debian's Chromium, driven
by Playwright, against the real ``accountgraph serve`` on a SQLite store.

An editor signs in with a token, drafts a "retire an edge" and an "appoint a holder"
change set in the page and sees them pending with their diff; an approver, in another
browser context, approves one and rejects the other with a reason; the chart then shows
the change and the party's history the entry. A wrong token, and a token revoked while
signed in, are told plainly (401) and sign out. Refusals (the rule book, four eyes) are
shown in words. The token is never in the page's URL, storage or cookies.

As in the page's other tests, every page runs under ``Content-Security-Policy:
default-src 'self'`` and a test fails if a request failed, left the server, got a 4xx/5xx
(the 401s a test provokes on purpose excepted) or the page logged an error.

Needs ``/usr/bin/chromium`` and the ``playwright`` package; never ``playwright install``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest

from accountgraph.governance.roles import Role
from tests.browser import WatchedTab, require_browser
from tests.governed_store import GovernedServer, revoke, running_governed_server
from tests.server import running_server

require_browser()

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Response,
    expect,
)

TIMEOUT_MS = 20_000
HTTP_TIMEOUT = 10.0
PEOPLE = {
    "alice": Role.EDITOR,
    "bob": Role.APPROVER,
    "carol": Role.APPROVER,
    "dave": Role.EDITOR,
}
UNKNOWN_TOKEN = "agt_" + "x" * 43
SC = "wipo-security-coordinator"
NEW_HOLDER = "wipo-adg-administration"
RETIRED_EDGE = "csa-switzerland|TECHNICAL_LINK|un-dss|"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GovernedServer]:
    with running_governed_server(tmp_path_factory.mktemp("governed"), PEOPLE) as running:
        yield running


class Tab(WatchedTab):
    """One browser tab on the page, in a browser context of its own (its own memory and
    storage: another person), recording everything that went wrong in it."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        self.unauthorized_expected = False
        super().__init__(context, base, TIMEOUT_MS)

    def _on_response(self, response: Response) -> None:
        if self.unauthorized_expected and response.status == 401:
            return
        super()._on_response(response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if self.unauthorized_expected and "status of 401" in message.text:
            return
        super()._on_console(message)

    # -- the page's parts

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def node(self, party_id: str) -> Locator:
        return self.page.locator(f'#graph .node[data-id="{party_id}"]')

    def edge(self, key: str) -> Locator:
        return self.page.locator(f'#graph .edge[data-key="{key}"]')

    def pending(self, change_set_id: str) -> Locator:
        return self.page.locator(f'#pending-list li[data-id="{change_set_id}"]')

    def field(self, label: str) -> Locator:
        """The drafting form's field of that label, among those the form shows."""
        form = self.page.locator("#draft-form")
        return form.get_by_label(label, exact=True).filter(visible=True)

    @property
    def change_set(self) -> Locator:
        return self.page.locator("#change-set")

    # -- actions

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{query}")
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")

    def sign_in(self, token: str) -> None:
        self.button("Sign in").click()
        dialog = self.page.get_by_role("dialog", name="Sign in")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Token", exact=True).fill(token)
        dialog.get_by_role("button", name="Sign in").click()

    def signed_in_as(self, name: str, role: str) -> None:
        expect(self.page.locator("#signed-in-name")).to_have_text(name)
        expect(self.page.locator("#signed-in-role")).to_have_text(role)
        expect(self.button("Sign out")).to_be_visible()
        expect(self.button("Sign in")).to_be_hidden()

    def show_change_sets(self) -> None:
        self.button("Change sets").click()
        expect(self.page.locator("#changes-view")).to_be_visible()
        expect(self.page.locator("#pending-list")).to_have_attribute("data-state", "ready")

    def fill_basis(self, *, reason: str, decision: str = "", section: str = "") -> None:
        self.field("Reason").fill(reason)
        if section:
            self.field("Basis: section").fill(section)
        if decision:
            self.field("Basis: decision reference").fill(decision)

    def draft(self) -> str:
        """Submit the drafting form; the id of the change set it drafted and proposed."""
        self.button("Draft and propose").click()
        expect(self.change_set).to_have_attribute("data-state", "ready")
        expect(self.page.locator("#decide-done")).to_contain_text("Drafted and proposed as")
        drafted = self.change_set.get_attribute("data-id")
        assert drafted is not None
        return drafted

    def open_change_set(self, change_set_id: str) -> None:
        self.pending(change_set_id).get_by_role("button").click()
        expect(self.change_set).to_have_attribute("data-id", change_set_id)
        expect(self.change_set).to_have_attribute("data-state", "ready")

    def storage(self) -> dict[str, object]:
        """Everything the page could have kept beyond its memory."""
        kept: dict[str, object] = self.page.evaluate(
            """() => ({
                local: Object.keys(localStorage).length,
                session: Object.keys(sessionStorage).length,
                cookie: document.cookie,
                url: location.href,
                html: document.documentElement.outerHTML,
            })"""
        )
        kept["cookies"] = self.page.context.cookies()
        return kept


@pytest.fixture
def tabs() -> Iterator[list[Tab]]:
    """The tabs a test made with :func:`new_tab`; their browser contexts closed after."""
    opened: list[Tab] = []
    yield opened
    for tab in opened:
        tab.page.context.close()


def new_tab(browser: Browser, server: GovernedServer, tabs: list[Tab]) -> Tab:
    """A tab in a browser context of its own: another person, with nothing shared."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    tab = Tab(context, server.base)
    tabs.append(tab)
    return tab


def never_kept(tab: Tab, token: str) -> None:
    kept = tab.storage()
    assert kept["local"] == 0
    assert kept["session"] == 0
    assert kept["cookie"] == ""
    assert kept["cookies"] == []
    assert token not in str(kept["url"])
    assert token not in str(kept["html"])


def graphql(
    server: GovernedServer,
    query: str,
    token: str | None = None,
    variables: dict[str, Any] | None = None,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(
        f"{server.base}/graphql",
        json={"query": query, "variables": variables},
        headers=headers,
        timeout=HTTP_TIMEOUT,
    )


def data(
    server: GovernedServer, query: str, who: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The data of an answer that must have no error, asked with ``who``'s token."""
    answer = graphql(server, query, server.tokens[who], variables).json()
    assert "errors" not in answer, answer
    found: dict[str, Any] = answer["data"]
    return found


def next_log_position(server: GovernedServer) -> int:
    return int(data(server, "{ logHead { position } }", "bob")["logHead"]["position"]) + 1


DRAFT = """mutation ($input: ChangeSetInput!, $propose: Boolean) {
  draftChangeSet(input: $input, propose: $propose) { id }
}"""
APPROVE = "mutation ($id: ID!) { approveChangeSet(id: $id) { status } }"


def draft_over_http(
    server: GovernedServer, who: str, title: str, operation: dict[str, Any], *, propose: bool
) -> str:
    """A change set drafted through the API, as the CLI or another client would."""
    change_set = {
        "title": title,
        "reason": "Set up by the test.",
        "basis": {"decision": "Test 1/2026"},
        "effective": "2024-01-01",
        "operations": [operation],
    }
    drafted = data(server, DRAFT, who, {"input": change_set, "propose": propose})
    change_set_id: str = drafted["draftChangeSet"]["id"]
    return change_set_id


# --- the API the page signs in with --------------------------------------------------------


def test_the_viewer_is_the_token_holder_and_null_without_a_token(server: GovernedServer) -> None:
    answer = graphql(server, "{ viewer { name role } }", server.tokens["alice"])
    assert answer.json() == {"data": {"viewer": {"name": "alice", "role": "EDITOR"}}}
    assert graphql(server, "{ viewer { name role } }").json() == {"data": {"viewer": None}}
    refused = graphql(server, "{ viewer { name } }", UNKNOWN_TOKEN)
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["message"] == "the token is not known here"


# --- an editor drafts, an approver decides -------------------------------------------------


def test_an_editor_drafts_two_acts_and_an_approver_approves_one_and_rejects_the_other(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    editor = new_tab(browser, server, tabs)
    editor.open()
    editor.sign_in(server.tokens["alice"])
    editor.signed_in_as("alice", "editor")
    editor.show_change_sets()

    # Retire an edge: the one picked from the party's edges.
    editor.button("Retire an edge").click()
    form = editor.page.locator("#draft-form")
    expect(form.get_by_role("heading", name="Retire an edge")).to_be_focused()
    editor.field("A party at either end").fill("csa-switzerland")
    choice = form.locator("#retire-edge-which option", has_text="technical link")
    editor.field("Edge").select_option(choice.get_attribute("value"))
    expect(editor.field("Title")).to_have_value(re.compile(r"^Retire: .*technical link"))
    editor.fill_basis(reason="UN DSS no longer keeps a technical line.", decision="UNOG 4/2026")
    retiring = editor.draft()
    diagram = editor.change_set.locator(".diff-diagram")
    retired = diagram.locator(f'g[data-edge="{RETIRED_EDGE}"]')
    expect(retired).to_have_attribute("data-change", "RETIRED")
    expect(retired.locator(".diff-line")).to_have_css("stroke-dasharray", "7px, 5px")
    expect(retired.locator(".diff-relation")).to_have_css("text-decoration-line", "line-through")
    line = editor.change_set.locator('.diff-list li[data-change="RETIRED"]')
    expect(line).to_contain_text("Retired edge:")
    expect(line.locator("del")).to_contain_text("technical link")
    expect(editor.change_set.locator(".diff-legend")).to_contain_text(
        "retired (red, dashed, struck through)"
    )
    expect(editor.pending(retiring)).to_have_attribute("data-status", "PROPOSED")

    # Appoint a holder: a party new to the graph serves as the Security Coordinator.
    editor.button("Appoint or replace a holder").click()
    editor.field("Role").select_option(SC)
    expect(form.locator("#appoint-holders")).to_have_text("No one holds it now.")
    editor.field("Id (kebab-case)").fill(NEW_HOLDER)
    editor.field("Name (English)").fill("Assistant Director General, Administration")
    editor.field("Section").fill("III.A.3(f)")
    editor.field("Clause (English)").fill("Designates a person as Security Coordinator;")
    editor.fill_basis(
        reason="The Director General designates the ADG for Administration.",
        section="III.A.3(f)",
        decision="DG Office Instruction 3/2026",
    )
    appointing = editor.draft()
    added_party = editor.change_set.locator(f'.diff-diagram g[data-party="{NEW_HOLDER}"]')
    expect(added_party).to_have_attribute("data-change", "ADDED")
    added_edge = editor.change_set.locator(
        f'.diff-diagram g[data-edge="{NEW_HOLDER}|SERVES_AS|{SC}|"]'
    )
    expect(added_edge).to_have_attribute("data-change", "ADDED")
    expect(added_edge.locator(".diff-line")).to_have_css("stroke-dasharray", "none")
    expect(editor.change_set.locator('.diff-list li[data-change="ADDED"] ins')).to_have_count(2)
    expect(editor.change_set.locator("#change-set-facts")).to_contain_text(
        "A/46/11 III.A.3(f) · DG Office Instruction 3/2026"
    )
    expect(editor.pending(appointing)).to_be_visible()
    expect(editor.pending(retiring)).to_be_visible()
    # An editor cannot decide.
    expect(editor.button("Approve")).to_be_hidden()
    expect(editor.button("Reject…")).to_be_hidden()
    never_kept(editor, server.tokens["alice"])

    # The approver, in another browser context: approve one, reject the other.
    approver = new_tab(browser, server, tabs)
    # All relations drawn: the chart checked below shows a serves-as and a technical link.
    approver.open("?view=changes&relations=all")
    approver.sign_in(server.tokens["bob"])
    approver.signed_in_as("bob", "approver")
    expect(approver.pending(appointing)).to_be_visible()
    approver.open_change_set(appointing)
    expect(approver.change_set.locator(f'g[data-party="{NEW_HOLDER}"]')).to_be_visible()
    position = next_log_position(server)
    approver.button("Approve").click()
    expect(approver.page.locator("#decide-done")).to_have_text(
        f"Approved and applied: log entry {position}. The chart shows the change."
    )
    expect(approver.page.locator("#change-set-status")).to_contain_text(
        f"Applied as log entry {position}, approved by bob"
    )
    expect(approver.change_set).to_be_focused()
    expect(approver.pending(appointing)).to_have_count(0)

    approver.open_change_set(retiring)
    approver.button("Reject…").click()
    dialog = approver.page.get_by_role("dialog", name="Reject the change set")
    expect(dialog.get_by_label("Why is it rejected?", exact=True)).to_be_focused()
    dialog.get_by_role("button", name="Reject", exact=True).click()
    expect(dialog.get_by_role("alert")).to_have_text("Say why it is rejected.")
    dialog.get_by_label("Why is it rejected?", exact=True).fill("The technical line still exists.")
    dialog.get_by_role("button", name="Reject", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(approver.page.locator("#decide-done")).to_have_text("Rejected.")
    expect(approver.change_set).to_be_focused()
    expect(approver.page.locator("#change-set-status")).to_have_text(
        "Rejected by bob: The technical line still exists."
    )
    expect(approver.page.locator("#pending-list")).to_contain_text("Nothing is pending.")

    # The chart shows the change applied, and not the one rejected.
    approver.button("Chart").click()
    # Every relation over the whole graph: the role's new holder and the edge kept are drawn.
    approver.button("All relations").click()
    approver.button("Whole graph").click()
    expect(approver.node(NEW_HOLDER)).to_have_count(1)
    expect(approver.edge(f"{NEW_HOLDER}|SERVES_AS|{SC}|")).to_have_count(1)
    expect(approver.edge(RETIRED_EDGE)).to_have_count(1)

    # The role's history shows the entry: when, which change set, who drafted and approved.
    approver.node(SC).click()
    history = approver.page.locator("#details-history")
    expect(history).to_have_attribute("data-state", "ready")
    entry = history.locator(f'li[data-change-set="{appointing}"]')
    expect(entry).to_contain_text(f"log entry {position}")
    expect(entry).to_contain_text("drafted by alice, approved by bob")
    expect(entry).to_contain_text("Assistant Director General, Administration")
    expect(entry.locator('.diff-list li[data-change="ADDED"]')).to_contain_text("serves as")
    entry.get_by_role("button", name=re.compile("Appoint")).click()
    expect(approver.change_set).to_have_attribute("data-id", appointing)
    expect(approver.change_set).to_have_attribute("data-status", "APPLIED")

    # The editor's tab sees the decisions when it looks again.
    editor.button("Refresh").click()
    expect(editor.page.locator("#pending-list")).to_contain_text("Nothing is pending.")
    never_kept(editor, server.tokens["alice"])
    never_kept(approver, server.tokens["bob"])
    editor.assert_nothing_went_wrong()
    approver.assert_nothing_went_wrong()


# --- replacing a holder ---------------------------------------------------------------------

UNOG_DG = "unog-director-general"
DO = "designated-official-switzerland"
ACTING = "unog-acting-director-general"
EXTRA_EDGE = {
    "from": UNOG_DG,
    "relation": "REPORTS_TO",
    "to": "un-secretary-general",
    "cite": [{"section": "I(b)", "text": {"en": "An invented clause.", "zh": "虚构的条款。"}}],
}


def test_replacing_a_holder_moves_the_edges_ticked_to_the_new_one(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    # The holder of the Designated Official role gets a second edge, through the API.
    extra = draft_over_http(
        server, "dave", "Give the UNOG DG a line", {"addEdge": EXTRA_EDGE}, propose=True
    )
    assert data(server, APPROVE, "bob", {"id": extra})["approveChangeSet"]["status"] == "APPLIED"

    tab = new_tab(browser, server, tabs)
    tab.open("?view=changes")
    tab.sign_in(server.tokens["alice"])
    tab.signed_in_as("alice", "editor")
    tab.button("Appoint or replace a holder").click()
    tab.field("Role").select_option(DO)
    holders = tab.page.locator("#appoint-holders")
    expect(holders).to_have_text(
        "Now held by Director-General of the United Nations Office at Geneva."
    )
    replace = tab.page.get_by_role(
        "radio", name="Replace Director-General of the United Nations Office at Geneva"
    )
    expect(replace).to_be_checked()
    moves = tab.page.locator("#move-edge-list")
    expect(moves).to_have_attribute("data-state", "ready")
    always = moves.locator('input[data-move="always"]')
    expect(always).to_be_checked()
    expect(always).to_be_disabled()
    tab.page.get_by_role("checkbox", name=re.compile("reports to")).check()
    tab.page.get_by_role("checkbox", name=re.compile("Retire the old holder")).check()
    tab.field("Id (kebab-case)").fill(ACTING)
    tab.field("Name (English)").fill("Acting Director-General of UNOG")
    tab.field("Section").fill("I(b)")
    tab.field("Clause (English)").fill("The Designated Official is the Director-General.")
    tab.fill_basis(reason="The Director-General is away.", decision="SG letter 2/2026")
    expect(tab.field("Title")).to_have_value(
        "Replace Director-General of the United Nations Office at Geneva by Acting "
        "Director-General of UNOG as Designated Official for Switzerland"
    )
    replacing = tab.draft()

    diagram = tab.change_set.locator(".diff-diagram")
    changes = {
        f'g[data-party="{ACTING}"]': "ADDED",
        f'g[data-party="{UNOG_DG}"]': "RETIRED",
        f'g[data-edge="{UNOG_DG}|SERVES_AS|{DO}|"]': "RETIRED",
        f'g[data-edge="{ACTING}|SERVES_AS|{DO}|"]': "ADDED",
        f'g[data-edge="{UNOG_DG}|REPORTS_TO|un-secretary-general|"]': "RETIRED",
        f'g[data-edge="{ACTING}|REPORTS_TO|un-secretary-general|"]': "ADDED",
    }
    for selector, change in changes.items():
        expect(diagram.locator(selector)).to_have_attribute("data-change", change)
    expect(diagram.locator("g[data-change]")).to_have_count(len(changes))
    operations = tab.page.locator("#change-set-operations")
    expect(operations.locator("li code.op")).to_have_text(
        ["add-party", "retire-edge", "retire-edge", "add-edge", "add-edge", "retire-party"]
    )
    # The edge moved keeps its clauses, in both languages.
    expect(operations.locator("li").nth(4)).to_contain_text("虚构的条款。")
    tab.button("Withdraw").click()
    expect(tab.page.locator("#decide-done")).to_have_text("Withdrawn.")
    expect(tab.pending(replacing)).to_have_count(0)
    tab.assert_nothing_went_wrong()


def test_your_own_draft_is_listed_and_proposed_from_the_page(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    edge = {**EXTRA_EDGE, "from": "wipo-head-sscs", "relation": "LIAISES_WITH", "to": "un-dss"}
    edge["cite"] = [{"section": "III.C", "text": {"en": "An invented clause."}}]
    mine = draft_over_http(server, "dave", "Dave's draft", {"addEdge": edge}, propose=False)
    tab = new_tab(browser, server, tabs)
    tab.open("?view=changes")
    expect(tab.pending(mine)).to_have_count(0)  # nobody's draft but its author's
    tab.sign_in(server.tokens["dave"])
    tab.signed_in_as("dave", "editor")
    expect(tab.pending(mine)).to_have_attribute("data-status", "DRAFT")
    expect(tab.pending(mine)).to_contain_text("your draft")
    tab.open_change_set(mine)
    expect(tab.page.locator("#change-set-status")).to_have_text("Draft: not yet proposed.")
    tab.button("Propose").click()
    expect(tab.page.locator("#decide-done")).to_have_text("Proposed.")
    expect(tab.pending(mine)).to_have_attribute("data-status", "PROPOSED")
    tab.button("Withdraw").click()
    expect(tab.page.locator("#decide-done")).to_have_text("Withdrawn.")
    tab.assert_nothing_went_wrong()


# --- refusals, in words ---------------------------------------------------------------------


def test_refusals_from_the_rule_book_and_four_eyes_are_shown_in_words(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    tab = new_tab(browser, server, tabs)
    tab.open("?view=changes")
    tab.sign_in(server.tokens["carol"])
    tab.signed_in_as("carol", "approver")
    expect(tab.page.locator("#changes-view")).to_be_visible()

    # The Director General made accountable to the Security Coordinator: a cycle.
    tab.button("Add an edge").click()
    form = tab.page.locator("#draft-form")
    tab.field("From").fill("wipo-director-general")
    tab.field("Relation").select_option("ACCOUNTABLE_TO")
    tab.field("To").fill(SC)
    tab.field("Section").fill("III.A.1")
    tab.field("Clause (English)").fill("An invented clause.")
    tab.fill_basis(reason="A test of the rule book.", decision="none")
    tab.button("Draft and propose").click()
    refusal = tab.page.locator("#draft-error")
    expect(refusal).to_contain_text("Refused by the rule “accountability-cycle”:")
    expect(refusal).to_contain_text("wipo-director-general")
    expect(form).to_be_visible()

    # A form filled in wrong is told before anything is sent.
    tab.field("To").fill("no-such-party")
    tab.button("Draft and propose").click()
    expect(refusal).to_have_text("No party “no-such-party” in the graph: pick one from the list.")
    expect(tab.field("To")).to_be_focused()
    expect(tab.field("To")).to_have_attribute("aria-invalid", "true")

    # A change set carol drafted herself she may not approve.
    tab.field("From").fill("wipo-head-sscs")
    tab.field("Relation").select_option("LIAISES_WITH")
    tab.field("To").fill("un-dss")
    tab.field("Section").fill("III.C")
    drafted = tab.draft()
    expect(tab.page.locator("#decide-note")).to_have_text(
        "You drafted this change set: a second person must approve or reject it."
    )
    tab.button("Approve").click()
    error = tab.page.locator("#decide-error")
    expect(error).to_contain_text("Refused by the rule “four-eyes”:")
    expect(error).to_contain_text(f"'carol' drafted change set {drafted}")
    expect(tab.change_set).to_have_attribute("data-status", "PROPOSED")
    tab.button("Withdraw").click()
    expect(tab.page.locator("#decide-done")).to_have_text("Withdrawn.")
    expect(tab.pending(drafted)).to_have_count(0)
    tab.assert_nothing_went_wrong()


# --- tokens refused ------------------------------------------------------------------------


def test_a_wrong_token_is_a_plain_401_and_leaves_the_tab_signed_out(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    tab = new_tab(browser, server, tabs)
    tab.unauthorized_expected = True
    tab.open()
    tab.sign_in(UNKNOWN_TOKEN)
    dialog = tab.page.get_by_role("dialog", name="Sign in")
    expect(dialog.get_by_role("alert")).to_have_text(
        "The server refused the token (401 Unauthorized): the token is not known here. "
        "You are signed out."
    )
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(tab.button("Sign in")).to_be_focused()
    expect(tab.page.locator("#signed-in")).to_be_hidden()
    never_kept(tab, UNKNOWN_TOKEN)
    tab.assert_nothing_went_wrong()


def test_a_token_revoked_while_signed_in_signs_out_saying_why(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    tab = new_tab(browser, server, tabs)
    tab.unauthorized_expected = True
    tab.open("?view=changes")
    tab.sign_in(server.tokens["dave"])
    tab.signed_in_as("dave", "editor")
    expect(tab.page.locator("#draft-acts")).to_be_visible()
    revoke(server.store, "dave")
    tab.button("Refresh").click()
    message = tab.page.locator("#account-message")
    expect(message).to_contain_text("The server refused the token (401 Unauthorized):")
    expect(message).to_contain_text("the token of 'dave' was revoked on")
    expect(message).to_contain_text("You are signed out.")
    expect(tab.button("Sign in")).to_be_visible()
    expect(tab.page.locator("#draft-acts")).to_be_hidden()
    tab.assert_nothing_went_wrong()


# --- the keyboard ---------------------------------------------------------------------------


def test_signing_in_and_out_works_by_keyboard(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    tab = new_tab(browser, server, tabs)
    tab.open()
    sign_in = tab.button("Sign in")
    sign_in.focus()
    tab.page.keyboard.press("Enter")
    dialog = tab.page.get_by_role("dialog", name="Sign in")
    token = dialog.get_by_label("Token", exact=True)
    expect(token).to_be_focused()
    expect(token).to_have_attribute("type", "password")
    tab.page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(sign_in).to_be_focused()

    tab.page.keyboard.press("Enter")
    expect(token).to_be_focused()
    tab.page.keyboard.type(server.tokens["bob"])
    tab.page.keyboard.press("Enter")
    tab.signed_in_as("bob", "approver")
    expect(tab.button("Sign out")).to_be_focused()
    expect(tab.page.locator("#token-input")).to_have_value("")
    tab.page.keyboard.press("Enter")
    expect(tab.button("Sign in")).to_be_focused()
    expect(tab.page.locator("#signed-in")).to_be_hidden()
    never_kept(tab, server.tokens["bob"])
    tab.assert_nothing_went_wrong()


# --- a server that answers only signed-in users ------------------------------------------------


def test_a_server_that_needs_a_token_to_read_draws_the_graph_once_signed_in(
    browser: Browser, server: GovernedServer, tabs: list[Tab]
) -> None:
    with running_server("--store", server.store, "--read-needs-token") as base:
        tab = new_tab(browser, GovernedServer(base, server.store, server.tokens), tabs)
        tab.unauthorized_expected = True
        tab.page.goto(f"{base}/")
        expect(tab.page.locator("body")).to_have_attribute("data-ready", "error")
        expect(tab.page.locator("#status")).to_have_text(
            "This server answers signed-in users only: sign in with your token."
        )
        tab.sign_in(server.tokens["alice"])
        tab.signed_in_as("alice", "editor")
        expect(tab.page.locator("body")).to_have_attribute("data-ready", "true")
        expect(tab.node(SC)).to_have_count(1)
        expect(tab.button("Change sets")).to_be_visible()
        never_kept(tab, server.tokens["alice"])
        tab.assert_nothing_went_wrong()


# --- a store that cannot be changed ----------------------------------------------------------


def test_the_memory_store_offers_no_signing_in(browser: Browser, tmp_path: Path) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        with running_server() as base:
            tab = Tab(context, base)
            tab.open("?view=changes")
            expect(tab.page.locator("#graph .node").first).to_be_visible()
            expect(tab.page.locator("#account")).to_be_hidden()
            expect(tab.page.locator("#view-changes")).to_be_hidden()
            expect(tab.page.locator("#changes-view")).to_be_hidden()
            tab.assert_nothing_went_wrong()
    finally:
        context.close()

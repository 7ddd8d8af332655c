"""The page of a governed store (SQLite, with tokens), read as a screen reader and a phone
would: in Debian's Chromium driven by Playwright, against the real ``accountgraph serve``.

- axe-core finds no violation of any impact in each state an editor and an approver pass
  through: signed out, the sign-in dialog open, signed in, the change sets view, each of
  the drafting forms, a change set shown with its diff, the reject dialog open, and a
  party's details with its history;
- the page does not move (cumulative layout shift < 0.1) while it loads and when a person
  signs in, at desktop (1440×900) and phone (390×844) sizes.

Needs ``/usr/bin/chromium``, the ``playwright`` package and ``npm ci`` in
tools/browser-audit; never ``playwright install``.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2 as httpx
import pytest

from accountgraph.governance.roles import Role
from tests.browser import WatchedTab, require_browser
from tests.governed_store import GovernedServer, running_governed_server
from tests.page_audit import (
    DESKTOP,
    LAYOUT_SHIFT_RECORDER,
    MAX_LAYOUT_SHIFT,
    MIN_TARGET_PX,
    NEXT_FRAME,
    PHONE,
    SMALL_TARGETS,
    TABLETS,
    axe_violations,
    layout_shift,
    new_context,
    require_axe,
)

require_browser()
require_axe()

from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Response,
    expect,
)

TIMEOUT_MS = 30_000
PEOPLE = {"alice": Role.EDITOR, "bob": Role.APPROVER}
DRAFTING_ACTS = [
    "Appoint or replace a holder",
    "Add an edge",
    "Retire an edge",
    "Retire a party",
]
FROM = "wipo-head-sscs"
UNKNOWN_TOKEN = "agt_" + "x" * 43
APPROVE = "mutation ($id: ID!) { approveChangeSet(id: $id) { status } }"
HTTP_TIMEOUT = 30.0
MIN_TEXT_PX = 11
RENDERED_FONT_SIZE = "(text) => text.getScreenCTM().a * parseFloat(getComputedStyle(text).fontSize)"
"""The size an SVG text is drawn at on the screen, in CSS px: its font size scaled."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GovernedServer]:
    with running_governed_server(tmp_path_factory.mktemp("governed"), PEOPLE) as running:
        yield running


# Every layout shift, those right after an input too (which CLS leaves out): signing in is
# a click followed by a request, and what moves when its answer comes counts here.
ALL_LAYOUT_SHIFTS_RECORDER = """
window.__allLayoutShifts = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__allLayoutShifts += entry.value;
}).observe({ type: 'layout-shift', buffered: true });
"""


# Live regions that hold a control: a screen reader would read the whole form or change set
# out again at every change in it. A live region holds a message, nothing to operate.
LIVE_REGIONS_WITH_CONTROLS = """() => [...document.querySelectorAll(
    '[aria-live]:not([aria-live=off]), [role=status], [role=alert], [role=log]')]
  .filter((region) => region.querySelector('button, input, select, textarea, a[href], [tabindex]'))
  .map((region) => region.id || region.tagName.toLowerCase())"""


class Tab(WatchedTab):
    """A tab on the governed page that records what axe-core finds in each state."""

    def __init__(self, context: BrowserContext, base: str) -> None:
        super().__init__(context, base, TIMEOUT_MS)
        self.page.add_init_script(LAYOUT_SHIFT_RECORDER)
        self.page.add_init_script(ALL_LAYOUT_SHIFTS_RECORDER)
        self.found: list[str] = []

    def open(self, query: str = "") -> None:
        self.page.goto(f"{self.base}/{query}")
        expect(self.page.locator("body")).to_have_attribute("data-ready", "true")

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def audit(self, state: str) -> None:
        """What axe-core finds in the page as it is now, and any live region holding a
        control, recorded under ``state``."""
        self.found += [f"{state}: {violation}" for violation in axe_violations(self.page)]
        regions: list[str] = self.page.evaluate(LIVE_REGIONS_WITH_CONTROLS)
        self.found += [f"{state}: the live region {region} holds controls" for region in regions]

    def fits_a_phone(self, state: str) -> None:
        """Records, under ``state``, a page wider than the phone and tap targets under
        24×24 CSS px."""
        width: int = self.page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            self.found.append(f"{state}: the page is {width} px wide")
        small: list[str] = self.page.evaluate(SMALL_TARGETS, MIN_TARGET_PX)
        self.found += [f"{state}: a small tap target: {target}" for target in small]

    def assert_has_not_moved(self, what: str) -> None:
        """Asserts the cumulative layout shift so far, a frame after now, is under 0.1;
        prints it, with what moved, under ``what``."""
        self.page.evaluate(NEXT_FRAME)
        total, shifts = layout_shift(self.page)
        print(f"layout shift {what}: {total:.4f}", *shifts, sep="\n")
        assert total < MAX_LAYOUT_SHIFT, "\n".join(shifts)

    def sign_in(self, token: str, *, audit: bool = False) -> None:
        self.button("Sign in").click()
        dialog = self.page.get_by_role("dialog", name="Sign in")
        expect(dialog).to_be_visible()
        if audit:
            self.audit("the sign-in dialog")
        dialog.get_by_label("Token", exact=True).fill(token)
        dialog.get_by_role("button", name="Sign in").click()
        expect(self.button("Sign out")).to_be_visible()

    def show_change_sets(self) -> None:
        self.button("Change sets").click()
        expect(self.page.locator("#pending-list")).to_have_attribute("data-state", "ready")

    def field(self, label: str) -> Locator:
        return self.page.locator("#draft-form").get_by_label(label, exact=True).filter(visible=True)

    def fill_in_an_edge(self, relation: str, to: str, reason: str, basis: str) -> None:
        """Fills in the form “Add an edge” (open) from :data:`FROM` to ``to``, an invented
        clause of section III.C, its reason and the reference of its decision."""
        self.field("From").fill(FROM)
        self.field("Relation").select_option(relation)
        self.field("To").fill(to)
        self.field("Section").fill("III.C")
        self.field("Clause (English)").fill("An invented clause.")
        self.field("Reason").fill(reason)
        self.field("Basis: decision reference").fill(basis)


def test_axe_finds_nothing_as_an_editor_drafts_and_an_approver_decides(
    browser: Browser, server: GovernedServer
) -> None:
    editor_context = new_context(browser, DESKTOP)
    approver_context = new_context(browser, DESKTOP)
    try:
        editor = Tab(editor_context, server.base)
        editor.open()
        editor.audit("signed out")
        editor.sign_in(server.tokens["alice"], audit=True)
        editor.audit("signed in")
        editor.show_change_sets()
        editor.audit("the change sets view")
        for act in DRAFTING_ACTS:
            editor.button(act).click()
            expect(editor.page.locator("#draft-title")).to_be_focused()
            editor.audit(f"the form “{act}”")
        editor.button("Appoint or replace a holder").click()
        editor.field("Role").select_option("designated-official-switzerland")
        expect(editor.page.locator("#move-edge-list")).to_have_attribute("data-state", "ready")
        editor.audit("the form replacing a holder")

        editor.button("Retire an edge").click()
        editor.field("A party at either end").fill(FROM)
        expect(editor.field("Edge").locator("option").first).not_to_have_attribute("value", "")
        editor.audit("the form “Retire an edge”, a party's edges listed")

        editor.button("Add an edge").click()
        editor.fill_in_an_edge(
            "LIAISES_WITH", "no-such-party", "A test of the page's accessibility.", "Test 1/2026"
        )
        editor.button("Draft and propose").click()
        # The field in the wrong is focused, marked invalid and described by the words.
        refusal = "No party “no-such-party” in the graph: pick one from the list."
        expect(editor.page.locator("#draft-error")).to_have_text(refusal)
        expect(editor.field("To")).to_be_focused()
        expect(editor.field("To")).to_have_accessible_description(refusal)
        editor.audit("the form refused before sending")
        editor.field("To").fill("un-dss")
        editor.button("Draft and propose").click()
        expect(editor.field("To")).to_have_count(0)
        expect(editor.page.locator("#edge-to")).not_to_have_attribute("aria-invalid", "true")
        change_set = editor.page.locator("#change-set")
        expect(change_set).to_have_attribute("data-state", "ready")
        drafted = change_set.get_attribute("data-id")
        assert drafted is not None
        editor.page.locator("#change-set summary").click()
        editor.audit("the change set drafted, its operations open")

        approver = Tab(approver_context, server.base)
        approver.open("?view=changes")
        approver.sign_in(server.tokens["bob"])
        pending = approver.page.locator(f'#pending-list li[data-id="{drafted}"]')
        pending.get_by_role("button").click()
        expect(approver.page.locator("#change-set")).to_have_attribute("data-id", drafted)
        expect(approver.button("Approve")).to_be_visible()
        approver.audit("a change set to decide")
        approver.button("Reject…").click()
        dialog = approver.page.get_by_role("dialog", name="Reject the change set")
        expect(dialog).to_be_visible()
        approver.audit("the reject dialog")
        dialog.get_by_role("button", name="Reject", exact=True).click()
        reason = dialog.get_by_label("Why is it rejected?", exact=True)
        expect(reason).to_have_accessible_description("Say why it is rejected.")
        expect(reason).to_have_attribute("aria-invalid", "true")
        approver.audit("the reject dialog, no reason given")
        approver.button("Cancel").filter(visible=True).click()
        approver.button("Approve").click()
        expect(approver.page.locator("#decide-done")).to_contain_text("Approved and applied")
        approver.audit("a change set applied")

        approver.button("Chart").click()
        approver.page.locator(f'#graph .node[data-id="{FROM}"]').click()
        history = approver.page.locator("#details-history")
        expect(history).to_have_attribute("data-state", "ready")
        expect(history.locator(f'li[data-change-set="{drafted}"]')).to_be_visible()
        approver.audit("a party's details with its history")
        approver.button("中文").click()
        expect(history).to_have_attribute("data-state", "ready")
        expect(approver.page.locator("html")).to_have_attribute("lang", "zh")
        approver.audit("a party's details with its history, in Chinese")

        found = editor.found + approver.found
        assert found == [], "\n".join(found)
        editor.assert_nothing_went_wrong()
        approver.assert_nothing_went_wrong()
    finally:
        editor_context.close()
        approver_context.close()


def test_the_change_sets_view_on_a_phone(phone: BrowserContext, server: GovernedServer) -> None:
    """axe-core finds nothing, the page is no wider than the screen and every tap target
    is 24 px or more, from signing in to a change set drafted and shown with its diagram."""
    tab = Tab(phone, server.base)
    tab.open("?view=changes")
    tab.button("Menu").click()
    tab.audit("the menu open, signed out")
    tab.button("Sign in").click()
    expect(tab.page.get_by_role("dialog", name="Sign in")).to_be_visible()
    tab.audit("the sign-in dialog")
    tab.fits_a_phone("the sign-in dialog")
    tab.button("Cancel").filter(visible=True).click()
    tab.sign_in(server.tokens["alice"])
    tab.audit("signed in, the menu open")
    tab.fits_a_phone("signed in, the menu open")
    # A tap in the page while the menu is open lands where it was aimed, then folds the menu.
    tab.button("Appoint or replace a holder").tap()
    expect(tab.page.locator("#draft-title")).to_be_focused()
    expect(tab.button("Menu")).to_have_attribute("aria-expanded", "false")
    tab.field("Role").select_option("designated-official-switzerland")
    expect(tab.page.locator("#move-edge-list")).to_have_attribute("data-state", "ready")
    tab.audit("the form replacing a holder")
    tab.fits_a_phone("the form replacing a holder")
    # Each field takes the form's width, its label above it: an id fits in it.
    field = tab.field("Id (kebab-case)").bounding_box()
    form = tab.page.locator("#draft-form").bounding_box()
    assert field is not None
    assert form is not None
    assert field["width"] > 0.8 * form["width"]

    tab.button("Add an edge").tap()
    tab.fill_in_an_edge("COORDINATES", "un-dss", "A test of the page on a phone.", "Test 2/2026")
    tab.audit("the form “Add an edge”, filled in")
    tab.fits_a_phone("the form “Add an edge”, filled in")
    tab.button("Draft and propose").tap()
    change_set = tab.page.locator("#change-set")
    expect(change_set).to_have_attribute("data-state", "ready")
    expect(change_set.locator(".diff-diagram")).to_be_visible()
    # The diagram of what it changes is drawn in a column, its words at a readable size.
    expect(change_set.locator(".diff-diagram")).to_have_attribute("data-layout", "column")
    for text in change_set.locator(".diff-diagram text").all():
        size: float = text.evaluate(RENDERED_FONT_SIZE)
        assert size >= MIN_TEXT_PX, f"{text.text_content()!r} at {size:.1f} px"
    tab.page.locator("#change-set summary").tap()
    tab.audit("the change set drafted, its operations open")
    tab.fits_a_phone("the change set drafted, its operations open")
    drafted = change_set.get_attribute("data-id")
    assert drafted is not None

    # Approved by another person; the party's history, in the bottom sheet.
    approval = httpx.post(
        f"{server.base}/graphql",
        json={"query": APPROVE, "variables": {"id": drafted}},
        headers={"Authorization": f"Bearer {server.tokens['bob']}"},
        timeout=HTTP_TIMEOUT,
    )
    assert approval.json() == {"data": {"approveChangeSet": {"status": "APPLIED"}}}
    tab.open(f"?node={FROM}")
    history = tab.page.locator("#details-history")
    expect(history).to_have_attribute("data-state", "ready")
    expect(history.locator(f'li[data-change-set="{drafted}"]')).to_be_visible()
    tab.audit("a party's details with its history")
    tab.fits_a_phone("a party's details with its history")
    assert tab.found == [], "\n".join(tab.found)
    tab.assert_nothing_went_wrong()


# --- layout shift ---------------------------------------------------------------------


SIZES = {"desktop": DESKTOP, "phone": PHONE, **{f"tablet{t['width']}": t for t in TABLETS}}
"""1440×900, 390×844, 768×1024, 1024×768: all but the desktop touch screens."""


@pytest.mark.parametrize("size", SIZES)
def test_the_governed_page_does_not_move_as_it_loads_and_a_person_signs_in(
    size: str, browser: Browser, server: GovernedServer
) -> None:
    with new_context(browser, SIZES[size], phone=size != "desktop") as context:
        tab = Tab(context, server.base)
        tab.open()
        expect(tab.page.locator("#as-of-box")).to_have_attribute("data-shown", "true")
        # The account controls are offered once the page knows the store keeps change sets.
        expect(tab.page.locator("#account:not([hidden])")).to_have_count(1)
        tab.assert_has_not_moved(f"while loading at {size} size")

        if size == "phone":
            tab.button("Menu").click()
        before: float = tab.page.evaluate("() => window.__allLayoutShifts")
        tab.sign_in(server.tokens["alice"])
        expect(tab.page.locator("#signed-in-name")).to_have_text("alice")
        tab.assert_has_not_moved(f"after signing in at {size} size")
        signing_in = tab.page.evaluate("() => window.__allLayoutShifts") - before
        print(f"shift while signing in, input or not, at {size} size: {signing_in:.4f}")
        assert signing_in < MAX_LAYOUT_SHIFT
        tab.assert_nothing_went_wrong()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_link_to_the_change_sets_view_opens_without_moving(
    size: str, browser: Browser, server: GovernedServer
) -> None:
    # The view is known to exist only once the page has asked the store (after load).
    with new_context(browser, SIZES[size], phone=size != "desktop") as context:
        tab = Tab(context, server.base)
        tab.open("?view=changes")
        expect(tab.page.locator("#pending-list")).to_have_attribute("data-state", "ready")
        tab.assert_has_not_moved(f"opening the change sets at {size} size")
        tab.assert_nothing_went_wrong()


class RefusedTab(Tab):
    """A tab whose sign-in the server refuses on purpose (401)."""

    def _on_response(self, response: Response) -> None:
        if response.status != 401:
            super()._on_response(response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if "status of 401" not in message.text:
            super()._on_console(message)


def test_axe_finds_nothing_when_a_token_is_refused(
    desktop: BrowserContext, server: GovernedServer
) -> None:
    tab = RefusedTab(desktop, server.base)
    tab.open()
    tab.button("Sign in").click()
    dialog = tab.page.get_by_role("dialog", name="Sign in")
    token = dialog.get_by_label("Token", exact=True)
    dialog.get_by_role("button", name="Sign in").click()
    expect(token).to_have_accessible_description("Paste a token first.")
    token.fill(UNKNOWN_TOKEN)
    dialog.get_by_role("button", name="Sign in").click()
    refusal = (
        "The server refused the token (401 Unauthorized): the token is not known here. "
        "You are signed out."
    )
    expect(dialog.get_by_role("alert")).to_have_text(refusal)
    expect(token).to_have_accessible_description(refusal)
    expect(token).to_have_attribute("aria-invalid", "true")
    tab.audit("the sign-in dialog, the token refused")
    dialog.get_by_role("button", name="Cancel").click()
    tab.button("Sign in").click()
    expect(token).not_to_have_attribute("aria-invalid", "true")
    assert tab.found == [], "\n".join(tab.found)
    tab.assert_nothing_went_wrong()


# --- where the focus goes ---------------------------------------------------------------

DRAFT = """mutation ($input: ChangeSetInput!) { draftChangeSet(input: $input) { id } }"""


def test_the_focus_never_falls_to_the_page_when_a_form_closes_or_a_button_goes(
    desktop: BrowserContext, server: GovernedServer
) -> None:
    tab = Tab(desktop, server.base)
    tab.open("?view=changes")
    tab.sign_in(server.tokens["alice"])

    # Cancelling the form: back to the button that opened it.
    opener = tab.button("Add an edge")
    opener.focus()
    tab.page.keyboard.press("Enter")
    expect(tab.page.locator("#draft-title")).to_be_focused()
    tab.button("Cancel").filter(visible=True).click()
    expect(tab.page.locator("#draft-form")).to_be_hidden()
    expect(opener).to_be_focused()

    # Opened from a party's panel: back to its button there; or, the panel closed since,
    # to the act's button in the change sets view.
    tab.open(f"?node={FROM}")
    tab.sign_in(server.tokens["alice"])
    from_panel = tab.button("Retire it…")
    from_panel.click()
    expect(tab.page.locator("#draft-title")).to_be_focused()
    tab.button("Cancel").filter(visible=True).click()
    expect(from_panel).to_be_focused()
    from_panel.click()
    tab.button("Close the details").click()
    expect(from_panel).to_be_hidden()
    tab.button("Cancel").filter(visible=True).click()
    expect(tab.button("Retire a party")).to_be_focused()

    # Propose and Withdraw hide themselves: the change set, as it now stands, takes the focus.
    change_set = {
        "title": "A draft to propose and withdraw",
        "reason": "Set up by the test.",
        "basis": {"decision": "Test 3/2026"},
        "effective": "2024-01-01",
        "operations": [{"retireParty": {"id": "wipo-personnel"}}],
    }
    drafted = httpx.post(
        f"{server.base}/graphql",
        json={"query": DRAFT, "variables": {"input": change_set}},
        headers={"Authorization": f"Bearer {server.tokens['alice']}"},
        timeout=HTTP_TIMEOUT,
    ).json()["data"]["draftChangeSet"]["id"]
    # Refreshing by hand says, in a status line, what it found.
    tab.button("Refresh").click()
    expect(tab.page.locator(f'#pending-list li[data-id="{drafted}"]')).to_be_visible()
    pending = tab.page.locator("#pending-list .pending-item").count()
    said = "1 change set pending." if pending == 1 else f"{pending} change sets pending."
    expect(tab.page.get_by_role("status").filter(has_text="pending.")).to_have_text(said)
    tab.page.locator(f'#pending-list li[data-id="{drafted}"]').get_by_role("button").click()
    article = tab.page.locator("#change-set")
    expect(article).to_have_attribute("data-status", "DRAFT")
    tab.button("Propose").click()
    expect(tab.page.locator("#decide-done")).to_have_text("Proposed.")
    expect(article).to_be_focused()
    tab.button("Withdraw").click()
    expect(tab.page.locator("#decide-done")).to_have_text("Withdrawn.")
    expect(article).to_have_attribute("data-status", "WITHDRAWN")
    expect(article).to_be_focused()
    tab.assert_nothing_went_wrong()

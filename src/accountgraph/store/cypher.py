"""The graph database store: one dataset's graph in Neo4j or FalkorDB, queried in Cypher.

Every statement is a file of ``cypher/`` (see :mod:`accountgraph.store.statements`) run
with parameters through a :class:`~accountgraph.store.backends.base.CypherBackend`; no
Cypher is assembled here. Queries answer in the database — variable-length patterns for
paths and transitive neighbours, ORDER BY and LIMIT for pages and path lists — and return
plain values, which :mod:`accountgraph.store._cypher_rows` turns into model objects.

What the database cannot be trusted to do identically on every server is finished here,
on rows the database has already bounded: rows are re-sorted with the embedded store's
exact keys (string order may differ between servers), and "did you mean" runs
:func:`accountgraph.suggest.closest` over a bounded listing of ids near the unknown one,
exactly as the embedded store does.

An id that names no party is looked up only when an answer comes back empty, so a
question about a known party costs one round trip. Path queries read the parties along
their paths in the same statement, for a caller that wants them (the API: a path's
``nodes { name }`` then costs no second round trip).

A day (``as_of``) is the parameter ``$as_of`` of every query, an ISO date string as the
dates are stored (see :mod:`accountgraph.store._cypher_rows`), filtered in the database.
A snapshot reads the whole graph back a page at a time (:data:`READ_BATCH` items a
statement): parties in id order, the edges leaving each page of them, then the duties.

The store is also a :class:`~accountgraph.governance.changeable.ChangeableStore`: change
sets, log entries and token records are nodes beside the graph (see
:mod:`accountgraph.store._cypher_changes`), and a change set is applied by one statement,
``cypher/log_append.cypher``, which appends its log entry only on top of the head it was
worked out on, marks it applied and changes the graph, all or nothing: on FalkorDB a
statement is the only atomic unit there is, on Neo4j it is one transaction. The graph as
it stands (:meth:`CypherStore.live`) is read whole once and kept: approving needs it
every time, and reading it costs a snapshot. A change set this store applies updates what
it keeps; one another writer applied moves the log head, and the next ``live`` replays the
new log entries on what it keeps, as :mod:`accountgraph.store.sqlite` does; a load (which
writes a new run in the load marker) makes it read the graph whole again.

A graph whose last load has not finished (see :mod:`accountgraph.store.load_marker`) holds
part of a dataset: :meth:`CypherStore.stats` and every question then raise
:class:`~accountgraph.errors.PartialGraphError`. ``stats`` reads the load marker each
time; questions trust what was last read for :data:`LOAD_CHECK_INTERVAL` seconds, so the
check costs a round trip now and then, not one per question.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any

from accountgraph.errors import (
    ChangeError,
    ChangeRefusedError,
    StoreUnavailableError,
    UnknownPartyError,
)
from accountgraph.governance.change_set import ChangeSet, Status
from accountgraph.governance.changeable import LogMovedError, mentioned_parties
from accountgraph.governance.log import EMPTY_LOG, LogEntry, LogHead
from accountgraph.governance.operations import Outcome, apply_operations
from accountgraph.governance.tokens import TokenRecord
from accountgraph.model import (
    Dataset,
    Direction,
    Edge,
    Party,
    PartyKind,
    Path,
    Relation,
    Responsibility,
)
from accountgraph.store._cypher_changes import (
    append_parameters,
    change_set_of,
    change_set_parameters,
    log_entry_of,
    optional_stamp,
    stamp,
    token_of,
)
from accountgraph.store._cypher_rows import (
    SEARCH_SEPARATOR,
    dataset_of,
    edge_of,
    edge_order,
    party_of,
    path_of,
    path_order,
    responsibility_of,
)
from accountgraph.store.backends.base import (
    CypherBackend,
    Parameters,
    Row,
    StoreTimeoutError,
    UniqueConstraintError,
)
from accountgraph.store.base import (
    PartyPage,
    StoreStats,
    check_bounds,
    check_page_size,
    day_of,
    not_valid_on,
)
from accountgraph.store.load_marker import LoadMarker, partial_graph, unfinished
from accountgraph.store.statements import statement
from accountgraph.suggest import SUGGESTION_POOL, closest, name_key, pool_around

SIMILARITY_CUTOFF = 0.6

READ_BATCH = 1000
"""How many parties, edges or duties one statement reads when a whole graph is read."""

LOAD_CHECK_INTERVAL = 1.0
"""Seconds a question trusts what the store last read of the graph's load marker."""

APPEND_TRIES = 3
"""How often a change set's statement is sent when the server does not answer in time: it
is idempotent (a second sending finds its own entry at the head and writes nothing), and
FalkorDB may finish a write whoever stops waiting for it."""

LIVE_READS = 5
"""How often :meth:`CypherStore.live` reads the graph while other writers keep changing it
under the reading, before it gives up."""

ALL_ENTRIES = 2**31 - 1
"""The greatest ``$limit``, which keeps every log entry: a LIMIT takes no null, and
FalkorDB keeps only a LIMIT's low 32 bits (2**32 limits to none)."""

_PARTY_FIELDS = (
    "id",
    "kind",
    "name_json",
    "aliases_json",
    "description_json",
    "facts_json",
    "apex",
    "apex_reason_json",
    "name_in_source",
    "name_note_json",
    "valid_from",
    "valid_to",
)
"""A party's properties in the order path statements list them (``parties`` column)."""

_EDGE_FIELDS = ("relation", "scope", "citations_json", "note_json", "valid_from", "valid_to")
"""An edge's properties in the order path statements list them (``edges`` column)."""

_NEIGHBOURS = {
    (Direction.OUT, False): "neighbours_out",
    (Direction.IN, False): "neighbours_in",
    (Direction.BOTH, False): "neighbours_both",
    (Direction.OUT, True): "reachable_out",
    (Direction.IN, True): "reachable_in",
    (Direction.BOTH, True): "reachable_both",
}


def _iso(as_of: dt.date | None) -> str | None:
    """A day as the ``$as_of`` parameter: ``YYYY-MM-DD``, or null for no day."""
    day = day_of(as_of)
    return None if day is None else day.isoformat()


def _storable(text: str) -> bool:
    """Whether a string can be a parameter: FalkorDB's parameter header cannot carry NUL,
    so no id or name stored there holds one, and a question holding one matches nothing."""
    return "\x00" not in text


@dataclass(frozen=True, slots=True)
class _Kept:
    """The graph as it stood at a log head, after the load whose run is ``load``."""

    dataset: Dataset
    head: LogHead
    load: str | None


_APPROVALS: dict[str, asyncio.Lock] = {}
"""One lock per graph (by its URL) that this process's approvals on it take in turn."""


class CypherStore:
    """A :class:`~accountgraph.store.base.GraphStore` over a graph database server.

    ``dataset_name``, when given, is the dataset the graph must hold: the first question
    checks it and raises :class:`StoreUnavailableError` if the graph holds another.
    ``read_batch`` is how many items a statement reads when a whole graph is read.
    ``load_check_interval`` is how many seconds a question trusts what was last read of
    the load marker (0: every question reads it).
    """

    def __init__(
        self,
        backend: CypherBackend,
        *,
        dataset_name: str | None = None,
        read_batch: int = READ_BATCH,
        load_check_interval: float = LOAD_CHECK_INTERVAL,
    ) -> None:
        if read_batch < 1:
            raise ValueError(f"read_batch={read_batch} is not allowed: at least 1")
        if load_check_interval < 0:
            raise ValueError(
                f"load_check_interval={load_check_interval} is not allowed: at least 0"
            )
        self._backend = backend
        self._dataset_name = dataset_name
        self._checked = dataset_name is None
        self._read_batch = read_batch
        self._load_check_interval = load_check_interval
        self._marker_read_at: float | None = None
        self._unfinished: LoadMarker | None = None
        self._live: _Kept | None = None
        self._reading: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._schema_ready = False

    @property
    def backend(self) -> CypherBackend:
        return self._backend

    async def stats(self) -> StoreStats:
        await self._check_load(again=True)
        [row] = await self._backend.run(statement("dataset"))
        name = self._dataset_of(row)
        if not self._checked:
            self._check_name(name)
        return StoreStats(
            dataset=name,
            parties=int(row["parties"]),
            edges=int(row["edges"]),
            responsibilities=int(row["responsibilities"]),
        )

    async def get_party(self, party_id: str, *, as_of: dt.date | None = None) -> Party | None:
        [found] = await self.get_parties([party_id], as_of=as_of)
        return found

    async def get_parties(
        self, party_ids: Sequence[str], *, as_of: dt.date | None = None
    ) -> list[Party | None]:
        wanted = [party_id for party_id in dict.fromkeys(party_ids) if _storable(party_id)]
        found: dict[str, Party] = {}
        if wanted:
            rows = await self._run("parties_by_id", {"ids": wanted, "as_of": _iso(as_of)})
            found = {party.id: party for party in (party_of(row["party"]) for row in rows)}
        return [found.get(party_id) for party_id in party_ids]

    async def suggest_ids(
        self, party_id: str, limit: int = 3, *, as_of: dt.date | None = None
    ) -> list[str]:
        if limit <= 0 or not _storable(party_id):
            return []
        folded = party_id.casefold()
        [row] = await self._run(
            "suggest",
            {
                "key": name_key(party_id),
                "id": party_id,
                "folded": folded,
                "limit": limit,
                "pool": SUGGESTION_POOL + 1,
                "containing": 2 * limit,
                "as_of": _iso(as_of),
            },
        )
        picks = dict.fromkeys(row["named"])
        picks.update(
            dict.fromkeys(
                closest(
                    party_id,
                    _pool(row["before"], row["after"]),
                    limit=limit,
                    cutoff=SIMILARITY_CUTOFF,
                )
            )
        )
        if folded:
            for candidate in row["containing"]:
                if len(picks) >= limit:
                    break
                picks[candidate] = None
        return list(picks)[:limit]

    async def list_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        first: int = 50,
        after: str | None = None,
        as_of: dt.date | None = None,
    ) -> PartyPage:
        check_page_size(first)
        needle = search.casefold() if search else None
        if needle is not None and not _searchable(needle):
            return PartyPage((), has_next=False)
        if after is not None:
            # No stored id holds NUL, so the ids after "a\0…" are exactly those after "a".
            after = after.split("\x00", 1)[0]
        rows = await self._run(
            "parties_page",
            {
                "after": after,
                "kind": None if kind is None else kind.value,
                "needle": needle,
                "limit": first + 1,
                "as_of": _iso(as_of),
            },
        )
        parties = sorted((party_of(row["party"]) for row in rows), key=lambda party: party.id)
        return PartyPage(tuple(parties[:first]), has_next=len(parties) > first)

    async def count_parties(
        self,
        *,
        kind: PartyKind | None = None,
        search: str | None = None,
        as_of: dt.date | None = None,
    ) -> int:
        needle = search.casefold() if search else None
        if needle is not None and not _searchable(needle):
            return 0
        [row] = await self._run(
            "parties_count",
            {
                "kind": None if kind is None else kind.value,
                "needle": needle,
                "as_of": _iso(as_of),
            },
        )
        return int(row["count"])

    async def edges(
        self,
        party_id: str,
        direction: Direction = Direction.OUT,
        relations: Sequence[Relation] | None = None,
        *,
        as_of: dt.date | None = None,
    ) -> list[Edge]:
        if relations is not None and not relations:
            await self._require(party_id, as_of=as_of)
            return []
        rows = await self._run(
            "edges",
            {
                "id": party_id,
                "relations": None if relations is None else sorted({r.value for r in relations}),
                "outgoing": direction in (Direction.OUT, Direction.BOTH),
                "incoming": direction in (Direction.IN, Direction.BOTH),
                "loops_in": direction is Direction.IN,
                "as_of": _iso(as_of),
            },
            party_id,
        )
        if not rows:
            await self._require(party_id, as_of=as_of)
        found = [edge_of(row["source"], row["target"], row["edge"]) for row in rows]
        return sorted(found, key=lambda edge: edge_order(edge, party_id))

    async def neighbours(
        self,
        party_id: str,
        relation: Relation,
        direction: Direction = Direction.OUT,
        *,
        transitive: bool = False,
        as_of: dt.date | None = None,
    ) -> list[Party]:
        rows = await self._run(
            _NEIGHBOURS[direction, transitive],
            {"id": party_id, "relation": relation.value, "as_of": _iso(as_of)},
            party_id,
        )
        if not rows:
            await self._require(party_id, as_of=as_of)
        ranked = sorted(
            ((int(row.get("distance", 1)), party_of(row["party"])) for row in rows),
            key=lambda pair: (pair[0], pair[1].id),
        )
        return [party for _, party in ranked]

    async def responsibilities(
        self, holder_id: str, *, as_of: dt.date | None = None
    ) -> list[Responsibility]:
        rows = await self._run(
            "responsibilities", {"id": holder_id, "as_of": _iso(as_of)}, holder_id
        )
        if not rows:
            await self._require(holder_id, as_of=as_of)
        return _duties(rows)

    async def all_responsibilities(self) -> list[Responsibility]:
        rows: list[Row] = []
        after: int | None = None
        while True:
            page = await self._run(
                "responsibilities_all", {"after": after, "limit": self._read_batch}
            )
            rows += page
            if len(page) < self._read_batch:
                return _duties(rows)
            after = int(page[-1]["duty"]["ordinal"])

    async def accountability_chains(
        self,
        party_id: str,
        *,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
        parties: dict[str, Party] | None = None,
    ) -> list[Path]:
        """As the protocol's; ``parties``, when given, receives the parties along the paths
        returned, read by the same statement (as do :meth:`delegation_ends`' and
        :meth:`paths`')."""
        check_bounds(max_depth, max_paths)
        return await self._paths(
            "chains",
            {
                "id": party_id,
                "max_depth": max_depth,
                "max_paths": max_paths,
                "as_of": _iso(as_of),
            },
            [party_id],
            max_paths,
            as_of,
            parties,
        )

    async def delegation_ends(
        self,
        party_id: str,
        *,
        scope: str | None = None,
        max_depth: int = 16,
        max_paths: int = 100,
        as_of: dt.date | None = None,
        parties: dict[str, Party] | None = None,
    ) -> list[Path]:
        check_bounds(max_depth, max_paths)
        parameters: dict[str, Any] = {
            "id": party_id,
            "max_depth": max_depth,
            "max_paths": max_paths,
            "as_of": _iso(as_of),
        }
        name = "delegation_ends"
        if scope is not None:
            if not _storable(scope):
                await self._require(party_id, as_of=as_of, valid=True)
                return []
            name = "delegation_ends_scoped"
            parameters["scope"] = scope
        return await self._paths(name, parameters, [party_id], max_paths, as_of, parties)

    async def paths(
        self,
        from_id: str,
        to_id: str,
        *,
        relations: Sequence[Relation] | None = None,
        max_depth: int = 8,
        max_paths: int = 50,
        as_of: dt.date | None = None,
        parties: dict[str, Party] | None = None,
    ) -> list[Path]:
        check_bounds(max_depth, max_paths)
        ends = [from_id, to_id]
        if from_id == to_id or (relations is not None and not relations):
            await self._require(*ends, as_of=as_of, valid=True)
            return []
        parameters: dict[str, Any] = {
            "from_id": from_id,
            "to_id": to_id,
            "max_depth": max_depth,
            "max_paths": max_paths,
            "as_of": _iso(as_of),
        }
        kinds = None if relations is None else sorted({r.value for r in relations})
        if kinds is not None and len(kinds) == 1:
            parameters["relation"] = kinds[0]
            return await self._paths("paths_along", parameters, ends, max_paths, as_of, parties)
        parameters["relations"] = kinds
        return await self._paths("paths", parameters, ends, max_paths, as_of, parties)

    async def snapshot(self, *, as_of: dt.date | None = None) -> Dataset:
        heads = await self._run("snapshot_dataset")
        name = self._dataset_of({"datasets": [row["dataset"]["name"] for row in heads]})
        [head] = [row["dataset"] for row in heads]
        day = _iso(as_of)
        parties: list[Row] = []
        edges: list[Row] = []
        after: str | None = None
        while True:
            page = await self._run(
                "parties_page",
                {
                    "after": after,
                    "kind": None,
                    "needle": None,
                    "limit": self._read_batch,
                    "as_of": day,
                },
            )
            parties += (row["party"] for row in page)
            ids = [row["party"]["id"] for row in page]
            if ids:
                edges += await self._edges_leaving(ids, day)
            if len(page) < self._read_batch:
                break
            after = ids[-1]
        return dataset_of(
            name,
            head,
            [party_of(row) for row in sorted(parties, key=_ordinal)],
            [
                edge_of(row["source"], row["target"], row["edge"])
                for row in sorted(edges, key=_edge_ordinal)
            ],
            await self.all_responsibilities(),
        )

    async def close(self) -> None:
        await self._backend.close()

    # --- ChangeableStore -----------------------------------------------------------------

    async def live(self) -> tuple[Dataset, LogHead]:
        """The graph as it stands and the log head it reflects: as kept while neither the
        head nor the graph's load has changed; when another writer moved the head, the
        graph kept with the log entries since replayed on it (what those writers made of
        it too); read whole the first time, after a load, or when the kept graph is not
        where the log continues (a head read before and after the reading tells that no
        change set was applied meanwhile)."""
        async with self._reading_lock():
            for _ in range(LIVE_READS):
                load, head = await self._log_position()
                kept = self._live
                if kept is not None and kept.load == load:
                    if kept.head == head:
                        return kept.dataset, kept.head
                    if kept.head.position < head.position:
                        caught_up = await self._caught_up(kept)
                        if caught_up is not None:
                            self._live = caught_up
                            return caught_up.dataset, caught_up.head
                dataset = await self.snapshot()
                if await self._log_position() == (load, head):
                    self._live = _Kept(dataset, head, load)
                    return dataset, head
        raise StoreUnavailableError(
            self._backend.url,
            f"change sets kept being applied while the graph was read ({LIVE_READS} "
            "readings); try again",
        )

    async def _caught_up(self, kept: _Kept) -> _Kept | None:
        """The graph kept with the change sets applied since replayed on it; ``None`` when
        the log does not continue from where it was kept."""
        dataset, head = kept.dataset, kept.head
        for entry in await self.log_entries(after=head.position):
            if entry.position != head.position + 1 or entry.previous_hash != head.hash:
                return None
            change_set = entry.change_set
            try:
                outcome = apply_operations(dataset, change_set.operations, change_set.effective)
            except ChangeRefusedError:
                return None
            dataset, head = outcome.dataset, LogHead(entry.position, entry.hash)
        return _Kept(dataset, head, kept.load)

    async def log_head(self) -> LogHead:
        _, head = await self._log_position()
        return head

    async def _log_position(self) -> tuple[str | None, LogHead]:
        """The run of the graph's last load, and the log's head."""
        [row] = await self._run("log_head")
        head = EMPTY_LOG if row["position"] is None else LogHead(int(row["position"]), row["hash"])
        return row["load"], head

    async def save_change_set(self, change_set: ChangeSet) -> None:
        if change_set.status is Status.APPLIED:
            raise ValueError("an applied change set is saved by append()")
        await self._prepare_writes()
        parties = sorted(mentioned_parties(change_set.operations))
        [row] = await self._run("change_set_save", change_set_parameters(change_set, parties))
        if not row["saved"]:
            raise ChangeRefusedError(
                f"change set {change_set.id} was applied meanwhile; it can no longer become "
                f"{change_set.status.value}",
                rule="state",
                change_set=change_set.id,
            )

    async def change_set(self, change_set_id: str) -> ChangeSet | None:
        if not _storable(change_set_id):
            return None
        rows = await self._run("change_set_by_id", {"id": change_set_id})
        return change_set_of(rows[0]["body"]) if rows else None

    async def change_sets(
        self,
        *,
        status: Status | None = None,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> list[ChangeSet]:
        if not all(_storable(text) for text in (party_id or "", after or "")):
            return []
        rows = await self._run(
            "change_sets_page",
            {
                "status": None if status is None else status.value,
                "party": party_id,
                "since": optional_stamp(since),
                "after": after,
                "limit": min(first, ALL_ENTRIES),
            },
        )
        newest_first = sorted(rows, key=lambda row: (row["created_at"], row["id"]), reverse=True)
        return [change_set_of(row["body"]) for row in newest_first]

    @contextlib.asynccontextmanager
    async def approvals_in_turn(self) -> AsyncIterator[None]:
        """Approvals on one graph take turns within this process; between processes the
        append statement refuses a moved log head by itself (the database offers no lock
        that outlives a statement: FalkorDB), and the approval is worked out again."""
        lock = _APPROVALS.setdefault(self._backend.url, asyncio.Lock())
        async with lock:
            yield

    async def append(self, entry: LogEntry, outcome: Outcome) -> None:
        """Apply ``entry``'s change set by ``cypher/log_append.cypher``: all of it or
        nothing, and only on top of the head ``entry`` follows."""
        await self._prepare_writes()
        row = await self._append(append_parameters(entry, outcome))
        if not (row["appended"] or row["already"]):
            if not row["fresh"]:
                raise LogMovedError
            raise StoreUnavailableError(
                self._backend.url,
                f"the graph does not hold what its log says: some of the records change set "
                f"{entry.change_set.id} changes are not as log entry {entry.position - 1} "
                "left them (was the graph changed by hand?); nothing was written",
            )
        kept = self._live
        if kept is not None and kept.head == LogHead(entry.position - 1, entry.previous_hash):
            self._live = _Kept(outcome.dataset, LogHead(entry.position, entry.hash), kept.load)

    async def log_entries(
        self,
        *,
        after: int = 0,
        party_id: str | None = None,
        since: dt.datetime | None = None,
        first: int | None = None,
    ) -> list[LogEntry]:
        if party_id is not None and not _storable(party_id):
            return []
        rows = await self._run(
            "log_entries",
            {
                "after": after,
                "party": party_id,
                "since": optional_stamp(since),
                "limit": ALL_ENTRIES if first is None else min(first, ALL_ENTRIES),
            },
        )
        return [log_entry_of(row["entry"]) for row in sorted(rows, key=_position)]

    async def put_token(self, record: TokenRecord) -> None:
        await self._prepare_writes()
        [row] = await self._run(
            "token_create",
            {
                "hash": record.token_hash,
                "name": record.name,
                "role": record.role.value,
                "created_at": stamp(record.created_at),
            },
        )
        if not row["created"]:
            raise ChangeError(
                f"{record.name!r} has an active token already: revoke it first "
                f"(accountgraph token revoke {record.name!r})"
            )

    async def token_by_hash(self, token_hash: str) -> TokenRecord | None:
        rows = await self._run("token_by_hash", {"hash": token_hash})
        return token_of(rows[0]["token"]) if rows else None

    async def tokens(self) -> list[TokenRecord]:
        rows = await self._run("tokens_all")
        records = [token_of(row["token"]) for row in rows]
        return sorted(records, key=lambda record: (record.name, record.created_at))

    async def revoke_token(self, name: str, at: dt.datetime) -> TokenRecord | None:
        if not _storable(name):
            return None
        rows = await self._run("token_revoke", {"name": name, "at": stamp(at)})
        return token_of(rows[0]["token"]) if rows else None

    async def _append(self, parameters: Parameters) -> Row:
        """The answer of the change set's statement, sent again after a timeout. One
        statement is one transaction on Neo4j (which the backend runs again after a
        deadlock or a lost leader, as the statement may be) and atomic on FalkorDB."""
        text = statement("log_append")
        for attempt in range(1, APPEND_TRIES + 1):
            try:
                [row] = await self._backend.run(text, parameters)
                return row
            except UniqueConstraintError:
                # Neo4j: another transaction took the position between our check and commit.
                raise LogMovedError from None
            except StoreTimeoutError as error:
                if attempt == APPEND_TRIES:
                    raise StoreTimeoutError(
                        self._backend.url,
                        f"{error.reason}, {APPEND_TRIES} times; the change set may yet be "
                        "applied: look at the log before approving it again",
                    ) from None
        raise AssertionError("unreachable: the last try returns or raises")

    async def _prepare_writes(self) -> None:
        """Make the indexes and unique constraints writes rely on, once per store (a graph
        loaded by an older accountgraph lacks those of the change sets and the log)."""
        if not self._schema_ready:
            await self._ready()
            await self._backend.ensure_schema()
            self._schema_ready = True

    def _reading_lock(self) -> asyncio.Lock:
        """One reading of the whole graph at a time (a lock belongs to one event loop)."""
        loop = asyncio.get_running_loop()
        if self._reading is None or self._reading[0] is not loop:
            self._reading = (loop, asyncio.Lock())
        return self._reading[1]

    async def _edges_leaving(self, ids: Sequence[str], day: str | None) -> list[Row]:
        """Every edge leaving the parties ``ids`` (valid on ``day``), a page at a time."""
        rows: list[Row] = []
        while True:
            page = await self._run(
                "snapshot_edges",
                {"ids": list(ids), "as_of": day, "skip": len(rows), "limit": self._read_batch},
            )
            rows += page
            if len(page) < self._read_batch:
                return rows

    async def _paths(
        self,
        name: str,
        parameters: Parameters,
        ends: Sequence[str],
        max_paths: int,
        as_of: dt.date | None,
        parties: dict[str, Party] | None = None,
    ) -> list[Path]:
        rows = await self._run(name, parameters, *ends)
        if not rows:
            await self._require(*ends, as_of=as_of, valid=True)
        found = sorted((_path(row) for row in rows), key=path_order)[:max_paths]
        if parties is not None:
            along = {node for path in found for node in path.nodes}
            for row in rows:
                for values in row["parties"]:
                    if values[0] in along and values[0] not in parties:
                        parties[values[0]] = party_of(dict(zip(_PARTY_FIELDS, values, strict=True)))
        return found

    async def _run(self, name: str, parameters: Parameters | None = None, *ids: str) -> list[Row]:
        """Run ``cypher/NAME.cypher``; no rows without asking when an id cannot exist."""
        await self._ready()
        if not all(_storable(party_id) for party_id in ids):
            return []
        return await self._backend.run(statement(name), parameters)

    async def _ready(self) -> None:
        """Check, as every statement's first step, that the graph holds the dataset the
        store was opened for and that its last load finished."""
        if not self._checked:
            await self.stats()
        await self._check_load()

    async def _check_load(self, *, again: bool = False) -> None:
        """Raise :class:`PartialGraphError` while the graph's last load has not finished;
        the marker is read when ``again``, or when the last reading is older than the
        interval."""
        read_at = self._marker_read_at
        moment = time.monotonic()
        if again or read_at is None or moment - read_at >= self._load_check_interval:
            self._unfinished = unfinished(await self._backend.run(statement("load_marker")))
            self._marker_read_at = moment
        if self._unfinished is not None:
            raise partial_graph(self._backend.url, self._unfinished)

    async def _require(
        self, *party_ids: str, as_of: dt.date | None = None, valid: bool = False
    ) -> None:
        """Raise :class:`UnknownPartyError` for the first id that names no party (suggesting
        ids of parties valid on ``as_of``) or, when ``valid``, whose party is not valid on
        ``as_of``."""
        found = await self.get_parties(party_ids)
        day = day_of(as_of)
        for party_id, party in zip(party_ids, found, strict=True):
            if party is None:
                raise UnknownPartyError(party_id, await self.suggest_ids(party_id, as_of=as_of))
            if valid and day is not None and not party.validity.holds_on(day):
                raise not_valid_on(party, day)

    def _dataset_of(self, row: Row) -> str:
        names: list[str] = sorted(row["datasets"])
        if not names:
            raise StoreUnavailableError(
                self._backend.url,
                "the graph holds no dataset: load one with `accountgraph load --store URL`",
            )
        if len(names) > 1:
            raise StoreUnavailableError(
                self._backend.url,
                f"the graph holds {len(names)} datasets ({', '.join(names)}); a store "
                "holds one: reload it with `accountgraph load --replace`",
            )
        return names[0]

    def _check_name(self, name: str) -> None:
        if name != self._dataset_name:
            raise StoreUnavailableError(
                self._backend.url,
                f"the graph holds dataset {name!r}, not {self._dataset_name!r}",
            )
        self._checked = True


def _path(row: Row) -> Path:
    """A path from a path statement's row, its edges listed as :data:`_EDGE_FIELDS`."""
    edges = [dict(zip(_EDGE_FIELDS, values, strict=True)) for values in row["edges"]]
    return path_of({"ids": row["ids"], "edges": edges})


def _position(row: Row) -> int:
    return int(row["position"])


def _ordinal(row: Row) -> int:
    return int(row["ordinal"])


def _edge_ordinal(row: Row) -> tuple[Any, ...]:
    """An edge's place in the dataset; by its key after those that have one (a graph
    loaded before edges kept their ordinal)."""
    ordinal = row["edge"].get("ordinal")
    key = (row["source"], row["edge"]["relation"], row["target"], row["edge"].get("scope") or "")
    return (ordinal is None, 0 if ordinal is None else int(ordinal), key)


def _duties(rows: Sequence[Row]) -> list[Responsibility]:
    """Duties in the document's order (their ``ordinal``)."""
    ordered = sorted(rows, key=lambda row: int(row["duty"]["ordinal"]))
    return [responsibility_of(row["duty"]) for row in ordered]


def _searchable(needle: str) -> bool:
    """Whether a search needle can match: not across fields, and sendable."""
    return _storable(needle) and SEARCH_SEPARATOR not in needle


def _pool(before: Sequence[str], after: Sequence[str]) -> list[str]:
    """The ids "did you mean" compares: all when there are few, else the
    :data:`SUGGESTION_POOL` ids around the unknown one's place in sorted order, as the
    embedded store takes them. ``before`` is in descending order; each list holds at most
    one id more than the pool, so a full list shows there are more."""
    return list(pool_around([*reversed(before), *after], len(before)))

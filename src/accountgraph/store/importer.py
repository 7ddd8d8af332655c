"""Loading a dataset into a graph database: schema, then parameterised batches.

A load creates the constraints and indexes it lacks (``backend.ensure_schema``) before
it writes anything, so every look-up by id uses the index from the first batch; checks
what the graph holds; then writes the graph's load marker (see
:mod:`accountgraph.store.load_marker`), the dataset node, the parties, the edges and the
duties in ``UNWIND $rows AS row …`` batches, and finally marks itself finished.

Each label of party and each relation of edge has statements of its own
(:mod:`accountgraph.store.import_statements`). Into a graph that holds nothing (checked
first, or emptied by ``replace``) the batches ``CREATE``: nothing is looked up, which is
the database's own speed. Into a graph that holds the same dataset they ``MERGE``, and a
last step removes what an earlier load of it held and this one does not. Everything a
load writes carries a stamp of the dataset's content, so loading the same dataset twice
changes nothing.

While the server writes a batch, a worker thread makes the next batch's rows and, on
FalkorDB, the next batch is already sent (:data:`PIPELINE`), so that Python and the server
work at once rather than in turn; Python's cyclic garbage collector is paused meanwhile.

The batch size adapts to the store's timeout (:mod:`accountgraph.store.batch_size`): each
batch is timed, and the next grows or shrinks. On FalkorDB, which runs each statement on
its own, a batch that timed out is written again in smaller batches by the ``MERGE``
statement, which is right whether or not the server went on to apply the first try (it
runs the writes to a graph one after another). On a transactional server (Neo4j) the
whole load is one transaction: it happens entirely or not at all, and a batch that timed
out rolls it back, to be started again in smaller batches.

On FalkorDB an interrupted load leaves part of the dataset and its marker unfinished, so
the stores answer :class:`PartialGraphError` until a load runs again and completes it.
The loader says so when it stops part-way.

A graph holding another dataset (or nodes that are no dataset's) is refused unless
``replace``, which first removes everything the graph holds.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import hashlib
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property, partial
from operator import attrgetter
from types import MappingProxyType
from typing import Any

import msgspec

from accountgraph.errors import (
    AccountGraphError,
    DatasetError,
    PartialGraphError,
    Problem,
    StoreUnavailableError,
)
from accountgraph.model import Dataset, Edge, Party, PartyKind, Relation
from accountgraph.store._cypher_rows import (
    Props,
    dataset_parameters,
    edge_row,
    party_row,
    responsibility_row,
)
from accountgraph.store.backends.base import (
    CypherBackend,
    Parameters,
    Row,
    StatementRunner,
    StoreTimeoutError,
)
from accountgraph.store.batch_size import BatchSizer
from accountgraph.store.import_statements import (
    LABELS,
    edge_statement,
    party_statement,
    responsibility_statement,
)
from accountgraph.store.load_marker import LoadMarker, moment, unfinished
from accountgraph.store.statements import statement

DEFAULT_BATCH_SIZE = 1000

KINDS = ("parties", "edges", "responsibilities")

PATIENCE = 10
"""On a server without transactions, a load gives up when no statement has answered for
this many timeouts (and :data:`LEAST_PATIENCE`): meanwhile each statement that timed out
goes again, in smaller batches, and waits behind the write the server may still be
finishing."""

LEAST_PATIENCE = 30.0
"""Seconds a load waits at least for a server busy with a write it stopped waiting for."""

RESTARTS = 3
"""A transaction rolled back by a batch that timed out starts again at most this often."""

_SERVER_NAMES = {"falkordb": "FalkorDB", "neo4j": "Neo4j"}


@dataclass(frozen=True, slots=True)
class Tally:
    """What a load did to one kind of item."""

    created: int = 0
    existing: int = 0
    removed: int = 0

    @property
    def total(self) -> int:
        return self.created + self.existing


@dataclass(frozen=True)
class LoadPlan:
    """What a load writes: the dataset's node, then its rows, stamped with its fingerprint."""

    dataset: Dataset
    head: Props
    """The parameters of the dataset's node (``cypher/import_dataset.cypher``)."""
    fingerprint: str
    """The stamp of the dataset's content that everything the load writes carries."""
    replaces: tuple[str, ...]
    """The datasets the graph held that this load removes first."""
    run: str
    """The load's id, in the load marker its first statement writes."""
    clears: bool = False
    """Whether the load first removes everything the graph holds (``replaces`` may name
    no dataset: nodes of none)."""

    @cached_property
    def rows(self) -> Mapping[str, Sequence[Props]]:
        """Per kind of item (:data:`KINDS`), its rows in the dataset's order, made when
        first asked for (a load makes them batch by batch instead, ahead of the writing)."""
        dataset = self.dataset
        return {
            "parties": _party_rows(dataset.parties, range(len(dataset.parties))),
            "edges": _edge_rows(dataset.edges, range(len(dataset.edges))),
            "responsibilities": _responsibility_rows(dataset),
        }

    @property
    def total_rows(self) -> int:
        """Parties, edges and duties: what the progress of a load counts."""
        return (
            _count(self.dataset, "parties")
            + _count(self.dataset, "edges")
            + _count(self.dataset, "responsibilities")
        )


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did."""

    dataset: str
    store: str
    backend: str
    transactional: bool
    statements: int
    batch_size: int
    """The size the batches started at."""
    schema: tuple[str, ...]
    replaced: tuple[str, ...]
    removed_nodes: int
    parties: Tally
    edges: Tally
    responsibilities: Tally
    completed: LoadMarker | None = None
    """An earlier load that had not finished when this one began (this one completed the
    graph)."""
    rows: int = 0
    """Parties, edges and duties written."""
    seconds: float = 0.0
    """How long the writing took, from the first statement to the last."""
    batches: tuple[int, int] = (0, 0)
    """The fewest and the most rows a batch held."""
    retried: int = 0
    """Statements that timed out and were run again (in smaller batches)."""
    restarts: int = 0
    """Times the load's transaction was rolled back by a timeout and started again."""

    @property
    def changed(self) -> bool:
        return bool(self.replaced) or any(
            tally.created or tally.removed
            for tally in (self.parties, self.edges, self.responsibilities)
        )

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> list[str]:
        """What the load did, as lines for a person: how, how fast, then a table of counts."""
        if self.transactional:
            how = f"in one transaction of {self.statements} statements (all or nothing)"
        else:
            server = _SERVER_NAMES.get(self.backend, self.backend)
            how = (
                f"in {self.statements} statements, each atomic on its own "
                f"({server} has no transactions over several statements)"
            )
        lines = [f"Loaded {self.dataset} into {self.store} {how}."]
        lines.append(self._speed())
        if self.completed is not None:
            lines.append(
                f"Completed the graph: the load of {self.completed.dataset} started "
                f"{self.completed.started_text} had not finished."
            )
        if self.replaced:
            lines.append(f"Removed first: {', '.join(self.replaced)} ({self.removed_nodes} nodes).")
        width = max(len(kind) for kind in KINDS)
        lines.append(f"  {'':{width}}  {'created':>8}  {'already there':>13}  {'removed':>7}")
        for kind in KINDS:
            tally: Tally = getattr(self, kind)
            lines.append(
                f"  {kind:{width}}  {tally.created:>8}  {tally.existing:>13}  {tally.removed:>7}"
            )
        if self.schema:
            lines.append(f"Schema created: {', '.join(self.schema)}.")
        if not self.changed and self.completed is None:
            lines.append("Nothing changed: the graph already held this dataset.")
        return lines

    def _speed(self) -> str:
        smallest, largest = self.batches
        sizes = f"{smallest:,}" if smallest == largest else f"{smallest:,} to {largest:,}"
        line = (
            f"Wrote {self.rows:,} rows in {self.seconds:.1f} s "
            f"({self.rows_per_second:,.0f} rows a second), in batches of {sizes} rows"
        )
        if self.retried:
            line += f"; {self.retried} timed out and went again in smaller batches"
        if self.restarts:
            line += f"; the transaction started again {self.restarts} times, in smaller batches"
        return line + "."


Progress = Callable[[int], None]
"""Told how many of the plan's rows are written so far (fewer than before when a
transaction starts again)."""


async def load(
    backend: CypherBackend,
    dataset: Dataset,
    *,
    replace: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_plan: Callable[[LoadPlan], None] | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load ``dataset`` into the graph behind ``backend``; say what was created.

    ``batch_size`` is the first batch's size; later ones adapt to the store's timeout.
    ``on_plan`` hears what will be written before anything is (to size a progress bar);
    ``progress`` hears as batches answer (on Neo4j, inside the one transaction, which
    commits at the end). A load that stops part-way on a server without transactions
    raises :class:`PartialGraphError`, saying why and that the graph is now partial.
    """
    if batch_size < 1:
        raise AccountGraphError(f"batch size {batch_size} is not allowed: at least 1")
    _check_references(dataset)
    schema = await backend.ensure_schema()
    [held] = await backend.run(statement("load_check"))
    names = sorted(held["datasets"])
    nodes = int(held["nodes"])
    applied = int(held["applied"])
    if applied and not replace:
        raise AccountGraphError(
            f"{backend.url} holds dataset {', '.join(repr(n) for n in names)} with {applied} "
            "applied change sets on top of it; loading a dataset again would undo them. "
            "Write the graph as it stands with `accountgraph export --format dataset`, and "
            "load that with --replace (which removes the change sets, the log and the tokens)"
        )
    foreign = [name for name in names if name != dataset.name]
    if (foreign or (nodes and not names)) and not replace:
        what = (
            f"dataset {', '.join(repr(n) for n in foreign)}"
            if foreign
            else f"{nodes} nodes of no dataset"
        )
        raise AccountGraphError(
            f"{backend.url} holds {what}, not {dataset.name!r}; load with --replace to "
            "remove what it holds first"
        )
    earlier = unfinished(await backend.run(statement("load_marker")))
    plan = plan_load(dataset, replaces=tuple(names) if replace and nodes else None)
    if on_plan is not None:
        on_plan(plan)
    sizer = BatchSizer(batch_size, backend.timeout)
    fresh = nodes == 0 or replace
    started = time.monotonic()
    worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="accountgraph-rows")
    # Pause Python's cyclic garbage collector while writing: the rows are a great many
    # small dicts, each counts towards a collection, and each full collection walks every
    # object the process holds (the dataset's, a caller's): a quarter of the client's time
    # at 50,000 parties. Rows hold no cycles; counting references frees them.
    collecting = gc.isenabled()
    gc.disable()
    try:
        groups = _groups(dataset, worker)
        if backend.transactional:
            writer, restarts = await _write_in_one_transaction(
                backend, plan, groups, sizer, fresh, progress
            )
        else:
            writer, restarts = _Writer(backend, plan, groups, sizer, fresh, progress), 0
            await writer.write_alone(backend)
    finally:
        worker.shutdown(wait=False, cancel_futures=True)
        if collecting:
            gc.enable()
    return writer.report(
        schema=tuple(schema),
        batch_size=batch_size,
        seconds=time.monotonic() - started,
        completed=earlier,
        restarts=restarts,
    )


def plan_load(dataset: Dataset, *, replaces: tuple[str, ...] | None = None) -> LoadPlan:
    """What loading ``dataset`` writes: its node's parameters, and its rows (made on
    demand), stamped with the fingerprint of the dataset's content; removing first
    everything the graph holds when ``replaces`` (the datasets it held) is given."""
    head = dataset_parameters(dataset)
    return LoadPlan(
        dataset,
        head,
        _fingerprint(dataset, head),
        replaces or (),
        uuid.uuid4().hex,
        clears=replaces is not None,
    )


ROW_FORMAT = "accountgraph rows 3"
"""Part of every fingerprint: change it when the rows a dataset makes change, so that a
load after the change stamps everything anew."""


def _fingerprint(dataset: Dataset, head: Props) -> str:
    """A digest of the dataset's content, equal for equal datasets: the rows a load writes
    are made from it alone (and :data:`ROW_FORMAT`). Written by msgspec, in C: a digest of
    the rows themselves would have to make them all before the first batch."""
    digest = hashlib.sha256(ROW_FORMAT.encode())
    for part in (head, dataset.parties, dataset.edges, dataset.responsibilities):
        digest.update(_CONTENT.encode(part))
    return digest.hexdigest()[:32]


def _plain(value: Any) -> Any:
    """What msgspec cannot write itself: a text's languages (a read-only mapping)."""
    if type(value) is MappingProxyType or isinstance(value, Mapping):  # the first, cheaply
        return dict(value)
    raise NotImplementedError(f"cannot fingerprint {type(value).__name__}")


_CONTENT = msgspec.json.Encoder(enc_hook=_plain, order="deterministic")


def _count(dataset: Dataset, kind: str) -> int:
    items: Sequence[object] = getattr(dataset, kind)
    return len(items)


def _party_rows(parties: Sequence[Party], ordinals: Sequence[int]) -> list[Props]:
    return [party_row(parties[ordinal], ordinal) for ordinal in ordinals]


def _edge_rows(edges: Sequence[Edge], ordinals: Sequence[int]) -> list[Props]:
    return [edge_row(edges[ordinal], ordinal) for ordinal in ordinals]


def _by_key(keys: Sequence[Any], wanted: Sequence[Any]) -> dict[Any, list[int]]:
    """The positions of each of ``wanted`` in ``keys``, in order: sorted by key and cut
    where the key changes, all in C (a loop filling a dict per item costs ten times as
    much at 10^5 items, since an enum's hash is Python's)."""
    order = sorted(range(len(keys)), key=keys.__getitem__)
    found: dict[Any, list[int]] = {}
    for key in wanted:
        start = bisect.bisect_left(order, key, key=keys.__getitem__)
        stop = bisect.bisect_right(order, key, key=keys.__getitem__)
        if stop > start:
            found[key] = order[start:stop]
    return found


class _Rows:
    """One group's rows, made in order as the batches need them. While the server writes a
    batch, a worker thread makes the next one's (:meth:`prefetch`): Python's share of a
    load then overlaps the server's, where made in turn it would add to it."""

    def __init__(
        self,
        worker: Executor,
        make: Callable[[Sequence[Any]], list[Props]],
        items: Sequence[Any],
    ) -> None:
        self.count = len(items)
        self._items = items
        self._make = make
        self._worker = worker
        self._made: list[Props] = []
        self._making: Future[list[Props]] | None = None
        """Making the rows after ``_made``, in the worker."""

    def prefetch(self, stop: int) -> None:
        """Begin making the rows up to ``stop`` (not included) in the worker."""
        done = len(self._made)
        if self._making is None and done < stop:
            self._making = self._worker.submit(self._make, self._items[done:stop])

    async def take(self, start: int, stop: int) -> list[Props]:
        """Rows ``start`` to ``stop`` (not included): made already, being made, or made now."""
        if len(self._made) < stop and self._making is not None:
            making, self._making = self._making, None
            made: list[Props] = await asyncio.wrap_future(making)
            self._made += made
        done = len(self._made)
        if done < stop:
            self._made += self._make(self._items[done:stop])
        return self._made[start:stop]


PIPELINE = 2
"""Batches sent at a time to a server without transactions: while it writes one, the next
waits on it, made and sent."""


@dataclass(frozen=True, slots=True)
class _Sent:
    """A batch sent, rows ``start`` to ``stop`` of its group, not yet answered."""

    start: int
    stop: int
    running: asyncio.Future[list[Row]]
    sent: float

    @property
    def rows(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True, slots=True)
class _Group:
    """Rows of one kind written by one pair of statements (one label, one relation)."""

    kind: str
    create: str
    merge: str
    rows: _Rows


def _groups(dataset: Dataset, worker: Executor) -> list[_Group]:
    """The dataset's rows by statement: parties by label, then edges by relation (every
    party exists before any edge looks for its ends), then duties; their making begins."""
    label_of = {kind: kind.label for kind in PartyKind}
    labels = [label_of[kind] for kind in map(attrgetter("kind"), dataset.parties)]
    parties = _by_key(labels, LABELS)
    edges = _by_key(list(map(attrgetter("relation"), dataset.edges)), list(Relation))
    groups = [
        _Group(
            "parties",
            statement(party_statement(label, "create")),
            statement(party_statement(label, "merge")),
            _Rows(worker, partial(_party_rows, dataset.parties), ordinals),
        )
        for label, ordinals in parties.items()
    ]
    groups += [
        _Group(
            "edges",
            statement(edge_statement(relation, "create")),
            statement(edge_statement(relation, "merge")),
            _Rows(worker, partial(_edge_rows, dataset.edges), ordinals),
        )
        for relation, ordinals in edges.items()
    ]
    if dataset.responsibilities:
        duties = _responsibility_rows(dataset)
        groups.append(
            _Group(
                "responsibilities",
                statement(responsibility_statement("create")),
                statement(responsibility_statement("merge")),
                _Rows(worker, list, duties),
            )
        )
    return groups


async def _write_in_one_transaction(
    backend: CypherBackend,
    plan: LoadPlan,
    groups: Sequence[_Group],
    sizer: BatchSizer,
    fresh: bool,
    progress: Progress | None,
) -> tuple[_Writer, int]:
    """Write the plan in one transaction; start again, in the smaller batches the sizer
    now gives, when a batch timed out and rolled it back."""
    restarts = 0
    while True:
        writer = _Writer(backend, plan, groups, sizer, fresh, progress)
        try:
            async with backend.transaction() as tx:
                await writer.write(tx)
        except StoreTimeoutError as error:
            if restarts == RESTARTS:
                raise StoreTimeoutError(
                    backend.url,
                    f"{error.reason}, and the load's transaction was rolled back "
                    f"{restarts + 1} times, down to batches of {sizer.size} rows: nothing "
                    "was loaded; a longer --store-timeout may let it finish",
                ) from None
            restarts += 1
            if progress is not None:
                progress(0)
            continue
        writer.check_finished()
        return writer, restarts


class _Writer:
    """Runs one load's statements and keeps count of what they wrote."""

    def __init__(
        self,
        backend: CypherBackend,
        plan: LoadPlan,
        groups: Sequence[_Group],
        sizer: BatchSizer,
        fresh: bool,
        progress: Progress | None,
    ) -> None:
        self.backend = backend
        self.plan = plan
        self.groups = groups
        self.sizer = sizer
        self.fresh = fresh
        """The graph holds nothing of the dataset: the batches CREATE and nothing is pruned."""
        self.progress = progress
        self.again = not backend.transactional
        """Run a statement that timed out again (each statement alone is idempotent, or
        goes again by one that is)."""
        self.statements = 0
        self.retried = 0
        self.written = 0
        self.created: Counter[str] = Counter()
        self.totals: Counter[str] = Counter()
        self.removed: dict[str, int] = dict.fromkeys(KINDS, 0)
        self.removed_nodes = 0
        self.began: int | None = None
        self.marked = 0
        self._remaining = 0
        self._silent_since: float | None = None
        """When the first of the timeouts since the last answer began."""

    async def write_alone(self, runner: StatementRunner) -> None:
        """:meth:`write`, on a server where each statement takes effect as it runs: a load
        stopped after its first statement leaves the graph partial, and says so."""
        try:
            await self.write(runner)
        except AccountGraphError as error:
            if self.began is None:
                raise
            raise PartialGraphError(
                self.backend.url,
                self.plan.dataset.name,
                moment(self.began),
                cause=error.reason if isinstance(error, StoreUnavailableError) else str(error),
                ran=(self.statements, self.statements + self._remaining_statements()),
            ) from None
        self.check_finished()

    async def write(self, runner: StatementRunner) -> None:
        """Mark the load begun, clear the graph if asked, write the dataset's node and
        rows, prune what an earlier load left, check, and mark the load finished."""
        plan = self.plan
        self._remaining = plan.total_rows
        begin = {"dataset": plan.dataset.name, "version": plan.fingerprint, "run": plan.run}
        [begun] = await self._run(runner, statement("load_begin"), begin)
        self.began = int(begun["started"])
        if plan.clears:
            await self._clear(runner)
        head = {**plan.head, "fingerprint": plan.fingerprint}
        await self._run(runner, statement("import_dataset"), head)
        self._report_progress()
        for index, group in enumerate(self.groups):
            following = self.groups[index + 1] if index + 1 < len(self.groups) else None
            await self._write_group(runner, group, following)
        if not self.fresh:
            [pruned] = await self._run(
                runner, statement("import_prune"), {"fingerprint": plan.fingerprint}
            )
            self.removed = {kind: int(pruned[kind]) for kind in KINDS}
        self._check_written()
        [finished] = await self._run(runner, statement("load_finish"), {"run": plan.run})
        self.marked = int(finished["marked"])

    async def _clear(self, runner: StatementRunner) -> None:
        """Remove everything the graph holds but the marker, in batches sized like rows."""
        sizer = BatchSizer(self.sizer.size, self.sizer.timeout)
        while True:
            limit = sizer.size
            began = time.monotonic()
            try:
                [row] = await runner.run(statement("load_clear"), {"limit": limit})
            except StoreTimeoutError as error:
                sizer.timed_out(limit)
                self._timed_out(error, limit)
                continue
            self._answered()
            sizer.answered(limit, time.monotonic() - began)
            removed = int(row["removed"])
            self.removed_nodes += removed
            if removed < limit:
                return

    async def _write_group(
        self, runner: StatementRunner, group: _Group, following: _Group | None
    ) -> None:
        """Write a group's rows in batches, :data:`PIPELINE` of them sent at a time where
        the server has no transactions (else one), so that it never waits for Python to
        make and send the next; the worker makes each next batch's rows (the following
        group's first, at the last) meanwhile. A batch that timed out goes again, by the
        idempotent statement, once those sent with it are answered."""
        rows = group.rows
        depth = 1 if self.backend.transactional else PIPELINE
        start = 0
        """The first row not yet sent."""
        again: list[tuple[int, int]] = []
        sent: deque[_Sent] = deque()
        answered = time.monotonic()
        try:
            while start < rows.count or sent or again:
                while not again and start < rows.count and len(sent) < depth:
                    stop = min(start + self.sizer.size, rows.count)
                    batch = await rows.take(start, stop)
                    text = group.create if self.fresh else group.merge
                    parameters = {"rows": batch, "fingerprint": self.plan.fingerprint}
                    running = asyncio.ensure_future(runner.run(text, parameters))
                    sent.append(_Sent(start, stop, running, time.monotonic()))
                    start = stop
                    await asyncio.sleep(0)  # let it write its parameters and send them
                    if start < rows.count:
                        rows.prefetch(min(start + self.sizer.size, rows.count))
                    elif following is not None:
                        following.rows.prefetch(self.sizer.size)
                if not sent:
                    await self._write_again(runner, group, *again.pop(0))
                    continue
                batch_sent = sent.popleft()
                try:
                    [row] = await batch_sent.running
                except StoreTimeoutError as error:
                    self.sizer.timed_out(batch_sent.rows)
                    self._timed_out(error, batch_sent.rows)
                    again.append((batch_sent.start, batch_sent.stop))
                    continue
                now = time.monotonic()
                # Its own time: a batch sent behind another waited for it on the server.
                self.sizer.answered(batch_sent.rows, now - max(batch_sent.sent, answered))
                answered = now
                self._count(group, row, batch_sent.rows)
        finally:
            for batch_sent in sent:
                batch_sent.running.cancel()

    async def _write_again(
        self, runner: StatementRunner, group: _Group, start: int, stop: int
    ) -> None:
        """Write rows ``start`` to ``stop`` again, one batch at a time, by the merge
        statement: a batch that timed out may have been written all the same."""
        while start < stop:
            end = min(start + self.sizer.size, stop)
            parameters = {
                "rows": await group.rows.take(start, end),
                "fingerprint": self.plan.fingerprint,
            }
            began = time.monotonic()
            try:
                [row] = await runner.run(group.merge, parameters)
            except StoreTimeoutError as error:
                self.sizer.timed_out(end - start)
                self._timed_out(error, end - start)
                continue
            self.sizer.answered(end - start, time.monotonic() - began)
            self._count(group, row, end - start)
            start = end

    def _count(self, group: _Group, row: Row, rows: int) -> None:
        """Count a batch of ``rows`` rows that answered ``row``."""
        self._answered()
        total = int(row["total"])
        self.totals[group.kind] += total
        self.created[group.kind] += total if self.fresh else int(row["created"])
        self.written += rows
        self._remaining -= rows
        self._report_progress()

    async def _run(self, runner: StatementRunner, text: str, parameters: Parameters) -> list[Row]:
        """Run a statement that is not a batch; again after a timeout, where it may."""
        while True:
            try:
                rows = await runner.run(text, parameters)
            except StoreTimeoutError as error:
                self._timed_out(error, None)
                continue
            self._answered()
            return rows

    def _answered(self) -> None:
        self.statements += 1
        self._silent_since = None

    def _timed_out(self, error: StoreTimeoutError, rows: int | None) -> None:
        """Count a timeout; raise it unless the statement may go again."""
        if not self.again:
            raise error
        now = time.monotonic()
        timeout = self.backend.timeout
        if self._silent_since is None:
            self._silent_since = now - timeout
        silent = now - self._silent_since
        if silent >= max(PATIENCE * timeout, LEAST_PATIENCE):
            what = "a statement" if rows is None else f"a batch of {rows} rows"
            raise StoreTimeoutError(
                self.backend.url,
                f"{error.reason}, and nothing answered for {silent:.0f} s, down to {what}; "
                "a longer --store-timeout may let the load finish",
            ) from None
        self.retried += 1

    def _report_progress(self) -> None:
        if self.progress is not None:
            self.progress(self.written)

    def _remaining_statements(self) -> int:
        """The statements left to run, by the batch size now: an estimate for a person."""
        batches = -(-self._remaining // self.sizer.size)
        return batches + (0 if self.fresh else 1) + 1

    def _check_written(self) -> None:
        """Raise unless the batches wrote every party, edge and duty of the dataset."""
        for kind in KINDS:
            expected = _count(self.plan.dataset, kind)
            if self.totals[kind] != expected:
                raise AccountGraphError(
                    f"{self.backend.url} wrote {self.totals[kind]} of {expected} {kind}: the "
                    "load is incomplete"
                )

    def check_finished(self) -> None:
        """Raise unless the last statement marked this load finished."""
        if self.marked == 0:
            raise AccountGraphError(
                f"another load began on {self.backend.url} while this one ran, and the graph "
                "holds whatever each wrote last: run `accountgraph load` again, alone, to "
                "load one whole dataset"
            )

    def report(
        self,
        *,
        schema: tuple[str, ...],
        batch_size: int,
        seconds: float,
        completed: LoadMarker | None,
        restarts: int,
    ) -> LoadReport:
        tallies = {
            kind: Tally(
                self.created[kind], self.totals[kind] - self.created[kind], self.removed[kind]
            )
            for kind in KINDS
        }
        backend = self.backend
        return LoadReport(
            dataset=self.plan.dataset.name,
            store=backend.url,
            backend=backend.name,
            transactional=backend.transactional,
            statements=self.statements,
            batch_size=batch_size,
            schema=schema,
            replaced=self.plan.replaces,
            removed_nodes=self.removed_nodes,
            parties=tallies["parties"],
            edges=tallies["edges"],
            responsibilities=tallies["responsibilities"],
            completed=completed,
            rows=self.written,
            seconds=seconds,
            batches=(self.sizer.smallest or 0, self.sizer.largest),
            retried=self.retried,
            restarts=restarts,
        )


def _responsibility_rows(dataset: Dataset) -> list[Props]:
    seen: Counter[tuple[str, str]] = Counter()
    rows = []
    for ordinal, duty in enumerate(dataset.responsibilities):
        key = (duty.holder, duty.code)
        rows.append(responsibility_row(duty, ordinal, seen[key]))
        seen[key] += 1
    return rows


def _check_references(dataset: Dataset) -> None:
    """Refuse a dataset whose edges or duties name no party: their batches would skip them."""
    ids = set(dataset.party_ids)
    problems = [
        Problem(dataset.name, None, f"{e.source} {e.relation} {e.target}: no party {end!r}", end)
        for e in dataset.edges
        for end in (e.source, e.target)
        if end not in ids
    ]
    problems += [
        Problem(dataset.name, None, f"responsibility {d.code}: no party", d.holder)
        for d in dataset.responsibilities
        if d.holder not in ids
    ]
    if problems:
        raise DatasetError(dataset.name, problems)

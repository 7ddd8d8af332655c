"""Loading a dataset into a graph database: schema, then parameterised MERGE batches.

A load creates the constraints and indexes it lacks (``backend.ensure_schema``), checks
what the graph holds, then writes the graph's load marker (see
:mod:`accountgraph.store.load_marker`), the dataset node, the parties, the edges and the
duties in ``UNWIND $rows AS row … MERGE`` batches (``cypher/import_*.cypher``), removes
what an earlier load of the same dataset held and this one does not, and finally marks
itself finished. Everything it writes carries a stamp of the dataset's content, so
loading the same dataset twice changes nothing, and a pruning step can tell stale items
from fresh ones.

On a transactional server (Neo4j) every statement runs in one transaction: the load
happens entirely or not at all. On FalkorDB each statement is atomic on its own, so the
load runs as few statements as the batch size allows (one per batch); an interrupted load
leaves part of the dataset and its marker unfinished, so the stores answer
:class:`PartialGraphError` until a load runs again and completes it. The loader says so
when it stops part-way.

A graph holding another dataset (or nodes that are no dataset's) is refused unless
``replace``, which first removes everything the graph holds.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from accountgraph.errors import (
    AccountGraphError,
    DatasetError,
    PartialGraphError,
    Problem,
    StoreUnavailableError,
)
from accountgraph.model import Dataset
from accountgraph.store._cypher_rows import (
    Props,
    dataset_parameters,
    edge_row,
    fingerprint,
    party_row,
    responsibility_row,
)
from accountgraph.store.backends.base import CypherBackend, Row, Statement
from accountgraph.store.load_marker import LoadMarker, moment, unfinished
from accountgraph.store.statements import statement

DEFAULT_BATCH_SIZE = 1000

KINDS = ("parties", "edges", "responsibilities")

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


@dataclass(frozen=True, slots=True)
class LoadPlan:
    """The statements a load will run, in order, and what each writes."""

    dataset: Dataset
    statements: tuple[Statement, ...]
    steps: tuple[str, ...]
    """Per statement: ``begin``, ``clear``, ``dataset``, a kind of item, ``prune`` or
    ``finish``."""
    replaces: tuple[str, ...]
    """The datasets the graph held that this load removes first."""
    run: str
    """The load's id, in the load marker the first statement writes."""


@dataclass(frozen=True, slots=True)
class LoadReport:
    """What a load did."""

    dataset: str
    store: str
    backend: str
    transactional: bool
    statements: int
    batch_size: int
    schema: tuple[str, ...]
    replaced: tuple[str, ...]
    removed_nodes: int
    parties: Tally
    edges: Tally
    responsibilities: Tally
    completed: LoadMarker | None = None
    """An earlier load that had not finished when this one began (this one completed the
    graph)."""

    @property
    def changed(self) -> bool:
        return bool(self.replaced) or any(
            tally.created or tally.removed
            for tally in (self.parties, self.edges, self.responsibilities)
        )

    def summary(self) -> list[str]:
        """What the load did, as lines for a person: how, then a table of counts."""
        if self.transactional:
            how = f"in one transaction of {self.statements} statements (all or nothing)"
        else:
            server = _SERVER_NAMES.get(self.backend, self.backend)
            how = (
                f"in {self.statements} statements, each atomic on its own "
                f"({server} has no transactions over several statements)"
            )
        lines = [f"Loaded {self.dataset} into {self.store} {how}."]
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


Progress = Callable[[int], None]
"""Told how many statements have just finished."""


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

    ``on_plan`` hears the statements before any runs (to size a progress bar);
    ``progress`` hears as they finish — all at once on a transactional server, whose one
    transaction commits at the end. A load that stops part-way on a server without
    transactions raises :class:`PartialGraphError`, saying why and that the graph is now
    partial.
    """
    if batch_size < 1:
        raise AccountGraphError(f"batch size {batch_size} is not allowed: at least 1")
    _check_references(dataset)
    schema = await backend.ensure_schema()
    [held] = await backend.run(statement("load_check"))
    names = sorted(held["datasets"])
    nodes = int(held["nodes"])
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
    plan = plan_load(
        dataset, batch_size=batch_size, replaces=tuple(names) if replace and nodes else None
    )
    if on_plan is not None:
        on_plan(plan)
    results = await _execute(backend, plan, progress)
    report = _report(backend, plan, results, schema=tuple(schema), batch_size=batch_size)
    return dataclasses.replace(report, completed=earlier)


def plan_load(
    dataset: Dataset, *, batch_size: int, replaces: tuple[str, ...] | None = None
) -> LoadPlan:
    """The statements that load ``dataset``, ``batch_size`` items a statement, between the
    one that marks the load begun and the one that marks it finished; after the first,
    removing everything the graph holds when ``replaces`` (the datasets it held) is given."""
    rows: dict[str, list[Props]] = {
        "parties": [party_row(p, i) for i, p in enumerate(dataset.parties)],
        "edges": [edge_row(e, i) for i, e in enumerate(dataset.edges)],
        "responsibilities": _responsibility_rows(dataset),
    }
    head = dataset_parameters(dataset)
    stamp = fingerprint([head, *(rows[kind] for kind in KINDS)])
    run = uuid.uuid4().hex
    begin = {"dataset": dataset.name, "version": stamp, "run": run}
    statements: list[Statement] = [(statement("load_begin"), begin)]
    steps = ["begin"]
    if replaces is not None:
        statements.append((statement("graph_clear"), {}))
        steps.append("clear")
    statements.append((statement("import_dataset"), {**head, "fingerprint": stamp}))
    steps.append("dataset")
    for kind in KINDS:
        for batch in _batches(rows[kind], batch_size):
            statements.append((statement(f"import_{kind}"), {"rows": batch, "fingerprint": stamp}))
            steps.append(kind)
    statements.append((statement("import_prune"), {"fingerprint": stamp}))
    steps.append("prune")
    statements.append((statement("load_finish"), {"run": run}))
    steps.append("finish")
    return LoadPlan(dataset, tuple(statements), tuple(steps), replaces or (), run)


async def _execute(
    backend: CypherBackend, plan: LoadPlan, progress: Progress | None
) -> list[list[Row]]:
    """Run the plan's statements: in one transaction where the server has them, else one
    by one, checking what the batches wrote before the last statement marks the load
    finished."""
    statements = plan.statements
    if backend.transactional:
        results = await backend.run_atomic(statements)
        if progress is not None:
            progress(len(statements))
        _check_written(backend, plan, results)
        _check_finished(backend, results)
        return results
    results = []
    for step, (text, parameters) in zip(plan.steps, statements, strict=True):
        try:
            if step == "finish":
                _check_written(backend, plan, results)
            results.append(await backend.run(text, parameters))
        except AccountGraphError as error:
            if not results:
                raise
            [begun] = results[0]
            raise PartialGraphError(
                backend.url,
                plan.dataset.name,
                moment(begun["started"]),
                cause=error.reason if isinstance(error, StoreUnavailableError) else str(error),
                ran=(len(results), len(statements)),
            ) from None
        if progress is not None:
            progress(1)
    _check_finished(backend, results)
    return results


def _check_written(backend: CypherBackend, plan: LoadPlan, results: Sequence[list[Row]]) -> None:
    """Raise unless the batches wrote every party, edge and duty of the dataset."""
    totals = dict.fromkeys(KINDS, 0)
    for step, rows in zip(plan.steps, results, strict=False):
        if step in KINDS:
            [row] = rows
            totals[step] += int(row["total"])
    expected = {
        "parties": len(plan.dataset.parties),
        "edges": len(plan.dataset.edges),
        "responsibilities": len(plan.dataset.responsibilities),
    }
    for kind in KINDS:
        if totals[kind] != expected[kind]:
            raise AccountGraphError(
                f"{backend.url} wrote {totals[kind]} of {expected[kind]} {kind}: the load is "
                "incomplete"
            )


def _check_finished(backend: CypherBackend, results: Sequence[list[Row]]) -> None:
    """Raise unless the last statement marked this load finished."""
    [row] = results[-1]
    if int(row["marked"]) == 0:
        raise AccountGraphError(
            f"another load began on {backend.url} while this one ran, and the graph holds "
            "whatever each wrote last: run `accountgraph load` again, alone, to load one "
            "whole dataset"
        )


def _report(
    backend: CypherBackend,
    plan: LoadPlan,
    results: Sequence[list[Row]],
    *,
    schema: tuple[str, ...],
    batch_size: int,
) -> LoadReport:
    created = dict.fromkeys(KINDS, 0)
    totals = dict.fromkeys(KINDS, 0)
    removed: dict[str, Any] = dict.fromkeys(KINDS, 0)
    removed_nodes = 0
    for step, rows in zip(plan.steps, results, strict=True):
        if step in KINDS:
            [row] = rows
            created[step] += int(row["created"])
            totals[step] += int(row["total"])
        elif step == "prune":
            [row] = rows
            removed = {kind: int(row[kind]) for kind in KINDS}
        elif step == "clear":
            removed_nodes = int(rows[0]["removed"]) if rows else 0
    tallies = {
        kind: Tally(created[kind], totals[kind] - created[kind], removed[kind]) for kind in KINDS
    }
    return LoadReport(
        dataset=plan.dataset.name,
        store=backend.url,
        backend=backend.name,
        transactional=backend.transactional,
        statements=len(plan.statements),
        batch_size=batch_size,
        schema=schema,
        replaced=plan.replaces,
        removed_nodes=removed_nodes,
        parties=tallies["parties"],
        edges=tallies["edges"],
        responsibilities=tallies["responsibilities"],
    )


def _responsibility_rows(dataset: Dataset) -> list[Props]:
    seen: Counter[tuple[str, str]] = Counter()
    rows = []
    for ordinal, duty in enumerate(dataset.responsibilities):
        key = (duty.holder, duty.code)
        rows.append(responsibility_row(duty, ordinal, seen[key]))
        seen[key] += 1
    return rows


def _batches(rows: Sequence[Props], size: int) -> Iterator[list[Props]]:
    for start in range(0, len(rows), size):
        yield list(rows[start : start + size])


def _check_references(dataset: Dataset) -> None:
    """Refuse a dataset whose edges or duties name no party: MERGE would skip them."""
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

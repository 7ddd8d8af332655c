"""Benchmark change sets: how many a second are applied, by one writer and by eight at
once, and what a read costs while they are applied.

    .venv/bin/python bench/writes.py [--parties 10000] [--change-sets 50] [--stores sqlite]

Each change set adds a party under a party of the synthetic organisation
(``synthetic.py``) and makes it accountable to it, drafted, proposed and approved through
the governance service (roles, four eyes, conflicts, the rule book, the log) as the API
does. Baselines, measured in the same run on the same machine:

* for the rate of change sets, the store's bare durable write: on SQLite one transaction
  inserting a row of the same size (WAL, ``synchronous=FULL``, as the store opens its
  file); on FalkorDB one ``CREATE`` statement of a node with the same JSON;
* for a read while writes run, the same read with no writes: the accountability chains
  of a deep party, asked by a second store object on the same file or graph (as another
  ``serve`` process would), its p50 and p99 over the same number of asks.

``main(argv)`` returns the rows it prints, for ``bench/run``.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from store_queries import Row, print_table, row  # noqa: E402
from synthetic import organisation  # noqa: E402

from accountgraph.governance.change_set import read_content  # noqa: E402
from accountgraph.governance.changeable import ChangeableStore  # noqa: E402
from accountgraph.governance.roles import Role  # noqa: E402
from accountgraph.governance.service import Governance  # noqa: E402
from accountgraph.governance.tokens import Actor  # noqa: E402
from accountgraph.model import Dataset  # noqa: E402
from accountgraph.store import open_store  # noqa: E402
from accountgraph.store.base import GraphStore  # noqa: E402

EFFECTIVE = dt.date(2027, 1, 1)
WRITERS = 8
READ_PAUSE = 0.002


def change_set(number: int, under: str) -> dict[str, Any]:
    party = f"bench-unit-{number}"
    return {
        "title": f"Bench unit {number}",
        "reason": "benchmark",
        "basis": {"decision": f"Bench decision {number}"},
        "effective": EFFECTIVE.isoformat(),
        "operations": [
            {"op": "add-party", "party": {"id": party, "kind": "unit", "name": {"en": party}}},
            {
                "op": "add-edge",
                "edge": {
                    "from": party,
                    "relation": "ACCOUNTABLE_TO",
                    "to": under,
                    "cite": [{"section": "I", "text": {"en": "bench"}}],
                },
            },
        ],
    }


async def apply_one(governance: Governance, number: int, under: str) -> None:
    author = Actor(f"editor-{number % WRITERS}", Role.EDITOR)
    drafted = await governance.draft(author, read_content(change_set(number, under)), propose=True)
    await governance.approve(Actor("approver", Role.APPROVER), drafted.id)


async def write_rate(
    open_one: Callable[[], GraphStore], numbers: range, writers: int, dataset: Dataset
) -> float:
    """Change sets applied a second by ``writers`` writers, each with its own store."""
    stores = [open_one() for _ in range(writers)]
    try:
        services = [Governance(store) for store in stores]
        for store in stores:
            assert isinstance(store, ChangeableStore)
            await store.live()
        under = [party.id for party in dataset.parties[1 : len(numbers) + 1]]
        started = time.perf_counter()

        async def writer(slot: int) -> None:
            for at, number in enumerate(numbers):
                if at % writers == slot:
                    await apply_one(services[slot], number, under[at])

        await asyncio.gather(*(writer(slot) for slot in range(writers)))
        return len(numbers) / (time.perf_counter() - started)
    finally:
        for store in stores:
            await store.close()


async def read_latencies(store: GraphStore, party: str, asks: int) -> list[float]:
    latencies = []
    for _ in range(asks):
        started = time.perf_counter()
        await store.accountability_chains(party)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(READ_PAUSE)
    return latencies


def p99(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) >= 2 else values[0]


async def reads_while_writing(
    open_one: Callable[[], GraphStore], dataset: Dataset, numbers: range
) -> tuple[list[float], list[float]]:
    """Chain reads by a second store: alone, then while one writer applies change sets."""
    reader = open_one()
    deep = dataset.parties[-1].id
    try:
        await reader.accountability_chains(deep)
        quiet = await read_latencies(reader, deep, 200)
        writing = asyncio.create_task(write_rate(open_one, numbers, 1, dataset))
        busy: list[float] = []
        while not writing.done():
            busy += await read_latencies(reader, deep, 10)
        await writing
        return quiet, busy
    finally:
        await reader.close()


def sqlite_floor(path: Path, size: int, count: int) -> float:
    """Durable one-row transactions a second on a SQLite file opened as the store opens it."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)")
    body = "x" * size
    started = time.perf_counter()
    for _ in range(count):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO rows (body) VALUES (?)", (body,))
        db.execute("COMMIT")
    rate = count / (time.perf_counter() - started)
    db.close()
    return rate


def falkordb_floor(url: str, size: int, count: int) -> float:
    from accountgraph.store.backends.falkordb import FalkorDBBackend

    async def go() -> float:
        backend = FalkorDBBackend(url, timeout=30)
        try:
            body = "x" * size
            started = time.perf_counter()
            for _ in range(count):
                await backend.run("CREATE (:BenchRow {body: $body})", {"body": body})
            return count / (time.perf_counter() - started)
        finally:
            await backend.close()

    return asyncio.run(go())


def entry_size(dataset: Dataset) -> int:
    return len(json.dumps(change_set(0, dataset.parties[1].id))) * 4


def measure(
    kind: str, dataset: Dataset, count: int, spec: str, floor: Callable[[], float]
) -> list[Row]:
    def opener() -> GraphStore:
        return open_store(spec, timeout=60)

    rows: list[Row] = []
    base_rate = floor()
    floor_what = (
        "one durable SQLite transaction of the same size"
        if kind == "sqlite"
        else "one FalkorDB CREATE of the same size"
    )
    single = asyncio.run(write_rate(opener, range(0, count), 1, dataset))
    rows.append(row(f"{kind}: change sets/s, one writer", single, "/s", base_rate, floor_what))
    eight = asyncio.run(write_rate(opener, range(count, 3 * count), WRITERS, dataset))
    rows.append(
        row(f"{kind}: change sets/s, {WRITERS} writers", eight, "/s", base_rate, floor_what)
    )
    quiet, busy = asyncio.run(reads_while_writing(opener, dataset, range(3 * count, 4 * count)))
    quiet_what = "the same read with no writes"
    rows.append(
        row(
            f"{kind}: chain read p50 while writing",
            statistics.median(busy) * 1000,
            "ms",
            statistics.median(quiet) * 1000,
            quiet_what,
        )
    )
    rows.append(
        row(
            f"{kind}: chain read p99 while writing",
            p99(busy) * 1000,
            "ms",
            p99(quiet) * 1000,
            quiet_what,
        )
    )
    return rows


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parties", type=int, default=10_000)
    parser.add_argument("--change-sets", type=int, default=50, help="per measurement")
    parser.add_argument("--stores", default="sqlite,falkordb")
    args = parser.parse_args(argv)
    dataset = organisation(args.parties)
    size = entry_size(dataset)
    rows: list[Row] = []
    kinds = [kind.strip() for kind in args.stores.split(",") if kind.strip()]
    with tempfile.TemporaryDirectory() as folder:
        if "sqlite" in kinds:
            from accountgraph.store.sqlite import load_into_sqlite

            spec = f"sqlite:///{folder}/bench.db"
            load_into_sqlite(spec, dataset)
            floor_path = Path(folder) / "floor.db"
            rows += measure(
                "sqlite",
                dataset,
                args.change_sets,
                spec,
                lambda: sqlite_floor(floor_path, size, 200),
            )
        if "falkordb" in kinds:
            rows += falkordb_rows(dataset, args.change_sets, size)
    print_table(f"change sets, {args.parties:,} parties", rows)
    return [{**r, "parties": args.parties} for r in rows]


def falkordb_rows(dataset: Dataset, count: int, size: int) -> list[Row]:
    from tests.conftest import loaded_store  # the importer, as `accountgraph load`
    from tests.falkordb_server import start_falkordb

    server = start_falkordb()
    try:
        url = server.graph_url("bench-writes")
        store = asyncio.run(loaded_store(url, dataset))
        asyncio.run(store.close())
        if not isinstance(open_store(url), ChangeableStore):
            return [
                {
                    "what": "falkordb: change sets",
                    "figure": None,
                    "ratio": None,
                    "error": "the FalkorDB store cannot apply change sets yet",
                }
            ]
        return measure(
            "falkordb",
            dataset,
            count,
            url,
            lambda: falkordb_floor(server.graph_url("bench-floor"), size, 200),
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()

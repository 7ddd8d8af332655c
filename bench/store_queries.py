"""Benchmark the embedded store's queries on a synthetic organisation.

    .venv/bin/python bench/store_queries.py [--parties 100000] [--repeat 5]

Absolute times drift on shared machines, so each query is also printed as a ratio to a
baseline measured in the same run on the same graph: networkx's own shortest path
between the same two parties (one bidirectional BFS, the cheapest real graph query).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import organisation

from accountgraph.model import Relation
from accountgraph.store.memory import MemoryStore


async def _median_of(repeat: int, run: Callable[[], Awaitable[object]]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    started = time.perf_counter()
    dataset = organisation(args.parties)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    store = MemoryStore(dataset)
    built = time.perf_counter() - started
    print(f"{args.parties} parties, {len(dataset.edges)} edges")
    print(f"generate {generated:.2f}s, build store {built:.2f}s")

    leaf = f"p{args.parties - 1}"
    middle = f"p{args.parties // 2}"
    graph = store.graph

    async def baseline() -> object:
        return nx.shortest_path(graph, leaf, "p0")

    queries: dict[str, Callable[[], Awaitable[object]]] = {
        "party by id": lambda: store.get_party(middle),
        "edges of a party": lambda: store.edges(middle),
        "accountability chains (leaf)": lambda: store.accountability_chains(leaf),
        "paths leaf -> root over ACCOUNTABLE_TO": (
            lambda: store.paths(leaf, "p0", relations=[Relation.ACCOUNTABLE_TO])
        ),
        "paths leaf -> root, every relation": lambda: store.paths(leaf, "p0", max_paths=10),
        "delegation ends from a mid-level party": (
            lambda: store.delegation_ends(f"p{args.parties // 1000}", max_paths=50)
        ),
        "list parties, page of 50 after the middle": (
            lambda: store.list_parties(first=50, after=middle)
        ),
        "search '办公室 4242'": lambda: store.list_parties(search="办公室 4242", first=10),
    }
    base = await _median_of(args.repeat, baseline)
    print(f"baseline: networkx shortest_path leaf -> root  {base * 1e3:9.3f} ms  (1.00)")
    for name, run in queries.items():
        took = await _median_of(args.repeat, run)
        print(f"{name:45s} {took * 1e3:9.3f} ms  ({took / base:8.2f}x baseline)")


if __name__ == "__main__":
    asyncio.run(main())

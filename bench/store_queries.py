"""Benchmark the embedded store on a synthetic organisation: build, memory, queries.

    .venv/bin/python bench/store_queries.py [--parties 100000] [--repeat 5]

Absolute times drift on shared machines, so every figure is printed beside a baseline
measured in the same run on the same graph, and their ratio:

* building the store, against building a :class:`networkx.DiGraph` from the same edges;
* the process's resident memory once the store is built and prepared as ``serve``
  prepares it (:meth:`MemoryStore.prepare`, then :func:`gc.freeze`), against the same
  process holding the dataset alone;
* each query, against networkx's ``shortest_path`` (a bidirectional breadth-first
  search) between the same two parties on that DiGraph — for a query without a target,
  the start and the end of the first path the store answers; for a query marked as
  listing many paths (delegation ends, first 50), against networkx finding as many: one
  ``shortest_path`` to the end of each path answered (``shortest_simple_paths`` for as
  many paths as the store answers where several end at one party).

Each query's figure is the median over ``--repeat`` rounds of one call's processor
time (which other processes on a shared machine do not add to) in a round of calls
lasting a few milliseconds, so that a query of microseconds is not lost in the clock's
and the loop's own cost — one call a round for the count of a new needle, as the store
keeps counts. A query's rounds and its baseline's are taken in turn.

Loopback only, nothing written; at a million parties it takes a few minutes and about
4 GiB, most of it networkx's graph (built once the store's memory is measured).
``main(argv)`` returns the rows it prints, for ``bench/run``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import statistics
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import organisation

from accountgraph.model import Dataset, Relation
from accountgraph.model import Path as GraphPath
from accountgraph.store.memory import MemoryStore

Row = dict[str, Any]

FIRST_50_ENDS = "delegation ends, first 50"
NEW_NEEDLES = "count parties matching 'office 42NN' (a new needle each time)"
MANY_PATHS = {FIRST_50_ENDS}
"""Queries compared with networkx finding as many paths as they answer."""

TARGETS = {
    "paths leaf -> root, every relation (maxDepth 8, first 50)": "<= 20 ms",
    "search '办公室 4242' (page of 50)": "<= 1 ms",
    "resident memory, store built and prepared": "<= 2048 MiB",
}


def resident_mib() -> float:
    """This process's resident set size."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


ROUND_SECONDS = 0.005
"""How long one round of calls of a query lasts, at least."""


def paired_medians(
    repeat: int,
    run: Callable[[], object],
    baseline: Callable[[], object],
    *,
    rounds_of_one: bool = False,
) -> tuple[float, float]:
    """The medians over ``repeat`` rounds of one call's time of ``run`` and of
    ``baseline`` in a round of calls, their rounds taken in turn so that both meet the
    same load on the machine (rounds of one call of ``run`` for a query whose answer
    would come from a cache the second time)."""
    run_calls = 1 if rounds_of_one else _calls_per_round(run)
    baseline_calls = _calls_per_round(baseline)
    runs, baselines = [], []
    for _ in range(repeat):
        runs.append(_round(run, run_calls))
        baselines.append(_round(baseline, baseline_calls))
    return statistics.median(runs), statistics.median(baselines)


def _calls_per_round(run: Callable[[], object]) -> int:
    """As many calls of ``run`` as take ROUND_SECONDS."""
    calls = 1
    while (elapsed := _round(run, calls) * calls) < ROUND_SECONDS:
        calls = max(calls * 2, int(calls * ROUND_SECONDS / max(elapsed, 1e-9)) + 1)
    return calls


def _round(run: Callable[[], object], calls: int) -> float:
    """One call's processor time in a round of ``calls`` calls of ``run``."""
    started = time.process_time()
    for _ in range(calls):
        run()
    return (time.process_time() - started) / calls


def at_once(query: Awaitable[Any]) -> Any:
    """The answer of a store query that never waits (the embedded store's never do),
    without an event loop's overhead, which is no part of the store's work."""
    if not isinstance(query, Coroutine):
        return asyncio.run(_awaited(query))
    try:
        query.send(None)
    except StopIteration as done:
        return done.value
    query.close()
    raise RuntimeError("the query waited for something")


async def _awaited(query: Awaitable[Any]) -> Any:
    return await query


def _ask(query: Callable[[], Awaitable[Any]]) -> Any:
    return at_once(query())


def seconds(run: Callable[[], object]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def row(what: str, figure: float, unit: str, baseline: float, baseline_what: str) -> Row:
    return {
        "what": what,
        "figure": figure,
        "unit": unit,
        "baseline": baseline,
        "baseline_what": baseline_what,
        "ratio": figure / baseline if baseline else float("nan"),
        "target": TARGETS.get(what, ""),
    }


def print_table(title: str, rows: Sequence[Row]) -> None:
    print(f"\n{title}")
    print(f"{'what':58s} {'figure':>12s} {'baseline':>12s} {'ratio':>8s}  baseline is")
    for r in rows:
        figure = f"{r['figure']:.3f} {r['unit']}"
        baseline = f"{r['baseline']:.3f} {r['unit']}"
        target = f"  (target {r['target']})" if r["target"] else ""
        print(
            f"{r['what']:58s} {figure:>12s} {baseline:>12s} {r['ratio']:7.2f}x  "
            f"{r['baseline_what']}{target}"
        )


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--parties", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    parties, repeat = args.parties, args.repeat

    generated, dataset = seconds(lambda: organisation(parties))
    gc.collect()
    dataset_mib = resident_mib()
    print(f"{parties} parties, {len(dataset.edges)} edges; generated in {generated:.1f} s")
    built, store = seconds(lambda: MemoryStore(dataset))
    prepared, _ = seconds(partial(_prepare, store))
    store_mib = resident_mib()
    rows = [
        row(
            "resident memory, store built and prepared",
            store_mib,
            "MiB",
            dataset_mib,
            "the dataset alone",
        )
    ]

    leaf, middle = f"p{parties - 1}", f"p{parties // 2}"
    needles = itertools.count()
    delegator = f"p{max(1, parties // 1000)}"
    queries: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("party by id", lambda: store.get_party(middle)),
        ("edges of a party", lambda: store.edges(middle)),
        ("accountability chains (leaf)", lambda: store.accountability_chains(leaf)),
        (
            "paths leaf -> root over ACCOUNTABLE_TO",
            lambda: store.paths(leaf, "p0", relations=[Relation.ACCOUNTABLE_TO]),
        ),
        (
            "paths leaf -> root, every relation (maxDepth 8, first 50)",
            lambda: store.paths(leaf, "p0", max_depth=8, max_paths=50),
        ),
        ("delegation ends, first 1", lambda: store.delegation_ends(delegator, max_paths=1)),
        (FIRST_50_ENDS, lambda: store.delegation_ends(delegator, max_paths=50)),
        (
            "list parties, page of 50 after the middle",
            lambda: store.list_parties(first=50, after=middle),
        ),
        (
            "search '办公室 4242' (page of 50)",
            lambda: store.list_parties(search="办公室 4242", first=50),
        ),
        (
            NEW_NEEDLES,
            lambda: store.count_parties(search=f"office 42{next(needles) % 100:02d}"),
        ),
        ("did you mean, unknown id 'p4242x'", lambda: store.suggest_ids("p4242x")),
    ]
    answers = {name: at_once(query()) for name, query in queries}

    # The baselines' graph, once the store's memory is measured: it is far larger.
    nx_built, graph = seconds(lambda: _digraph(dataset))
    gc.collect()
    gc.freeze()  # as the store is: no full collection of it in the middle of a round
    rows.append(row("build the store", built, "s", nx_built, "networkx DiGraph build"))
    rows.append(
        row(
            "prepare it for serving (search index, gc.freeze)",
            prepared,
            "s",
            nx_built,
            "networkx DiGraph build",
        )
    )
    for name, query in queries:
        baseline: Callable[[], object]
        if name in MANY_PATHS:
            baseline, base_what = _many_paths_baseline(graph, answers[name])
        else:
            start, end = _ends(answers[name], leaf, "p0")
            baseline = partial(nx.shortest_path, graph, start, end)
            base_what = f"nx shortest_path {start} -> {end}"
        figure, base = paired_medians(
            repeat, partial(_ask, query), baseline, rounds_of_one=name == NEW_NEEDLES
        )
        rows.append(row(name, figure * 1e3, "ms", base * 1e3, base_what))
    print_table(f"embedded store, {parties} parties, {len(dataset.edges)} edges", rows)
    gc.unfreeze()  # for whatever bench/run measures next in this process
    return rows


def _prepare(store: MemoryStore) -> None:
    """What ``serve`` does with the store before answering (see api/serving.py)."""
    store.prepare()
    gc.collect()
    gc.freeze()


def _digraph(dataset: Dataset) -> Any:
    graph = nx.DiGraph()
    graph.add_nodes_from(party.id for party in dataset.parties)
    graph.add_edges_from((edge.source, edge.target) for edge in dataset.edges)
    return graph


def _many_paths_baseline(graph: Any, answer: list[GraphPath]) -> tuple[Callable[[], object], str]:
    """networkx finding as many paths as ``answer`` holds, between the same ends: one
    ``shortest_path`` per end reached once, ``shortest_simple_paths`` for as many as
    reach an end more than once; and what it is."""
    wanted = Counter((path.start, path.end) for path in answer)

    def find() -> None:
        for (start, end), count in wanted.items():
            if count == 1:
                nx.shortest_path(graph, start, end)
            else:
                list(itertools.islice(nx.shortest_simple_paths(graph, start, end), count))

    starts = sorted({start for start, _ in wanted})
    how = "shortest_path each" if max(wanted.values()) == 1 else "shortest_simple_paths"
    what = f"nx: {len(answer)} paths from {', '.join(starts)} to the same ends ({how})"
    return find, what


def _ends(answer: Any, leaf: str, root: str) -> tuple[str, str]:
    """The parties a query's answer runs between: its first path's ends, else leaf, root."""
    if isinstance(answer, list) and answer and isinstance(answer[0], GraphPath):
        return answer[0].start, answer[0].end
    return leaf, root


if __name__ == "__main__":
    main()

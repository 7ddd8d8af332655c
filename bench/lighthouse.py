"""Benchmark the page's load in a browser: Lighthouse performance, desktop preset.

    .venv/bin/python bench/lighthouse.py [--runs 5]

Starts the real ``accountgraph serve`` (the shipped WIPO graph, embedded store) and runs
Lighthouse (tools/lighthouse, Debian's Chromium, simulated desktop throttling) on the page
at ``/`` and on the baseline, in turn, ``--runs`` times each; prints the medians of the
performance score, first and largest contentful paint, total blocking time, cumulative
layout shift and speed index, and each as a ratio to the baseline's.

The baseline is the GraphQL console at ``/graphql``, measured in the same run: a page of
the same process (same headers, its stylesheet and script sent as compressed static files
as the page's are), which draws no graph; its HTML is sent uncompressed, the page's
gzipped. What the page costs over it is the graph: its scripts, ``/api/graph`` and
drawing it. A blank page made for the benchmark would need a route the server does not
have.

``main(argv)`` returns the rows it prints, for ``bench/run``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent)]

from store_queries import Row  # noqa: E402
from tests import lighthouse  # noqa: E402
from tests.server import running_server  # noqa: E402

PAGE = "/"
BASELINE = "/graphql"
BASELINE_WHAT = "the GraphQL console, /graphql"
METRICS = [  # key in a run, what it is, unit, target
    ("performance", "Lighthouse performance score", "", ">= 90"),
    ("fcp_ms", "first contentful paint", "ms", ""),
    ("lcp_ms", "largest contentful paint", "ms", ""),
    ("tbt_ms", "total blocking time", "ms", ""),
    ("cls", "cumulative layout shift", "", "< 0.1"),
    ("speed_index_ms", "speed index", "ms", ""),
]
LIGHTHOUSE_TIMEOUT = 1800.0


def _figure(run: lighthouse.Run, key: str) -> float:
    if key == "performance":
        score = run.scores["performance"]
        return float("nan") if score is None else score * 100
    value = run.metrics[key]
    return float("nan") if value is None else value


def _median(runs: Sequence[lighthouse.Run], key: str) -> float:
    return statistics.median(_figure(run, key) for run in runs)


def measure(runs: int) -> list[Row]:
    with running_server() as base:
        # Page and baseline in turn, so a machine that slows down slows both.
        urls = [f"{base}{path}" for _ in range(runs) for path in (PAGE, BASELINE)]
        found = lighthouse.lighthouse(urls, ["performance"], timeout=LIGHTHOUSE_TIMEOUT)
    for run in found:
        if run.runtime_error:
            raise RuntimeError(f"Lighthouse could not load {run.url}: {run.runtime_error}")
    page = [run for run in found if run.url == f"{base}{PAGE}"]
    baseline = [run for run in found if run.url == f"{base}{BASELINE}"]
    rows = []
    for key, what, unit, target in METRICS:
        figure, base_figure = _median(page, key), _median(baseline, key)
        rows.append(
            {
                "what": f"the page at /: {what}, median of {runs} (desktop)",
                "figure": figure,
                "unit": unit,
                "baseline": base_figure,
                "baseline_what": BASELINE_WHAT,
                "ratio": figure / base_figure if base_figure else None,
                "target": target,
            }
        )
    return rows


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="Lighthouse runs of each page")
    args = parser.parse_args(argv)
    if (reason := lighthouse.missing()) is not None:
        raise RuntimeError(f"Lighthouse cannot run: {reason}")
    rows = measure(args.runs)
    print(f"\n{'what':66} {'figure':>10} {'baseline':>10} {'ratio':>7}")
    for row in rows:
        shown = ".0f" if row["figure"] >= 1 or row["baseline"] >= 1 else ".3f"
        figure = f"{row['figure']:{shown}} {row['unit']}".strip()
        base_figure = f"{row['baseline']:{shown}} {row['unit']}".strip()
        ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        print(f"{row['what']:66} {figure:>10} {base_figure:>10} {ratio:>7}")
    print(f"baseline: {BASELINE_WHAT}, measured in the same run")
    return rows


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        sys.exit(f"bench/lighthouse.py: {error}")

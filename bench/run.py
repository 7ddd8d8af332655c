"""Every benchmark of bench/ in one run, and one table of their figures and ratios.

    bench/run                       # 10k and 100k parties (about 30 minutes on 2 cores)
    bench/run --million             # also 1M parties (another hour or more, ~6 GiB)
    bench/run --only store,import   # some areas only
    bench/run --sizes 10000         # other sizes

Each area is a script of its own, runnable alone, which generates its synthetic datasets
(``synthetic.py``, seeded) and measures a baseline in the same run, since absolute times
drift on a shared machine:

* ``dataset``  — ``dataset_load.py``: ``check`` and ``serve --data`` (YAML, CSV, JSON
  Lines) against libyaml reading the same file into plain Python objects;
* ``store``    — ``store_queries.py``: the embedded store's build, memory and queries
  against networkx (``DiGraph`` build, ``shortest_path``);
* ``http``     — ``http_api.py``: the chain query over HTTP (wrk) against bare Starlette
  + graphql-core, on the embedded store and on FalkorDB;
* ``import``   — ``import.py``: ``accountgraph load`` into FalkorDB against plain
  ``UNWIND … CREATE`` batches;
* ``isolation`` — ``isolation.py``: a cheap query's latency while four maximum-cost
  queries run, against the same query idle;
* ``writes``   — ``writes.py``: change sets applied a second on SQLite and FalkorDB (one
  writer, eight), against the store's bare durable write, and a read while they are
  applied, against the same read with no writes;
* ``lighthouse`` — ``lighthouse.py``: the page at ``/`` loaded in Chromium by Lighthouse
  (desktop preset, median of 5): performance score, paints, blocking time, layout shift,
  against the GraphQL console at ``/graphql``.

The table is printed at the end and written, with the machine it ran on, to
``bench/results/latest.md`` (the README's "Performance" section shows it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results" / "latest.md"
sys.path.insert(0, str(BENCH))

Row = dict[str, Any]
AREAS = ("dataset", "store", "http", "import", "isolation", "writes", "lighthouse")
MILLION = 1_000_000


def _module_rows(module: str, argv: list[str]) -> list[Row]:
    main: Callable[[Sequence[str]], list[Row]] = importlib.import_module(module).main
    print(f"\n=== {module}.py {' '.join(argv)}", flush=True)
    return list(main(argv))


def dataset_rows(sizes: Sequence[int]) -> list[Row]:
    return [
        {**row, "parties": size}
        for size in sizes
        for row in _module_rows("dataset_load", ["--sizes", str(size)])
    ]


def store_rows(sizes: Sequence[int]) -> list[Row]:
    return [
        {**row, "parties": size}
        for size in sizes
        for row in _module_rows("store_queries", ["--parties", str(size)])
    ]


def http_rows(sizes: Sequence[int]) -> list[Row]:
    rows: list[Row] = []
    for size in (s for s in sizes if s >= 100_000):
        rows += [{**r, "parties": size} for r in _module_rows("http_api", ["--parties", str(size)])]
    falkordb = ["--parties", "100000", "--store", "falkordb"]
    rows += [{**r, "parties": 100_000} for r in _module_rows("http_api", falkordb)]
    return rows


def import_rows(sizes: Sequence[int]) -> list[Row]:
    argv = [arg for size in sizes for arg in ("--parties", str(size))]
    if MILLION in sizes:
        argv += ["--repeat", "1"]
    rows = _module_rows("import", argv)
    return [{**row, "parties": row.get("parties", "")} for row in rows]


def writes_rows() -> list[Row]:
    """Change sets on 10k parties: each is worked out and checked on the whole graph, so
    larger sizes take long without saying more."""
    return _module_rows("writes", ["--parties", "10000", "--change-sets", "20"])


def lighthouse_rows() -> list[Row]:
    return [{**row, "parties": "WIPO"} for row in _module_rows("lighthouse", ["--runs", "5"])]


def isolation_rows() -> list[Row]:
    """isolation.py prints its own table; its ratio lines are kept as rows."""
    print("\n=== isolation.py", flush=True)
    done = subprocess.run(
        [sys.executable, str(BENCH / "isolation.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(done.stdout, done.stderr, sep="")
    return [
        {"what": line.strip(), "figure": None, "ratio": None, "parties": "WIPO"}
        for line in done.stdout.splitlines()
        if "×" in line or "ratio" in line.lower()
    ]


def _number(value: Any, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float):
        shown = f"{value:,.3f}" if abs(value) < 10 else f"{value:,.0f}"
    else:
        shown = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{shown} {unit}".strip()


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| area | parties | what | figure | baseline | ratio | target |",
        "| --- | ---: | --- | ---: | --- | ---: | --- |",
    ]
    for row in rows:
        unit = row.get("unit", "")
        baseline = row.get("baseline_what") or ""
        if row.get("baseline") is not None:
            baseline = f"{_number(row.get('baseline'), unit)} ({baseline})".replace(" ()", "")
        ratio = row.get("ratio")
        error = f" — {row['error']}" if row.get("error") else ""
        lines.append(
            f"| {row['area']} | {_number(row.get('parties'))} | {row['what']}{error} "
            f"| {_number(row.get('figure'), unit)} | {baseline} "
            f"| {_number(ratio)}{'×' if ratio is not None else ''} | {row.get('target', '')} |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    )


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--million", action="store_true", help="also measure 1M parties")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated sizes")
    parser.add_argument("--only", default=",".join(AREAS), help="comma-separated areas")
    parser.add_argument(
        "--out",
        type=Path,
        default=RESULTS,
        help=f"where the table is written (default {RESULTS.relative_to(BENCH.parent)}; "
        "give another file for a run of some areas, so the whole table stays)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.million and MILLION not in sizes:
        sizes.append(MILLION)
    areas = [a for a in args.only.split(",") if a]
    unknown = sorted(set(areas) - set(AREAS))
    if unknown:
        parser.error(f"unknown area {', '.join(unknown)}; the areas are {', '.join(AREAS)}")
    started = time.monotonic()
    rows: list[Row] = []
    runs: dict[str, Callable[[], list[Row]]] = {
        "dataset": lambda: dataset_rows(sizes),
        "store": lambda: store_rows(sizes),
        "http": lambda: http_rows(sizes),
        "import": lambda: import_rows(sizes),
        "isolation": isolation_rows,
        "writes": writes_rows,
        "lighthouse": lighthouse_rows,
    }
    for area in areas:
        try:
            found = runs[area]()
        except Exception as error:  # a broken area must not hide the others' figures
            found = [{"what": f"did not finish: {error}", "figure": None, "ratio": None}]
        rows += [{**row, "area": area} for row in found]
    minutes = (time.monotonic() - started) / 60
    report = (
        f"Measured on {machine()}; {minutes:.0f} minutes.\n\n{table(rows)}\n"
        "\nEvery ratio is the figure over the baseline measured in the same run.\n"
    )
    print(f"\n{report}")
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    print(f"written to {out}")
    return rows


if __name__ == "__main__":
    main()

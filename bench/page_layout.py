"""Benchmark the page's server side: layout and graph JSON of a synthetic organisation.

    .venv/bin/python bench/page_layout.py [--sizes 500 5000] [--repeat 3]

For each size, prints the time to lay the graph out (layers, barycentre order,
coordinates), to build and gzip the JSON of GET /api/graph, and the JSON's size, raw and
gzipped. Absolute times drift on shared machines, so each time is also printed as a ratio
to a baseline measured in the same run on the same graph: networkx's
``topological_generations`` of the accountability graph (the cheapest layering there is).
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import organisation

from accountgraph.chart import graph_document
from accountgraph.layout import RANKING, assign_layers, crossings, layout, tie_pairs
from accountgraph.model import Dataset


def _median_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _unsorted_crossings(dataset: Dataset) -> tuple[int, int]:
    """Crossings between adjacent layers in dataset order, and in the layout's order."""
    layer_of = assign_layers(dataset)
    pairs = tie_pairs(dataset.edges, layer_of)
    rows: list[list[str]] = [[] for _ in range(max(layer_of.values()) + 1)]
    for party in dataset.parties:
        rows[layer_of[party.id]].append(party.id)
    laid = [list(row) for row in layout(dataset).layers]
    return crossings(rows, pairs, layer_of), crossings(laid, pairs, layer_of)


def measure(size: int, repeat: int) -> None:
    dataset = organisation(size)
    up = nx.DiGraph()
    up.add_nodes_from(dataset.party_ids)
    up.add_edges_from((e.source, e.target) for e in dataset.edges if e.relation in RANKING)

    baseline = _median_of(repeat, lambda: list(nx.topological_generations(up)))
    laid_out = _median_of(repeat, lambda: layout(dataset))
    placed = layout(dataset)

    def build() -> tuple[bytes, bytes]:
        document = graph_document(dataset, placed, version="bench")
        body = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
        return body, gzip.compress(body, compresslevel=6)

    built = _median_of(repeat, build)
    body, zipped = build()
    before, after = _unsorted_crossings(dataset)
    widest = max(len(row) for row in placed.layers)
    print(
        f"{size} parties, {len(dataset.edges)} edges, {len(placed.layers)} layers (widest {widest})"
    )
    print(f"  baseline topological_generations  {baseline * 1000:9.1f} ms    1.0x")
    print(
        f"  layout                            {laid_out * 1000:9.1f} ms {laid_out / baseline:6.1f}x"
    )
    print(f"  graph JSON + gzip                 {built * 1000:9.1f} ms {built / baseline:6.1f}x")
    print(
        f"  JSON size {len(body) / 1024:8.0f} KiB raw, {len(zipped) / 1024:6.0f} KiB gzipped "
        f"({len(body) / size:.0f} bytes a party raw)"
    )
    print(f"  crossings between adjacent layers: {before} in dataset order, {after} laid out")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for size in args.sizes:
        measure(size, args.repeat)


if __name__ == "__main__":
    main()

"""Benchmark reading a dataset: ``check`` and ``serve --data``, as YAML and as bulk CSV and
JSON Lines, against libyaml reading the same YAML file into plain Python objects.

    .venv/bin/python bench/dataset_load.py [--parties 10000] [--sizes 10000,100000,1000000]

The synthetic organisation (``synthetic.py``) of each size is written once, with the
project's own writers (:mod:`accountgraph.dataset.write`), into ``bench/.cache/``: a
dataset file and two bulk directories. Then, each in its own process so that one's memory
is not the next one's:

* ``check`` in-process: :func:`accountgraph.dataset.check_file`, timed from the call (the
  interpreter and imports not counted), and the process's peak resident memory;
* ``accountgraph check`` as a command: wall time from start to exit, peak memory;
* ``accountgraph serve --data`` on a loopback port, until ``/health`` answers 200: wall
  time from start, and the server process's peak memory (its query workers not counted).

Baselines, measured in the same run on the same data, since absolute times drift on a
shared machine: ``yaml.load(text, Loader=yaml.CSafeLoader)`` of the YAML file (libyaml
into plain objects; run under a memory limit, ``--baseline-gib``, as at a million parties
it needs tens of GiB: then it is reported as not finished), and building a networkx
``DiGraph`` from the same edges (read beforehand, not timed). Every figure is printed
with its ratio to each. The targets: at any size, ``check`` within 3x libyaml's time; at a
million parties, ``check`` and ``serve --data`` within 20 s and 2 GiB.

Every measurement is bounded by ``--timeout`` seconds. ``main(argv)`` returns the rows it
prints, for ``bench/run``.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
FORMATS = ("yaml", "csv", "jsonl")
Row = dict[str, Any]
NO_LIMIT = str(1 << 40)
"""--max-dataset-bytes for the commands: the largest files are past the 1 GiB default."""


# --- the files ----------------------------------------------------------------------------


def dataset_files(parties: int) -> dict[str, Path]:
    """The synthetic organisation of ``parties`` in each format, written once."""
    folder = CACHE / f"organisation-{parties}"
    files = {"yaml": folder / "dataset.yaml", "csv": folder / "csv", "jsonl": folder / "jsonl"}
    done = folder / "complete"
    if done.exists():
        return files
    sys.path.insert(0, str(HERE))
    from synthetic import organisation

    from accountgraph.dataset.write import dataset_yaml, write_bulk

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    started = time.perf_counter()
    dataset = organisation(parties)
    files["yaml"].write_text(dataset_yaml(dataset), encoding="utf-8")
    write_bulk(dataset, files["csv"], "csv")
    write_bulk(dataset, files["jsonl"], "jsonl")
    done.write_text("", encoding="utf-8")
    print(f"wrote {folder} in {time.perf_counter() - started:.0f} s", flush=True)
    return files


# --- measurements, each in a process of its own ----------------------------------------


def peak_mib(pid: int | str = "self") -> float:
    """A process's peak resident memory so far."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def measure(kind: str, path: Path) -> dict[str, Any]:
    """Run in a child process (``--measure``): one measurement, as JSON on stdout."""
    if kind == "libyaml":
        import yaml

        text = path.read_text(encoding="utf-8")
        started = time.perf_counter()
        try:
            yaml.load(text, Loader=yaml.CSafeLoader)
        except MemoryError:
            return {"error": "out of memory"}
        return {"seconds": time.perf_counter() - started, "mib": peak_mib()}
    if kind == "networkx":
        import networkx as nx

        with (path / "edges.csv").open(encoding="utf-8", newline="") as file:
            rows = csv.reader(file)
            header = next(rows)
            ends = header.index("from"), header.index("relation"), header.index("to")
            edges = [(row[ends[0]], row[ends[2]], {"relation": row[ends[1]]}) for row in rows]
        started = time.perf_counter()
        graph = nx.DiGraph()
        graph.add_edges_from(edges)
        return {"seconds": time.perf_counter() - started, "mib": peak_mib()}
    from accountgraph.dataset import check_file

    started = time.perf_counter()
    dataset, problems = check_file(path, max_bytes=int(NO_LIMIT))
    seconds = time.perf_counter() - started
    if dataset is None:
        return {"error": f"{len(problems)} problems, the first: {problems[0]}"}
    return {"seconds": seconds, "mib": peak_mib(), "parties": len(dataset.parties)}


def _limit_memory(gib: float) -> None:
    size = int(gib * (1 << 30))
    resource.setrlimit(resource.RLIMIT_AS, (size, size))


def in_child(
    kind: str, path: Path, timeout: float, memory_gib: float | None = None
) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", kind, str(path)]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=None if memory_gib is None else (lambda: _limit_memory(memory_gib)),
        )
    except subprocess.TimeoutExpired:
        return {"error": f"not finished in {timeout:.0f} s"}
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        if "MemoryError" in done.stderr:
            last = "out of memory"
        return {"error": last}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def command_check(path: Path, timeout: float) -> dict[str, Any]:
    """``accountgraph check PATH`` from start to exit, and its peak memory."""
    command = [sys.executable, "-m", "accountgraph", "check", str(path)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--max-dataset-bytes", NO_LIMIT],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = started + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            process.kill()
            process.wait()
            return {"error": f"not finished in {timeout:.0f} s"}
        time.sleep(0.02)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        assert process.stderr is not None
        return {"error": process.stderr.read().decode(errors="replace").strip()[:200]}
    return {"seconds": seconds, "mib": usage.ru_maxrss / 1024}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def serve_until_healthy(path: Path, timeout: float) -> dict[str, Any]:
    """``accountgraph serve --data PATH`` from start until ``/health`` answers 200."""
    port = free_port()
    command = [sys.executable, "-m", "accountgraph", "serve", "--data", str(path)]
    command += ["--host", "127.0.0.1", "--port", str(port), "--max-dataset-bytes", NO_LIMIT]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while not _healthy(port):
            if process.poll() is not None:
                assert process.stderr is not None
                error = process.stderr.read().decode(errors="replace").strip()
                return {"error": (error.splitlines() or ["exited"])[-1][:200]}
            if time.perf_counter() - started > timeout:
                return {"error": f"not answering in {timeout:.0f} s"}
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        return {"seconds": seconds, "mib": peak_mib(process.pid)}
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the table ----------------------------------------------------------------------------


def row(
    what: str, result: dict[str, Any], key: str, base: dict[str, Any], nx: dict[str, Any]
) -> Row:
    unit = "s" if key == "seconds" else "MiB"
    figure = result.get(key)
    baseline = base.get(key)
    reference = nx.get(key) if key == "seconds" else None
    return {
        "what": what,
        "figure": figure,
        "unit": unit,
        "baseline": baseline,
        "baseline_what": "libyaml CSafeLoader into plain objects"
        + (f" ({base['error']})" if "error" in base else ""),
        "ratio": figure / baseline if figure and baseline else None,
        "networkx": reference,
        "ratio_networkx": figure / reference if figure and reference else None,
        "error": result.get("error"),
    }


def _shown(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"


def print_table(title: str, rows: Sequence[Row]) -> None:
    print(f"\n{title}")
    heads = ("figure", "libyaml", "ratio", "networkx", "ratio")
    widths = (11, 11, 7, 9, 7)
    print(f"{'what':44s} " + " ".join(f"{h:>{w}s}" for h, w in zip(heads, widths, strict=True)))
    for r in rows:
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] is not None else "—"
        nx_ratio = f"{r['ratio_networkx']:.1f}x" if r["ratio_networkx"] is not None else "—"
        figure = r["error"] or _shown(r["figure"], r["unit"])
        print(
            f"{r['what']:44s} {figure:>11s} {_shown(r['baseline'], r['unit']):>11s} "
            f"{ratio:>7s} {_shown(r['networkx'], r['unit']):>9s} {nx_ratio:>7s}"
        )


def run_size(parties: int, timeout: float, baseline_gib: float) -> list[Row]:
    files = dataset_files(parties)
    size = files["yaml"].stat().st_size
    print(f"\n{parties:,} parties: dataset.yaml is {size / (1 << 20):.0f} MiB", flush=True)
    base = in_child("libyaml", files["yaml"], timeout, baseline_gib)
    nx = in_child("networkx", files["csv"], timeout)
    if "error" in base:
        base["error"] += f", limit {baseline_gib:g} GiB, {timeout:.0f} s"
    label = f"{parties // 1000}k" if parties < 1_000_000 else f"{parties // 1_000_000}M"
    print(
        f"baselines: libyaml {base.get('error') or _shown(base.get('seconds'), 's')}"
        f" ({_shown(base.get('mib'), 'MiB')}); networkx DiGraph"
        f" {nx.get('error') or _shown(nx.get('seconds'), 's')}",
        flush=True,
    )
    rows: list[Row] = [
        row(f"libyaml CSafeLoader {label} yaml (baseline)", base, "seconds", base, nx),
        row(f"libyaml CSafeLoader {label} yaml (baseline) peak", base, "mib", base, nx),
        row(f"networkx DiGraph {label} (baseline)", nx, "seconds", base, nx),
    ]
    for fmt in FORMATS:
        path = files[fmt]
        checked = in_child("check", path, timeout)
        command = command_check(path, timeout)
        served = serve_until_healthy(path, timeout)
        rows += [
            row(f"check {label} {fmt} (in-process)", checked, "seconds", base, nx),
            row(f"check {label} {fmt} (in-process) peak", checked, "mib", base, nx),
            row(f"accountgraph check {label} {fmt}", command, "seconds", base, nx),
            row(f"accountgraph check {label} {fmt} peak", command, "mib", base, nx),
            row(f"serve --data {label} {fmt} to /health", served, "seconds", base, nx),
            row(f"serve --data {label} {fmt} peak", served, "mib", base, nx),
        ]
        print_table(f"{parties:,} parties, {fmt}", rows[-6:])
    return rows


def main(argv: Sequence[str] | None = None) -> list[Row]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parties", type=int, default=10_000)
    parser.add_argument("--sizes", default=None, help="Comma-separated sizes, e.g. 10000,100000")
    parser.add_argument("--timeout", type=float, default=900.0, help="Seconds per measurement.")
    parser.add_argument(
        "--baseline-gib", type=float, default=8.0, help="Memory the libyaml baseline may use."
    )
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return []
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [args.parties]
    rows: list[Row] = []
    for parties in sizes:
        rows += run_size(parties, args.timeout, args.baseline_gib)
    print_table("all sizes", rows)
    return rows


if __name__ == "__main__":
    main()

"""The wheel as pip builds it: the ``accountgraph`` command, and ``py.typed`` so that type
checkers read the package's hints."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

TOP = Path(__file__).resolve().parent.parent


def test_the_wheel_ships_py_typed_and_the_command(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(TOP)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("accountgraph-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        scripts = archive.read(entry_points).decode()
    assert "accountgraph/py.typed" in names
    assert "accountgraph = accountgraph.cli:main" in scripts

"""`accountgraph export`, through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from click.testing import CliRunner

from accountgraph.cli import cli


def test_export_graphml_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "wipo.graphml"
    result = CliRunner().invoke(cli, ["export", "--format", "graphml", "--out", str(out)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() == 26
    assert graph.nodes["wipo-head-sscs"]["name_zh"] == "安全与保安处长"


def test_export_json_to_standard_output() -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "json"])
    assert result.exit_code == 0
    exported = json.loads(result.output)
    assert len(exported["parties"]) == 26
    assert len(exported["edges"]) == 63


def test_export_as_of_a_day_before_the_framework() -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "json", "--as-of", "2008-12-11"])
    assert json.loads(result.output)["parties"] == []


def test_a_binary_format_needs_a_file() -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "png"])
    assert result.exit_code == 1
    assert "png is binary: give --out FILE" in result.output

"""Loading and checking a dataset reports the rules it breaks, each at its edge's line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from accountgraph.cli import cli
from accountgraph.dataset import check_file, load_dataset
from accountgraph.dataset.build import DatasetBuilder, FastPathDoubt
from accountgraph.dataset.write import dataset_yaml, write_bulk
from accountgraph.dataset.yaml_fast import read_fast
from accountgraph.errors import DatasetError
from accountgraph.model import Party
from tests.rule_graphs import CHAIRS, MEMBER, A, D, edge, graph, party

HEAD = """\
format: accountgraph/1
name: rules
title: {en: Rules}
document:
  symbol: A/46/11
  title: {en: Framework}
  sections: [III.A.1, "I(e)"]
parties:
  - {id: dg, kind: office, name: {en: Director General}}
  - {id: coordinator, kind: role, name: {en: Security Coordinator}}
  - {id: head, kind: role, name: {en: Head of SSCS}}
  - id: successor
    kind: role
    name: {en: Successor}
    valid_from: 2027-03-01
edges:
"""


def item(source: str, relation: str, target: str, *extra: str) -> str:
    lines = [f"  - from: {source}", f"    relation: {relation}", f"    to: {target}"]
    lines += [f"    {line}" for line in extra]
    lines.append("    cite: [{section: III.A.1, text: {en: The clause.}}]")
    return "\n".join(lines) + "\n"


LINES = item("coordinator", "ACCOUNTABLE_TO", "dg") + item("head", "ACCOUNTABLE_TO", "coordinator")


def write(tmp_path: Path, edges: str) -> Path:
    path = tmp_path / "dataset.yaml"
    path.write_text(HEAD + edges, encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if needle in line)


def test_a_file_that_keeps_the_rules_loads(tmp_path: Path) -> None:
    path = write(tmp_path, LINES + item("dg", "DELEGATES_TO", "head", "scope: security"))
    assert len(load_dataset(path).edges) == 3


def test_a_cycle_is_reported_at_its_first_edge_with_the_lines_of_the_others(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, LINES + item("dg", "ACCOUNTABLE_TO", "head", "valid_from: 2027-01-01"))
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    [problem] = info.value.problems
    first, second = line_of(path, "from: coordinator"), line_of(path, "from: head")
    assert problem.line == first
    assert problem.id == "coordinator -ACCOUNTABLE_TO-> dg"
    assert problem.message.startswith("accountability-cycle: accountability runs in a circle")
    assert "on every day from 2027-01-01" in problem.message
    assert "coordinator -> dg -> head -> coordinator" in problem.message
    assert problem.message.endswith(
        f"(its other edges: lines {second} and {line_of(path, 'from: dg')})"
    )


def test_a_delegation_outside_the_line_is_reported_at_the_delegation(tmp_path: Path) -> None:
    path = write(tmp_path, LINES + item("coordinator", "DELEGATES_TO", "dg", "scope: security"))
    [problem] = check_file(path)[1]
    assert problem.line == _last_item(path)
    assert problem.id == "coordinator -DELEGATES_TO-> dg (security)"
    assert problem.message.startswith("delegation-outside-accountability: ")
    assert "A/46/11 III.A.1" in problem.message


def _last_item(path: Path) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return max(n for n, line in enumerate(lines, start=1) if line.startswith("  - from:"))


def test_an_edge_before_its_party_joins(tmp_path: Path) -> None:
    path = write(tmp_path, LINES + item("successor", "ACCOUNTABLE_TO", "dg"))
    [problem] = check_file(path)[1]
    assert problem.line == line_of(path, "from: successor")
    assert problem.message.startswith("edge-outside-party-validity: ")
    assert "on every day until 2027-02-28" in problem.message
    fixed = write(
        tmp_path, LINES + item("successor", "ACCOUNTABLE_TO", "dg", "valid_from: 2027-03-01")
    )
    assert check_file(fixed)[1] == []


def test_check_exits_1_naming_the_file_line_and_rule(tmp_path: Path) -> None:
    path = write(tmp_path, LINES + item("coordinator", "DELEGATES_TO", "dg"))
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:{_last_item(path)}: [coordinator -DELEGATES_TO-> dg] " in result.stderr
    assert "delegation-outside-accountability" in result.stderr
    assert "Traceback" not in result.output + result.stderr

    shown = CliRunner().invoke(cli, ["check", str(path), "--json"])
    assert shown.exit_code == 1
    [problem] = json.loads(shown.stdout)["problems"]
    assert problem["line"] == _last_item(path)


def test_the_fast_path_doubts_a_file_that_breaks_a_rule(tmp_path: Path) -> None:
    text = HEAD + LINES + item("coordinator", "DELEGATES_TO", "dg")
    builder = DatasetBuilder()
    read_fast(text, builder)
    with pytest.raises(FastPathDoubt):
        builder.finish()


def test_other_problems_come_first_and_alone(tmp_path: Path) -> None:
    """Until a file is well formed, the rules are not asked: an unknown party is the one
    problem, not also a delegation to it."""
    path = write(tmp_path, LINES + item("dg", "DELEGATES_TO", "nobody"))
    [problem] = check_file(path)[1]
    assert problem.message.startswith('to: no party "nobody"')


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_a_bulk_directory_reports_the_row_of_the_edge(fmt: str, tmp_path: Path) -> None:
    parties: list[Party | str] = ["dg", "x", party("group", chair_from_members=True)]
    edges = [edge("x", A, "dg"), edge("dg", D, "x"), edge("x", CHAIRS, "group")]
    write_bulk(graph(parties, edges), tmp_path, fmt)
    with pytest.raises(DatasetError) as info:
        load_dataset(tmp_path)
    [problem] = info.value.problems
    assert problem.file == str(tmp_path / f"edges.{fmt}")
    assert problem.line == (4 if fmt == "csv" else 3)
    assert problem.message.startswith("chair-not-member: x chairs group but is not a member")
    write_bulk(graph(parties, [*edges, edge("x", MEMBER, "group")]), tmp_path, fmt)
    assert len(load_dataset(tmp_path).edges) == 4


def test_the_yaml_writer_s_file_of_a_dataset_that_breaks_rules_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "written.yaml"
    path.write_text(dataset_yaml(graph(["a", "b"], [edge("a", A, "b"), edge("b", A, "a")])))
    problems = check_file(path)[1]
    assert [p.message.split(":")[0] for p in problems] == ["accountability-cycle"]

"""``accountgraph query DOCUMENT``: the document inline, in a file, or on standard input."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from accountgraph.cli import cli

DOCUMENT = "{ dataset { name } }"
ANSWER = {"data": {"dataset": {"name": "wipo-a46-11"}}}


def test_inline() -> None:
    result = CliRunner().invoke(cli, ["query", DOCUMENT])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == ANSWER


def test_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "name.graphql"
    path.write_text("# the dataset's name\n" + DOCUMENT + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["query", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == ANSWER


def test_from_standard_input() -> None:
    result = CliRunner().invoke(cli, ["query", "-"], input=DOCUMENT)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == ANSWER


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "nope.graphql"
    result = CliRunner().invoke(cli, ["query", str(missing)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: no file {str(missing)!r}: give DOCUMENT as")
    assert "- to read it from standard input" in result.output


def test_a_file_that_is_not_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "binary.graphql"
    path.write_bytes(b"\xff\xfe{")
    result = CliRunner().invoke(cli, ["query", str(path)])
    assert result.exit_code == 1
    assert f"cannot read the GraphQL document {str(path)!r}" in result.output

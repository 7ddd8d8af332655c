"""Bulk datasets: a directory of CSV or JSON Lines files read as a dataset file is, with the
same checks and the same messages, at ``file:row``."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountgraph.cli import cli
from accountgraph.dataset import bulk, check_file, load_dataset
from accountgraph.dataset.bulk_format import find_files, first_control_character
from accountgraph.dataset.file_guard import open_dataset_file
from accountgraph.dataset.write import (
    dataset_head,
    edge_item,
    party_item,
    responsibility_item,
    write_bulk,
    write_bulk_items,
)
from accountgraph.errors import DatasetError, Problem
from accountgraph.model import Dataset
from tests.dataset_strategies import datasets
from tests.test_dataset import VALID

FORMATS = ("csv", "jsonl")
Items = dict[str, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> Dataset:
    path = tmp_path_factory.mktemp("valid") / "dataset.yaml"
    path.write_text(VALID, encoding="utf-8")
    return load_dataset(path)


def plain(dataset: Dataset) -> tuple[dict[str, Any], Items]:
    """The head and the items of ``dataset``, as a dataset file holds them."""
    items = {
        "parties": [party_item(p, dataset) for p in dataset.parties],
        "edges": [edge_item(e, dataset) for e in dataset.edges],
        "responsibilities": [responsibility_item(r) for r in dataset.responsibilities],
    }
    return dataset_head(dataset), items


def write_items(head: dict[str, Any], items: Items, directory: Path, fmt: str) -> Path:
    def giver(values: list[dict[str, Any]]) -> Callable[[], Iterator[dict[str, Any]]]:
        return lambda: iter(values)

    write_bulk_items(head, {k: giver(v) for k, v in items.items()}, directory, fmt)
    return directory


def write_yaml(head: dict[str, Any], items: Items, path: Path) -> Path:
    text = yaml.safe_dump({**head, **items}, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return path


# --- valid datasets -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_shipped_dataset_round_trips(fmt: str, tmp_path: Path) -> None:
    shipped = load_dataset()
    write_bulk(shipped, tmp_path / fmt, fmt)
    assert load_dataset(tmp_path / fmt) == shipped


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_then_check_then_serve_the_same_dataset(fmt: str, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "bulk"
    exported = runner.invoke(cli, ["export", "--format", fmt, "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["dataset.yaml", f"parties.{fmt}", f"edges.{fmt}", f"responsibilities.{fmt}"]
    )
    checked = runner.invoke(cli, ["check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "valid — 26 parties" in checked.stdout
    shown = runner.invoke(cli, ["show", "wipo-director-general", "--data", str(out), "--json"])
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["party"]["id"] == "wipo-director-general"
    assert runner.invoke(cli, ["audit", str(out)]).exit_code in (0, 1)


def test_export_of_a_bulk_format_needs_a_directory() -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "csv"])
    assert result.exit_code == 1
    assert "csv is a directory of files: give --out DIR" in result.stderr


def test_export_yaml_is_a_dataset_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--format", "yaml"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "dataset.yaml"
    path.write_text(result.stdout, encoding="utf-8")
    assert load_dataset(path) == load_dataset()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=datasets(), fmt=st.sampled_from(FORMATS))
def test_written_datasets_read_back_the_same_by_both_paths(
    dataset: Dataset, fmt: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp("bulk")
    files = write_bulk(dataset, directory, fmt)
    assert load_dataset(directory) == dataset
    found, _ = find_files(directory)
    texts = {"head": files[0].read_text(encoding="utf-8")}
    texts |= {section: path.read_text(encoding="utf-8") for section, path in found.lists.items()}
    careful, problems = bulk._Careful(found, texts).examine(allow_missing_holders=False)
    assert problems == []
    assert careful == dataset


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_valid_directory_is_read_once(
    fmt: str, tmp_path: Path, valid: Dataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_bulk(valid, tmp_path, fmt)

    class Careful:
        def __init__(self, *args: object) -> None:
            raise AssertionError("the careful path read a valid directory")

    monkeypatch.setattr(bulk, "_Careful", Careful)
    assert load_dataset(tmp_path) == valid


def test_further_citations_of_an_edge_are_the_rows_after_it(tmp_path: Path) -> None:
    write_bulk(load_dataset(), tmp_path, "csv")
    rows = (tmp_path / "edges.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].split(",")[:3] == rows[2].split(",")[:3]
    first = load_dataset(tmp_path).edges[0]
    assert len(first.citations) > 1


# --- the same problems as a dataset file, at file:row --------------------------------------

Breakage = Callable[[Items], str]
"""Breaks the items; returns the section of the item broken (the last of that section)."""


def _last(section: str, change: Callable[[dict[str, Any]], None]) -> Breakage:
    def breaking(items: Items) -> str:
        change(items[section][-1])
        return section

    return breaking


def _append_copy(section: str, index: int) -> Breakage:
    def breaking(items: Items) -> str:
        items[section].append(copy.deepcopy(items[section][index]))
        return section

    return breaking


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda item: item.__setitem__(key, value)


BREAKAGES: dict[str, Breakage] = {
    "unknown kind": _last("parties", _set("kind", "ofice")),
    "invalid id": _last("parties", _set("id", "Director_General")),
    "name without English": _last("parties", _set("name", {"zh": "总干事"})),
    "party defined twice": _append_copy("parties", 0),
    "valid_from after valid_to": _last(
        "parties", lambda p: p.update(valid_from="2010-01-01", valid_to="2009-01-01")
    ),
    "date not in the calendar": _last("parties", _set("valid_to", "2008-02-30")),
    "empty alias": _last("parties", _set("aliases", ["DG", ""])),
    "apex that is text": _last("parties", _set("apex", "yes")),
    "fact value that is a list": _last(
        "parties",
        _set(
            "facts",
            [{"name": "rank", "value": [1], "cite": {"section": "II", "text": {"en": "x"}}}],
        ),
    ),
    "unknown relation": _last("edges", _set("relation", "ACCOUNTABLE_T0")),
    "edge to no party": _last("edges", _set("to", "member-state")),
    "edge to itself": _last("edges", lambda e: e.update(to=e["from"])),
    "edge defined twice": _append_copy("edges", 0),
    "section not in the document": _last(
        "edges", lambda e: e["cite"][0].__setitem__("section", "IV")
    ),
    "edge without citation": _last("edges", lambda e: e.pop("cite")),
    "duty of no party": _last("responsibilities", _set("holder", "secretary-general")),
    "duty of no section": _last("responsibilities", _set("code", "III.Z")),
}


def _without_lines(message: str) -> str:
    return re.sub(r"lines? \d+( and \d+)?", "line N", message)


def _rows(fmt: str, section: str, items: Items) -> list[int]:
    """The line each item of ``section`` starts on, in a file written by write_bulk."""
    first = 2 if fmt == "csv" else 1
    rows = []
    for item in items[section]:
        rows.append(first)
        first += len(item.get("cite", [])) or 1 if fmt == "csv" and section == "edges" else 1
    return rows


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", BREAKAGES)
def test_a_broken_item_is_reported_as_in_a_dataset_file_at_its_row(
    name: str, fmt: str, tmp_path: Path, valid: Dataset
) -> None:
    head, items = plain(valid)
    section = BREAKAGES[name](items)
    yaml_problems = check_file(write_yaml(head, items, tmp_path / "dataset.yaml"))[1]
    directory = write_items(head, items, tmp_path / fmt, fmt)
    bulk_problems = check_file(directory)[1]
    assert yaml_problems, name
    said = sorted((_without_lines(p.message), p.id) for p in bulk_problems)
    assert said == sorted((_without_lines(p.message), p.id) for p in yaml_problems)
    broken = directory / f"{section}.{fmt}"
    row = _rows(fmt, section, items)[-1]
    assert any(p.file == str(broken) and p.line == row for p in bulk_problems), bulk_problems


def test_a_further_citation_s_problem_is_on_its_own_row(tmp_path: Path, valid: Dataset) -> None:
    head, items = plain(valid)
    items["edges"][-1]["cite"][-1] = {"section": "IV", "text": {"en": "Section four."}}
    directory = write_items(head, items, tmp_path / "csv", "csv")
    rows = (directory / "edges.csv").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(rows, start=1) if ",IV," in row)
    assert rows[line - 2].startswith("un-secretary-general,DELEGATES_TO,")
    problem = only_problem(directory)
    assert problem.line == line
    assert problem.message.startswith('section "IV" is not in document.sections')


# --- what only a bulk directory can get wrong ----------------------------------------------


def only_problem(directory: Path) -> Problem:
    problems = check_file(directory)[1]
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture
def csv_dir(tmp_path: Path, valid: Dataset) -> Path:
    write_bulk(valid, tmp_path / "csv", "csv")
    return tmp_path / "csv"


@pytest.fixture
def jsonl_dir(tmp_path: Path, valid: Dataset) -> Path:
    write_bulk(valid, tmp_path / "jsonl", "jsonl")
    return tmp_path / "jsonl"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text[:300])
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unknown_column_suggests_the_nearest(csv_dir: Path) -> None:
    edit(csv_dir / "parties.csv", "kind,", "knid,")
    problems = check_file(csv_dir)[1]
    says = [(p.file, p.line, p.message) for p in problems]
    file = str(csv_dir / "parties.csv")
    assert (file, 1, 'no "kind" column: every party needs one') in says
    assert any(
        line == 1 and message.startswith('unknown column "knid" (did you mean "kind"?)')
        for _, line, message in says
    ), says


def test_a_row_longer_than_the_header(csv_dir: Path) -> None:
    path = csv_dir / "parties.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    rows[2] += ",surplus"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    problem = only_problem(csv_dir)
    assert (problem.file, problem.line) == (str(path), 3)
    assert problem.message.startswith("the row has ")
    assert problem.id == "un-secretary-general"


def test_a_line_that_is_not_json(jsonl_dir: Path) -> None:
    path = jsonl_dir / "edges.jsonl"
    edit(path, '{"from"', '{from"')
    problem = only_problem(jsonl_dir)
    assert (problem.file, problem.line) == (str(path), 1)
    assert problem.message == (
        "the line is not JSON: Expecting property name enclosed in double quotes (column 2)"
    )


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ('"kind": "office", "kind": "body"', 'duplicate key "kind"'),
        ('"kind": "office", "facts": [{"name": "n", "value": 1e400}]',
         "1e400 is too large a number"),
        ('"kind": "office", "facts": [{"name": "n", "value": NaN}]', "NaN is not a number (NaN)"),
        ('"kind": "office", "facts": [{"name": "n", "value": 9223372036854775808}]',
         "9223372036854775808 is too large a whole number"),
        ('"kind": "office", "description": {"en": "\\u0007"}',
         "the text holds U+0007, written as an escape"),
    ],
)  # fmt: skip
def test_json_values_no_dataset_holds(jsonl_dir: Path, written: str, says: str) -> None:
    path = jsonl_dir / "parties.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace('"kind": "office"', written, 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problem = only_problem(jsonl_dir)
    assert (problem.file, problem.line) == (str(path), 2)
    assert says in problem.message


def test_a_control_character_in_a_csv_file(csv_dir: Path) -> None:
    path = csv_dir / "parties.csv"
    edit(path, "Secretary-General", "Secretary\x07General")
    problem = only_problem(csv_dir)
    assert (problem.file, problem.line) == (str(path), 3)
    assert problem.message.startswith("character U+0007 is not allowed")


def test_a_json_cell_that_is_not_json_is_text(csv_dir: Path) -> None:
    edit(csv_dir / "parties.csv", '"[""SG""]"', "SG")
    problem = only_problem(csv_dir)
    assert problem.message == 'aliases: expected a list, got text "SG"'


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ((), "cannot read a directory: a dataset must be a regular file, or a directory"),
        (("dataset.yaml", "parties.csv"), "holds no edges.csv or edges.jsonl"),
        (("parties.csv", "edges.csv"), "holds no dataset.yaml (or dataset.json)"),
        (
            ("dataset.yaml", "parties.csv", "parties.jsonl", "edges.csv"),
            "holds both parties.csv and parties.jsonl: keep one",
        ),
    ],
)
def test_what_the_directory_must_hold(
    files: tuple[str, ...], says: str, tmp_path: Path, csv_dir: Path, jsonl_dir: Path
) -> None:
    directory = tmp_path / "made"
    directory.mkdir()
    for name in files:
        source = (jsonl_dir if name.endswith("jsonl") else csv_dir) / name
        (directory / name).write_bytes(source.read_bytes())
    problems = check_file(directory)[1]
    assert any(p.file == str(directory) and p.line is None and says in p.message for p in problems)


def test_the_header_holds_no_items(csv_dir: Path) -> None:
    with (csv_dir / "dataset.yaml").open("a", encoding="utf-8") as file:
        file.write("parties: []\n")
    problem = only_problem(csv_dir)
    assert problem.file == str(csv_dir / "dataset.yaml")
    assert problem.message.startswith('"parties" belongs in parties.csv or parties.jsonl')


def test_the_header_is_checked_like_a_dataset_file(csv_dir: Path) -> None:
    edit(csv_dir / "dataset.yaml", "format: accountgraph/1", "format: accountgraph/2")
    problem = only_problem(csv_dir)
    assert (problem.file, problem.line) == (str(csv_dir / "dataset.yaml"), 1)
    assert problem.message == 'format must be "accountgraph/1", not "accountgraph/2"'


def test_check_names_file_and_row(csv_dir: Path) -> None:
    edit(csv_dir / "parties.csv", ",office,", ",ofice,")
    result = CliRunner().invoke(cli, ["check", str(csv_dir)])
    assert result.exit_code == 1
    assert f"{csv_dir / 'parties.csv'}:3: [un-secretary-general] unknown kind" in result.stderr
    assert "Traceback" not in result.output
    with pytest.raises(DatasetError, match="nothing was loaded"):
        load_dataset(csv_dir)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(st.characters(codec="utf-8", exclude_characters="\x00")))
def test_control_characters_are_found_in_bytes_as_in_text(text: str, tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_bytes(text.encode("utf-8"))
    with open_dataset_file(path) as file:
        assert file.holds_control_character == (first_control_character(text) is not None)

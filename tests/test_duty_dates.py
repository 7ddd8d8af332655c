"""Duties with dates in dataset files: read by every reader, checked, written back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from accountgraph.dataset import check_file, load_dataset
from accountgraph.dataset.build import DatasetBuilder
from accountgraph.dataset.load import examine_carefully
from accountgraph.dataset.write import dataset_yaml, write_bulk
from accountgraph.dataset.yaml_fast import read_fast
from accountgraph.errors import DatasetError
from accountgraph.model import ALWAYS, Dataset, Validity

HEAD = """\
format: accountgraph/1
name: duties
title: {en: Duties}
document:
  symbol: A/46/11
  title: {en: Framework}
  in_force: 2008-12-12
  sections: [III.A.1, III.C(a)]
parties:
  - {id: dg, kind: office, name: {en: Director General}, apex: true}
  - {id: head, kind: role, name: {en: Head of SSCS}}
  - {id: coordinator, kind: role, name: {en: Security Coordinator}}
edges:
  - from: head
    relation: ACCOUNTABLE_TO
    to: dg
    cite: [{section: III.A.1, text: {en: The clause.}}]
  - from: coordinator
    relation: ACCOUNTABLE_TO
    to: dg
    cite: [{section: III.A.1, text: {en: The clause.}}]
responsibilities:
"""


def duty(holder: str, *dates: str) -> str:
    lines = ["  - code: III.C(a)", f"    holder: {holder}", "    text: {en: Advising.}"]
    return "\n".join(lines + [f"    {date}" for date in dates]) + "\n"


MOVED = duty("head", "valid_to: 2027-02-28") + duty("coordinator", "valid_from: 2027-03-01")


def write(tmp_path: Path, duties: str) -> Path:
    path = tmp_path / "dataset.yaml"
    path.write_text(HEAD + duties, encoding="utf-8")
    return path


def validities(dataset: Dataset) -> list[tuple[str, Validity]]:
    return [(d.holder, d.validity) for d in dataset.responsibilities]


def line_of(path: Path, needle: str, nth: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [n for n, line in enumerate(lines, start=1) if needle in line][nth]


def test_a_duty_keeps_its_own_dates_and_takes_nothing_from_in_force(tmp_path: Path) -> None:
    path = write(tmp_path, MOVED + duty("dg"))
    assert validities(load_dataset(path)) == [
        ("head", Validity(None, dt.date(2027, 2, 28))),
        ("coordinator", Validity(dt.date(2027, 3, 1), None)),
        ("dg", ALWAYS),
    ]


def test_the_fast_and_the_careful_path_read_the_same_dates(tmp_path: Path) -> None:
    text = HEAD + MOVED
    builder = DatasetBuilder()
    read_fast(text, builder)
    fast = builder.finish()  # no doubt: dated duties are the fast path's to read
    careful, problems = examine_carefully(text, "dataset.yaml")
    assert problems == []
    assert careful is not None
    assert validities(fast) == validities(careful)


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_bulk_files_carry_the_dates_both_ways(tmp_path: Path, fmt: str) -> None:
    original = load_dataset(write(tmp_path, MOVED))
    directory = tmp_path / fmt
    write_bulk(original, directory, fmt)
    duties = (directory / f"responsibilities.{fmt}").read_text(encoding="utf-8")
    if fmt == "csv":
        assert duties.splitlines()[0] == "code,holder,valid_from,valid_to,text_en"
    else:
        assert json.loads(duties.splitlines()[1])["valid_from"] == "2027-03-01"
    assert validities(load_dataset(directory)) == validities(original)


def test_a_dataset_file_writes_the_dates_back(tmp_path: Path) -> None:
    original = load_dataset(write(tmp_path, MOVED + duty("dg", "valid_from: 2008-12-12")))
    again = tmp_path / "again.yaml"
    again.write_text(dataset_yaml(original), encoding="utf-8")
    assert validities(load_dataset(again)) == validities(original)
    # A duty's start is written even when it is the document's in_force day.
    assert (
        "valid_from: 2008-12-12" in again.read_text(encoding="utf-8").split("responsibilities:")[1]
    )


def test_a_day_that_is_not_in_the_calendar_is_refused_at_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, duty("head", "valid_to: 2027-02-30"))
    [problem] = check_file(path)[1]
    assert problem.line == line_of(path, "valid_to: 2027-02-30")
    assert problem.id == "III.C(a)"
    assert problem.message == "valid_to: 2027-02-30 is not a real date"


def test_a_duty_that_ends_before_it_begins_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, duty("head", "valid_from: 2027-03-01", "valid_to: 2027-02-28"))
    with pytest.raises(DatasetError) as info:
        load_dataset(path)
    [problem] = info.value.problems
    assert problem.line == line_of(path, "valid_to: 2027-02-28")
    assert problem.message == "valid_from 2027-03-01 is after valid_to 2027-02-28"


def test_a_date_written_otherwise_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, duty("head", "valid_from: 1 March 2027"))
    [problem] = check_file(path)[1]
    assert problem.line == line_of(path, "valid_from:")
    assert "is not a date; write it as YYYY-MM-DD" in problem.message


def test_a_duty_laid_again_after_its_end_is_two_duties(tmp_path: Path) -> None:
    again = duty("head", "valid_to: 2027-02-28") + duty("head", "valid_from: 2027-06-01")
    assert [v for _, v in validities(load_dataset(write(tmp_path, again)))] == [
        Validity(None, dt.date(2027, 2, 28)),
        Validity(dt.date(2027, 6, 1), None),
    ]


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ((), (), None),
        (
            ("valid_to: 2027-03-01",),
            ("valid_from: 2027-03-01",),
            "to 2027-03-01 and from 2027-03-01",
        ),
        ((), ("valid_from: 2027-03-01",), "without dates and from 2027-03-01"),
    ],
)
def test_a_duty_twice_on_a_day_is_refused_naming_both_lines(
    tmp_path: Path, first: tuple[str, ...], second: tuple[str, ...], shared: str | None
) -> None:
    path = write(tmp_path, duty("head", *first) + duty("head", *second))
    [problem] = check_file(path)[1]
    lines = line_of(path, "code: III.C(a)"), line_of(path, "code: III.C(a)", 1)
    assert problem.line == lines[1]
    expected = (
        f'responsibility "III.C(a)" of "head" is defined twice, at lines {lines[0]} and {lines[1]}'
    )
    if shared is not None:
        expected += (
            f", on days they share ({shared}): a duty is laid on its holder again only after "
            "its valid_to"
        )
    assert problem.message == expected


def test_the_bulk_csv_reader_refuses_bad_duty_dates_at_their_row(tmp_path: Path) -> None:
    directory = tmp_path / "csv"
    write_bulk(load_dataset(write(tmp_path, MOVED)), directory, "csv")
    duties = directory / "responsibilities.csv"
    rows = duties.read_text(encoding="utf-8").splitlines()
    rows[2] = rows[2].replace("2027-03-01", "2027-13-01")
    duties.write_text("\n".join(rows) + "\n", encoding="utf-8")
    [problem] = check_file(directory)[1]
    assert (problem.file, problem.line) == (str(duties), 3)
    assert problem.message == "valid_from: 2027-13-01 is not a real date"

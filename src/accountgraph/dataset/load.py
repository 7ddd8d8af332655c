"""Read a dataset YAML file into a validated :class:`~accountgraph.model.Dataset`.

The file format is described by ``graph/dataset.schema.json``. Loading is all or nothing:
either every party, edge and responsibility is loaded, or :class:`DatasetError` lists
every problem of the file, each with its line and the id it concerns.

A hostile file is refused before it costs much: one that is not a regular file or is
larger than ``max_bytes`` is not read (:mod:`~accountgraph.dataset.file_guard`), and YAML
nested too deep or with aliases that expand too far is not composed further
(:mod:`~accountgraph.dataset.yaml_compose`).
"""

from __future__ import annotations

import os
from pathlib import Path

from accountgraph._resources import default_dataset_path
from accountgraph.dataset.build import (
    DatasetBuilder,
    FastPathDoubt,
    build_checked,
    collector_paused,
)
from accountgraph.dataset.bulk import examine_bulk
from accountgraph.dataset.checks import check, subject
from accountgraph.dataset.file_guard import MAX_DATASET_BYTES, DatasetFile, open_dataset_file
from accountgraph.dataset.yaml_fast import read_fast
from accountgraph.dataset.yaml_lines import read_mapping
from accountgraph.errors import DatasetError, Problem
from accountgraph.model import Dataset

__all__ = ["MAX_DATASET_BYTES", "check_file", "load_dataset", "parse_dataset", "validate_file"]

_TOP_LEVEL = "format, name, title, document, parties and edges"


def load_dataset(
    path: str | Path | None = None,
    *,
    allow_missing_holders: bool = False,
    enforce_rules: bool = True,
    max_bytes: int = MAX_DATASET_BYTES,
) -> Dataset:
    """Load and validate the dataset at ``path``, by default the shipped one: a dataset
    file (YAML), or a directory in the bulk format (:mod:`.bulk_format`).

    Raises :class:`DatasetError` with every problem if the file is unreadable or invalid.
    For the audit to report what stores refuse: ``allow_missing_holders`` lets duties whose
    holder is not a party through (``duty-without-holder``), and ``enforce_rules=False`` a
    dataset that breaks the rule book (:mod:`accountgraph.rules`) beyond the format's own
    rules, which the readers keep whatever it says. A file larger than ``max_bytes`` is
    refused unread.
    """
    path = default_dataset_path() if path is None else Path(path)
    if os.path.isdir(path):
        dataset, problems = examine_bulk(
            path,
            max_bytes,
            allow_missing_holders=allow_missing_holders,
            enforce_rules=enforce_rules,
        )
        if dataset is None:
            raise DatasetError(path, problems)
        return dataset
    with open_dataset_file(path, max_bytes) as file:
        found, problems = _examine(
            file,
            str(path),
            allow_missing_holders=allow_missing_holders,
            enforce_rules=enforce_rules,
        )
    if found is None:
        raise DatasetError(str(path), problems)
    return found


def parse_dataset(
    text: str, filename: str, *, allow_missing_holders: bool = False, enforce_rules: bool = True
) -> Dataset:
    """Validate dataset YAML ``text``, as :func:`load_dataset` does; ``filename`` is only
    used to name it in problems."""
    dataset, problems = _examine(
        text, filename, allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
    )
    if dataset is None:
        raise DatasetError(filename, problems)
    return dataset


def validate_file(path: str | Path, *, max_bytes: int = MAX_DATASET_BYTES) -> list[Problem]:
    """Every problem of the dataset at ``path``, by line; an empty list if it is valid."""
    return check_file(path, max_bytes=max_bytes)[1]


def check_file(
    path: str | Path, *, max_bytes: int = MAX_DATASET_BYTES
) -> tuple[Dataset | None, list[Problem]]:
    """The dataset at ``path`` and no problem if it is valid, else ``None`` and every
    problem by line: one reading for both."""
    if os.path.isdir(path):
        return examine_bulk(Path(path), max_bytes)
    try:
        file = open_dataset_file(Path(path), max_bytes)
    except DatasetError as error:
        return None, error.problems
    with file:
        return _examine(file, str(path))


def _examine(
    source: str | DatasetFile,
    filename: str,
    *,
    allow_missing_holders: bool = False,
    enforce_rules: bool = True,
) -> tuple[Dataset | None, list[Problem]]:
    """The dataset in ``source`` (a text, or a file the file guard checked) if it is
    valid, else ``None`` and all its problems."""
    builder = DatasetBuilder(
        allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
    )
    try:
        with collector_paused():
            read_fast(source if isinstance(source, str) else source.reader(), builder)
            return builder.finish(), []
    except FastPathDoubt:
        del builder
    try:
        text = source if isinstance(source, str) else source.text()
    except DatasetError as error:  # it changed since it was checked
        return None, error.problems
    with collector_paused():
        return examine_carefully(
            text, filename, allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
        )


def examine_carefully(
    text: str, filename: str, *, allow_missing_holders: bool = False, enforce_rules: bool = True
) -> tuple[Dataset | None, list[Problem]]:
    """What :func:`_examine` finds, by the careful path alone: slow, and it knows lines."""
    tree, unread = read_mapping(text, filename, _TOP_LEVEL)
    if tree is None:
        return None, unread
    problems = [
        Problem(filename, issue.line, issue.message, subject(tree.data, issue.path))
        for issue in check(
            tree, allow_missing_holders=allow_missing_holders, enforce_rules=enforce_rules
        )
    ]
    if problems:
        return None, sorted(problems, key=lambda p: (p.line or 0, p.message))
    return build_checked(tree.data), []

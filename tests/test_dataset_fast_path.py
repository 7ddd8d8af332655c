"""The fast path (libyaml's events straight into the model) against the careful path (the
line-remembering reader and every check): on any text, what the fast path accepts the
careful path accepts too, as the same dataset. Messages always come from the careful
path, which the rest of the dataset tests hold to their words and lines."""

from __future__ import annotations

import random
from collections.abc import Iterable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, ValidationError

from accountgraph._resources import default_dataset_path
from accountgraph.dataset import load, load_dataset
from accountgraph.dataset.build import DatasetBuilder, FastPathDoubt
from accountgraph.dataset.checks import dataset_schema, schema_errors
from accountgraph.dataset.file_guard import read_dataset_text
from accountgraph.dataset.load import examine_carefully
from accountgraph.dataset.write import (
    dataset_head,
    dataset_yaml,
    edge_item,
    party_item,
    responsibility_item,
)
from accountgraph.dataset.yaml_fast import AVAILABLE, read_fast
from accountgraph.dataset.yaml_lines import YamlReadError, read_yaml
from accountgraph.errors import DatasetError
from accountgraph.model import Dataset
from tests.dataset_strategies import datasets
from tests.test_dataset import VALID
from tests.test_hostile_datasets import ACCEPTED, CORPUS, REFUSED

pytestmark = pytest.mark.skipif(not AVAILABLE, reason="PyYAML is built without libyaml")


def fast(text: str) -> Dataset | None:
    """What the fast path alone makes of ``text``; ``None`` if it doubts."""
    builder = DatasetBuilder()
    try:
        read_fast(text, builder)
        return builder.finish()
    except FastPathDoubt:
        return None


def assert_agree(text: str) -> Dataset | None:
    """The fast path accepts nothing the careful path refuses, and builds what it builds."""
    quick = fast(text)
    careful, problems = examine_carefully(text, "dataset.yaml")
    if quick is not None:
        assert problems == [], "the fast path accepted a file the careful path refuses"
        assert quick == careful
    return quick


def test_the_shipped_dataset_takes_the_fast_path() -> None:
    text = default_dataset_path().read_text(encoding="utf-8")
    assert assert_agree(text) is not None


def test_valid_files_take_the_fast_path() -> None:
    assert assert_agree(VALID) is not None
    for name in ACCEPTED:
        assert assert_agree(read_dataset_text(CORPUS / name)) is not None, name


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case.file)
def test_the_fast_path_doubts_every_hostile_file(case: object) -> None:
    path: Path = case.path  # type: ignore[attr-defined]
    try:
        text = read_dataset_text(path)
    except DatasetError:
        return  # refused before any reading
    assert fast(text) is None


def test_a_valid_file_is_read_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def careful(*args: object, **kwargs: object) -> object:
        raise AssertionError("the careful path read a valid file")

    monkeypatch.setattr(load, "examine_carefully", careful)
    path = tmp_path / "dataset.yaml"
    path.write_text(VALID, encoding="utf-8")
    assert len(load_dataset(path).parties) == 4


def _lines_edited(text: str, seed: int) -> str:
    """``text`` with one line deleted, doubled, moved, or one word swapped for another."""
    rng = random.Random(seed)
    lines = text.splitlines(keepends=True)
    at = rng.randrange(len(lines))
    choice = rng.randrange(5)
    if choice == 0:
        del lines[at]
    elif choice == 1:
        lines.insert(at, lines[at])
    elif choice == 2:
        lines.insert(rng.randrange(len(lines)), lines.pop(at))
    else:
        words = ["true", "12", "null", "&a", "*a", "!!str", "<<", '"\\x07"', "-", "[]", "{}"]
        words += ["ACCOUNTABLE_TO", "office", "II", "2008-02-30", "dg", "en", "zh", "cite:"]
        parts = lines[at].split(" ")
        parts[rng.randrange(len(parts))] = rng.choice(words)
        lines[at] = " ".join(parts)
    return "".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 3))
def test_edited_files_never_split_the_paths(seed: int, edits: int) -> None:
    text = VALID
    for step in range(edits):
        text = _lines_edited(text, seed + step)
    assert_agree(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=datasets())
def test_written_datasets_read_back_the_same_by_both_paths(dataset: Dataset) -> None:
    text = dataset_yaml(dataset)
    assert assert_agree(text) == dataset


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dataset=datasets(), flow=st.booleans(), sort_keys=st.booleans())
def test_other_writers_yaml_reads_the_same_by_both_paths(
    dataset: Dataset, flow: bool, sort_keys: bool
) -> None:
    data = {
        **dataset_head(dataset),
        "parties": [party_item(p, dataset) for p in dataset.parties],
        "edges": [edge_item(e, dataset) for e in dataset.edges],
        "responsibilities": [responsibility_item(r) for r in dataset.responsibilities],
    }
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=sort_keys)
    assert assert_agree(text) == dataset


def _said(errors: Iterable[ValidationError]) -> list[tuple[str, str, str]]:
    return sorted((repr(tuple(e.absolute_path)), str(e.validator), e.message) for e in errors)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32), edits=st.integers(1, 4))
def test_only_the_items_a_compiled_validator_refuses_are_left_to_jsonschema(
    seed: int, edits: int
) -> None:
    text = VALID
    for step in range(edits):
        text = _lines_edited(text, seed + step)
    try:
        tree = read_yaml(text)
    except YamlReadError:
        return
    if tree is not None:
        whole = Draft202012Validator(dataset_schema()).iter_errors(tree.data)
        assert _said(schema_errors(tree.data)) == _said(whole)

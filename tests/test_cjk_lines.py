"""Chart labels break by the line-breaking rules of Chinese (and Japanese) text: no line
starts with closing punctuation, none ends with opening punctuation; the page's
geometry.js wraps every label exactly as chart.wrap_label does (run by Node.js)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from accountgraph.chart import NO_LINE_END, NO_LINE_START, wrap_label
from accountgraph.dataset import load_dataset

GEOMETRY_JS = (
    Path(__file__).resolve().parent.parent / "src" / "accountgraph" / "web" / "page" / "geometry.js"
)
NODE = shutil.which("node")

THIRTEEN = "联合国系统各组织聘用人员"
"""Twelve CJK characters; a label line holds thirteen."""


def assert_breaks_by_the_rules(lines: list[str]) -> None:
    for line in lines[1:]:
        assert line[0] not in NO_LINE_START, lines
    for line in lines[:-1]:
        assert line[-1] not in NO_LINE_END, lines


def test_a_closing_bracket_stays_with_the_character_before_it() -> None:
    # Cut after thirteen characters, the second line would start with "）".
    lines = wrap_label(f"{THIRTEEN}的）总干事")
    assert lines == [THIRTEEN, "的）总干事"]
    assert_breaks_by_the_rules(lines)


def test_an_opening_bracket_stays_with_the_character_after_it() -> None:
    # Cut after thirteen characters, the first line would end with "（".
    lines = wrap_label(f"{THIRTEEN}（安协处）")
    assert lines == [THIRTEEN, "（安协处）"]
    assert_breaks_by_the_rules(lines)


@pytest.mark.parametrize("mark", list("、。，：；！？」』】〕》〉"))
def test_no_line_starts_with_closing_punctuation(mark: str) -> None:
    lines = wrap_label(f"{THIRTEEN}的{mark}认可家属")
    assert lines == [THIRTEEN, f"的{mark}认可家属"]
    assert_breaks_by_the_rules(lines)


@pytest.mark.parametrize("mark", list("「『【〔《〈"))
def test_no_line_ends_with_opening_punctuation(mark: str) -> None:
    lines = wrap_label(f"{THIRTEEN}{mark}认可家属")
    assert lines == [THIRTEEN, f"{mark}认可家属"]
    assert_breaks_by_the_rules(lines)


def test_closing_marks_in_a_row_stay_together() -> None:
    lines = wrap_label(f"{THIRTEEN}任。」）其他")
    assert lines == [THIRTEEN, "任。」）其他"]


def test_a_line_cut_inside_a_long_word_does_not_start_with_a_closing_mark() -> None:
    # No space to break at: the cut moves back so ")" keeps the letter before it.
    lines = wrap_label("(" + "a" * 24 + ")b", width_em=13.6)
    assert_breaks_by_the_rules(lines)
    assert "".join(lines) == "(" + "a" * 24 + ")b"


def test_latin_labels_wrap_as_before() -> None:
    assert wrap_label("Head, Safety and Security Coordination Service") == [
        "Head, Safety and Security",
        "Coordination Service",
    ]
    assert wrap_label("Director General (interim)") == ["Director General (interim)"]


def wipo_names() -> list[str]:
    dataset = load_dataset()
    return sorted({name for party in dataset.parties for name in party.name.values.values()})


def test_every_wipo_name_breaks_by_the_rules() -> None:
    names = wipo_names()
    assert any("（" in name for name in names)
    for name in names:
        assert_breaks_by_the_rules(wrap_label(name))


@pytest.mark.skipif(NODE is None, reason="Node.js is missing (install Node.js 20+)")
def test_the_page_wraps_every_label_as_the_server_does(tmp_path: Path) -> None:
    labels = [
        *wipo_names(),
        f"{THIRTEEN}的）总干事",
        f"{THIRTEEN}（安协处）",
        f"{THIRTEEN}任。」）其他",
        *(f"{THIRTEEN}的{mark}认可家属" for mark in "、。，：；！？」』】〕》〉"),
        *(f"{THIRTEEN}{mark}认可家属" for mark in "「『【〔《〈"),
        "(" + "a" * 24 + ")b",
        "word " * 40,
    ]
    # geometry.js is an ES module for the browser; Node reads it as one by its extension.
    module = tmp_path / "geometry.mjs"
    module.write_text(GEOMETRY_JS.read_text(encoding="utf-8"), encoding="utf-8")
    script = (
        f"import {{ wrapLabel }} from {json.dumps(module.as_uri())};\n"
        "import { readFileSync } from 'node:fs';\n"
        "const labels = JSON.parse(readFileSync(0, 'utf-8'));\n"
        "process.stdout.write(JSON.stringify(labels.map((label) => wrapLabel(label))));\n"
    )
    assert NODE is not None
    run = subprocess.run(
        [NODE, "--input-type=module", "-e", script],
        input=json.dumps(labels),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    in_page: list[list[str]] = json.loads(run.stdout)
    for label, lines in zip(labels, in_page, strict=True):
        assert lines == wrap_label(label), label

"""The README's terminal examples are what the commands print.

A ```console block right after a ``<!-- checked -->`` line is run: each ``$ `` line is a
command for bash, run from the repository's top with ``accountgraph`` on the PATH, no
``ACCOUNTGRAPH_*`` variable set and a terminal 100 columns wide; the lines under it up to
the next command are what it prints, standard output and error together. In those lines
``…`` stands for any text within a line, and a line that is ``…`` alone for any number of
lines (for what varies from run to run, or is left out). Blocks that need a server, or
files the reader makes, are not marked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parent.parent
README = TOP / "README.md"
MARKER = "<!-- checked -->"
ANY = "…"
COLUMNS = 100


@dataclass(frozen=True)
class Example:
    line: int
    """Where the command is in README.md, from 1."""
    command: str
    expected: list[str]


def checked_examples(text: str) -> list[Example]:
    lines = text.splitlines()
    examples: list[Example] = []
    for number, line in enumerate(lines):
        if line.strip() != MARKER:
            continue
        fence = lines[number + 1]
        assert fence.strip() == "```console", f"README.md:{number + 2}: {MARKER} not on a console"
        indent = fence[: len(fence) - len(fence.lstrip())]
        end = next(i for i in range(number + 2, len(lines)) if lines[i].strip() == "```")
        body = [line.removeprefix(indent) for line in lines[number + 2 : end]]
        starts = [i for i, line in enumerate(body) if line.startswith("$ ")]
        assert starts[:1] == [0], f"README.md:{number + 3}: a block begins with `$ `"
        for first, after in zip(starts, [*starts[1:], len(body)], strict=True):
            examples.append(Example(number + 3 + first, body[first][2:], body[first + 1 : after]))
    return examples


def _line_pattern(expected: str) -> re.Pattern[str]:
    return re.compile(".*?".join(re.escape(part) for part in expected.split(ANY)))


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is ``expected`` with each ``…`` filled in."""
    if not expected:
        return not actual
    head, rest = expected[0], expected[1:]
    if head == ANY:
        return any(matches(rest, actual[skip:]) for skip in range(len(actual) + 1))
    return (
        bool(actual)
        and bool(_line_pattern(head).fullmatch(actual[0]))
        and matches(rest, actual[1:])
    )


def run(command: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ACCOUNTGRAPH_")}
    bin_dir = str(Path(sys.executable).parent)
    environment |= {"PATH": f"{bin_dir}:/usr/bin:/bin", "COLUMNS": str(COLUMNS), "TERM": "dumb"}
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=TOP,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
    )
    return [line.rstrip() for line in result.stdout.splitlines()]


EXAMPLES = checked_examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_checked_examples() -> None:
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"README.md:{e.line}" for e in EXAMPLES])
def test_example(example: Example) -> None:
    actual = run(example.command)
    expected = [line.rstrip() for line in example.expected]
    assert matches(expected, actual), (
        f"README.md:{example.line}: $ {example.command}\n"
        + "README says:\n"
        + "\n".join(expected)
        + "\n\nit prints:\n"
        + "\n".join(actual)
    )


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        (["a … c"], ["a b b c"], True),
        (["a … c"], ["a b b d"], False),
        (["x", ANY, "z"], ["x", "1", "2", "z"], True),
        (["x", ANY, "z"], ["x", "z"], True),
        (["x", ANY], ["y"], False),
        (["x"], ["x", "more"], False),
        (["(a)"], ["(a)"], True),
    ],
)
def test_placeholders(expected: list[str], actual: list[str], same: bool) -> None:
    assert matches(expected, actual) is same

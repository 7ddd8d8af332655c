"""What ``--help`` says about defaults, and the shell completion script click makes."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from accountgraph.cli import cli


def _help(*command: str) -> str:
    result = CliRunner().invoke(
        cli, [*command, "--help"], terminal_width=200, max_content_width=200
    )
    assert result.exit_code == 0
    return result.output


def test_export_says_it_exports_every_day_by_default() -> None:
    line = next(line for line in _help("export").splitlines() if "--as-of" in line)
    assert "[default: the whole dataset, every day]" in line
    assert "today" not in line


def test_questions_say_they_are_asked_of_today_by_default() -> None:
    line = next(line for line in _help("chain").splitlines() if "--as-of" in line)
    assert "[default: today]" in line


def test_query_says_where_its_document_may_come_from() -> None:
    assert "a file that holds it, or - for standard input" in _help("query")


def _complete(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "accountgraph"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "", **env},
    )


def test_bash_completion_script_is_produced() -> None:
    result = _complete({"_ACCOUNTGRAPH_COMPLETE": "bash_source"})
    assert result.returncode == 0
    assert "_accountgraph_completion()" in result.stdout
    assert "complete -o nosort -F _accountgraph_completion accountgraph" in result.stdout


def test_completion_offers_commands_and_options() -> None:
    words = {"_ACCOUNTGRAPH_COMPLETE": "bash_complete"}
    command = _complete({**words, "COMP_WORDS": "accountgraph ser", "COMP_CWORD": "1"})
    assert command.stdout.splitlines() == ["plain,serve"]
    option = _complete({**words, "COMP_WORDS": "accountgraph serve --max-q", "COMP_CWORD": "2"})
    assert sorted(option.stdout.splitlines()) == [
        "plain,--max-query-cost",
        "plain,--max-query-depth",
    ]
